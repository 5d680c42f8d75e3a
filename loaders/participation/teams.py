"""Teams per event and their role completeness, from a matched roster.

A *team* is the group of people one district or COE sends to one event. Its key
is the ``geoid`` of the matched roster rows (the *primary* district of the
match). A team whose rows name further districts in ``linked_geoids`` (shared
governance: "Santa Rosa City Schools" is an elementary and a high-school
district with one board) is still **one team** of its people; it *reaches*
each of its districts.

Two views of the same teams exist, in one frame (:func:`teams_by_event`):

* the **reach view**, one row per district or COE per event, what the maps
  colour: the team's own district and every district it is linked to;
* the **team view**, the rows where ``geoid == team_geoid``
  (:func:`own_rows`): one row per team per event, what every count uses, so a
  shared team and its people count once.

A team's *status* at an event is the best status among its rows (attended >
registered > waitlisted > applied > cancelled). Its *role completeness* says
which status it counts (``completeness_basis``): for a team that attended, the
roles that **came** (status attended); for any other team, the roles that
**applied** (applied, registered or waitlisted). A cancelled role never counts,
so a fully cancelled team is "0/4 applied", and an invite list's "4/4 applied"
cannot be read as "4/4 came".

Only rows on the map form teams: given the known events, :func:`teams_by_event`
counts :func:`loaders.participation.notonmap.rows_on_map` and nothing else, so
a row at an unknown event or with an unreadable status is listed as "not on the
map" and counted in no figure, map, table or export. Rows whose
``match_status`` is not ``matched`` have no ``geoid`` and form no team either;
they are reported by the matching step and the Data page, never dropped here
silently (see :func:`unmatched_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from loaders.participation.notonmap import rows_on_map
from loaders.participation.people import (
    person_ids,
    person_keys,
)
from loaders.vocab import ROLE_LABELS, ROLES, STATUS_LABELS, STATUSES

__all__ = [
    "APPLIED_STATUSES",
    "COMPLETENESS_BASES",
    "DETAIL_COLUMNS",
    "ROLES",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "TEAM_COLUMNS",
    "completeness_label",
    "own_rows",
    "team_detail",
    "team_details",
    "teams_by_event",
    "unmatched_rows",
]

#: Team statuses from best to worst (the canonical roster statuses).
STATUS_ORDER: tuple[str, ...] = STATUSES
#: Statuses a role counts with for a team that did not attend ("applied").
APPLIED_STATUSES: tuple[str, ...] = ("registered", "waitlisted", "applied")
#: ``completeness_basis`` values: roles that came (attended teams) or applied.
COMPLETENESS_BASES: tuple[str, ...] = ("came", "applied")
_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
_ROLE_COLS = [f"role_{r}" for r in ROLES]

#: Columns of :func:`teams_by_event`.
TEAM_COLUMNS = [
    "geoid",
    "event_id",
    "team_geoid",
    "linked_geoids",
    "team_status",
    "n_people",
    *_ROLE_COLS,
    "role_completeness",
    "completeness_basis",
    "roles_came",
    "missing_roles",
    "person_ids",
    "person_ids_came",
]
_INT_COLUMNS = ("n_people", "role_completeness", "roles_came")


def _empty_teams() -> pd.DataFrame:
    def dtype(column: str) -> str:
        if column in _ROLE_COLS:
            return "bool"
        return "int64" if column in _INT_COLUMNS else "string"

    return pd.DataFrame({c: pd.Series(dtype=dtype(c)) for c in TEAM_COLUMNS})


def _matched_rows(matched: pd.DataFrame) -> pd.DataFrame:
    """Matched rows with their team key, person id and status rank."""
    ok = matched["match_status"].eq("matched").fillna(False).astype(bool)
    ok &= matched["geoid"].notna().to_numpy()
    ids = person_ids(person_keys(matched))
    rows = matched.loc[ok, ["geoid", "event_id", "role", "status"]].copy()
    rows["geoid"] = rows["geoid"].astype(str)
    rows["_pid"] = ids[ok.to_numpy()]
    rows["_rank"] = rows["status"].map(_RANK).fillna(len(STATUS_ORDER)).astype(int)
    if "linked_geoids" in matched.columns:
        linked = matched.loc[ok, "linked_geoids"].fillna("").astype(str)
    else:
        linked = pd.Series("", index=rows.index)
    rows["_linked"] = linked
    return rows


def _roles_with(rows: pd.DataFrame, mask: pd.Series, index: pd.Index) -> pd.DataFrame:
    present = (
        rows.loc[mask]
        .groupby(["geoid", "event_id", "role"], sort=False)
        .size()
        .unstack("role", fill_value=0)
        .reindex(index=index, columns=list(ROLES), fill_value=0)
        .fillna(0)
        .gt(0)
    )
    present.columns = _ROLE_COLS
    return present


def _joined_ids(rows: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Space-joined sorted distinct person ids per team and event ("" if none)."""
    ids = rows[["geoid", "event_id", "_pid"]].drop_duplicates()
    ids = ids.sort_values(["geoid", "event_id", "_pid"])
    joined = ids.groupby(["geoid", "event_id"], sort=False)["_pid"].agg(" ".join)
    return joined.reindex(index).fillna("")


