"""Cached data for the pages, and the session-state keys pages share.

Everything here only calls :mod:`loaders` and :mod:`geodata`; Streamlit's
caches keep boundaries (per process) and joins (by content) so that a filter
change does not recompute them.

Session-state keys shared between pages (the Export page reads the Map page's):

``map_measure``      measure key (see :data:`geodata.mapview.MEASURES`)
``map_events``       list of event ids (events-attended measure)
``map_event``        one event id (status / completeness measures)
``map_regions``      list of CCSESA regions (int)
``map_counties``     list of county names
``map_types``        list of district types
``drill_geoid``      the selected district / COE, or None
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from geodata import boundaries, mapview, simplify
from loaders import events as events_mod
from loaders import participation

STATIC_DIR = Path(__file__).with_name("static")
DEMO_LABEL = "Built-in demo roster (placeholder people)"


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


@st.cache_resource(show_spinner=False)
def events() -> pd.DataFrame:
    return events_mod.load_events()


@st.cache_data(show_spinner="Matching the demo roster…")
def _demo_matched() -> pd.DataFrame:
    from loaders.demo import demo_roster
    from loaders.matching import match_roster

    rows = demo_roster()
    if "source_row" not in rows.columns:
        rows = rows.assign(source_row=range(2, len(rows) + 2))
    return match_roster(rows, reference())


def _workspace_rows() -> pd.DataFrame | None:
    try:
        from loaders.workspace import open_workspace
    except ImportError:
        return None
    rows = open_workspace().all_rows()
    if rows is None or rows.empty:
        return None
    return rows


def matched_roster() -> tuple[pd.DataFrame, str]:
    """The matched roster the app shows, and where it came from.

    Returns the saved workspace rosters when there are any, else the built-in
    demo roster (clearly labelled).
    """
    rows = _workspace_rows()
    if rows is not None:
        return rows, "Saved rosters"
    return _demo_matched(), DEMO_LABEL


def content_key(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's values: the cache key of everything derived from it."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return hashlib.sha256(hashed).hexdigest()


@st.cache_data(show_spinner=False, max_entries=8)
def _teams_for(key: str, _matched: pd.DataFrame) -> pd.DataFrame:
    return participation.teams_by_event(_matched)


def teams(matched: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
    """Teams per event, cached by the roster's content (``key``, if known)."""
    return _teams_for(key or content_key(matched), matched)


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


def _env_flag(name: str) -> bool:
    import os

    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def contacts_allowed() -> bool:
    """Whether this visitor may see or download names and e-mails.

    The operator decides, not the visitor:

    - without sign-in, only when the app was started with ``LMI_SHOW_CONTACTS=1``;
    - with sign-in configured, for signed-in users when ``LMI_SHOW_CONTACTS=1`` or
      a signed-in user turned on "show contact details" on the Data page.
    """
    if auth_configured():
        if not signed_in():
            return False
        if _env_flag(CONTACTS_ENV):
            return True
        try:
            from loaders.workspace import SETTING_SHOW_CONTACTS, open_workspace

            return bool(open_workspace().get_setting(SETTING_SHOW_CONTACTS, False))
        except Exception:
            return False
    return _env_flag(CONTACTS_ENV)
