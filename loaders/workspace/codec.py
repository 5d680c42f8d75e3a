"""How values are stored: JSON text, Parquet blobs, SHA-256 keys, UTC timestamps.

Internal to :mod:`loaders.workspace`. :func:`dumps` uses the project's one JSON
coercion, :func:`loaders.fileio.json_default` (numpy scalars and arrays,
timestamps, ``pd.NA``, sets, paths).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from loaders.fileio import json_default
from loaders.workspace.errors import WorkspaceError

__all__ = [
    "dumps",
    "frame_to_parquet",
    "isna",
    "now",
    "parquet_to_frame",
    "plain",
    "sha256",
    "text",
]


def now() -> datetime:
    """The current time in UTC, naive (as the database columns store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def dumps(value: Any, what: str) -> str:
    """``value`` as JSON text (numpy values, timestamps and ``pd.NA`` converted).

    Parameters
    ----------
    value : Any
        JSON-like data.
    what : str
        What is being saved, for the message (``"the column mapping"``).

    Raises
    ------
    WorkspaceError
        ``value`` holds something JSON cannot represent.

    Examples
    --------
    >>> import numpy as np
    >>> dumps({"p": np.int64(3), "v": np.array([1.5])}, "a plan")
    '{"p": 3, "v": [1.5]}'
    """
    try:
        return json.dumps(value, default=json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(f"Cannot save {what}: {exc}.") from None


def frame_to_parquet(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet bytes (dtypes kept; mixed object columns as text)."""
    frame = frame.reset_index(drop=True)
    buf = io.BytesIO()
    try:
        frame.to_parquet(buf, index=False)
    except (ValueError, TypeError, NotImplementedError):  # mixed object columns
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].astype("string")
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
    return buf.getvalue()


def parquet_to_frame(blob: bytes | None) -> pd.DataFrame:
    """The frame stored by :func:`frame_to_parquet` (empty for no bytes)."""
    if not blob:
        return pd.DataFrame()
    return pd.read_parquet(io.BytesIO(blob))


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 characters)."""
    return hashlib.sha256(data).hexdigest()


def isna(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``NaT``, ``pd.NA``; False for anything else."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: Any) -> str:
    """``value`` as text, ``""`` when missing."""
    return "" if value is None or isna(value) else str(value)


def plain(value: Any) -> Any:
    """A numpy scalar as a Python one; missing values as ``None``."""
    if isna(value):
        return None
    return value.item() if hasattr(value, "item") else value
