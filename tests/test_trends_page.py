"""The Trends page and the Map page's event stepper through streamlit.testing.

The page's numbers are checked against the library functions that make them
(one figure, one function); the chart specification without Streamlit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import trendview
from dashboard.eventstepper import stepped_events
from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.matching import match_roster

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def demo(reference):
    return p.teams_by_event(match_roster(demo_roster(reference), reference))


@pytest.fixture
def page(workspace_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("views/trends.py").run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_trends_page_figures_come_from_the_library(page, demo, reference):
    events = load_events()
    table = p.trends(demo, reference, events)
    last = table.loc[table["dated"]].iloc[-1]
    assert _metric(page, "Teams so far") == f"{last['cumulative_teams']:,}"
    assert _metric(page, "Districts/COEs attended") == f"{last['districts_reached']:,}"
    event_b = table.loc[table["dated"], "event_id"].iloc[-1]
    counts = p.change_counts(p.changes(demo, reference, events, event_b))
    assert _metric(page, "New teams") == f"{counts['new']:,}"
    assert _metric(page, "Lapsed teams") == f"{counts['lapsed']:,}"
    assert len(page.get("vega_lite_chart")) == 1
    region = next(s for s in page.selectbox if s.label == "CCSESA region")
    region.select(4).run()
    assert not page.exception
    first = page.dataframe[-1].value.iloc[0]
    outreach = p.outreach(demo, reference, events, regions=[4])
    assert first["geoid"] == outreach["geoid"].iloc[0]


def test_changes_follow_the_chosen_events(page, demo, reference):
    events = load_events()
    box = next(s for s in page.selectbox if s.label == "Event")
    box.select("CALMI-2019-SI").run()
    assert not page.exception
    since = next(s for s in page.selectbox if s.label == "Compared with")
    assert since.value == "CALMI-2018-SI"
    counts = p.change_counts(
        p.changes(demo, reference, events, "CALMI-2019-SI", "CALMI-2018-SI")
    )
    assert _metric(page, "Returning teams") == f"{counts['returning']:,}"


def test_map_stepper_sets_the_events_and_figures_follow(workspace_dir, demo, reference):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    next(t for t in at.toggle if t.label == "Step through events").set_value(True).run()
    assert not at.exception, at.exception
    slider = next(s for s in at.select_slider if s.label == "Event (date order)")
    order = list(slider.options)
    dated, _ = p.event_order(load_events())
    slider.set_value("CALMI-2017-SI").run()
    ids = [e for e in dated if e in set(demo["event_id"])]
    ids = ids[: ids.index("CALMI-2017-SI") + 1]
    head = p.headline_figures(p.filter_teams(demo, reference, event_ids=ids))
    value = next(m.value for m in at.metric if m.label == "District / COE teams")
    assert value == f"{head['teams']:,}"
    assert len(order) >= 10


def test_stepped_events_and_chart_spec(demo, reference):
    order = ["A", "B", "C"]
    assert stepped_events(order, "B", "events_attended") == ["A", "B"]
    assert stepped_events(order, "B", "changes") == ["B"]
    table = p.trends(demo, reference, load_events())
    spec = trendview.trend_chart_spec(table)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    dated = int(table["dated"].sum())
    assert len(spec["data"]["values"]) == 4 * dated
    assert "strokeDash" in spec["encoding"] and "shape" in spec["encoding"]
