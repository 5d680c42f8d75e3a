"""Cached data for the pages, and the session-state keys pages share.

Everything here only calls :mod:`loaders` and :mod:`geodata`; Streamlit's
caches keep boundaries (per process) and joins (by content) so that a filter
change does not recompute them.

Session-state keys shared between pages (the Export page reads the Map page's):

``map_measure``      measure key (see :data:`geodata.mapview.MEASURES`)
``map_events``       list of event ids (events-attended measure)
``map_event``        one event id (status / completeness measures)
``map_region``       CCSESA region (int) or ``"All"``
``map_county``       county name or ``"All"``
``map_types``        list of district types
``drill_geoid``      the selected district / COE, or None
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import mapnav, roster_source
from geodata import boundaries, mapview, simplify
from loaders import events as events_mod
from loaders import participation
from loaders.workspace import SETTING_SHOW_CONTACTS, Role, RoleRules, open_workspace

STATIC_DIR = Path(__file__).with_name("static")
#: :data:`dashboard.roster_source.DEMO_SOURCE`, as a page's caption says it.
DEMO_LABEL = roster_source.DEMO_SOURCE[0].upper() + roster_source.DEMO_SOURCE[1:]


@st.cache_resource(show_spinner=False)
def static_assets_ready() -> str:
    """Copy Leaflet into the app's static folder once per process."""
    return str(mapview.install_static_assets(STATIC_DIR))


@st.cache_resource(show_spinner="Loading California school-district boundaries…")
def reference() -> pd.DataFrame:
    """Every district and COE (see :func:`geodata.boundaries.entity_reference`)."""
    return boundaries.entity_reference()


@st.cache_resource(show_spinner="Preparing map layers…")
def layers(level: str):
    """Simplified districts and counties for a level of detail."""
    return simplify.web_layers(level)


@st.cache_resource(show_spinner=False, max_entries=4)
def _events_at(url: str, revision: int) -> pd.DataFrame:
    """Published and added events at one workspace revision."""
    return events_mod.all_events(open_workspace(url))


def events() -> pd.DataFrame:
    """Every event: published and added in the workspace (origin column).

    :func:`loaders.events.all_events`, re-read only after a save (cached by the
    workspace's revision, checked at most every :data:`REVISION_MAX_AGE` s).
    The frame is shared by every session: do not modify it in place.

    Raises
    ------
    loaders.workspace.WorkspaceError
        The workspace cannot be opened.
    """
    workspace = open_workspace()
    return _events_at(workspace.url, workspace.revision(REVISION_MAX_AGE))


@dataclass(frozen=True)
class Roster:
    """The matched roster the pages show, shared read-only by every session.

    Attributes
    ----------
    rows : pandas.DataFrame
        Matched roster rows (see :data:`loaders.matching.MATCH_COLUMNS`); never
        modify it in place (copy first): it is cached for the whole process.
    label : str
        Where it came from ("Saved rosters" or :data:`DEMO_LABEL`).
    key : str
        SHA-256 of its values (:func:`content_key`): the cache key of
        everything derived from it.
    rejected : int
        Rows of the saved roster files the reader rejected (not in ``rows``;
        counted as read and not on the map, see
        :func:`loaders.participation.rows_not_on_map`). 0 for the demo.
    """

    rows: pd.DataFrame
    label: str
    key: str
    rejected: int = 0


@st.cache_resource(show_spinner="Matching the demo roster…")
def _demo_roster() -> Roster:
    matched = roster_source.demo_rows(reference())
    return Roster(matched, DEMO_LABEL, content_key(matched))


@st.cache_resource(show_spinner=False, max_entries=4)
def _saved_roster(url: str, revision: int) -> Roster | None:
    """Saved rosters at one workspace revision (re-read only after a save)."""
    workspace = open_workspace(url)
    rows = roster_source.saved_rows(workspace)
    if rows is None:
        return None
    listing = workspace.list_rosters()
    rejected = int(listing["rejected"].fillna(0).sum()) if len(listing) else 0
    return Roster(rows, "Saved rosters", content_key(rows), rejected)


#: Seconds a page may reuse the workspace's revision counter instead of asking
#: the database on every rerun. Saves through this process are seen at once;
#: saves by another process sharing the workspace within this many seconds.
REVISION_MAX_AGE = 2.0