def _linked_sets(rows: pd.DataFrame, index: pd.Index) -> pd.Series:
    """``;``-joined other districts each team stands for ("" for most teams)."""
    linked = rows.loc[rows["_linked"] != "", ["geoid", "event_id", "_linked"]]
    if linked.empty:
        return pd.Series("", index=index)
    linked = linked.assign(_g=linked["_linked"].str.split(";")).explode("_g")
    linked["_g"] = linked["_g"].str.strip()
    linked = linked.loc[(linked["_g"] != "") & (linked["_g"] != linked["geoid"])]
    linked = linked.drop_duplicates(["geoid", "event_id", "_g"]).sort_values("_g")
    joined = linked.groupby(["geoid", "event_id"], sort=False)["_g"].agg(";".join)
    return joined.reindex(index).fillna("")


def _team_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The team view: one row per (primary ``geoid``, ``event_id``)."""
    keys = ["geoid", "event_id"]
    grouped = rows.groupby(keys, sort=True)
    teams = grouped["_rank"].min().rename("_best").to_frame()
    index = teams.index
    teams["n_people"] = grouped["_pid"].nunique()
    teams["person_ids"] = _joined_ids(rows, index)
    teams["person_ids_came"] = _joined_ids(
        rows.loc[rows["status"] == "attended"], index
    )
    teams["linked_geoids"] = _linked_sets(rows, index)
    came = _roles_with(rows, rows["status"] == "attended", index)
    applied = _roles_with(rows, rows["status"].isin(APPLIED_STATUSES), index)
    attended = (teams["_best"] == _RANK["attended"]).to_numpy()
    basis = pd.DataFrame(
        np.where(attended[:, None], came.to_numpy(), applied.to_numpy()),
        index=index,
        columns=_ROLE_COLS,
    )
    teams = teams.join(basis)
    teams["team_status"] = teams["_best"].map(dict(enumerate(STATUS_ORDER)))
    teams["team_status"] = teams["team_status"].fillna("applied")
    teams["completeness_basis"] = np.where(attended, "came", "applied")
    teams["role_completeness"] = basis.sum(axis=1).astype(int)
    teams["roles_came"] = came.sum(axis=1).astype(int)
    labels = np.array([ROLE_LABELS[r] for r in ROLES], dtype=object)
    teams["missing_roles"] = [
        "; ".join(labels[~flags]) for flags in basis.to_numpy(dtype=bool)
    ]
    teams = teams.reset_index()
    teams["team_geoid"] = teams["geoid"]
    return teams


def _reach_rows(teams: pd.DataFrame) -> pd.DataFrame:
    """Add a row for every district a team is linked to (the reach view).

    A district that has its own team at the event keeps its own row; one
    reached only through links takes the row of the best linking team (best
    status, then more roles, then the smaller team GEOID).
    """
    has_links = teams["linked_geoids"] != ""
    if not has_links.any():
        return teams
    extra = teams.loc[has_links].copy()
    extra["geoid"] = extra["linked_geoids"].str.split(";")
    extra = extra.explode("geoid")
    own = pd.MultiIndex.from_frame(teams[["geoid", "event_id"]])
    taken = pd.MultiIndex.from_frame(extra[["geoid", "event_id"]]).isin(own)
    extra = extra.loc[~taken]
    extra = extra.sort_values(
        ["geoid", "event_id", "_best", "role_completeness", "team_geoid"],
        ascending=[True, True, True, False, True],
    ).drop_duplicates(["geoid", "event_id"])
    return pd.concat([teams, extra], ignore_index=True)


def teams_by_event(
    matched: pd.DataFrame, events: pd.DataFrame | Iterable[str] | None = None
) -> pd.DataFrame:
    """One row per district or COE reached per event (the reach view).

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster: at least ``event_id``, ``role``, ``status``,
        ``match_status`` and ``geoid`` (text); ``linked_geoids``,
        ``person_name`` and ``email`` when present. Rows not ``matched`` are
        ignored here (see :func:`unmatched_rows`).
    events : pandas.DataFrame or iterable of str, optional
        The known events (published and added in the workspace: a frame with
        ``event_id``, or the ids). Given, only
        :func:`loaders.participation.notonmap.rows_on_map` count: a row at an
        unknown event or with an unreadable status forms no team (it is listed
        as not on the map). Every page and command passes them. ``None``: the
        rows' events are taken as known (tests of the team rules).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TEAM_COLUMNS`: ``geoid`` (str: the district or COE
        reached), ``event_id`` (str), ``team_geoid`` (str: the team's key, the
        primary GEOID of its matched rows; equal to ``geoid`` on the team's own
        row, see :func:`own_rows`), ``linked_geoids`` (str, ``;``-joined other
        districts the team stands for), ``team_status`` (str, one of
        :data:`STATUS_ORDER`), ``n_people`` (int: distinct people of the team
        at the event, any status; see
        :func:`loaders.participation.people.person_keys`), ``role_<role>``
        (bool for each of :data:`ROLES`: that role counts, see
        ``completeness_basis``), ``role_completeness`` (int 0-4),
        ``completeness_basis`` (``"came"`` for a team that attended: roles
        whose status is attended; ``"applied"`` otherwise: roles applied,
        registered or waitlisted; cancelled never counts), ``roles_came``
        (int 0-4: roles that came, whatever the basis), ``missing_roles``
        (str, ``"; "``-joined labels of the roles not counted), ``person_ids``
        and ``person_ids_came`` (str: space-separated ids of the team's people
        at the event, all / those who came; hashes, no personal data). Sorted
        by ``event_id``, ``geoid``.
    """
    if events is not None:
        matched = rows_on_map(matched, events)
    rows = _matched_rows(matched)
    if rows.empty:
        return _empty_teams()
    teams = _reach_rows(_team_rows(rows))
    for column in _INT_COLUMNS:
        teams[column] = teams[column].astype(int)
    teams[_ROLE_COLS] = teams[_ROLE_COLS].astype(bool)
    return teams[TEAM_COLUMNS].sort_values(["event_id", "geoid"], ignore_index=True)


def own_rows(teams: pd.DataFrame) -> pd.DataFrame:
    """The team view of :func:`teams_by_event`: one row per team per event.

    Rows where ``geoid == team_geoid``; a frame without ``team_geoid`` (built
    by older code) is returned as it is.
    """
    if "team_geoid" not in teams.columns:
        return teams
    return teams.loc[(teams["geoid"] == teams["team_geoid"]).to_numpy(dtype=bool)]


def completeness_label(completeness: int, basis: str) -> str:
    """How a team's role completeness reads: ``"3/4 came"``, ``"4/4 applied"``.

    >>> completeness_label(4, "applied")
    '4/4 applied'
    """
    return f"{int(completeness)}/4 {basis}"


def unmatched_rows(matched: pd.DataFrame) -> pd.DataFrame:
    """Roster rows that form no team yet (ambiguous or unmatched), as given."""
    return matched.loc[matched["match_status"] != "matched"]


#: Columns of :func:`team_detail` (and of :func:`team_details` after ``geoid``).
DETAIL_COLUMNS = [
    "event",
    "date",
    "team_status",
    *ROLE_LABELS.values(),
    "role_completeness",
    "completeness_basis",
    "team_of",
]


def team_details(matched: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Every team's events and roles at once (:func:`team_detail` for all GEOIDs).

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (see :func:`teams_by_event`).
    events : pandas.DataFrame
        The known events, e.g. :func:`loaders.events.all_events` (``event_id``,
        ``label``, ``start_date``); rows not on the map
        (:func:`loaders.participation.notonmap.rows_on_map`) count nowhere.

    Returns
    -------
    pandas.DataFrame
        ``geoid`` (str) then :data:`DETAIL_COLUMNS`; one row per district or
        COE reached per event, sorted by ``geoid``, ``date``, ``event``, so that
        one district's rows are contiguous (an app can slice them without
        filtering the roster). A district reached through a shared-governance
        team shows that team's roles and, in ``team_of``, the team's GEOID
        (empty on a team's own rows).
    """
    matched = rows_on_map(matched, events)
    teams = teams_by_event(matched)
    if teams.empty:
        return pd.DataFrame(columns=["geoid", *DETAIL_COLUMNS])
    rows = _matched_rows(matched)
    best = rows.groupby(["geoid", "event_id", "role"])["_rank"].min()
    best = best.unstack("role").reindex(columns=list(ROLES))
    rank_label = {float(i): STATUS_LABELS[s] for i, s in enumerate(STATUS_ORDER)}
    by_role = pd.DataFrame(
        {
            ROLE_LABELS[role]: best[role].map(rank_label).fillna("").astype(object)
            for role in ROLES
        },
        index=best.index.set_names(["team_geoid", "event_id"]),
    )
    ev = events.set_index("event_id")
    out = teams[
        [
            "geoid",
            "team_geoid",
            "event_id",
            "team_status",
            "role_completeness",
            "completeness_basis",
        ]
    ].join(by_role, on=["team_geoid", "event_id"])
    labels = ev["label"] if "label" in ev else pd.Series(dtype=object)
    dates = ev["start_date"] if "start_date" in ev else pd.Series(dtype=object)
    out["event"] = out["event_id"].map(labels).fillna(out["event_id"]).astype(str)
    out["date"] = out["event_id"].map(dates).fillna("").astype(str)
    out["team_status"] = (
        out["team_status"].map(STATUS_LABELS).fillna(out["team_status"]).astype(str)
    )
    out["role_completeness"] = [
        completeness_label(n, basis)
        for n, basis in zip(out["role_completeness"], out["completeness_basis"])
    ]
    out["team_of"] = np.where(
        out["geoid"] == out["team_geoid"], "", out["team_geoid"].astype(str)
    )
    for label in ROLE_LABELS.values():
        out[label] = out[label].fillna("").astype(str)
    out = out[["geoid", *DETAIL_COLUMNS]].astype({"geoid": str})
    return out.sort_values(["geoid", "date", "event"], ignore_index=True)


