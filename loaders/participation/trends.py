"""The network over time: figures per event in date order, and cumulatively.

Per event (in the order events started) and cumulatively up to each event:
teams, complete teams, people (the figures of
:func:`loaders.participation.area_figures`, the one definition the Map page
headline and the tables use), districts and COEs ever reached by a team that
attended, and the share of California's K-12 enrollment (CDE, 2018-19, the
district table's ``enrollment``) in those reached districts; statewide and per
CCSESA region.

Events without a published start date cannot be placed in time: they get their
per-event figures, ``dated`` False and no cumulative figures, and come after
the dated events (shown apart, never sorted as if held after the last one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.participation.figures import area_figures, filter_reference, filter_teams

__all__ = [
    "TREND_COLUMNS",
    "event_order",
    "order_event_ids",
    "trends",
]

#: Columns of :func:`trends`.
TREND_COLUMNS: list[str] = [
    "area",
    "ccsesa_region",
    "event_id",
    "event",
    "date",
    "dated",
    "teams",
    "complete_teams",
    "people",
    "cumulative_teams",
    "cumulative_complete_teams",
    "cumulative_people",
    "districts_reached",
    "entities",
    "enrollment_reached",
    "enrollment_total",
    "enrollment_share_pct",
]


def _dates(events: pd.DataFrame) -> pd.Series:
    raw = events["start_date"].astype("string").fillna("").str.strip()
    return pd.Series(raw.to_numpy(), index=events["event_id"].astype(str))


def event_order(events: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Event ids in the order the events started, and those with no date.

    Parameters
    ----------
    events : pandas.DataFrame
        ``event_id`` and ``start_date`` (ISO text, empty or missing when not
        published).

    Returns
    -------
    (dated, undated) : tuple of list of str
        Dated ids sorted by start date (ties by id); undated ids in table order.
    """
    dates = _dates(events)
    dated = dates.loc[dates != ""]
    order = sorted(zip(dated.to_numpy(), dated.index), key=lambda x: (x[0], x[1]))
    return [e for _, e in order], [e for e in dates.index if dates[e] == ""]


def order_event_ids(ids, events: pd.DataFrame, *, undated: str = "last") -> list[str]:
    """``ids`` in date order (dated, undated apart, then unknown ids).

    Parameters
    ----------
    ids : iterable of str
    events : pandas.DataFrame
        As in :func:`event_order`.
    undated : {"last", "first"}
        Where the events without a date go: after the dated ones (a list
        shown to people), or before them (so that "the latest event" is the
        latest dated one).

    Returns
    -------
    list of str
        The distinct ids; unknown ids (not in ``events``, e.g. an event added
        to another workspace) last, sorted.
    """
    dated, no_date = event_order(events)
    wanted = set(ids)
    order = no_date + dated if undated == "first" else dated + no_date
    known = [e for e in order if e in wanted]
    return known + sorted(wanted - set(known))


def _first_seen(
    area: np.ndarray,
    item: np.ndarray,
    rank: np.ndarray,
    n: int,
    areas: list,
    weight: dict | None = None,
) -> pd.DataFrame:
    """Cumulative count (or weight) of distinct items per area, event by event.

    One pass: the first event (``rank``, 0..n-1) at which each (area, item)
    is seen, then a running sum over events. Returns an areas x n frame.
    """
    first = pd.DataFrame({"a": area, "i": item, "r": rank})
    first = first.groupby(["a", "i"], sort=False)["r"].min().reset_index()
    w = first["i"].map(weight).fillna(0) if weight is not None else 1
    added = first.assign(w=w).groupby(["a", "r"])["w"].sum()
    grid = added.unstack("r").reindex(index=areas, columns=range(n)).fillna(0)
    return grid.cumsum(axis=1).astype("int64")


def _cumulative(rows: pd.DataFrame, dated: list[str], key, areas: list, enrol_of):
    """The cumulative figures after each dated event, per area (one pass).

    Equal to :func:`area_figures` of the rows of the events up to each one
    (``teams``, ``complete_teams``, ``people``: the counting rules of
    :func:`loaders.participation.figures._counts`; tests/test_trends.py
    checks every row), plus districts reached by a team that attended and
    their enrollment. Measured on the demo roster: 25x faster than one
    :func:`area_figures` per prefix of events (bench/bench_trends.py).
    """
    n = len(dated)
    rank_of = {e: i for i, e in enumerate(dated)}
    rows = rows.loc[rows["event_id"].isin(rank_of)]
    area = key(rows)
    known = ~pd.isna(area)  # a district outside the reference counts nowhere
    rows, area = rows.loc[known], area[known]
    rank = rows["event_id"].map(rank_of).to_numpy()
    own_mask = (
        (rows["geoid"] == rows["team_geoid"]).to_numpy(bool)
        if "team_geoid" in rows.columns
        else np.ones(len(rows), bool)
    )
    team = rows["team_geoid"] if "team_geoid" in rows.columns else rows["geoid"]
    team = team.to_numpy()[own_mask]
    came = rows["team_status"].eq("attended").to_numpy()
    roles = "roles_came" if "roles_came" in rows.columns else "role_completeness"
    complete = (came & rows[roles].eq(4).to_numpy())[own_mask]
    o_area, o_rank = area[own_mask], rank[own_mask]
    people_area, people_id, people_rank = [], [], []
    texts = rows["person_ids"].to_numpy()[own_mask] if "person_ids" in rows else []
    for a, r, text in zip(o_area, o_rank, texts):
        if isinstance(text, str) and text:
            ids = text.split()
            people_area += [a] * len(ids)
            people_id += ids
            people_rank += [r] * len(ids)
    return {
        "cumulative_teams": _first_seen(o_area, team, o_rank, n, areas),
        "cumulative_complete_teams": _first_seen(
            o_area[complete], team[complete], o_rank[complete], n, areas
        ),
        "cumulative_people": _first_seen(
            np.asarray(people_area, dtype=object),
            np.asarray(people_id, dtype=object),
            np.asarray(people_rank, dtype=int),
            n,
            areas,
        ),
        "districts_reached": _first_seen(
            area[came], rows["geoid"].to_numpy()[came], rank[came], n, areas
        ),
        "enrollment_reached": _first_seen(
            area[came], rows["geoid"].to_numpy()[came], rank[came], n, areas, enrol_of
        ),
    }


