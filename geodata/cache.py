"""The derived-layer cache: GeoParquet files built once from the source files.

Layers derived from the published sources (the joined boundaries of
:mod:`geodata.boundaries`, the simplified web layers of :mod:`geodata.simplify`)
are stored under ``<cache>/derived/<fingerprint>/`` (``<cache>`` is
:func:`geodata.sources.cache_dir`). The fingerprint hashes every source file's
path, size and modification time and :data:`DERIVED_VERSION`, so new source
files or a new layer layout get a new folder and old files are never reused.

Several processes may build the same layer at once (Streamlit sessions, the
command line, parallel test workers). Each writes its own uniquely named
temporary file in the target folder and renames it into place with
:func:`os.replace` (:func:`loaders.fileio.atomic_output`, the project's one
atomic write), so a reader sees either no file or a complete one. A file lock
(``<cache>/locks/<fingerprint>-<name>.lock``, the ``filelock`` package) lets one process
build a layer while the others wait and then read it: N app processes starting
together build the boundary cache once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
from filelock import FileLock

from geodata.sources import SOURCES, cache_dir, fetch
from loaders.fileio import atomic_output

__all__ = [
    "DERIVED_VERSION",
    "cached_frames",
    "derived_path",
    "write_parquet",
]

#: Bumped whenever the derived layers change shape, to invalidate the cache.
DERIVED_VERSION = "2"

Frame = pd.DataFrame | gpd.GeoDataFrame


def _source_fingerprint() -> str:
    """Hash of everything the derived layers depend on (files and code version)."""
    digest = hashlib.sha256(DERIVED_VERSION.encode())
    for key in SOURCES:
        path = fetch(key)
        stat = path.stat()
        digest.update(f"{key}:{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def derived_path(name: str) -> Path:
    """Path of a derived file in the cache folder of the current sources.

    Parameters
    ----------
    name : str
        File name, e.g. ``"districts.parquet"``.

    Returns
    -------
    pathlib.Path
        ``<cache>/derived/<fingerprint>/<name>``; the folder is created, the
        file may not exist yet.

    Raises
    ------
    geodata.sources.SourceError
        If a source file cannot be obtained (the fingerprint reads them all).
    """
    folder = cache_dir() / "derived" / _source_fingerprint()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def write_parquet(frame: Frame, path: Path) -> Path:
    """Write a (Geo)DataFrame as (Geo)Parquet so that it is complete or absent.

    Safe with several processes writing the same path at once: each writes a
    temporary file of its own beside ``path`` and renames it into place.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        Written without its index.
    path : pathlib.Path
        Destination; its folder must exist.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the folder is missing or not writable; ``path`` is then left as it
        was and no temporary file remains.
    """
    with atomic_output(path) as tmp:
        frame.to_parquet(tmp, index=False)
    return path


def _read(path: Path) -> Frame:
    try:
        return gpd.read_parquet(path)
    except ValueError:  # no geometry column: a plain table
        return pd.read_parquet(path)


def cached_frames(
    names: Sequence[str], build: Callable[[], Sequence[Frame]]
) -> tuple[Frame, ...]:
    """Derived frames read from the cache, else built once and stored there.

    Parameters
    ----------
    names : sequence of str
        One file name per frame (``"districts.parquet"``...).
    build : callable
        Returns the frames, as many and in the order of ``names``.

    Returns
    -------
    tuple of pandas.DataFrame or geopandas.GeoDataFrame
        The frames read back from the cache files (GeoDataFrames where they
        have a geometry column), or as built when a file was missing or
        damaged (a damaged file is rebuilt, never trusted).

    Raises
    ------
    ValueError
        If ``build`` returns a different number of frames than ``names``.
    """
    paths = [derived_path(name) for name in names]
    found = _read_all(paths)
    if found is not None:
        return found
    # One builder at a time (several app processes starting together): the
    # others wait for the lock, then read what it wrote.
    locks = cache_dir() / "locks"  # outside the layer folders
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"{paths[0].parent.name}-{paths[0].name}.lock")):
        found = _read_all(paths)
        if found is not None:
            return found
        frames = tuple(build())
        if len(frames) != len(paths):
            raise ValueError(
                f"build returned {len(frames)} frames for {len(paths)} cache files."
            )
        for frame, path in zip(frames, paths):
            write_parquet(frame, path)
    return frames


def _read_all(paths: Sequence[Path]) -> tuple[Frame, ...] | None:
    """Every cache file read, or None when one is missing or damaged."""
    if all(p.exists() for p in paths):
        try:
            return tuple(_read(p) for p in paths)
        except Exception:  # a damaged cache file is rebuilt, never trusted
            pass
    return None
