"""The running app in a real browser (Debian chromium via Playwright), offline."""

from __future__ import annotations

import pytest

from tests.browser_support import chromium_path, map_frame, offline_browser, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

COUNT_LAYERS = """() => {
  let n = 0;
  window.map.eachLayer(l => { if (l.feature && l._parts !== undefined) n += 1; });
  return n;
}"""


def _metric(page, label):
    block = page.locator("[data-testid='stMetric']", has_text=label).first
    return block.locator("[data-testid='stMetricValue']").inner_text()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("ws")) as url:
        yield url


def test_statewide_map_draws_offline_and_filters_change_figures(app_url):
    with offline_browser() as (page, blocked):
        page.goto(app_url, wait_until="domcontentloaded")
        frame = map_frame(page)
        frame.wait_for_function(
            "() => window.map && window.map._loaded", timeout=30_000
        )
        drawn = frame.evaluate(COUNT_LAYERS)
        # 344 + 522 + 76 districts + 58 COE counties, every one a drawn path
        assert drawn >= 1000, drawn
        assert frame.locator("canvas").count() >= 1
        assert frame.locator(".lmi-legend").inner_text().count("\n") >= 5
        before = _metric(page, "District / COE teams")

        # pan and zoom: no message from the browser to the script (no rerun)
        sent: list[str] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)))
        frame.evaluate("() => { window.map.setZoom(8); window.map.panBy([200, 120]); }")
        page.wait_for_timeout(1500)
        frame.evaluate("() => { window.map.setZoom(6); }")
        page.wait_for_timeout(1500)
        assert sent == []

        # a filter changes the headline figures
        page.get_by_role("combobox", name="CCSESA region").click()
        page.get_by_role("option", name="Region 11", exact=True).click()
        page.wait_for_function(
            "(b) => { const e = [...document.querySelectorAll("
            "'[data-testid=stMetric]')].find(m => m.innerText.includes("
            "'District / COE teams')); return e && !e.innerText.includes(b); }",
            arg=before,
            timeout=30_000,
        )
        assert _metric(page, "District / COE teams") != before
        page.screenshot(path=str(_shots() / "statewide.png"))
    assert [u for u in blocked if "tile" not in u] == []


