"""Issue 14 in a real browser: the shared link, the one-screen layout, linked views.

Screenshots go to ``/tmp/layout-shots/`` (never the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import chromium_path, map_frame, offline_browser, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

SHARED = "/?region=4&district=0628050&event=CALMI-2015-EMERYVILLE&measure=completeness"
SHOTS = Path("/tmp/layout-shots")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("ws")) as url:
        yield url


def _metric(page, label):
    block = page.locator("[data-testid='stMetric']", has_text=label).first
    return block.locator("[data-testid='stMetricValue']").inner_text()


def _drawn(page):
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && window.map._loaded", timeout=60_000)
    return frame


def test_shared_link_opens_district_region_event_and_measure(app_url):
    SHOTS.mkdir(exist_ok=True)
    with offline_browser() as (page, _blocked):
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(app_url + SHARED, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Oakland Unified", exact=True).wait_for(
            timeout=60_000
        )
        frame = _drawn(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        region = sidebar.get_by_role("combobox", name="CCSESA region")
        assert region.input_value() == "Region 4"
        event = sidebar.get_by_role("combobox", name="Event", exact=True)
        assert "Bay Area regional convening" in event.input_value()
        measure = sidebar.get_by_role("radio", name="Role completeness at one event")
        assert measure.is_checked()
        # Oakland outlined on the map; the address still holds the view
        frame.wait_for_function("() => (window.feature_group || []).length === 1")
        assert "district=0628050" in page.url and "region=4" in page.url
        # the map starts high on the page and fills the window's height
        box = page.locator("iframe[title*='st_folium']").first.bounding_box()
        assert box["y"] <= 250, box
        assert box["y"] + box["height"] <= 900 + 1, box
        assert box["height"] >= 500, box
        # the team panel is beside the map, above the fold
        head = page.get_by_role("heading", name="Oakland Unified", exact=True)
        head_box = head.bounding_box()
        assert head_box["x"] > box["x"] + box["width"] - 5 and head_box["y"] < 900
        # layer box collapsed; legend lists drawn classes and "no team"
        assert frame.locator(".leaflet-control-layers-expanded").count() == 0
        legend = frame.locator(".lmi-legend").inner_text()
        assert "No team from this district" in legend
        page.screenshot(path=str(SHOTS / "shared-link-1440x900.png"))
        # "Copy link" copies the address as it is (the view), by keyboard too
        copy_frame = "iframe[title='Copy a link to this view']"
        button = page.frame_locator(copy_frame).get_by_role("button", name="Copy link")
        button.focus()
        page.keyboard.press("Enter")
        page.frame_locator(copy_frame).locator("#said").filter(
            has_text="Link copied"
        ).or_(
            page.frame_locator(copy_frame).get_by_text("Copy the page address")
        ).wait_for()
        frame = page.query_selector(copy_frame).content_frame()
        assert frame.evaluate("() => window.lmiCopied") == page.url


def test_a_table_row_drills_the_map_and_the_figures_follow(app_url):
    SHOTS.mkdir(exist_ok=True)
    with offline_browser() as (page, _blocked):
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(app_url, wait_until="domcontentloaded")
        frame = _drawn(page)
        frame.evaluate("() => { window.__statewide = true; }")
        before = _metric(page, "District / COE teams")
        grid = page.locator("[data-testid='stDataFrame']").last
        grid.scroll_into_view_if_needed()
        grid.wait_for()
        box = grid.bounding_box()
        # row 4 of the regions table (Region 4): the row marker at the left
        grid.click(position={"x": 18, "y": 35 + 3 * 35 + 17})
        page.get_by_role("button", name="Region 4").wait_for(timeout=60_000)
        page.wait_for_function(
            "(b) => { const e = [...document.querySelectorAll("
            "'[data-testid=stMetric]')].find(m => m.innerText.includes("
            "'District / COE teams')); return e && !e.innerText.includes(b); }",
            arg=before,
            timeout=60_000,
        )
        assert "region=4" in page.url
        # a new (regional) map is drawn
        for _ in range(300):
            try:
                if map_frame(page).evaluate(
                    "() => !window.__statewide && !!window.map && !!window.map._loaded"
                ):
                    break
            except Exception:  # noqa: BLE001 - the iframe was replaced meanwhile
                pass
            page.wait_for_timeout(200)
        else:
            raise AssertionError("no regional map")
        assert box is not None
        page.screenshot(path=str(SHOTS / "region4-1440x900.png"))
        for width, height in ((1024, 768), (400, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1500)
            page.screenshot(path=str(SHOTS / f"region4-{width}x{height}.png"))
            top = page.locator("iframe[title*='st_folium']").first.bounding_box()
            assert top["width"] > 0.8 * (width - 80) or width > 640, top


def test_copy_link_and_legend_fit_a_1024_window(app_url):
    """The copy-link button is not cut off; on a narrow map the legend folds."""
    SHOTS.mkdir(exist_ok=True)
    copy_frame = "iframe[title='Copy a link to this view']"
    with offline_browser() as (page, _blocked):
        for width, height, folded in ((1024, 768, True), (1440, 900, False)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(app_url, wait_until="domcontentloaded")
            frame = _drawn(page)
            legend = frame.locator(".lmi-legend")
            legend.wait_for(timeout=60_000)
            outer = page.locator(copy_frame).bounding_box()
            button = page.frame_locator(copy_frame).get_by_role("button").bounding_box()
            assert button["x"] + button["width"] <= outer["x"] + outer["width"]
            assert button["x"] + button["width"] <= width
            toggle = frame.get_by_role("button", name="Legend")
            assert toggle.count() == (1 if folded else 0)
            if folded:
                assert "Attended 1 event" not in legend.inner_text()
                page.screenshot(path=str(SHOTS / f"legend-folded-{width}.png"))
                toggle.click()
                assert "Attended 1 event" in legend.inner_text()
                hide = frame.get_by_role("button", name="Hide legend")
                assert hide.get_attribute("aria-expanded") == "true"
            else:
                assert "Attended 1 event" in legend.inner_text()
            page.screenshot(path=str(SHOTS / f"copy-legend-{width}x{height}.png"))