def team_detail(
    matched: pd.DataFrame, geoid: str, events: pd.DataFrame
) -> pd.DataFrame:
    """One district's or COE's team at each event: which roles came, with status.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster.
    geoid : str
        NCES LEA id of a district, or county FIPS of a COE.
    events : pandas.DataFrame
        :func:`loaders.events.load_events` (``event_id``, ``label``,
        ``start_date``).

    Returns
    -------
    pandas.DataFrame
        One row per event the district is reached at, ordered by date:
        ``event`` (label), ``date``, ``team_status`` (label), then one column
        per role label holding that role's best status label (empty when
        absent), ``role_completeness`` (``"n/4 came"`` for a team that
        attended, ``"n/4 applied"`` otherwise: see :func:`teams_by_event`),
        ``completeness_basis`` and ``team_of`` (the GEOID of the
        shared-governance team that reached this district; empty for its own
        team). No names or contact details. Empty (with these columns) when
        the roster has no team for ``geoid``.

    See Also
    --------
    team_details : the same for every team at once (what the app caches).
    """
    mine = matched["geoid"] == geoid
    if "linked_geoids" in matched.columns:  # shared governance: linked teams too
        linked = matched["linked_geoids"].fillna("").astype(str)
        mine |= linked.str.contains(geoid, regex=False)
    details = team_details(matched.loc[mine.fillna(False).astype(bool)], events)
    details = details.loc[details["geoid"] == str(geoid), DETAIL_COLUMNS]
    return details.reset_index(drop=True)
