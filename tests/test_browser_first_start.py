"""First start in a real browser: a visitor who arrives while ``lmi-dashboard
run`` is still downloading the boundary files sees the step, the bytes and the
cache folder, then the map once it is ready. The county file comes from a
mirror on 127.0.0.1 (``LMI_SOURCES_MIRROR``) that holds the second half of
the transfer until the test has seen the progress page (no timing guesses).
"""

from __future__ import annotations

import http.server
import re
import shutil
import threading

import pytest

from geodata.sources import SOURCES
from tests.browser_support import chromium_path, offline_browser, running_app
from tests.test_e2e_browser import WAIT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]


def _held_mirror(data: bytes, go: threading.Event):
    """An HTTP mirror sending half of ``data``, the rest once ``go`` is set."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            half = len(data) // 2
            self.wfile.write(data[:half])
            self.wfile.flush()
            go.wait(WAIT / 1000)
            self.wfile.write(data[half:])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_visitor_during_the_first_start_sees_the_progress(source_files, tmp_path):
    have, cache, workspace = tmp_path / "have", tmp_path / "cache", tmp_path / "ws"
    for folder in (have, workspace):
        folder.mkdir()
    for key, path in source_files.items():
        if key != "county":
            shutil.copy(path, have / path.name)
    county = source_files["county"].read_bytes()
    go = threading.Event()
    server = _held_mirror(county, go)
    env = {
        "LMI_GEODATA_DIR": str(have),
        "LMI_CACHE_DIR": str(cache),
        "LMI_SOURCES_MIRROR": f"http://127.0.0.1:{server.server_address[1]}/",
    }
    try:
        with (
            running_app(workspace, extra_env=env, wait_for_boundaries=False) as url,
            offline_browser() as (page, blocked),
        ):
            page.set_default_timeout(WAIT)
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("Preparing the map (first start)").wait_for()
            name = SOURCES["county"].filename
            page.get_by_text(f"Step 1 of 3: Downloading {name}").wait_for()
            page.get_by_text(re.compile(r"of 2\.8 MB")).first.wait_for()
            main = page.locator("[data-testid='stMain']").inner_text()
            assert f"Cache folder: {cache}" in main
            go.set()  # the rest of the file: the map follows by itself
            page.get_by_text("Preparing the map (first start)").wait_for(
                state="detached"
            )
            page.locator("iframe").first.wait_for()
            assert not blocked
        log = (workspace / "streamlit.log").read_text()
        assert f"Cache folder: {cache}" in log
        assert f"[1/3] Downloading {name}" in log
        assert "Boundaries ready" in log
        assert (cache / "sources" / name).read_bytes() == county
    finally:
        go.set()
        server.shutdown()
        server.server_close()