def current_roster() -> Roster:
    """The saved workspace rosters when there are any, else the demo roster.

    Costs at most one small query per :data:`REVISION_MAX_AGE` (the
    workspace's revision counter); the rows are read and hashed again only
    after a save, by any session or process sharing the workspace.

    Raises
    ------
    loaders.workspace.WorkspaceError
        The workspace cannot be opened (see :func:`loaders.workspace.open_workspace`).
    """
    workspace = open_workspace()
    roster, _ = roster_source.saved_or_demo(
        lambda: _saved_roster(workspace.url, workspace.revision(REVISION_MAX_AGE)),
        _demo_roster,
    )
    return roster


def content_key(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's values: the cache key of everything derived from it."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return hashlib.sha256(hashed).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=8)
def _teams_for(
    key: str, events_key: str, _matched: pd.DataFrame, _events: pd.DataFrame
) -> pd.DataFrame:
    return participation.teams_by_event(_matched, _events)


def teams(matched: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
    """Teams per event, cached by the roster's content (``key``, if known).

    Only rows on the map count (:func:`loaders.participation.rows_on_map` with
    :func:`events`): the rows the Map page lists as not on the map count in no
    figure. The frame is shared by every session: do not modify it in place.
    """
    known = events()
    return _teams_for(key or content_key(matched), content_key(known), matched, known)


def _filter_key(
    roster: Roster,
    event_ids: list[str] | None,
    region: int | None,
    county: str | None,
    district_types: list[str],
) -> tuple:
    """The arguments of a cached Map-page figure: the roster's content key, the
    filters as hashable values, and the roster's teams (unhashed, ``_teams``)."""
    return (
        roster.key,
        tuple(event_ids or ()),
        region,
        county,
        tuple(district_types),
        teams(roster.rows, roster.key),
    )


@st.cache_data(show_spinner=False, max_entries=1024)
def _headline_for(
    key: str,
    event_ids: tuple[str, ...],
    region: int | None,
    county: str | None,
    district_types: tuple[str, ...],
    _teams: pd.DataFrame,
) -> dict[str, int]:
    filtered = participation.filter_teams(
        _teams,
        reference(),
        event_ids=list(event_ids) or None,
        regions=[region] if region is not None else None,
        counties=[county] if county else None,
        district_types=list(district_types),
    )
    return participation.headline_figures(filtered)


def headline_figures(
    roster: Roster,
    *,
    event_ids: list[str] | None,
    region: int | None,
    county: str | None,
    district_types: list[str],
) -> dict[str, int]:
    """Headline counts for the Map page's filters.

    :func:`loaders.participation.filter_teams` then
    :func:`loaders.participation.headline_figures`, cached by the roster's
    content key and the filters (every session shares the results).
    """
    return _headline_for(
        *_filter_key(roster, event_ids, region, county, district_types)
    )


@st.cache_data(show_spinner=False, max_entries=512)
def _area_table_for(
    key: str,
    event_ids: tuple[str, ...],
    region: int | None,
    county: str | None,
    district_types: tuple[str, ...],
    _teams: pd.DataFrame,
) -> pd.DataFrame:
    return mapnav.area_table(
        _teams,
        reference(),
        event_ids=list(event_ids) or None,
        region=region,
        county=county,
        district_types=district_types,
    )


def area_table(
    roster: Roster,
    *,
    event_ids: list[str] | None,
    region: int | None,
    county: str | None,
    district_types: list[str],
) -> pd.DataFrame:
    """The Map page's linked table (:func:`dashboard.mapnav.area_table`), cached
    by the roster's content key and the filters (every session shares it)."""
    return _area_table_for(
        *_filter_key(roster, event_ids, region, county, district_types)
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def _team_details_for(
    key: str, _matched: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    details = participation.team_details(_matched, events())
    geoids = details["geoid"].to_numpy()
    spans: dict[str, tuple[int, int]] = {}
    for position, geoid in enumerate(geoids):  # rows are sorted by geoid
        start, _ = spans.get(geoid, (position, position))
        spans[geoid] = (start, position + 1)
    return details[participation.DETAIL_COLUMNS], spans


def team_detail(roster: Roster, geoid: str) -> pd.DataFrame:
    """One team's events and roles (as :func:`loaders.participation.team_detail`).

    Every team's details are computed once per roster
    (:func:`loaders.participation.team_details`); opening a district slices
    its rows.
    """
    details, spans = _team_details_for(roster.key, roster.rows)
    start, stop = spans.get(str(geoid), (0, 0))
    return details.iloc[start:stop].reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def _reference_by_geoid() -> pd.DataFrame:
    return reference().set_index(reference()["geoid"].astype(str), drop=False)


def entity(geoid: str) -> pd.Series | None:
    """The reference row of one district or COE (by GEOID), or ``None``."""
    by_geoid = _reference_by_geoid()
    key = str(geoid)
    return by_geoid.loc[key] if key in by_geoid.index else None


@st.cache_resource(show_spinner=False)
def entity_labels() -> dict[str, str]:
    """GEOID → distinct label of every district and COE (shared, read-only).

    See :func:`geodata.boundaries.entity_labels` (shared names get their county).
    """
    return boundaries.entity_labels(reference())


@st.cache_resource(show_spinner=False)
def _geoid_by_label() -> dict[str, str]:
    return {label: geoid for geoid, label in entity_labels().items()}


def as_geoid(value: object) -> str | None:
    """A GEOID from a GEOID or a label of :func:`entity_labels`; else ``None``.

    A select box can hand back the label it showed rather than the option
    (when its options changed under a pending choice): this turns either into
    the GEOID, and anything else into ``None``.
    """
    if value is None:
        return None
    text = str(value)
    if text in entity_labels():
        return text
    return _geoid_by_label().get(text)


@st.cache_data(show_spinner=False, max_entries=256)
def entity_choices(region: int | None, county: str | None) -> list[str]:
    """GEOIDs of the districts and COEs in a region / county, sorted by name."""
    ref = reference()
    if region is not None:
        ref = ref.loc[ref["ccsesa_region"] == region]
    if county:
        ref = ref.loc[ref["county"] == county]
    return [str(g) for g in ref.sort_values("name")["geoid"]]


@st.cache_data(show_spinner=False, max_entries=16)
def county_choices(region: int | None) -> list[str]:
    """County names of a CCSESA region (all 58 for ``None``), sorted."""
    ref = reference()
    if region is not None:
        ref = ref.loc[ref["ccsesa_region"] == region]
    return sorted(str(c) for c in ref["county"].unique())


@st.cache_data(show_spinner=False, max_entries=1024)
def selection_overlay(level: str, geoid: str | None) -> str:
    """The map's outline script for a selection (see
    :func:`geodata.mapview.selection_overlay_js`), cached per level and GEOID."""
    districts, counties = layers(level)
    return mapview.selection_overlay_js(
        districts, counties, geoid, precision=simplify.LEVELS[level].decimals
    )


# ------------------------------------------------------------- access control
CONTACTS_ENV = "LMI_SHOW_CONTACTS"


def auth_configured() -> bool:
    """Whether sign-in (Streamlit's OpenID Connect ``st.login``) is configured.

    True when ``.streamlit/secrets.toml`` has an ``[auth]`` section.
    """
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def signed_in() -> bool:
    """Whether the visitor has signed in (always False without sign-in)."""
    if not auth_configured():
        return False
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def visitor_role() -> Role | None:
    """The visitor's role: admin without sign-in (the local operator); with
    sign-in, what ``[lmi.roles]`` of ``secrets.toml`` gives the signed-in
    address (:class:`loaders.workspace.RoleRules`), ``None`` for nobody.

    Raises
    ------
    ValueError
        ``[lmi.roles]`` is malformed.
    """
    if not auth_configured():
        return Role.ADMIN
    if not signed_in():
        return None
    try:
        section = dict(st.secrets.get("lmi", {}).get("roles", {}))
    except AttributeError:  # [lmi] roles = "…" (not a table)
        raise ValueError("[lmi.roles] in secrets.toml must be a table.") from None
    rules = RoleRules.from_mapping(section)
    return rules.role_for(st.user.get("email"), verified=st.user.get("email_verified"))


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def contacts_allowed() -> bool:
    """Whether this visitor may see or download names and e-mails.

    The operator decides, not the visitor:

    - without sign-in, only when the app was started with ``LMI_SHOW_CONTACTS=1``;
    - with sign-in configured, for signed-in admins only (issue 16: contact
      details are an admin's right) when ``LMI_SHOW_CONTACTS=1`` or an admin
      turned on "show contact details" on the Data page; never for viewers or
      editors.
    """
    if auth_configured():
        try:
            role = visitor_role()
        except ValueError:
            return False
        if role is None or role < Role.ADMIN:
            return False
        if _env_flag(CONTACTS_ENV):
            return True
        try:
            return bool(open_workspace().get_setting(SETTING_SHOW_CONTACTS, False))
        except Exception:
            return False
    return _env_flag(CONTACTS_ENV)
