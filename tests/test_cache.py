"""The derived-layer cache with two processes building it at once (real files)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geodata import cache, simplify

REWRITES = 25


def _build_together(cache_dir: str, barrier, folders) -> None:
    """One of two processes: build every cached layer, then rewrite one often."""
    os.environ["LMI_CACHE_DIR"] = cache_dir
    barrier.wait(timeout=120)
    districts, counties = simplify.web_layers("state")
    assert len(districts) == 942 and len(counties) == 58
    path = cache.derived_path("race.parquet")
    folders.put(str(path.parent))
    for _ in range(REWRITES):  # the other process writes and reads it meanwhile
        cache.write_parquet(counties, path)
        assert len(gpd.read_parquet(path)) == 58


def test_two_processes_build_the_cache_together(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    ctx = multiprocessing.get_context("spawn")  # two fresh interpreters
    barrier = ctx.Barrier(2)
    folders = ctx.Queue()
    # the children inherit this environment (the sources they fingerprint)
    monkeypatch.setenv("LMI_CACHE_DIR", str(folder))
    workers = [
        ctx.Process(target=_build_together, args=(str(folder), barrier, folders))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]

    built_in = {folders.get(timeout=5) for _ in workers}
    assert len(built_in) == 1  # both processes used one derived folder
    derived = Path(built_in.pop())
    assert derived.is_relative_to(folder)
    names = sorted(p.name for p in derived.iterdir())
    assert not [n for n in names if n.endswith(".tmp")], names  # nothing left over
    assert {"districts.parquet", "counties.parquet", "entities.parquet"} <= set(names)
    assert len(gpd.read_parquet(derived / "districts.parquet")) == 942
    assert len(pd.read_parquet(derived / "entities.parquet")) == 1002
    state = [n for n in names if n.startswith("districts_state_")]
    assert len(state) == 1 and len(gpd.read_parquet(derived / state[0])) == 942


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, counties):
    path = tmp_path / "counties.parquet"
    cache.write_parquet(counties, path)
    with pytest.raises(ValueError):  # pyarrow cannot store an object
        cache.write_parquet(counties.assign(bad=[object()] * len(counties)), path)
    assert len(gpd.read_parquet(path)) == 58
    assert [p.name for p in tmp_path.iterdir()] == ["counties.parquet"]


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("LMI_CACHE_DIR", str(tmp_path))
    built = []

    def build():
        built.append(1)
        return (pd.DataFrame({"a": [1, 2]}),)

    assert cache.cached_frames(("t.parquet",), build)[0]["a"].tolist() == [1, 2]
    assert cache.cached_frames(("t.parquet",), build)[0]["a"].tolist() == [1, 2]
    assert len(built) == 1
    cache.derived_path("t.parquet").write_bytes(b"not parquet")
    assert cache.cached_frames(("t.parquet",), build)[0]["a"].tolist() == [1, 2]
    assert len(built) == 2
