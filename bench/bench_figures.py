"""Participation figures of the demo roster: per event, per region, statewide.

Prints the figures (teams, attended, complete teams, people) that the Map page
headline, the region table and the exports show, all from
:func:`loaders.participation.area_figures`, and the rows that break
``complete <= attended <= teams <= reached <= entities`` (none expected).
Never fails on a figure.
"""

from __future__ import annotations

import time

import pandas as pd

from geodata.boundaries import entity_reference
from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.matching import match_roster


def main() -> None:
    pd.set_option("display.width", 200)
    reference = entity_reference()
    rows = demo_roster(reference)
    rows = rows.assign(source_row=range(2, len(rows) + 2))
    matched = match_roster(rows, reference)
    start = time.perf_counter()
    teams = p.teams_by_event(matched)
    built = time.perf_counter() - start
    print(f"teams_by_event: {len(teams):,} rows in {built * 1000:.0f} ms")
    state = p.figures_by_area(teams, reference, "all")
    print("statewide:", state.iloc[0].to_dict())
    filtered = p.filter_teams(teams, reference)
    by_event = p.participation_by_event(filtered, load_events())
    print(by_event.drop(columns=["event", "date"]).to_string(index=False))
    region = p.figures_by_area(teams, reference, "region")
    cols = ["ccsesa_region", "entities", "reached", "teams", "attended"]
    cols += ["complete_teams", "people", "people_attended"]
    print(region[cols].to_string(index=False))
    broken = sum(
        len(p.check_figures(p.figures_by_area(teams, reference, level)))
        for level in ("all", "region", "county", "district")
    )
    print(f"rows breaking complete <= attended <= teams <= reached: {broken}")
    merged = len(p.duplicate_people(matched))
    print(f"people rows merged (same person, same event): {merged}")


if __name__ == "__main__":
    main()
