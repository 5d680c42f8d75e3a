"""End to end in a real browser: what a coordinator does with the app, offline.

One ``streamlit run`` per module, on an empty workspace, driven by Debian's
Chromium through Playwright (every non-loopback request blocked). The flow:
every page opens without error (built-in demo roster); upload a roster on the
Data page (one ambiguous district name, one name carrying HTML and a formula),
save it, resolve one review item, see the Map page's headline figures change,
drill into a district, run a venue plan on the Plan page, download every file
of the Export page, and after a reload find the saved roster and decision.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from tests.browser_support import choose, chromium_path, offline_browser, running_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"Map": "", "Data": "data", "Plan": "plan", "Export": "export"}
WAIT = 90_000
EVIL = "<img src=x onerror=alert(1)> USD"
ROSTER = [
    ["District", "County", "Role", "Status", "Event", "Name", "Email"],
    ["San Diego Unified", "San Diego", "Superintendent", "Attended",
     "CALMI-2015-SYMP", "Person One", "one@example.org"],
    ["Alameda Unified", "Alameda", "Board member", "Applied", "CALMI-2015-SYMP",
     "Person Two", "two@example.org"],
    ["Fresno Unified", "Fresno", "Superintendent", "Applied", "CALMI-2015-SYMP",
     "Person Three", "three@example.org"],
    ["Sacramento City Unified", "Sacramento", "Teachers union president", "Applied",
     "CALMI-2015-SYMP", "Person Four", "four@example.org"],
    ["Redding Elementary", "Shasta", "Superintendent", "Applied", "CALMI-2015-SYMP",
     "Person Five", "five@example.org"],
    # three districts carry this name (San Benito, San Joaquin, San Mateo)
    ["Jefferson Elementary", "", "Superintendent", "Applied", "CALMI-2015-SYMP",
     "Person Six", "six@example.org"],
    [EVIL, "", "Board member", "Applied", "CALMI-2015-SYMP",
     '=HYPERLINK("http://evil.example","x")', "seven@example.org"],
]  # fmt: skip
DOWNLOAD_MAGIC = {
    ".png": b"\x89PNG",
    ".pdf": b"%PDF",
    ".xlsx": b"PK\x03\x04",
    ".gpkg": b"SQLite format 3\x00",
}


# ------------------------------------------------------------------ helpers
def _idle(page, timeout=WAIT) -> None:
    """Wait until the script run triggered by the last action has finished."""
    page.wait_for_timeout(400)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    page.wait_for_timeout(200)


def _assert_clean(page, where: str) -> None:
    """No exception box, no page-level or section-level failure message."""
    assert page.locator("[data-testid='stException']").count() == 0, where
    body = page.locator("[data-testid='stMain']").inner_text()
    for text in (
        "Something went wrong",
        "could not be shown",
        "Traceback",
        "Error running app",
    ):
        assert text not in body, f"{where}: {text!r} on the page"


def _metric(page, label: str) -> str:
    block = page.locator("[data-testid='stMetric']", has_text=label).first
    return block.locator("[data-testid='stMetricValue']").inner_text()


def _goto(page, url: str, name: str) -> None:
    page.goto(f"{url}/{PAGES[name]}", wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=WAIT)
    _idle(page)


def _nav(page, name: str) -> None:
    """Change page through the sidebar (same session, as a user does)."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=name).first.click()
    _idle(page)
    page.wait_for_selector("h1", timeout=WAIT)


def _pick(page, label: str, option: str | re.Pattern, *, typed: str | None = None):
    """Choose an option of a Streamlit selectbox (typing to filter long lists)."""
    choose(page, label, option, typed=typed)
    _idle(page)


def _roster_csv() -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(ROSTER)
    return buf.getvalue().encode("utf-8")


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("e2e-ws")
    with running_app(workspace) as url:
        yield url, workspace


@pytest.fixture(scope="module")
def browser_page():
    with offline_browser() as (page, blocked):
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.set_default_timeout(WAIT)
        yield page, blocked, dialogs


# ------------------------------------------------------------------ tests
def test_every_page_opens_without_error(app, browser_page):
    url, _ = app
    page, blocked, _ = browser_page
    for name in PAGES:
        _goto(page, url, name)
        _assert_clean(page, name)
        assert page.locator("h1").first.inner_text().strip(), name
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert all(name in nav for name in PAGES), nav
    assert [u for u in blocked if "tile" not in u] == []


