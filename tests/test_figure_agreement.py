"""Where two places claim the same figure, they show the same number.

The Map page headline (:func:`loaders.participation.headline_figures`), the
Trends page's latest cumulative figures (:func:`loaders.participation.trends`),
the exported tables (:func:`loaders.exports.participation_tables`) and the map
legend's counts (:func:`geodata.measures.measure_layer`) on the demo roster,
for all events; each figure named so that a difference is explained.
"""

from __future__ import annotations

import pytest

from dashboard import mapnav, trendview
from geodata.measures import REGISTRY, measure_layer
from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.exports import participation_tables
from loaders.matching import match_roster


@pytest.fixture(scope="module")
def demo(reference):
    return p.teams_by_event(match_roster(demo_roster(reference), reference))


@pytest.fixture(scope="module")
def events():
    return load_events()


def test_trends_latest_cumulative_figures_are_the_map_headline(
    demo, reference, events
):
    table = p.trends(demo, reference, events)
    last = table.loc[table["dated"]].iloc[-1]
    dated, _undated = p.event_order(events)
    # the Map page headline for every dated event (the cumulative figures
    # leave out events without a date, and say so)
    dated = [e for e in dated if e in set(demo["event_id"])]
    rows = p.filter_teams(demo, reference, event_ids=dated)
    head = p.headline_figures(rows, reference)
    assert last["cumulative_teams"] == head["teams"]
    assert last["cumulative_complete_teams"] == head["complete_teams"]
    assert last["cumulative_people"] == head["people"]
    assert last["entities"] == head["entities"]
    # districts attended (reached by a team that came) is coverage's count
    assert round(100 * last["districts_reached"] / last["entities"], 1) == (
        head["coverage_pct"]
    )
    # a district attended is a district reached; a team attended is a team
    assert last["districts_reached"] <= head["reached"]
    assert head["attended"] <= head["teams"] <= head["reached"]


def test_all_events_headline_and_exported_tables_agree(demo, reference, events):
    head = p.headline_figures(p.filter_teams(demo, reference), reference)
    tables = participation_tables(demo, reference, events)
    for level in ("region", "county"):
        for key in ("teams", "reached", "attended", "applied_not_attended"):
            assert tables[level][key].sum() == head[key], (level, key)
    by_district = tables["district"]
    assert len(by_district) == head["reached"]
    assert (by_district["teams"].sum(), by_district["attended"].sum()) == (
        head["teams"],
        head["attended"],
    )


def test_legend_attended_none_counts_districts_the_headline_counts_teams(
    demo, reference
):
    """"Team, attended none" (districts) vs "Teams, attended none" (teams)."""
    head = p.headline_figures(p.filter_teams(demo, reference), reference)
    layer = measure_layer(reference[["geoid"]], demo, measure="events_attended")
    none_label = REGISTRY["events_attended"].classes[0].label
    districts_none = int((layer["measure_label"] == none_label).sum())
    rows = p.filter_teams(demo, reference)
    districts_attended = rows.loc[rows["team_status"] == "attended", "geoid"].nunique()
    share = round(100 * districts_attended / head["entities"], 1)
    assert share == head["coverage_pct"]
    # every district reached, by a team that came or not
    assert districts_none + districts_attended == head["reached"]
    # a shared-governance team that attended none colours each of its districts
    assert districts_none >= head["applied_not_attended"]
    labels = {m.key: m.label for m in mapnav.HEADLINE}
    assert labels["applied_not_attended"].startswith("Teams")
    assert "districts and COEs" in p.DATA_DICTIONARY["applied_not_attended"]


def test_one_word_one_definition():
    """"reached" on the Map, "attended" for the Trends' reached-by-attending."""
    labels = {m.key: m.label for m in mapnav.HEADLINE}
    assert labels["reached"] == "Districts/COEs reached"
    assert labels["attended"] == "Teams attended"
    assert trendview.TREND_METRICS["districts_reached"] == "Districts/COEs attended"
    assert "reached can exceed teams" in p.DATA_DICTIONARY["reached"]
    assert "Not the Map page's" in p.DATA_DICTIONARY["districts_reached"]


def test_trends_headline_reads_with_its_unit_and_says_what_it_counts(
    demo, reference, events
):
    table = p.trends(demo, reference, events)
    california = table.loc[table["area"] == "California"]
    metrics = {label: text for label, text, _ in trendview.trend_metrics(california)}
    assert metrics["K-12 enrollment reached"].endswith(" %")
    caption = trendview.trend_caption(california)
    assert caption.startswith("Up to ") and "Districts/COEs attended" in caption


def test_team_count_charts_have_whole_number_ticks(demo, reference, events):
    axis = {"tickMinStep": 1, "format": "d"}
    assert mapnav.bar_spec("teams", "Teams", None)["encoding"]["x"]["axis"] == axis
    table = p.trends(demo, reference, events)
    spec = trendview.trend_chart_spec(table.loc[table["area"] == "California"])
    assert spec["encoding"]["y"]["axis"] == axis
