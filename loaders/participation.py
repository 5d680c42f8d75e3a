"""Teams, role completeness and participation measures from a matched roster.

A *team* is the group of people one district or COE sends to one event. Its
*status* at that event is the best status among its rows (attended > registered >
waitlisted > applied > cancelled) and its *role completeness* is how many of the
four roles (superintendent, board member, teachers union president, classified
union president) reached that best status: for a team that attended, the roles
that came; for a team that only applied, the roles named in the application.

Input is a matched roster (see ARCHITECTURE.md): rows whose ``match_status`` is
not ``matched`` have no ``geoid`` and form no team; they are reported by the
matching step and the Data page, never dropped here silently (see
:func:`unmatched_rows`). A matched row whose ``linked_geoids`` names further
districts (shared governance) counts for each of them.
"""

from __future__ import annotations

import pandas as pd

from loaders.vocab import ROLES, STATUSES

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "headline_figures",
    "participation_by_area",
    "participation_by_event",
    "team_detail",
    "team_details",
    "teams_by_event",
    "unmatched_rows",
]

ROLE_LABELS: dict[str, str] = {
    "superintendent": "Superintendent",
    "board_member": "Board member",
    "teachers_union_president": "Teachers union president",
    "classified_union_president": "Classified union president",
}
#: Team statuses from best to worst (the canonical roster statuses).
STATUS_ORDER: tuple[str, ...] = STATUSES
STATUS_LABELS: dict[str, str] = {
    "attended": "Attended",
    "registered": "Registered",
    "waitlisted": "Waitlisted",
    "applied": "Applied, did not attend",
    "cancelled": "Cancelled",
}
_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}

TEAM_COLUMNS = [
    "geoid",
    "event_id",
    "team_status",
    "n_people",
    *[f"role_{r}" for r in ROLES],
    "role_completeness",
    "missing_roles",
]


def _expand_linked(matched: pd.DataFrame) -> pd.DataFrame:
    rows = matched.loc[matched["match_status"] == "matched"].copy()
    if "linked_geoids" not in rows.columns:
        return rows
    linked = rows["linked_geoids"].fillna("").astype(str)
    has = linked.str.len() > 0
    if not has.any():
        return rows
    extra = rows.loc[has].copy()
    extra["geoid"] = linked[has].str.split(";")
    extra = extra.explode("geoid")
    extra["geoid"] = extra["geoid"].str.strip()
    extra = extra.loc[extra["geoid"] != ""]
    return pd.concat([rows, extra], ignore_index=True)


def teams_by_event(matched: pd.DataFrame) -> pd.DataFrame:
    """One row per team (district or COE) per event.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster: at least ``event_id``, ``role``, ``status``,
        ``match_status`` and ``geoid`` (text). Rows not ``matched`` are ignored
        here (see :func:`unmatched_rows`).

    Returns
    -------
    pandas.DataFrame
        Columns ``geoid`` (str), ``event_id`` (str), ``team_status`` (str, one of
        :data:`STATUS_ORDER`), ``n_people`` (int: roster rows of the team at the
        event, any status), ``role_<role>`` (bool for each of :data:`ROLES`: that
        role reached the team's status), ``role_completeness`` (int 0-4) and
        ``missing_roles`` (str, ``"; "``-joined labels of the roles not there).
        Sorted by ``event_id``, ``geoid``.
    """
    rows = _expand_linked(matched)
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in TEAM_COLUMNS})
    rows = rows.assign(
        _rank=rows["status"].map(_RANK).fillna(len(STATUS_ORDER)).astype(int)
    )
    keys = ["geoid", "event_id"]
    best = rows.groupby(keys, sort=True)["_rank"].min().rename("_best")
    n_people = rows.groupby(keys, sort=True).size().rename("n_people")
    rows = rows.join(best, on=keys)
    at_best = rows.loc[rows["_rank"] == rows["_best"]]
    present = at_best.groupby(keys + ["role"], sort=True).size()
    roles = (
        present.unstack("role", fill_value=0)
        .reindex(columns=list(ROLES), fill_value=0)
        .gt(0)
    )
    roles.columns = [f"role_{r}" for r in roles.columns]
    teams = pd.concat([best, n_people], axis=1).join(roles).reset_index()
    role_cols = [f"role_{r}" for r in ROLES]
    teams[role_cols] = teams[role_cols].astype("boolean").fillna(False).astype(bool)
    teams["team_status"] = (
        teams["_best"].map(dict(enumerate(STATUS_ORDER))).fillna("applied")
    )
    teams["role_completeness"] = teams[[f"role_{r}" for r in ROLES]].sum(axis=1)
    teams["missing_roles"] = [
        "; ".join(ROLE_LABELS[r] for r in ROLES if not row[f"role_{r}"])
        for _, row in teams.iterrows()
    ]
    teams["n_people"] = teams["n_people"].astype(int)
    teams["role_completeness"] = teams["role_completeness"].astype(int)
    return teams[TEAM_COLUMNS].sort_values(["event_id", "geoid"], ignore_index=True)