def test_upload_review_map_drill_plan_export_reload(app, browser_page, tmp_path):
    url, workspace = app
    page, blocked, dialogs = browser_page
    shots = tmp_path

    # -- the map before any upload shows the demo roster
    _goto(page, url, "Map")
    page.wait_for_selector("[data-testid='stMetric']")
    demo_teams = _metric(page, "District / COE teams")
    assert "demo roster" in page.locator("body").inner_text()  # the sidebar says

    # -- upload on the Data page: preview with the match counts
    _nav(page, "Data")
    roster_file = tmp_path / "e2e-roster.csv"
    roster_file.write_bytes(_roster_csv())
    page.locator(
        "[data-testid='stFileUploader'] input[type='file']"
    ).first.set_input_files(roster_file)
    page.get_by_text("Preview of e2e-roster.csv").wait_for()
    _idle(page)
    _assert_clean(page, "Data preview")
    assert _metric(page, "Rows") == "7"
    assert _metric(page, "Matched") == "5"
    assert _metric(page, "Ambiguous") == "1"
    assert _metric(page, "Unmatched") == "1"
    page.get_by_role("button", name="Save roster").click()
    page.get_by_text("Saved roster").first.wait_for()
    _idle(page)
    _assert_clean(page, "Data after save")

    # roster text is shown, never run: no dialog, no injected element
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []

    # -- the map now shows the saved roster: five matched teams
    _nav(page, "Map")
    page.wait_for_selector("[data-testid='stMetric']")
    assert "Saved rosters" in page.locator("body").inner_text()  # the sidebar says
    before = _metric(page, "District / COE teams")
    assert before == "5" and before != demo_teams

    # -- resolve the ambiguous "Jefferson Elementary" on the review queue
    _nav(page, "Data")
    page.get_by_text(re.compile(r"^Review \(\d+\)$")).first.click()
    _idle(page)
    page.get_by_text("Jefferson Elementary", exact=True).first.wait_for()
    item = (
        page.locator("[data-testid='stVerticalBlock']")
        .filter(has_text="Jefferson Elementary")
        .filter(has=page.get_by_role("combobox", name="District or COE"))
        .last
    )
    box = item.get_by_role("combobox", name="District or COE")
    # as a user does: the list opens below the box, so bring it to mid-screen
    # (a list that opens past the page's end closes again as the page scrolls)
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role(
        "option", name=re.compile(r"^Jefferson Elementary — San Mateo")
    ).first.click()
    _idle(page)
    page.get_by_role("button", name=re.compile(r"^Confirm 1 choice")).click()
    page.get_by_text(re.compile(r"Confirmed \d+ rows?")).first.wait_for()
    _idle(page)
    _assert_clean(page, "Data after confirm")
    assert page.locator("img[src='x']").count() == 0
    # the HTML name is still waiting, shown as text
    assert (
        EVIL.split(" onerror")[0] in page.locator("[data-testid='stMain']").inner_text()
    )

    # -- the map changes: one more team
    _nav(page, "Map")
    page.wait_for_selector("[data-testid='stMetric']")
    after = _metric(page, "District / COE teams")
    assert int(after) == int(before) + 1, (before, after)
    _assert_clean(page, "Map after review")

    # -- drill into a district
    _pick(page, "District or COE", "Alameda Unified", typed="Alameda Unified")
    page.get_by_role("heading", name="Alameda Unified", exact=True).wait_for()
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "CD code 0161119" in main
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    _assert_clean(page, "Map drill-down")
    page.screenshot(path=str(shots / "drill.png"), full_page=True)

    # -- run a venue plan
    _nav(page, "Plan")
    page.get_by_text("Teams served").first.wait_for()
    served = int(_metric(page, "Teams served"))
    # applied-not-attended at the 2015 symposium: Alameda, Fresno, Sacramento,
    # Redding and (now resolved) Jefferson Elementary
    assert served == 5, served
    distance_3 = _metric(page, "Average distance")
    slider = page.get_by_role("slider", name="Number of meetings")
    slider.focus()
    slider.press("ArrowLeft")  # 3 -> 2 meetings
    _idle(page)
    page.wait_for_function(
        "(v) => [...document.querySelectorAll('[data-testid=stMetric]')].some("
        "m => m.innerText.includes('Average distance') && !m.innerText.includes(v))",
        arg=distance_3,
    )
    distance_2 = float(_metric(page, "Average distance").split()[0].replace(",", ""))
    assert distance_2 > float(distance_3.split()[0].replace(",", ""))
    _assert_clean(page, "Plan")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    invites = Path(info.value.path()).read_bytes()
    assert b"Alameda Unified" in invites and b"@example.org" not in invites

    # -- download each export
    _nav(page, "Export")
    page.get_by_text("Preview of the exported page").wait_for()
    _idle(page)
    _assert_clean(page, "Export")
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    labels = [b.inner_text() for b in buttons.all()]
    assert len(labels) >= 6, labels
    got = {}
    for i, label in enumerate(labels):
        with page.expect_download(timeout=180_000) as info:
            buttons.nth(i).click()
        download = info.value
        body = Path(download.path()).read_bytes()
        suffix = Path(download.suggested_filename).suffix
        got[suffix] = body
        assert len(body) > 0, label
        if suffix in DOWNLOAD_MAGIC:
            assert body.startswith(DOWNLOAD_MAGIC[suffix]), label
        assert b"@example.org" not in body and b"Person One" not in body, label
    assert set(got) >= {".png", ".svg", ".pdf", ".html", ".csv", ".xlsx", ".gpkg"}, (
        got.keys()
    )
    assert b'"FeatureCollection"' in got[".geojson"][:200]
    assert b"<svg" in got[".svg"][:2000]
    assert b"<html" in got[".html"][:2000].lower()
    with zipfile.ZipFile(io.BytesIO(got[".xlsx"])) as book:
        assert "xl/workbook.xml" in book.namelist()
    _assert_clean(page, "Export after downloads")

    # -- reload: a new session finds the saved roster and the decision
    _nav(page, "Data")
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("h1")
    _idle(page)
    page.get_by_text("Saved rosters (1)").click()
    _idle(page)
    roster_box = page.get_by_role("combobox", name="Roster").first
    roster_box.wait_for()
    assert roster_box.input_value() == "#1 e2e-roster"
    # the original file holds names and e-mails: kept, not offered while the
    # operator has not enabled contact details; the matched roster is offered
    assert page.get_by_role("button", name="Download the original file").count() == 0
    with page.expect_download() as info:
        page.get_by_role("button", name="Download matched roster (CSV)").click()
    matched_csv = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "match_status" in matched_csv and "@example.org" not in matched_csv
    _assert_clean(page, "Data after reload")
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stMetric']")
    _idle(page)
    assert _metric(page, "District / COE teams") == after
    assert dialogs == []
    assert [u for u in blocked if "tile" not in u] == []
    assert (workspace / "workspace.sqlite").stat().st_size > 0