def _recorder_js() -> str:
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "bench_load.py"
    spec = importlib.util.spec_from_file_location("bench_load", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_load", module)
    spec.loader.exec_module(module)
    return module.recorder_js()


def test_one_script_run_per_change_none_when_a_map_is_drawn(app_url):
    """A new map's first value must equal the default the page sent, or the
    component would start one more run after every map it draws (twice the
    server's work, and an open drop-down list closed under the user)."""
    with offline_browser() as (page, _blocked):
        page.context.add_init_script(_recorder_js())
        page.goto(app_url, wait_until="domcontentloaded")
        first = map_frame(page)
        first.wait_for_function("() => window.map && window.map._loaded")
        first.evaluate("() => { window.__first_map = true; }")
        page.wait_for_timeout(2500)
        reruns = "() => window.__lmi.reruns.length"
        assert page.evaluate(reruns) == 1  # the page's first run only
        page.get_by_role("combobox", name="CCSESA region").click()
        page.get_by_role("option", name="Region 4", exact=True).click()
        page.wait_for_function("() => window.__lmi.finished.length >= 2")
        _wait_new_map(page, "__first_map")
        page.wait_for_timeout(2500)  # the new map is drawn: nothing more is sent
        assert page.evaluate(reruns) == 2
        _choose_district(page, "Oakland Unified")
        page.get_by_role("heading", name="Oakland Unified", exact=True).wait_for()
        page.wait_for_timeout(2500)
        assert page.evaluate(reruns) == 3


def _wait_new_map(page, old_mark: str, timeout_s: float = 60) -> None:
    """Wait until the map iframe holds a drawn map that is not the marked one."""
    import time

    deadline = time.monotonic() + timeout_s
    check = f"() => !window.{old_mark} && !!window.map && !!window.map._loaded"
    while True:
        try:
            if map_frame(page).evaluate(check):
                return
        except Exception:  # noqa: BLE001 - the iframe was replaced meanwhile
            pass
        assert time.monotonic() < deadline, "the new map was not drawn"
        page.wait_for_timeout(200)


def test_leaflet_is_served_by_the_app_as_javascript(app_url):
    import urllib.request

    from geodata.mapview import asset_url

    with urllib.request.urlopen(f"{app_url}{asset_url()}/leaflet.js") as response:
        assert "javascript" in response.headers["Content-Type"]
        assert b"Leaflet" in response.read(4000)


def test_click_selects_the_clicked_district(app_url):
    import shapely
    from shapely.geometry import Point

    from geodata.simplify import web_layers

    districts, _ = web_layers("state")  # what the statewide map draws
    sd = districts.set_index("geoid").geometry["0634320"]
    inside = shapely.get_point(shapely.maximum_inscribed_circle(sd), 0)
    with offline_browser() as (page, _blocked):
        page.goto(app_url, wait_until="domcontentloaded")
        frame = map_frame(page)
        frame.wait_for_function(
            "() => window.map && window.map._loaded", timeout=30_000
        )
        # centre San Diego at zoom 10, then a real mouse click in the middle
        frame.evaluate(
            """([lat, lon]) => { window.map.stop();
                 window.map.setView([lat, lon], 10, {animate: false}); }""",
            [inside.y, inside.x],
        )
        page.wait_for_timeout(800)
        lon, lat, x, y = frame.evaluate(
            """() => { const s = window.map.getSize();
                 const ll = window.map.containerPointToLatLng([s.x / 2, s.y / 2]);
                 return [ll.lng, ll.lat, s.x / 2, s.y / 2]; }"""
        )
        frame.locator(".leaflet-container").click(position={"x": x, "y": y})
        # the district Leaflet hit is the unified district under that point
        hit = districts.loc[
            (districts["district_type"] == "unified")
            & districts.geometry.contains(Point(lon, lat))
        ]
        assert len(hit) == 1
        name = hit["name"].iloc[0]
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        assert page.get_by_text(f"CD code {hit['cd_code'].iloc[0]}").count() >= 1
        frame = _drawn_map(page)
        frame.wait_for_function(OUTLINED, timeout=30_000)
        # the new (county) map fits the district, not the whole county
        assert frame.evaluate(FITS_OUTLINE), frame.evaluate(VIEW)
        page.screenshot(path=str(_shots() / "district.png"), full_page=True)

        # another district from the list: the outline moves, the map stays
        frame.evaluate("() => { window.__first = window.feature_group[0]; }")
        _choose_district(page, "Poway Unified")
        page.get_by_role("heading", name="Poway Unified", exact=True).wait_for()
        frame.wait_for_function(
            "() => window.feature_group.length === 1 && "
            "window.feature_group[0] !== window.__first && "
            "window.map.getBounds().contains(window.feature_group[0].getBounds())"
        )
        assert frame.evaluate("() => !window.map.hasLayer(window.__first)")
        assert frame.evaluate(OUTLINED)

        # and a click on the first district again selects it again
        frame.evaluate(
            """([lat, lon]) => { window.map.stop();
                 window.map.setView([lat, lon], 11, {animate: false}); }""",
            [inside.y, inside.x],
        )
        page.locator("iframe[title*='st_folium']").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        size = frame.evaluate("() => window.map.getSize()")
        frame.locator(".leaflet-container").click(
            position={"x": size["x"] / 2, "y": size["y"] / 2}
        )
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        frame.wait_for_function(OUTLINED)
        district_zoom = frame.evaluate("() => window.map.getZoom()")

        # up to the county: no outline, the county map's own view again
        page.get_by_role("button", name="San Diego County").click()
        frame.wait_for_function("() => window.feature_group.length === 0")
        zoom = frame.evaluate("() => window.map.getZoom()")
        assert 7 < zoom < district_zoom, (zoom, district_zoom)


#: The view holds the outline and is zoomed in on it (not a county-wide view).
FITS_OUTLINE = """() => {
  const l = window.feature_group[0], b = l.getBounds(), v = window.map.getBounds();
  return v.contains(b) && window.map.getZoom() >= window.map.getBoundsZoom(b) - 0.5;
}"""
VIEW = "() => [window.map.getZoom(), window.map.getCenter()]"

#: A red outline (the selected district) is on the map (a canvas map: asked
#: of Leaflet, not of the DOM).
OUTLINED = """() => {
  const fg = window.feature_group || [];
  let red = 0;
  fg.forEach(g => g.eachLayer && g.eachLayer(l => {
    if (window.map.hasLayer(l) && l.options.color === '#d62728') red += 1;
  }));
  return red >= 1;
}"""


def _drawn_map(page):
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && window.map._loaded", timeout=30_000)
    return frame


def _choose_district(page, name):
    box = page.get_by_role("combobox", name="District or COE").first
    box.click()
    box.fill(name)
    page.get_by_role("option", name=name, exact=True).first.click()


def _shots():
    from pathlib import Path

    folder = Path("/tmp/lmi-screenshots")
    folder.mkdir(exist_ok=True)
    return folder


def test_a_click_on_overlapping_districts_offers_both(app_url):
    """Issue 12, item 11: where an elementary and a high-school district
    overlap, a click opens the one clicked and offers the other."""
    lon, lat = -122.7141, 38.4405  # downtown Santa Rosa
    with offline_browser() as (page, _blocked):
        page.goto(app_url, wait_until="domcontentloaded")
        frame = _drawn_map(page)
        frame.evaluate(
            """([lat, lon]) => { window.map.stop();
                 window.map.setView([lat, lon], 11, {animate: false}); }""",
            [lat, lon],
        )
        page.wait_for_timeout(800)
        page.locator("iframe[title*='st_folium']").first.scroll_into_view_if_needed()
        x, y = frame.evaluate(
            """([lat, lon]) => { const p = window.map.latLngToContainerPoint(
                 [lat, lon]); return [p.x, p.y]; }""",
            [lat, lon],
        )
        frame.locator(".leaflet-container").click(position={"x": x, "y": y})
        choices = page.get_by_role("radiogroup", name="This point is in")
        choices.wait_for(timeout=30_000)
        text = choices.inner_text()
        assert "Santa Rosa Elementary" in text and "Santa Rosa High" in text
        assert "Sonoma County Office" not in text
        # the clicked district (the one drawn on top) is open; pick the other
        opened = page.get_by_role("heading", name="Santa Rosa High", exact=True)
        opened.wait_for(timeout=30_000)
        choices.get_by_text("Santa Rosa Elementary").click()
        page.get_by_role("heading", name="Santa Rosa Elementary", exact=True).wait_for(
            timeout=30_000
        )
        page.screenshot(path=str(_shots() / "overlap.png"), full_page=True)
