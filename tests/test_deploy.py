"""The several-process recipe of ``deploy/`` (docs/DEPLOYMENT.md section 10),
for real: Debian's nginx in front of two ``lmi-dashboard run`` processes sharing
one PostgreSQL workspace and one boundary cache, opened in Chromium.

A roster uploaded and saved through one process (browser A) shows on the Data
page served by the other process (browser B). In CI a missing nginx,
PostgreSQL or Chromium is a failure; elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import urllib.request

import pytest

from deploy.several import nginx_binary, several
from loaders.workspace import Workspace
from tests.browser_support import chromium_path
from tests.test_e2e_browser import WAIT, _goto, _idle, _metric, _roster_csv

pytestmark = [pytest.mark.deploy, pytest.mark.browser, pytest.mark.postgres]


def _missing(reason: str) -> None:
    """A failure in CI (``.ci/run`` installs everything), a skip elsewhere."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"the deploy test cannot run in CI: {reason}")
    pytest.skip(f"deploy test skipped: {reason}")


@pytest.fixture
def cluster(postgres_url, tmp_path):
    if nginx_binary() is None:
        _missing("nginx is not installed (apt-get install nginx)")
    if chromium_path() is None:
        _missing("chromium is not installed")
    cache = tmp_path / "shared-cache"  # one boundary cache for both processes
    env = {"LMI_WORKSPACE_URL": postgres_url, "LMI_CACHE_DIR": str(cache)}
    with several(2, env=env, workdir=tmp_path) as (front, urls):
        yield front, urls, cache, postgres_url


def _upstream(page) -> str:
    """The app process that served the page (nginx's X-LMI-Upstream header)."""
    return page.context.request.get(page.url).headers["x-lmi-upstream"]


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_roster_saved_through_one_process_shows_in_the_other(cluster, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_ARGS

    front, urls, cache, database = cluster
    with urllib.request.urlopen(f"{front}/_stcore/health") as r:
        assert r.status == 200 and r.headers["X-LMI-Upstream"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # new browsers (own cookie jars) until two land on different processes
            pages, served = [], {}
            for _ in range(12):
                page = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = page.new_page()
                page.set_default_timeout(WAIT)
                _goto(page, front, "Data")
                where = _upstream(page)
                if where not in served:
                    served[where] = page
                    pages.append(page)
                if len(pages) == 2:
                    break
            assert len(pages) == 2, f"every browser went to {list(served)}"
            assert sorted(served) == sorted(u.removeprefix("http://") for u in urls)
            a, b = pages
            # sticky: browser A stays on its process, page after page
            first = _upstream(a)
            _goto(a, front, "Data")  # a new page load: same cookie, same process
            assert _upstream(a) == first
            roster = tmp_path / "deploy-roster.csv"
            roster.write_bytes(_roster_csv())
            a.locator(
                "[data-testid='stFileUploader'] input[type='file']"
            ).first.set_input_files(roster)
            a.get_by_text("Preview of deploy-roster.csv").wait_for()
            _idle(a)
            a.get_by_role("button", name="Save roster").click()
            a.get_by_text("Saved roster").first.wait_for()
            ws = Workspace(database)  # the shared database, as a third process
            try:
                for _ in range(60):  # the save runs after the click returns
                    names = ws.list_rosters()["name"].tolist()
                    if names:
                        break
                    a.wait_for_timeout(1000)
            finally:
                ws.close()
            assert len(names) == 1, names
            name = names[0]

            # the other process, reloaded, lists it (workspace revision read
            # at most every 2 s: reload until it shows, bounded by WAIT)
            for _ in range(20):
                b.goto(f"{front}/data?section=rosters", wait_until="domcontentloaded")
                b.wait_for_selector("h1", timeout=WAIT)
                _idle(b)
                if "No roster saved yet" not in _main_text(b):
                    break
                b.wait_for_timeout(1000)
            # the one roster, and its actions (the table itself is a canvas)
            assert _metric(b, "Saved rosters") == "1"
            assert "Remove this roster" in _main_text(b)
            assert name == "deploy-roster"
            assert _upstream(b) != _upstream(a)
        finally:
            browser.close()
    # one boundary cache, built once: no lock left waiting, one layer folder
    derived = list((cache / "derived").iterdir())
    assert len(derived) == 1, derived
    assert os.listdir(derived[0])
