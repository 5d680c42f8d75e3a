"""The real download code (pooch) against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import shutil
import threading

import pytest

from geodata import sources


@pytest.fixture
def census_server(tmp_path):
    """Serve a folder over HTTP on 127.0.0.1; yields (folder, base_url)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(folder)
    )
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def point_source_at(monkeypatch, key: str, url: str) -> sources.Source:
    """Let source ``key`` be downloaded from ``url`` for this test."""
    source = dataclasses.replace(sources.SOURCES[key], url=url)
    monkeypatch.setitem(sources.SOURCES, key, source)
    return source


def test_download_verifies_pinned_hash_and_caches(
    source_files, census_server, fresh_cache, monkeypatch
):
    folder, base = census_server
    real = sources.SOURCES["scsd"]
    shutil.copy(source_files["scsd"], folder / real.filename)
    point_source_at(monkeypatch, "scsd", f"{base}/{real.filename}")
    path = sources.fetch("scsd")
    assert path.parent == fresh_cache / "sources"
    assert path.read_bytes() == source_files["scsd"].read_bytes()
    # second call: served from the cache, the server is not needed
    (folder / real.filename).unlink()
    assert sources.fetch("scsd") == path


def test_download_with_wrong_content_leaves_nothing(
    census_server, fresh_cache, monkeypatch
):
    folder, base = census_server
    real = sources.SOURCES["scsd"]
    (folder / real.filename).write_bytes(b"tampered")
    point_source_at(monkeypatch, "scsd", f"{base}/{real.filename}")
    with pytest.raises(sources.SourceError, match="SHA-256"):
        sources.fetch("scsd")
    assert not (fresh_cache / "sources" / real.filename).exists()


def test_unreachable_publisher_says_what_to_do(fresh_cache, monkeypatch):
    point_source_at(monkeypatch, "scsd", "http://127.0.0.1:9/nothing.zip")
    with pytest.raises(sources.SourceError, match="LMI_GEODATA_DIR"):
        sources.fetch("scsd")


def test_download_off_is_a_clear_error(fresh_cache):
    with pytest.raises(sources.SourceError, match="downloading is off"):
        sources.fetch("scsd", download=False)
