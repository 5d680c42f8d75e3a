"""Files written whole or not at all, and values made JSON-safe.

Every file the product writes (exports, plans, the demo roster, the boundary
cache, Leaflet's assets) goes through :func:`atomic_output`,
:func:`atomic_write_bytes` or :func:`atomic_directory`: the content is written
to a uniquely named temporary file (or folder) beside the destination, then put
in place with one :func:`os.replace`, so an interrupted write never leaves a
half-written file and two processes writing at once never share a temporary.

:func:`to_jsonable` is the one conversion of numpy, pandas and date values to
JSON (:func:`json_default` applies it as a :func:`json.dumps` hook).
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "atomic_directory",
    "atomic_output",
    "atomic_write_bytes",
    "json_default",
    "to_jsonable",
]


def _output_folder(dest: Path) -> Path:
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"Cannot write {dest}: the folder {folder} does not exist.")
    return folder


def _temp_beside(dest: Path) -> tuple[int, Path]:
    """Create a new, empty temporary file next to ``dest``; return (fd, path).

    Unlike :func:`tempfile.mkstemp` (always mode 0600), the file is created with
    mode 0666 less the process umask, as ``open(path, "w")`` would create it, so
    the file that replaces ``dest`` gets the permissions of any file the user
    writes (0644 under the usual umask 022).
    """
    folder = _output_folder(dest)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = folder / f".{dest.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"Cannot write {dest}: no free temporary name in {folder}.")


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary file to write, which then replaces ``path`` in one step.

    For writers that need a file name (e.g. openpyxl's ``Workbook.save``).
    The temporary file lies in the folder of ``path`` and gets the permissions
    of a normal user file (mode 0666 less the umask, e.g. 0644). When the block
    raises, the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : path-like
        Destination. Its folder must exist.

    Yields
    ------
    pathlib.Path
        The (empty) temporary file to write.

    Raises
    ------
    OSError
        If the folder does not exist or is not writable (the message names the
        path).
    """
    dest = Path(path)
    fd, tmp = _temp_beside(dest)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write a file so that it is either complete or not there at all.

    Parameters
    ----------
    path : path-like
        Destination. Its folder must exist.
    data : bytes
        The whole content.

    Returns
    -------
    pathlib.Path
        The destination.

    Raises
    ------
    OSError
        If the folder does not exist or is not writable (the message names the
        path); the destination is then left as it was.

    Notes
    -----
    The file gets the permissions of a normal user file: mode 0666 less the
    process umask (0644 under umask 022, 0600 under umask 077).
    """
    dest = Path(path)
    fd, tmp = _temp_beside(dest)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


@contextmanager
def atomic_directory(path: str | os.PathLike) -> Iterator[Path | None]:
    """A temporary folder to fill, which then becomes ``path`` in one step.

    For a folder that is built once and then only read (e.g. static assets).
    When ``path`` already exists, or another process puts it in place while
    this one fills its temporary folder, the first complete folder is kept and
    this one's copy is removed.

    Parameters
    ----------
    path : path-like
        Destination folder. Its parent is created if missing.

    Yields
    ------
    pathlib.Path or None
        An empty, uniquely named folder beside ``path`` to fill; None when
        ``path`` already exists (nothing to do).

    Raises
    ------
    OSError
        If the parent folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with atomic_directory(root / "assets") as tmp:
    ...     _ = (tmp / "a.txt").write_text("a")
    >>> sorted(p.name for p in root.iterdir())
    ['assets']
    >>> with atomic_directory(root / "assets") as tmp:
    ...     tmp is None
    True
    """
    dest = Path(path)
    if dest.is_dir():
        yield None
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    )
    try:
        yield tmp
        try:
            os.replace(tmp, dest)
        except OSError:
            if not dest.is_dir():  # not a concurrent winner: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def to_jsonable(value: Any) -> Any:
    """A value with every container and scalar made JSON-safe (deep).

    The one JSON coercion of the project (:func:`json_default` is the same
    rule as a :func:`json.dumps` hook). Dicts keep their keys as text; lists,
    tuples, sets and arrays become lists; numpy scalars become Python ones;
    NaN, infinity, ``None``, ``pd.NA`` and ``pd.NaT`` become ``None``; dates
    and timestamps ISO text; paths text; anything else unknown its ``str``.

    Examples
    --------
    >>> to_jsonable({"a": np.int64(3), "b": [np.float64("nan"), pd.NA], "c": (1,)})
    {'a': 3, 'b': [None, None], 'c': [1]}
    >>> to_jsonable({"d": date(2015, 5, 8), "p": Path("out") / "plan.json"})
    {'d': '2015-05-08', 'p': 'out/plan.json'}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


_JSON_HOOK_TYPES = (
    np.ndarray,
    np.generic,
    datetime,
    date,
    pd.Timestamp,
    set,
    frozenset,
    tuple,
    Path,
)


def json_default(obj: Any) -> Any:
    """The JSON form of a value :func:`json.dumps` does not know (its ``default=``).

    The rule of :func:`to_jsonable`, for the types listed below.

    Parameters
    ----------
    obj : Any
        A numpy array or scalar, a date, datetime or :class:`pandas.Timestamp`,
        ``pd.NA``, a set or tuple, or a path.

    Returns
    -------
    list, int, float, bool, str or None
        Arrays and sets as lists, numpy scalars as Python scalars (NaN as
        None), dates as ISO text, ``pd.NA`` as None, paths as text.

    Raises
    ------
    TypeError
        For any other type (as :func:`json.dumps` expects).

    Examples
    --------
    >>> import json
    >>> json.dumps({"n": np.int64(3), "v": np.array([1.5]), "d": date(2015, 5, 8)},
    ...            default=json_default)
    '{"n": 3, "v": [1.5], "d": "2015-05-08"}'
    """
    if obj is pd.NA or isinstance(obj, _JSON_HOOK_TYPES):
        return to_jsonable(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")