def _dtype(column: str) -> str:
    if column.startswith("role_") and column != "role_completeness":
        return "bool"
    if column in ("n_people", "role_completeness"):
        return "int64"
    return "string"


def unmatched_rows(matched: pd.DataFrame) -> pd.DataFrame:
    """Roster rows that form no team yet (ambiguous or unmatched), as given."""
    return matched.loc[matched["match_status"] != "matched"]


def filter_teams(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> pd.DataFrame:
    """Teams restricted to events and to districts/COEs by region, county and type.

    Parameters
    ----------
    teams : pandas.DataFrame
        Output of :func:`teams_by_event`.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``ccsesa_region``,
        ``county``, ``district_type``...).
    event_ids, regions, counties : list or None
        ``None`` or empty keeps all.
    district_types : list or None
        ``None`` keeps all; an empty list keeps none (nothing ticked).

    Returns
    -------
    pandas.DataFrame
        The team rows kept, joined with ``name``, ``district_type``, ``county``,
        ``ccsesa_region`` of their district or COE.
    """
    ref = reference[["geoid", "name", "district_type", "county", "ccsesa_region"]]
    out = teams.merge(ref, on="geoid", how="left")
    if event_ids:
        out = out.loc[out["event_id"].isin(event_ids)]
    if regions:
        out = out.loc[out["ccsesa_region"].isin([int(r) for r in regions])]
    if counties:
        out = out.loc[out["county"].isin(counties)]
    if district_types is not None:
        out = out.loc[out["district_type"].isin(list(district_types))]
    return out.reset_index(drop=True)


def headline_figures(filtered_teams: pd.DataFrame) -> dict[str, int]:
    """Headline numbers for a filtered team table.

    Parameters
    ----------
    filtered_teams : pandas.DataFrame
        Output of :func:`filter_teams`.

    Returns
    -------
    dict
        Counts of distinct districts/COEs, so that each is at most ``teams``:
        ``teams`` (with any team), ``attended`` (attended at least one selected
        event), ``complete_teams`` (attended at least one with all four roles),
        ``applied_not_attended`` (on the roster but attended none of the
        selected events), ``role_<role>`` for each role (that role came to at
        least one selected event); and ``team_events`` (team × event rows).
    """
    t = filtered_teams
    attended = t.loc[t["team_status"] == "attended"]
    attended_ids = set(attended["geoid"])
    figures = {
        "teams": int(t["geoid"].nunique()),
        "team_events": len(t),
        "attended": len(attended_ids),
        "complete_teams": int(
            attended.loc[attended["role_completeness"] == 4, "geoid"].nunique()
        ),
        "applied_not_attended": int(
            t.loc[~t["geoid"].isin(attended_ids), "geoid"].nunique()
        ),
    }
    for role in ROLES:
        figures[f"role_{role}"] = int(
            attended.loc[attended[f"role_{role}"], "geoid"].nunique()
        )
    return figures


#: Columns of :func:`team_detail` (and of :func:`team_details` after ``geoid``).
DETAIL_COLUMNS = [
    "event",
    "date",
    "team_status",
    *ROLE_LABELS.values(),
    "role_completeness",
]


def team_details(matched: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Every team's events and roles at once (:func:`team_detail` for all GEOIDs).

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (see :func:`teams_by_event`).
    events : pandas.DataFrame
        :func:`loaders.events.load_events` (``event_id``, ``label``,
        ``start_date``).

    Returns
    -------
    pandas.DataFrame
        ``geoid`` (str) then :data:`DETAIL_COLUMNS`; one row per team per
        event, sorted by ``geoid``, ``date``, ``event``, so that one team's rows
        are contiguous (an app can slice them without filtering the roster).
    """
    teams = teams_by_event(matched)
    if teams.empty:
        return pd.DataFrame(columns=["geoid", *DETAIL_COLUMNS])
    rows = _expand_linked(matched)
    rows = rows.assign(_rank=rows["status"].map(_RANK).fillna(len(STATUS_ORDER)))
    best = rows.groupby(["geoid", "event_id", "role"])["_rank"].min()
    best = best.unstack("role").reindex(columns=list(ROLES))
    rank_label = {float(i): STATUS_LABELS[s] for i, s in enumerate(STATUS_ORDER)}
    by_role = pd.DataFrame(
        {
            ROLE_LABELS[role]: best[role].map(rank_label).fillna("").astype(object)
            for role in ROLES
        },
        index=best.index,
    )
    ev = events.set_index("event_id")
    out = teams[["geoid", "event_id", "team_status", "role_completeness"]].join(
        by_role, on=["geoid", "event_id"]
    )
    labels = ev["label"] if "label" in ev else pd.Series(dtype=object)
    dates = ev["start_date"] if "start_date" in ev else pd.Series(dtype=object)
    out["event"] = out["event_id"].map(labels).fillna(out["event_id"]).astype(str)
    out["date"] = out["event_id"].map(dates).fillna("").astype(str)
    out["team_status"] = (
        out["team_status"].map(STATUS_LABELS).fillna(out["team_status"]).astype(str)
    )
    out["role_completeness"] = out["role_completeness"].astype(int).astype(str) + "/4"
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
        One row per event the team appears at, ordered by date: ``event``
        (label), ``date``, ``team_status`` (label), then one column per role
        label holding that role's best status label (empty when absent), and
        ``role_completeness`` ("n/4"). No names or contact details. Empty
        (with these columns) when the roster has no team for ``geoid``.

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


def participation_by_event(teams: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per event: teams by status, complete teams and people.

    Returns
    -------
    pandas.DataFrame
        ``event_id``, ``event``, ``date``, ``teams``, one column per status,
        ``complete_teams`` (attended with 4/4), ``people``.
    """
    counts = (
        teams.pivot_table(
            index="event_id", columns="team_status", values="geoid", aggfunc="count"
        )
        .reindex(columns=list(STATUS_ORDER))
        .fillna(0)
        .astype(int)
    )
    complete = (
        teams.loc[
            (teams["team_status"] == "attended") & (teams["role_completeness"] == 4)
        ]
        .groupby("event_id")
        .size()
    )
    out = events[["event_id", "label", "start_date"]].rename(
        columns={"label": "event", "start_date": "date"}
    )
    out = out.merge(counts, left_on="event_id", right_index=True, how="left")
    out[list(STATUS_ORDER)] = out[list(STATUS_ORDER)].fillna(0).astype(int)
    out["teams"] = out[list(STATUS_ORDER)].sum(axis=1)
    out["complete_teams"] = out["event_id"].map(complete).fillna(0).astype(int)
    out["people"] = (
        out["event_id"].map(teams.groupby("event_id")["n_people"].sum()).fillna(0)
    ).astype(int)
    return out[
        [
            "event_id",
            "event",
            "date",
            "teams",
            *STATUS_ORDER,
            "complete_teams",
            "people",
        ]
    ]


def participation_by_area(
    filtered_teams: pd.DataFrame, reference: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Participation aggregated by ``"district"``, ``"county"`` or ``"region"``.

    Parameters
    ----------
    filtered_teams : pandas.DataFrame
        Output of :func:`filter_teams`.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    level : {"district", "county", "region"}

    Returns
    -------
    pandas.DataFrame
        One row per area with ``entities`` (districts + COEs in the area),
        ``teams`` (with any team), ``attended`` (attended at least one selected
        event), ``complete_teams`` and ``coverage_pct`` (attended / entities).

    Raises
    ------
    ValueError
        If ``level`` is not one of the three.
    """
    key = {"district": "geoid", "county": "county", "region": "ccsesa_region"}.get(
        level
    )
    if key is None:
        raise ValueError(f"level must be district, county or region, not {level!r}")
    t = filtered_teams
    att = t.loc[t["team_status"] == "attended"]
    ref = reference.copy()
    ref["_team"] = ref["geoid"].isin(t["geoid"])
    ref["_att"] = ref["geoid"].isin(att["geoid"])
    complete = att.loc[att["role_completeness"] == 4].groupby("geoid").size()
    ref["_complete"] = ref["geoid"].map(complete).fillna(0).astype(int)
    if level == "district":
        events = t.groupby("geoid")["event_id"].nunique()
        ev_att = att.groupby("geoid")["event_id"].nunique()
        out = ref.loc[
            ref["_team"],
            ["geoid", "cd_code", "name", "district_type", "county", "ccsesa_region"],
        ].copy()
        out["events"] = out["geoid"].map(events).fillna(0).astype(int)
        out["events_attended"] = out["geoid"].map(ev_att).fillna(0).astype(int)
        out["complete_teams"] = out["geoid"].map(complete).fillna(0).astype(int)
        return out.sort_values(["ccsesa_region", "county", "name"], ignore_index=True)
    grouped = ref.groupby(key).agg(
        entities=("geoid", "size"),
        teams=("_team", "sum"),
        attended=("_att", "sum"),
        complete_teams=("_complete", "sum"),
    )
    grouped["coverage_pct"] = (100 * grouped["attended"] / grouped["entities"]).round(1)
    return grouped.reset_index()
