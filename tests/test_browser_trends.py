"""Stepping through events on the Map in a real browser (Debian chromium), offline.

The legend follows the measure, and the headline figures follow each step:
they equal the library's figures for the event shown.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.matching import match_roster
from tests.browser_support import chromium_path, map_frame, offline_browser, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

WAIT_METRIC = """([label, want]) => {
  const m = [...document.querySelectorAll('[data-testid=stMetric]')]
    .find(e => e.innerText.includes(label));
  const v = m && m.querySelector('[data-testid=stMetricValue]');
  return v && v.innerText.trim() === want;
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("ws")) as url:
        yield url


def test_stepping_through_events_moves_legend_and_figures(app_url, reference):
    teams = p.teams_by_event(match_roster(demo_roster(reference), reference))
    dated, _ = p.event_order(load_events())
    order = [e for e in dated if e in set(teams["event_id"])]

    def teams_at(event_id: str) -> str:
        head = p.headline_figures(
            p.filter_teams(teams, reference, event_ids=[event_id])
        )
        return f"{head['teams']:,}"

    with offline_browser() as (page, blocked):
        page.goto(app_url, wait_until="domcontentloaded")
        frame = map_frame(page)
        assert "Attended 1 event" in frame.locator(".lmi-legend").inner_text()

        page.get_by_text("Changes since the event before").click()
        page.get_by_text("Step through events").click()
        thumb = page.get_by_role("slider").first
        thumb.wait_for(timeout=30_000)
        thumb.focus()
        thumb.press("Home")
        page.wait_for_function(
            WAIT_METRIC,
            arg=["District / COE teams", teams_at(order[0])],
            timeout=30_000,
        )
        for event_id in order[1:4]:
            thumb = page.get_by_role("slider").first
            thumb.focus()
            thumb.press("ArrowRight")
            page.wait_for_function(
                WAIT_METRIC,
                arg=["District / COE teams", teams_at(event_id)],
                timeout=30_000,
            )
            # the map frame redraws after the figures: wait for its legend
            legend = map_frame(page).locator(".lmi-legend")
            expect(legend).to_contain_text(
                "Changes since the event before", timeout=30_000
            )
            # it lists the classes drawn (issue 14), each with its words
            assert re.search(r"New|Returning|Lapsed", legend.inner_text())
        page.screenshot(path=str(_shots() / "stepper.png"))
    assert [u for u in blocked if "tile" not in u] == []


def _shots():
    from pathlib import Path

    folder = Path("/tmp/lmi-screenshots")
    folder.mkdir(exist_ok=True)
    return folder