def trends(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    *,
    level: str = "all",
    district_types: list[str] | None = None,
) -> pd.DataFrame:
    """Figures per event in date order and cumulatively, statewide or by region.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the roster.
    reference : pandas.DataFrame
        Every district and COE (``geodata.boundaries.entity_reference``, with
        ``enrollment``).
    events : pandas.DataFrame
        The events table (``event_id``, ``label``, ``start_date``). Only
        events with roster rows are listed.
    level : {"all", "region", "both"}
        ``"all"``: one row per event for California; ``"region"``: one row per
        event per CCSESA region (1-11); ``"both"``: the first, then the second.
    district_types : list of str, optional
        Keep these district types only (default all).

    Returns
    -------
    pandas.DataFrame
        :data:`TREND_COLUMNS`: ``area`` (``"California"`` / ``"Region N"``),
        ``ccsesa_region`` (Int64, ``<NA>`` statewide), ``event_id``,
        ``event``, ``date`` (ISO text, ``""`` undated), ``dated`` (bool), the
        per-event ``teams``, ``complete_teams``, ``people`` (int, as
        :func:`loaders.participation.area_figures`), the cumulative figures
        (Int64, ``<NA>`` for undated events), ``entities`` (int),
        ``enrollment_reached`` / ``enrollment_total`` (Int64 pupils) and
        ``enrollment_share_pct`` (float, one decimal). Dated events first in
        date order, then undated ones; by region, ordered by event then region.

    Raises
    ------
    ValueError
        If ``level`` is not ``"all"``, ``"region"`` or ``"both"``.
    """
    levels = {"all": ["all"], "region": ["region"], "both": ["all", "region"]}
    if level not in levels:
        raise ValueError(f"level must be all, region or both, not {level!r}")
    ref = filter_reference(reference, district_types=district_types)
    dated, undated = event_order(events)
    present = set(teams["event_id"])
    dated = [e for e in dated if e in present]
    undated = [e for e in undated if e in present]
    labels = dict(zip(events["event_id"], events["label"]))
    dates = _dates(events).to_dict()
    enrol = pd.to_numeric(ref["enrollment"], errors="coerce").fillna(0)
    enrol_of = dict(zip(ref["geoid"], enrol.astype("int64")))
    everything = filter_teams(teams, ref, district_types=district_types)
    ordered = dated + undated
    everything = everything.loc[everything["event_id"].isin(ordered)]
    rows: list[dict] = []
    for lvl in levels[level]:
        by = None if lvl == "all" else "ccsesa_region"
        if by is None:
            areas: list = ["All"]
            totals = {"All": int(enrol.sum())}
            entities = {"All": len(ref)}
        else:
            region = ref[by].astype(int)
            areas = sorted(set(region))
            totals = enrol.groupby(region).sum().astype(int).to_dict()
            entities = ref.groupby(region).size().to_dict()
        # per event: area_figures of each event's rows, in one grouping
        single = area_figures(everything, ref, lvl, by_event=True)
        single_key = single["area"] if by is None else single[by].astype(int)
        single = single.set_index([single["event_id"], single_key.to_numpy()])
        single = single.reindex(
            pd.MultiIndex.from_product([ordered, areas]), fill_value=0
        )
        cumul = _cumulative(
            everything,
            dated,
            (lambda f: np.full(len(f), "All", dtype=object))
            if by is None
            else (lambda f: f["ccsesa_region"].astype("Int64").to_numpy(object)),
            areas,
            enrol_of,
        )
        for i, eid in enumerate(ordered):
            is_dated = i < len(dated)
            for area in areas:
                at = (eid, area)
                row = {
                    "area": "California" if by is None else f"Region {area}",
                    "ccsesa_region": None if by is None else area,
                    "event_id": eid,
                    "event": labels.get(eid, eid),
                    "date": dates.get(eid, ""),
                    "dated": is_dated,
                    "teams": int(single.at[at, "teams"]),
                    "complete_teams": int(single.at[at, "complete_teams"]),
                    "people": int(single.at[at, "people"]),
                    "entities": int(entities[area]),
                    "enrollment_total": int(totals.get(area, 0)),
                }
                if is_dated:
                    row |= {c: int(f.at[area, i]) for c, f in cumul.items()}
                rows.append(row)
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    for c in [
        "cumulative_teams",
        "cumulative_complete_teams",
        "cumulative_people",
        "districts_reached",
        "enrollment_reached",
        "enrollment_total",
        "ccsesa_region",
    ]:
        out[c] = out[c].astype("Int64")
    for c in ("teams", "complete_teams", "people", "entities"):
        out[c] = out[c].astype("int64")
    out["dated"] = out["dated"].astype(bool)
    share = out["enrollment_reached"].astype("Float64") / out[
        "enrollment_total"
    ].astype("Float64").replace(0, np.nan)
    out["enrollment_share_pct"] = (100 * share).round(1).astype("Float64")
    out["date"] = out["date"].fillna("").astype(str)
    return out
