"""First start on a fresh server: downloads resume or restart cleanly after an
interruption, progress is reported in bytes and steps (terminal and page).

The real download code (pooch + :class:`geodata.sources.ResumableDownloader`)
runs against an HTTP server on 127.0.0.1 that can cut a transfer short,
answer ``Range`` requests (or not), and change the file in between.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import shutil
import threading

import pytest
from streamlit.testing.v1 import AppTest

from geodata import firststart, sources
from tests.test_sources_download import point_source_at

SIZE_RE = re.compile(r"bytes=(\d+)-$")


class _Server:
    """Serves one file; may cut the next transfer, may ignore Range."""

    def __init__(self, data: bytes, *, ranges: bool = True) -> None:
        self.data = data
        self.ranges = ranges
        self.cut_after: int | None = None  # bytes to send before dropping
        self.requests: list[dict] = []
        self.sent = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                data = owner.data
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                rng = self.headers.get("Range")
                owner.requests.append({"range": rng, "if_range": self.headers.get(
                    "If-Range")})  # fmt: skip
                start = 0
                match = SIZE_RE.match(rng or "")
                if owner.ranges and match and self.headers.get("If-Range") == etag:
                    start = int(match.group(1))
                    self.send_response(206)
                    self.send_header(
                        "Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}"
                    )
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                cut, owner.cut_after = owner.cut_after, None
                if cut is not None:
                    body = body[:cut]
                self.wfile.write(body)
                owner.sent += len(body)
                if cut is not None:
                    self.wfile.flush()
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/file.zip"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scsd(source_files):
    return source_files["scsd"].read_bytes()


def _interrupted(server, monkeypatch, cut_after: int) -> sources.Source:
    """Serve the scsd source from ``server``; a first fetch breaks off after
    ``cut_after`` bytes (SourceError), leaving its ``.part`` file."""
    source = point_source_at(monkeypatch, "scsd", server.url)
    server.cut_after = cut_after
    with pytest.raises(sources.SourceError):
        sources.fetch("scsd")
    return source


def test_an_interrupted_download_resumes_where_it_stopped(
    fresh_cache, scsd, monkeypatch
):
    with _Server(scsd) as server:
        source = point_source_at(monkeypatch, "scsd", server.url)
        target = fresh_cache / "sources" / source.filename
        part = target.with_name(target.name + ".part")
        half = len(scsd) * 2 // 5
        server.cut_after = half
        with pytest.raises(sources.SourceError, match="resumes from there"):
            sources.fetch("scsd")
        assert not target.exists()  # nothing half-written where the file goes
        # kept: what arrived in whole chunks (the cut chunk is lost)
        kept = part.stat().st_size
        assert half - sources.ResumableDownloader.CHUNK < kept <= half
        seen: list[tuple[int, int | None]] = []
        path = sources.fetch("scsd", progress=lambda d, t: seen.append((d, t)))
    assert path == target and path.read_bytes() == scsd
    assert server.requests[-1]["range"] == f"bytes={kept}-"
    assert server.sent == len(scsd) + (half - kept)  # the rest, not all again
    assert seen[0] == (kept, len(scsd)) and seen[-1] == (len(scsd), len(scsd))
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    assert not part.exists() and not list(target.parent.glob("*.json"))


def test_a_publisher_that_cannot_resume_gets_a_clean_restart(
    fresh_cache, scsd, monkeypatch
):
    with _Server(scsd, ranges=False) as server:
        source = _interrupted(server, monkeypatch, cut_after=200_000)
        part = fresh_cache / "sources" / (source.filename + ".part")
        kept = part.stat().st_size
        path = sources.fetch("scsd")  # asks to resume, gets the whole file
    assert path.read_bytes() == scsd
    assert kept and server.requests[-1]["range"] == f"bytes={kept}-"
    assert not (path.parent / (source.filename + ".part")).exists()


def test_a_file_changed_since_the_interruption_is_downloaded_whole(
    fresh_cache, scsd, monkeypatch
):
    with _Server(b"an older version of the file " * 20_000) as server:
        _interrupted(server, monkeypatch, cut_after=300_000)
        server.data = scsd  # new ETag: If-Range sends the whole file
        path = sources.fetch("scsd")
    assert path.read_bytes() == scsd
    assert server.requests[-1]["if_range"] is not None, server.requests


def test_resumed_bytes_that_fail_the_hash_are_fetched_again_from_zero(
    fresh_cache, scsd, monkeypatch
):
    with _Server(scsd) as server:
        source = _interrupted(server, monkeypatch, cut_after=200_000)
        part = fresh_cache / "sources" / (source.filename + ".part")
        kept = part.stat().st_size
        part.write_bytes(b"x" * kept)  # damaged on disk meanwhile
        path = sources.fetch("scsd")
    assert path.read_bytes() == scsd
    assert [r["range"] for r in server.requests[-2:]] == [f"bytes={kept}-", None]


def test_two_processes_starting_together_download_once(fresh_cache, scsd, monkeypatch):
    with _Server(scsd) as server:
        point_source_at(monkeypatch, "scsd", server.url)
        results: list = []
        threads = [
            threading.Thread(target=lambda: results.append(sources.fetch("scsd")))
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert len(results) == 2 and results[0] == results[1]
    assert results[0].read_bytes() == scsd
    assert len(server.requests) == 1


@pytest.mark.slow
def test_prepare_reports_cache_steps_and_bytes_on_the_terminal(
    fresh_cache, scsd, source_files, tmp_path, monkeypatch
):
    # every file but one is at hand; the one is downloaded from the server
    have = tmp_path / "have"
    have.mkdir()
    for key, path in source_files.items():
        if key != "scsd":
            shutil.copy(path, have / path.name)
    monkeypatch.setenv("LMI_GEODATA_DIR", str(have))
    with _Server(scsd) as server:
        point_source_at(monkeypatch, "scsd", server.url)
        assert [label for label, _ in firststart.plan_steps()][0].startswith(
            "Downloading cb_2021_06_scsd_500k.zip"
        )
        out = io.StringIO()
        firststart.prepare("state", stream=out)
    text = out.getvalue()
    assert f"Cache folder: {fresh_cache}" in text
    assert "[1/3] Downloading cb_2021_06_scsd_500k.zip" in text
    assert "[2/3] Joining" in text and "[3/3] Simplifying" in text
    assert re.search(r"cb_2021_06_scsd_500k\.zip: 100%.*\d+(\.\d+)?[kM]?B", text)
    state = firststart.STATUS.get()
    assert state.phase == "done" and state.cache == str(fresh_cache)
    # a second start has nothing to download
    assert [k for _, k in firststart.plan_steps()] == [None, None]


@pytest.mark.parametrize("phase", ["running", "failed"])
def test_the_page_shows_the_progress_to_a_visitor(phase):
    from dashboard import firststart as page
    from geodata.firststart import PreparationState

    at = AppTest.from_string(
        "from dashboard import firststart as page\n"
        "from geodata.firststart import PreparationState\n"
        "page.show_progress(PreparationState(\n"
        f"    phase={phase!r},\n"
        "    steps=('Downloading cb_2020_us_county_5m.zip (counties)',\n"
        "           'Joining', 'Simplifying'),\n"
        "    bytes_done=1_200_000, bytes_total=3_400_000,\n"
        "    cache='/srv/lmi/cache',\n"
        "    error='Could not download the counties: set LMI_GEODATA_DIR.',\n"
        "))\n",
        default_timeout=30,
    ).run()
    assert not at.exception
    assert at.title[0].value == "Preparing the map (first start)"
    if phase == "failed":
        assert "LMI_GEODATA_DIR" in at.error[0].value
        return
    text = " ".join(m.value for m in at.markdown) + " ".join(
        c.value for c in at.caption
    )
    assert "Step 1 of 3: Downloading cb_2020_us_county_5m.zip" in text
    assert "/srv/lmi/cache" in text
    bar = at.get("progress")[0]
    assert "1.2 of 3.4 MB" in bar.proto.text
    assert page.REFRESH_S > 0 and PreparationState().phase == "idle"
