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
        assert "demo roster" in page.locator("body").inner_text()  # sidebar
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


# ------------------------------------------------------------------ keyboard
_ACTIVE = """() => { const e = document.activeElement;
  return e ? {tag: e.tagName, role: e.getAttribute('role'),
              label: e.getAttribute('aria-label') || '',
              text: (e.innerText || '').trim().slice(0, 80),
              mark: e.getAttribute('data-a11y-mark')} : null; }"""

#: Every control a user operates: marked before a full Tab cycle, then each
#: must have had the focus. Only the checked radio of a group is a Tab stop
#: (the arrow keys move within the group, as WAI-ARIA asks).
_MARK_CONTROLS = """() => {
  const sel = 'button, input, select, textarea, summary, a[href], [role=combobox],'
            + ' [role=button], [role=checkbox], [role=radio], [role=switch], iframe';
  const seen = [];
  document.querySelectorAll(sel).forEach((e, i) => {
    const r = e.getBoundingClientRect();
    const shut = e.closest('details:not([open])');
    const hidden = (r.width === 0 && r.height === 0) || e.closest('[aria-hidden=true]')
      || (shut && e.tagName !== 'SUMMARY')
      || getComputedStyle(e).visibility === 'hidden';
    const off = e.disabled || e.getAttribute('aria-disabled') === 'true'
      || (e.type === 'radio' && !e.checked) || e.tabIndex < 0 && e.tagName !== 'INPUT';
    if (hidden || off) return;
    e.setAttribute('data-a11y-mark', String(i));
    seen.push({mark: String(i), tag: e.tagName,
               name: e.getAttribute('aria-label') || (e.innerText || '').trim()
                     .slice(0, 60) || e.getAttribute('title') || e.type || '',
               text: e.textContent.trim().slice(0, 60)});
  });
  return seen;
}"""


def _tab_to(page, test, what: str, limit: int = 120, key: str = "Tab") -> dict:
    """Press Tab until the focused element passes ``test``; return it."""
    for _ in range(limit):
        page.keyboard.press(key)
        active = page.evaluate(_ACTIVE)
        if active and test(active):
            return active
    raise AssertionError(f"{what} never had the keyboard focus ({limit} x {key})")


def _combobox(name: str):
    return lambda a: a["role"] == "combobox" and a["label"] == name


def _metric(page, label: str) -> str:
    block = page.locator("[data-testid='stMetric']", has_text=label).first
    return block.locator("[data-testid='stMetricValue']").inner_text()


def _every_control_reached(page, where: str, limit: int = 250) -> int:
    controls = page.evaluate(_MARK_CONTROLS)
    assert controls, where
    page.locator("body").focus()
    reached = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active and active["mark"]:
            reached.add(active["mark"])
        if len(reached) == len(controls):
            break
    missed = [c for c in controls if c["mark"] not in reached]
    assert not missed, f"{where}: not reachable with Tab: {missed}"
    return len(controls)


def test_keyboard_alone_chooses_an_event_drills_and_opens_the_table(app_url):
    with offline_browser() as (page, _blocked):
        _open(page, app_url, "Map")
        page.locator("body").focus()
        statewide = _metric(page, "District / COE teams")

        # the measure: Tab to the radio group, arrow to "Status at one event"
        _tab_to(page, lambda a: a["tag"] == "INPUT" and a["role"] is None, "Measure")
        page.keyboard.press("ArrowDown")
        _idle(page)
        page.get_by_role("combobox", name="Event").wait_for(timeout=WAIT)

        # choose an event by typing in the Event box, Enter to pick
        _tab_to(page, _combobox("Event"), "the Event box")
        page.keyboard.type("Bay Area regional")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        _idle(page)
        box = page.get_by_role("combobox", name="Event")
        chosen = box.input_value()
        assert chosen.startswith("2015 Bay Area regional convening"), chosen

        # drill to Region 4: the headline figures follow
        _tab_to(page, _combobox("CCSESA region"), "the CCSESA region box")
        page.keyboard.type("Region 4")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        _idle(page)
        _map_drawn(page)
        assert _metric(page, "District / COE teams") != statewide

        # a district, then the map's table alternative, without the mouse
        _tab_to(page, _combobox("District or COE"), "the District or COE box")
        page.keyboard.type("Oakland Unified")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        _idle(page)
        page.get_by_role("heading", name="Oakland Unified", exact=True).wait_for()
        page.locator("body").focus()
        _tab_to(
            page,
            lambda a: a["tag"] == "SUMMARY" and "map as a table" in a["text"],
            "the table alternative",
        )
        page.keyboard.press("Enter")
        table = page.locator("[data-testid='stExpander']", has_text="map as a table")
        table.locator("[data-testid='stTable']").wait_for(timeout=WAIT)
        assert (
            "Oakland Unified"
            not in table.locator("[data-testid='stTable']").inner_text()
        )
        assert (
            "Status at one event"
            in page.locator("[data-testid='stSidebar']").inner_text()
        )

        # every control of this state, and of the other pages, is a Tab stop
        counts = {"Map": _every_control_reached(page, "Map (drilled)")}
        for name in ("Data", "Plan", "Events", "Export"):
            _open(page, app_url, name)
            counts[name] = _every_control_reached(page, name)
        print("controls reached with Tab:", counts)
