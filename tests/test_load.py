"""A few people on the Map page at once, for a short while: nobody meets an error.

The short version of ``bench/bench_load.py`` (which runs 20 sessions for two
minutes and prints the response figures): 5 concurrent browser sessions on
loopback change the region and the measure and open districts for 20 s. No
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
    return module


def test_concurrent_sessions_meet_no_error(tmp_path):
    bench = _bench()
    names = bench.districts_by_region()
    with running_app(tmp_path) as url:
        figures = asyncio.run(bench.run_sessions(url, SESSIONS, SECONDS, names))
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    assert figures.errors == []
    assert len(figures.actions_per_session) == SESSIONS
    assert min(figures.actions_per_session) >= 2, figures.actions_per_session
    assert len(figures.district_s) >= SESSIONS  # every session opened a district
    assert all(s > 0 for s in figures.filter_s + figures.district_s)
    assert "Traceback" not in log, log[-3000:]
