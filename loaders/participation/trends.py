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


def _reached_attended(filtered: pd.DataFrame, by: str | None) -> dict:
    came = filtered.loc[filtered["team_status"] == "attended"]
    if by is None:
        return {"All": set(came["geoid"])}
    return {k: set(g["geoid"]) for k, g in came.groupby(by)}


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
    # filtered once: the selections below are its rows of some events, which
    # is what filter_teams(event_ids=...) returns (0.2 s of 1 s saved, measured)
    everything = filter_teams(teams, ref, district_types=district_types)
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

        def figures(ids: list[str], by=by, lvl=lvl):
            sub = everything.loc[everything["event_id"].isin(ids)]
            table = area_figures(sub, ref, lvl)
            key = table["area"] if by is None else table[by].astype(int)
            return table.set_index(key.to_numpy()), sub

        for i, eid in enumerate(dated + undated):
            is_dated = i < len(dated)
            single, _ = figures([eid])
            cumul, sub = figures(dated[: i + 1]) if is_dated else (None, None)
            reached = _reached_attended(sub, by) if is_dated else {}
            for area in areas:
                row = {
                    "area": "California" if by is None else f"Region {area}",
                    "ccsesa_region": None if by is None else area,
                    "event_id": eid,
                    "event": labels.get(eid, eid),
                    "date": dates.get(eid, ""),
                    "dated": is_dated,
                    "teams": int(single.at[area, "teams"]),
                    "complete_teams": int(single.at[area, "complete_teams"]),
                    "people": int(single.at[area, "people"]),
                    "entities": int(entities[area]),
                    "enrollment_total": int(totals.get(area, 0)),
                }
                if is_dated:
                    geoids = reached.get(area, set())
                    row |= {
                        "cumulative_teams": int(cumul.at[area, "teams"]),
                        "cumulative_complete_teams": int(
                            cumul.at[area, "complete_teams"]
                        ),
                        "cumulative_people": int(cumul.at[area, "people"]),
                        "districts_reached": len(geoids),
                        "enrollment_reached": int(
                            sum(enrol_of.get(g, 0) for g in geoids)
                        ),
                    }
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
