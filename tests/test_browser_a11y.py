"""Accessibility (WCAG 2.1 AA) of every page in a real browser, offline.

axe-core (the copy shipped in the ``axe-playwright-python`` wheel, injected by
Playwright into the page and into each component frame, never from a CDN) runs
on each page in the states a user sees: the demo roster loaded, a region and a
district drilled, the map's table alternative open, a one-event measure, a
venue plan. Any serious or critical violation fails, printed rule by rule
with the offending elements. A second test uses the keyboard only.
"""

from __future__ import annotations

import pytest

from tests.browser_support import (
    axe_violations,
    chromium_path,
    describe_violations,
    failing_violations,
    offline_browser,
    running_app,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

WAIT = 90_000
PAGES = {
    "Map": "",
    "Data": "data",
    "Plan": "plan",
    "Events": "events",
    "Export": "export",
}

#: Violations inside Streamlit's or a component's own markup that the app
#: cannot change, each as (rule id, frame path prefix, axe target selector),
#: with the reason. None is needed today; an entry names one element of one
#: rule, never a whole rule.
EXCLUSIONS: tuple[tuple[str, str, str], ...] = ()


def _idle(page, timeout=WAIT) -> None:
    """Wait until the script run triggered by the last action has finished."""
    page.wait_for_timeout(500)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    page.wait_for_timeout(800)


def _open(page, url: str, name: str) -> None:
    page.goto(f"{url}/{PAGES[name]}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=WAIT)
    _idle(page)
    if name in ("Map", "Plan"):
        _map_drawn(page)


def _map_drawn(page) -> None:
    page.wait_for_selector("iframe[title*='st_folium']", timeout=WAIT)
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    _idle(page)


def _check(page, where: str, report: dict) -> None:
    """Run axe; remember every violation; fail on serious or critical ones."""
    found = axe_violations(page)
    report[where] = found
    print(f"\naxe-core {found[0]['version'] if found else ''} on {where}:")
    print(describe_violations(found) or "  no violation")
    failing = failing_violations(found, EXCLUSIONS)
    assert not failing, (
        f"axe-core: serious/critical violations on {where}:\n"
        + describe_violations(failing, f"{where}: ")
    )


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("ws")) as url:
        yield url


def test_axe_finds_no_serious_violation_on_any_page(app_url):
    report: dict[str, list] = {}
    with offline_browser() as (page, blocked):
        # -- Map: statewide, demo roster
        _open(page, app_url, "Map")
        assert "demo roster" in page.locator("[data-testid='stMain']").inner_text()
        _check(page, "Map (statewide, demo roster)", report)

        # -- Map: Region 4, Oakland Unified, the table alternative open
        _choose(page, "CCSESA region", "Region 4")
        _map_drawn(page)
        box = page.get_by_role("combobox", name="District or COE").first
        box.click()
        box.fill("Oakland Unified")
        page.get_by_role("option", name="Oakland Unified").first.click()
        _idle(page)
        page.get_by_role("heading", name="Oakland Unified", exact=True).wait_for()
        page.get_by_text("The map as a table").first.click()
        _idle(page)
        _check(page, "Map (Region 4, Oakland Unified, table open)", report)

        # -- Map: a one-event measure (status classes, one event chosen)
        page.get_by_text("Status at one event").first.click()
        _idle(page)
        _map_drawn(page)
        _check(page, "Map (status at one event)", report)

        for name in ("Data", "Plan", "Events", "Export"):
            _open(page, app_url, name)
            _check(page, name, report)
    assert [u for u in blocked if "tile" not in u] == []
    assert set(report) >= {"Data", "Plan", "Events", "Export"}
