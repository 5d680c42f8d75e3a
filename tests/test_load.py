"""A few people on the Map page at once, for a short while: nobody meets an error.

The short version of ``bench/bench_load.py`` (which runs 20 sessions for two
minutes and prints the response figures): 5 concurrent browser sessions on
loopback change the region and the measure and open districts for 20 s, then
10 websocket clients for 10 s. No
timing is asserted, only that every action completed, no page showed an
exception, the connection held, and the server logged no traceback.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

from tests.browser_support import chromium_path, running_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

ROOT = Path(__file__).resolve().parent.parent
SESSIONS, SECONDS = 5, 20


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_load", ROOT / "bench" / "bench_load.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_load", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    module.THINK = (0.2, 1.0)  # short pauses: as many concurrent actions as can be
    return module


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("load-ws")
    with running_app(workspace) as url:
        yield url, workspace


def test_concurrent_browser_sessions_meet_no_error(app):
    url, workspace = app
    bench = _bench()
    figures = asyncio.run(
        bench.run_sessions(url, SESSIONS, SECONDS, bench.districts_by_region())
    )
    assert figures.errors == []
    assert len(figures.actions_per_session) == SESSIONS
    assert min(figures.actions_per_session) >= 2, figures.actions_per_session
    assert len(figures.district_s) >= SESSIONS  # every session opened a district
    assert all(s > 0 for s in figures.filter_s + figures.district_s)
    log = (workspace / "streamlit.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_concurrent_websocket_clients_meet_no_error(app):
    """The bench's protocol-level clients (20 of them for 2 minutes there)."""
    url, workspace = app
    bench = _bench()
    figures = asyncio.run(
        bench.run_ws_sessions(
            url, 2 * SESSIONS, SECONDS / 2, bench.districts_by_region()
        )
    )
    assert figures.errors == []
    assert min(figures.actions_per_session) >= 2, figures.actions_per_session
    log = (workspace / "streamlit.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
