"""Trends over time on the demo roster: one pass against one count per prefix.

Prints, in one process, the time of :func:`loaders.participation.trends`
(statewide, by region, both) against the way it was first computed (one
:func:`loaders.participation.area_figures` per event and per prefix of events,
kept here as the reference), the ratio, and whether both give the same table;
then :func:`loaders.exports.participation_tables` with and without the time
tables (built only when asked for). Never fails on a time.

Run: ``.venv/bin/python bench/bench_trends.py``
"""

from __future__ import annotations

import time

from geodata.boundaries import entity_reference
from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.exports import participation_tables
from loaders.matching import match_roster

CUMULATIVE = ["cumulative_teams", "cumulative_complete_teams", "cumulative_people"]


def by_prefix(teams, reference, events, level):
    """The first computation: area_figures of each event and of each prefix."""
    dated, undated = p.event_order(events)
    present = set(teams["event_id"])
    dated = [e for e in dated if e in present]
    undated = [e for e in undated if e in present]
    everything = p.filter_teams(teams, reference)
    rows = []
    for lvl in {"all": ["all"], "region": ["region"], "both": ["all", "region"]}[level]:
        for i, eid in enumerate(dated + undated):
            one = p.area_figures(
                everything.loc[everything["event_id"] == eid], reference, lvl
            )
            row = one[["teams", "complete_teams", "people"]].to_numpy()
            if i < len(dated):
                sub = everything.loc[everything["event_id"].isin(dated[: i + 1])]
                cum = p.area_figures(sub, reference, lvl)
                row = (row, cum[["teams", "complete_teams", "people"]].to_numpy())
            rows.append(row)
    return rows


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    reference = entity_reference()
    matched = match_roster(demo_roster(reference), reference)
    teams = p.teams_by_event(matched)
    events = load_events()
    n_events = teams["event_id"].nunique()
    print(f"demo roster: {len(teams):,} team rows, {n_events} events")
    for level in ("all", "region", "both"):
        before, _ = timed(lambda lv=level: by_prefix(teams, reference, events, lv), 1)
        after, table = timed(
            lambda lv=level: p.trends(teams, reference, events, level=lv)
        )
        check = by_prefix(teams, reference, events, "all") if level == "all" else None
        same = ""
        if check is not None:
            dated = table.loc[table["dated"]]
            last = check[len(dated) - 1][1][0]
            same = (
                " same last cumulative row: "
                f"{list(dated[CUMULATIVE].iloc[-1]) == list(last)}"
            )
        print(
            f"trends level={level:6s} per-prefix {before * 1000:7.0f} ms  "
            f"one pass {after * 1000:6.0f} ms  ratio {before / after:5.1f}x{same}"
        )
    full, tables = timed(lambda: participation_tables(teams, reference, events))
    start = time.perf_counter()
    for key in ("changes", "trends", "outreach"):
        tables[key]
    forced = time.perf_counter() - start
    print(
        f"participation_tables: {full * 1000:.0f} ms without the time tables; "
        f"changes + trends + outreach when asked for: {forced * 1000:.0f} ms"
    )
    start = time.perf_counter()
    built = p.time_tables(teams, reference, events)
    sizes = {key: len(table) for key, table in built.items()}
    took = (time.perf_counter() - start) * 1000
    print(f"time_tables, all three built: {took:.0f} ms {sizes}")


if __name__ == "__main__":
    main()
