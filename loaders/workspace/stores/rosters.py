"""Saved rosters: original files, matched rows, rejected rows, and the trash.

* Original roster files are stored verbatim, content-addressed by SHA-256 in
  ``files``: the same file uploaded twice is stored once.
* A roster's matched rows and rejected rows are one Parquet blob each
  (``roster_blobs``), written with the roster's metadata in one transaction.
  Rosters are small (a few thousand rows), so a review decision simply
  rewrites the blob.
* Removing a roster moves it to the trash (``deleted_at``);
  :meth:`RosterStore.restore_roster` brings it back (the Data page's undo) and
  :meth:`RosterStore.purge_deleted` deletes for good (and the original file
  once no roster refers to it).

Personal data: rosters hold names and emails (``person_name``, ``email``);
they are stored as given. Callers decide what to show
(:data:`loaders.workspace.SETTING_SHOW_CONTACTS`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import pandas as pd
from cachetools import LRUCache
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from loaders.roster import ROSTER_COLUMNS
from loaders.workspace.codec import (
    dumps,
    frame_to_parquet,
    now,
    parquet_to_frame,
    sha256,
)
from loaders.workspace.errors import WorkspaceError
from loaders.workspace.schema import (
    column_maps,
    files,
    review_decisions,
    roster_blobs,
    rosters,
)

__all__ = ["FRAME_CACHE_SIZE", "RosterStore"]

#: Decoded roster frames kept in memory per workspace (most recently used).
FRAME_CACHE_SIZE = 64


def _status_counts(rows: pd.DataFrame) -> dict[str, int]:
    counts = {"matched": 0, "ambiguous": 0, "unmatched": 0}
    if "match_status" in rows.columns:
        vc = rows["match_status"].astype("string").value_counts()
        for key in counts:
            counts[key] = int(vc.get(key, 0))
    return counts


class RosterStore:
    """Rosters of a :class:`loaders.workspace.Workspace` (a mixin: needs the
    transactions of :class:`loaders.workspace.db.Database`)."""

    def _init_frame_cache(self) -> None:
        self._frames: LRUCache = LRUCache(maxsize=FRAME_CACHE_SIZE)
        self._frames_lock = threading.Lock()

    def save_roster(
        self,
        name: str,
        original: bytes,
        filename: str | None,
        rows: pd.DataFrame,
        rejected: pd.DataFrame | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> int:
        """Save an uploaded roster: its original file, matched rows and rejected rows.

        Parameters
        ----------
        name : str
            Name shown in the app (e.g. the file name without extension).
        original : bytes
            The uploaded file, verbatim. Stored once per SHA-256.
        filename : str or None
            The uploaded file's name.
        rows : pandas.DataFrame
            The matched roster (ARCHITECTURE.md: canonical columns + match
            columns), one row per person per event, in file order.
        rejected : pandas.DataFrame, optional
            Rejected rows (``file``, ``row``, ``column``, ``reason``).
        meta : mapping, optional
            ``sheet``, ``header_row``, ``column_map``, ``layout_signature`` (stored
            in their own columns) and anything else JSON-serialisable (``notes``,
            ``unmapped_columns``…), returned by :meth:`load_roster`. When both
            ``column_map`` and ``layout_signature`` are given, the mapping is also
            remembered for the layout (:meth:`get_column_map`), in the same
            transaction.

        Returns
        -------
        int
            The new ``roster_id``.

        Raises
        ------
        WorkspaceError
            Empty name, non-serialisable metadata, or a database error.
        """
        name = (name or "").strip()
        if not name:
            raise WorkspaceError("Give the roster a name before saving it.")
        if not isinstance(original, (bytes, bytearray, memoryview)):
            raise WorkspaceError("The original roster file must be given as bytes.")
        original = bytes(original)
        rejected = (
            rejected
            if rejected is not None
            else pd.DataFrame(columns=["file", "row", "column", "reason"])
        )
        meta = dict(meta or {})
        sheet = meta.pop("sheet", None)
        header_row = meta.pop("header_row", None)
        column_map = meta.pop("column_map", None)
        signature = meta.pop("layout_signature", None)
        rows_blob = frame_to_parquet(rows)
        rejected_blob = frame_to_parquet(rejected)
        counts = _status_counts(rows)
        sha = sha256(original)
        values = {
            "name": name,
            "filename": filename,
            "sheet": None if sheet is None else str(sheet),
            "header_row": None if header_row is None else int(header_row),
            "column_map": None
            if column_map is None
            else dumps(column_map, "the column mapping"),
            "layout_signature": None if signature is None else str(signature),
            "file_sha256": sha,
            "uploaded_at": now(),
            "n_rows": len(rows),
            "n_matched": counts["matched"],
            "n_ambiguous": counts["ambiguous"],
            "n_unmatched": counts["unmatched"],
            "n_rejected": len(rejected),
            "meta": dumps(meta, "the roster details"),
        }
        with self._write() as conn:
            self._store_file(conn, sha, original)
            roster_id = conn.execute(
                insert(rosters).values(**values)
            ).inserted_primary_key[0]
            conn.execute(
                insert(roster_blobs).values(
                    roster_id=roster_id,
                    rows_parquet=rows_blob,
                    rejected_parquet=rejected_blob,
                    rows_sha256=sha256(rows_blob),
                )
            )
            if column_map is not None and signature is not None:
                self._upsert(
                    conn,
                    column_maps,
                    {"layout_signature": str(signature)},
                    {"column_map": values["column_map"], "updated_at": now()},
                )
        return int(roster_id)

    def _store_file(self, conn: Connection, sha: str, content: bytes) -> None:
        exists = conn.execute(
            select(files.c.sha256).where(files.c.sha256 == sha)
        ).first()
        if exists is None:
            conn.execute(
                insert(files).values(
                    sha256=sha,
                    size_bytes=len(content),
                    content=content,
                    stored_at=now(),
                )
            )

    def list_rosters(self, *, deleted: bool = False) -> pd.DataFrame:
        """Saved rosters, newest first.

        Parameters
        ----------
        deleted : bool, default False
            List the rosters in the trash instead of the live ones.

        Returns
        -------
        pandas.DataFrame
            Columns ``roster_id`` (Int64), ``name``, ``filename``, ``sheet``
            (string), ``header_row`` (Int64), ``uploaded_at`` (datetime, UTC),
            ``rows``, ``matched``, ``ambiguous``, ``unmatched``, ``rejected``
            (Int64), ``file_sha256`` (string), ``size_bytes`` (Int64),
            ``deleted_at`` (datetime, UTC; NaT for live rosters).
        """
        r = rosters.c
        query = (
            select(
                r.roster_id,
                r.name,
                r.filename,
                r.sheet,
                r.header_row,
                r.uploaded_at,
                r.n_rows.label("rows"),
                r.n_matched.label("matched"),
                r.n_ambiguous.label("ambiguous"),
                r.n_unmatched.label("unmatched"),
                r.n_rejected.label("rejected"),
                r.file_sha256,
                files.c.size_bytes,
                r.deleted_at,
            )
            .join(files, files.c.sha256 == r.file_sha256)
            .where(r.deleted_at.is_not(None) if deleted else r.deleted_at.is_(None))
            .order_by(r.uploaded_at.desc(), r.roster_id.desc())
        )
        with self._read() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        ints = ["roster_id", "header_row", "rows", "matched", "ambiguous",
                "unmatched", "rejected", "size_bytes"]  # fmt: skip
        for col in frame.columns:
            if col in ints:
                frame[col] = frame[col].astype("Int64")
            elif col in ("uploaded_at", "deleted_at"):
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].astype("string")
        return frame

    def rosters_with_file(self, original: bytes) -> pd.DataFrame:
        """Live saved rosters made from this very file (same SHA-256), newest first.

        Returns
        -------
        pandas.DataFrame
            Same columns as :meth:`list_rosters`; empty when the file is new.
        """
        frame = self.list_rosters()
        return frame[frame["file_sha256"] == sha256(bytes(original))].reset_index(
            drop=True
        )

    def _roster_row(self, conn: Connection, roster_id: int) -> Any:
        row = conn.execute(
            select(rosters).where(rosters.c.roster_id == int(roster_id))
        ).first()
        if row is None:
            raise WorkspaceError(
                f"There is no saved roster number {roster_id} (it may have been "
                f"removed for good). Reload the page."
            )
        return row

    def load_roster(self, roster_id: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
        """A saved roster (live or in the trash).

        Returns
        -------
        rows : pandas.DataFrame
            The matched roster as saved (with review decisions applied).
        rejected : pandas.DataFrame
            Its rejected rows (``file``, ``row``, ``column``, ``reason``).
        meta : dict
            ``roster_id``, ``name``, ``filename``, ``sheet``, ``header_row``,
            ``column_map``, ``layout_signature``, ``file_sha256``, ``uploaded_at``,
            ``deleted_at``, ``counts`` (dict rows/matched/ambiguous/unmatched/
            rejected) plus the extra metadata given to :meth:`save_roster`.

        Raises
        ------
        WorkspaceError
            No such roster.
        """
        with self._read() as conn:
            row = self._roster_row(conn, roster_id)
            blob = conn.execute(
                select(roster_blobs).where(roster_blobs.c.roster_id == int(roster_id))
            ).one()
        rows = self._decode_rows(int(roster_id), blob.rows_sha256, blob.rows_parquet)
        rejected = parquet_to_frame(blob.rejected_parquet)
        return rows, rejected, self._meta_dict(row)

    def _meta_dict(self, row: Any) -> dict:
        meta = json.loads(row.meta) if row.meta else {}
        meta.update(
            roster_id=int(row.roster_id),
            name=row.name,
            filename=row.filename,
            sheet=row.sheet,
            header_row=row.header_row,
            column_map=json.loads(row.column_map) if row.column_map else None,
            layout_signature=row.layout_signature,
            file_sha256=row.file_sha256,
            uploaded_at=row.uploaded_at,
            deleted_at=row.deleted_at,
            counts={
                "rows": row.n_rows,
                "matched": row.n_matched,
                "ambiguous": row.n_ambiguous,
                "unmatched": row.n_unmatched,
                "rejected": row.n_rejected,
            },
        )
        return meta

    def _decode_rows(self, roster_id: int, sha: str, blob: bytes) -> pd.DataFrame:
        """A roster's rows from its blob (a copy; decoded frames are cached by
        roster and content hash)."""
        key = (roster_id, sha)
        with self._frames_lock:
            hit = self._frames.get(key)
        if hit is None:
            hit = parquet_to_frame(blob)
            with self._frames_lock:
                self._frames[key] = hit
        return hit.copy()

    def original_file(self, roster_id: int) -> bytes:
        """The roster's original uploaded file, byte for byte.

        Raises
        ------
        WorkspaceError
            No such roster.
        """
        with self._read() as conn:
            row = self._roster_row(conn, roster_id)
            return bytes(
                conn.execute(
                    select(files.c.content).where(files.c.sha256 == row.file_sha256)
                ).scalar_one()
            )

    def delete_roster(self, roster_id: int) -> None:
        """Move a roster to the trash (undo with :meth:`restore_roster`).

        Raises
        ------
        WorkspaceError
            No such roster.
        """
        with self._write() as conn:
            self._roster_row(conn, roster_id)
            conn.execute(
                update(rosters)
                .where(rosters.c.roster_id == int(roster_id))
                .values(deleted_at=now())
            )

    def restore_roster(self, roster_id: int) -> None:
        """Bring a roster back from the trash.

        Raises
        ------
        WorkspaceError
            No such roster (it was purged).
        """
        with self._write() as conn:
            self._roster_row(conn, roster_id)
            conn.execute(
                update(rosters)
                .where(rosters.c.roster_id == int(roster_id))
                .values(deleted_at=None)
            )

    def purge_deleted(
        self,
        older_than: timedelta | None = None,
        roster_ids: Iterable[int] | None = None,
    ) -> int:
        """Delete rosters in the trash for good (and original files no roster uses).

        Parameters
        ----------
        older_than : datetime.timedelta, optional
            Only rosters moved to the trash at least this long ago. Default: all.
        roster_ids : iterable of int, optional
            Only these rosters (each must be in the trash).

        Returns
        -------
        int
            Number of rosters deleted.
        """
        cond = rosters.c.deleted_at.is_not(None)
        if older_than is not None:
            cond = cond & (rosters.c.deleted_at <= now() - older_than)
        if roster_ids is not None:
            cond = cond & rosters.c.roster_id.in_([int(i) for i in roster_ids])
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(select(rosters.c.roster_id).where(cond))]
            if not ids:
                return 0
            conn.execute(
                delete(review_decisions).where(review_decisions.c.roster_id.in_(ids))
            )
            conn.execute(delete(roster_blobs).where(roster_blobs.c.roster_id.in_(ids)))
            conn.execute(delete(rosters).where(rosters.c.roster_id.in_(ids)))
            used = select(rosters.c.file_sha256)
            conn.execute(delete(files).where(files.c.sha256.not_in(used)))
        return len(ids)

    def all_rows(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every live saved roster's matched rows, concatenated (oldest roster first).

        Parameters
        ----------
        columns : sequence of str, optional
            Columns of the empty frame returned when nothing is saved (e.g. the
            matched-roster columns). Default: the canonical roster columns and
            ``source_row``.

        Returns
        -------
        pandas.DataFrame
            ``roster_id`` (Int64) followed by the rows' columns as saved; when
            nothing is saved, empty with ``roster_id`` and ``columns`` (string).
        """
        with self._read() as conn:
            blobs = conn.execute(
                select(roster_blobs.c.roster_id, roster_blobs.c.rows_sha256)
                .join(rosters, rosters.c.roster_id == roster_blobs.c.roster_id)
                .where(rosters.c.deleted_at.is_(None))
                .order_by(rosters.c.roster_id)
            ).fetchall()
            frames = []
            for roster_id, sha in blobs:
                with self._frames_lock:
                    cached = self._frames.get((roster_id, sha))
                if cached is None:
                    blob = conn.execute(
                        select(roster_blobs.c.rows_parquet).where(
                            roster_blobs.c.roster_id == roster_id
                        )
                    ).scalar_one()
                    frame = self._decode_rows(roster_id, sha, blob)
                else:
                    frame = cached.copy()
                frame.insert(
                    0, "roster_id", pd.array([roster_id] * len(frame), dtype="Int64")
                )
                frames.append(frame)
        frames = [f for f in frames if len(f)]
        if not frames:
            if columns is None:
                columns = (*ROSTER_COLUMNS, "source_row")
            empty = pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
            empty.insert(0, "roster_id", pd.Series(dtype="Int64"))
            return empty
        return pd.concat(frames, ignore_index=True)

    def _rows_in_tx(self, conn: Connection, roster_id: int) -> pd.DataFrame:
        blob = conn.execute(
            select(roster_blobs.c.rows_sha256, roster_blobs.c.rows_parquet).where(
                roster_blobs.c.roster_id == int(roster_id)
            )
        ).one()
        return self._decode_rows(int(roster_id), blob.rows_sha256, blob.rows_parquet)

    def _replace_rows(
        self, conn: Connection, roster_id: int, rows: pd.DataFrame
    ) -> None:
        blob = frame_to_parquet(rows)
        counts = _status_counts(rows)
        conn.execute(
            update(roster_blobs)
            .where(roster_blobs.c.roster_id == roster_id)
            .values(rows_parquet=blob, rows_sha256=sha256(blob))
        )
        conn.execute(
            update(rosters)
            .where(rosters.c.roster_id == roster_id)
            .values(
                n_rows=len(rows),
                n_matched=counts["matched"],
                n_ambiguous=counts["ambiguous"],
                n_unmatched=counts["unmatched"],
            )
        )
