"""The saved workspace: rosters, aliases, review decisions, mappings and scenarios.

Everything a user saves lives in one SQL database reached through one connection
URL (SQLAlchemy 2.x Core):

* by default a SQLite file ``workspace.sqlite`` in the workspace folder, which is
  ``$LMI_WORKSPACE_DIR`` or else the per-user data folder
  (``platformdirs.user_data_dir("lmi-dashboard")``);
* ``$LMI_WORKSPACE_URL`` overrides the whole URL, so a deployment can point the
  app at PostgreSQL (``postgresql+psycopg://user:pw@host/db``; install a driver).

Safety
------
Every save is one database transaction: a crash (even ``SIGKILL``) in the middle
of a save leaves the previous state. SQLite runs in WAL mode with
``synchronous=FULL``, foreign keys on and a 30 s busy timeout; write transactions
start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
The schema version is recorded in ``schema_migrations``; opening a workspace
written by an earlier version applies the missing migrations (ordered functions
in :data:`MIGRATIONS`) in one transaction. A workspace written by a *newer*
version is refused with a clear message rather than modified.

Storage choices
---------------
* Original roster files are stored verbatim, content-addressed by SHA-256 in
  ``files``: the same file uploaded twice is stored once.
* The normalised + matched rows of a roster (and its rejected rows) are stored as
  one Parquet blob per roster (``roster_blobs``), not as a rows table: rosters are
  always read and written whole, Parquet keeps the pandas dtypes exactly (``string``
  codes with their leading zeros, ``<NA>``, ``Int64``), the matched-roster contract
  can gain columns without a schema migration, and a blob is written atomically
  with the roster's metadata in the same transaction. Rosters are small (a few
  thousand rows), so a review decision simply rewrites the blob.
* Removing a roster moves it to the trash (``deleted_at``); :meth:`Workspace.
  restore_roster` brings it back and :meth:`Workspace.purge_deleted` deletes for
  good (and the original file once no roster refers to it).

Personal data: rosters hold names and emails (``person_name``, ``email``); this
module stores them as given. Callers decide what to show
(:data:`SETTING_SHOW_CONTACTS`) and exports drop them unless asked
(:meth:`Workspace.export_aliases_csv` holds no personal data).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import platformdirs
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from loaders.exports import CONTACT_COLUMNS, FORMULA_PREFIXES, neutralise_text
from loaders.matching import MATCH_COLUMNS
from loaders.roster import ROSTER_COLUMNS

__all__ = [
    "ALIAS_CSV_COLUMNS",
    "CONTACT_COLUMNS",
    "ENV_WORKSPACE_DIR",
    "ENV_WORKSPACE_URL",
    "MATCHED_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SETTING_SHOW_CONTACTS",
    "AliasImportError",
    "Workspace",
    "WorkspaceError",
    "formula_safe",
    "normalise_alias",
    "open_workspace",
    "workspace_dir",
    "workspace_url",
]

ENV_WORKSPACE_DIR = "LMI_WORKSPACE_DIR"
ENV_WORKSPACE_URL = "LMI_WORKSPACE_URL"
#: Name of the SQLite file inside the workspace folder.
SQLITE_FILENAME = "workspace.sqlite"
#: Setting (bool) that allows the UI to show contact details; off by default.
SETTING_SHOW_CONTACTS = "show_contact_details"
#: Matched-roster columns (ARCHITECTURE.md), used for empty frames.
MATCHED_COLUMNS: tuple[str, ...] = (
    *ROSTER_COLUMNS,
    "source_row",
    *(c for c in MATCH_COLUMNS if c not in ("cd_code", "candidate_geoids")),
)
#: Columns of the alias CSV written by :meth:`Workspace.export_aliases_csv`.
ALIAS_CSV_COLUMNS: tuple[str, ...] = (
    "alias",
    "county",
    "geoid",
    "not_california",
    "note",
    "created_at",
)
#: Largest alias CSV accepted by :meth:`Workspace.import_aliases_csv` (bytes).
MAX_ALIAS_CSV_BYTES = 5_000_000
#: ``match_status`` / ``match_method`` / ``match_note`` written by a review decision.
REVIEW_METHOD = "review"
NOT_CALIFORNIA_NOTE = "not a California district"

_GEOID_RE = re.compile(r"^06\d{3}(\d{2})?$")


_QUEUE_TEXT = (
    "roster_name",
    "entity_name",
    "county",
    "match_status",
    "matched_name",
    "runner_up",
    "pending_geoid",
    "pending_name",
)


class WorkspaceError(ValueError):
    """A workspace problem the user can act on (message says what and what to do)."""


class AliasImportError(WorkspaceError):
    """An alias CSV that cannot be imported; the message names row and column."""


# --------------------------------------------------------------------------
# location
# --------------------------------------------------------------------------
def workspace_dir() -> Path:
    """The workspace folder: ``$LMI_WORKSPACE_DIR`` or the per-user data folder.

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    env = os.environ.get(ENV_WORKSPACE_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("lmi-dashboard", appauthor=False))


def workspace_url() -> str:
    """The connection URL in force: ``$LMI_WORKSPACE_URL`` or the SQLite file.

    Returns
    -------
    str
        A SQLAlchemy URL, e.g. ``sqlite:////home/me/.local/share/lmi-dashboard/
        workspace.sqlite``.
    """
    env = os.environ.get(ENV_WORKSPACE_URL, "").strip()
    if env:
        return env
    return f"sqlite:///{(workspace_dir() / SQLITE_FILENAME).resolve()}"


_WORKSPACES: dict[str, Workspace] = {}
_WORKSPACES_LOCK = threading.Lock()


def open_workspace(url: str | None = None) -> Workspace:
    """Open (creating or upgrading if needed) the workspace database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL. Default :func:`workspace_url` (``$LMI_WORKSPACE_URL`` or
        ``workspace.sqlite`` in :func:`workspace_dir`).

    Returns
    -------
    Workspace
        One shared, thread-safe object per URL (cached for the process).

    Raises
    ------
    WorkspaceError
        The URL is malformed, the database cannot be opened or created, it is not
        an LMI workspace, or it was written by a newer version of the app.
    """
    url = url or workspace_url()
    with _WORKSPACES_LOCK:
        ws = _WORKSPACES.get(url)
        if ws is None or ws._closed:
            ws = Workspace(url)
            _WORKSPACES[url] = ws
        return ws


def _mask(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable workspace URL>"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def normalise_alias(text: str | None) -> str:
    """Key under which an alias is unique: accents removed, casefolded, punctuation
    to spaces, whitespace collapsed (``" La Cañada  USD "`` → ``"la canada usd"``).

    The matcher applies its own, richer normalisation to the alias text; this key
    only keeps the alias table free of duplicates.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


def _county_key(county: str | None) -> str:
    key = normalise_alias(county)
    return key.removesuffix(" county").strip()


def formula_safe(value: Any) -> Any:
    """Make a text cell safe for spreadsheets: prefix ``'`` when it would start a
    formula (see :func:`loaders.exports.neutralise_text`). Non-text values are
    returned unchanged."""
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def _unguard(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (datetime, date, pd.Timestamp)):
        return obj.isoformat()
    if obj is pd.NA:
        return None
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(f"Cannot save {what}: {exc}.") from None


def _frame_to_parquet(frame: pd.DataFrame) -> bytes:
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


def _parquet_to_frame(blob: bytes | None) -> pd.DataFrame:
    if not blob:
        return pd.DataFrame()
    return pd.read_parquet(io.BytesIO(blob))


def _status_counts(rows: pd.DataFrame) -> dict[str, int]:
    counts = {"matched": 0, "ambiguous": 0, "unmatched": 0}
    if "match_status" in rows.columns:
        vc = rows["match_status"].astype("string").value_counts()
        for key in counts:
            counts[key] = int(vc.get(key, 0))
    return counts


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# schema: current tables (for queries) and migrations (frozen per version)
# --------------------------------------------------------------------------
_META = MetaData()

schema_migrations = Table(
    "schema_migrations",
    _META,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime, nullable=False),
)
files = Table(
    "files",
    _META,
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime, nullable=False),
)
rosters = Table(
    "rosters",
    _META,
    Column("roster_id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("filename", Text),
    Column("sheet", Text),
    Column("header_row", Integer),
    Column("column_map", Text),
    Column("layout_signature", Text),
    Column("file_sha256", String(64), ForeignKey("files.sha256"), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("n_matched", Integer, nullable=False),
    Column("n_ambiguous", Integer, nullable=False),
    Column("n_unmatched", Integer, nullable=False),
    Column("n_rejected", Integer, nullable=False),
    Column("meta", Text),
    Column("deleted_at", DateTime),  # v2
)
roster_blobs = Table(
    "roster_blobs",
    _META,
    Column(
        "roster_id",
        Integer,
        ForeignKey("rosters.roster_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("rows_parquet", LargeBinary, nullable=False),
    Column("rejected_parquet", LargeBinary, nullable=False),
    Column("rows_sha256", String(64), nullable=False),
)
aliases = Table(
    "aliases",
    _META,
    Column("alias_id", Integer, primary_key=True, autoincrement=True),
    Column("alias", Text, nullable=False),
    Column("alias_norm", Text, nullable=False),
    Column("county", Text),
    Column("county_norm", Text, nullable=False),
    Column("geoid", String(7)),
    Column("not_california", Boolean, nullable=False),
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("alias_norm", "county_norm", name="uq_alias_county"),
)
column_maps = Table(
    "column_maps",
    _META,
    Column("layout_signature", Text, primary_key=True),
    Column("column_map", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
scenarios = Table(
    "scenarios",
    _META,
    Column("name", Text, primary_key=True),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
settings = Table(
    "settings",
    _META,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
review_decisions = Table(  # v2
    "review_decisions",
    _META,
    Column(
        "roster_id",
        Integer,
        ForeignKey("rosters.roster_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("row_index", Integer, primary_key=True, autoincrement=False),
    Column("entity_name", Text),
    Column("county", Text),
    Column("geoid", String(7)),
    Column("matched_name", Text),
    Column("cd_code", String(7)),
    Column("not_california", Boolean, nullable=False),
    Column("state", String(16), nullable=False),  # pending / confirmed
    Column("decided_at", DateTime, nullable=False),
)
changes = Table(  # v2: one row, bumped by every write (cache key for the UI)
    "changes",
    _META,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
)


def _migrate_1(conn: Connection) -> None:
    """v1, the first layout: files, rosters, roster blobs, aliases, column maps,
    scenarios, settings. Frozen: later versions change the schema in their own
    migration, never here."""
    md = MetaData()
    Table(
        "files",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("size_bytes", Integer, nullable=False),
        Column("content", LargeBinary, nullable=False),
        Column("stored_at", DateTime, nullable=False),
    )
    Table(
        "rosters",
        md,
        Column("roster_id", Integer, primary_key=True, autoincrement=True),
        Column("name", Text, nullable=False),
        Column("filename", Text),
        Column("sheet", Text),
        Column("header_row", Integer),
        Column("column_map", Text),
        Column("layout_signature", Text),
        Column("file_sha256", String(64), ForeignKey("files.sha256"), nullable=False),
        Column("uploaded_at", DateTime, nullable=False),
        Column("n_rows", Integer, nullable=False),
        Column("n_matched", Integer, nullable=False),
        Column("n_ambiguous", Integer, nullable=False),
        Column("n_unmatched", Integer, nullable=False),
        Column("n_rejected", Integer, nullable=False),
        Column("meta", Text),
    )
    Table(
        "roster_blobs",
        md,
        Column(
            "roster_id",
            Integer,
            ForeignKey("rosters.roster_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("rows_parquet", LargeBinary, nullable=False),
        Column("rejected_parquet", LargeBinary, nullable=False),
        Column("rows_sha256", String(64), nullable=False),
    )
    Table(
        "aliases",
        md,
        Column("alias_id", Integer, primary_key=True, autoincrement=True),
        Column("alias", Text, nullable=False),
        Column("alias_norm", Text, nullable=False),
        Column("county", Text),
        Column("county_norm", Text, nullable=False),
        Column("geoid", String(7)),
        Column("not_california", Boolean, nullable=False),
        Column("note", Text),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        UniqueConstraint("alias_norm", "county_norm", name="uq_alias_county"),
    )
    Table(
        "column_maps",
        md,
        Column("layout_signature", Text, primary_key=True),
        Column("column_map", Text, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    Table(
        "scenarios",
        md,
        Column("name", Text, primary_key=True),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    Table(
        "settings",
        md,
        Column("key", Text, primary_key=True),
        Column("value", Text, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    md.create_all(conn)


def _migrate_2(conn: Connection) -> None:
    """v2: trash for rosters (``rosters.deleted_at``), review decisions that
    survive restarts, and a change counter."""
    dt = DateTime().compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE rosters ADD COLUMN deleted_at {dt}"))
    md = MetaData()
    Table("rosters", md, Column("roster_id", Integer, primary_key=True))
    Table(
        "review_decisions",
        md,
        Column(
            "roster_id",
            Integer,
            ForeignKey("rosters.roster_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("row_index", Integer, primary_key=True, autoincrement=False),
        Column("entity_name", Text),
        Column("county", Text),
        Column("geoid", String(7)),
        Column("matched_name", Text),
        Column("cd_code", String(7)),
        Column("not_california", Boolean, nullable=False),
        Column("state", String(16), nullable=False),
        Column("decided_at", DateTime, nullable=False),
    )
    chg = Table(
        "changes",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("revision", Integer, nullable=False),
    )
    md.tables["review_decisions"].create(conn)
    chg.create(conn)
    conn.execute(insert(chg).values(id=1, revision=0))


@dataclass(frozen=True)
class Migration:
    """One schema step: ``version`` it produces, what it does, the function."""

    version: int
    description: str
    apply: Any


#: Ordered schema migrations; the last version is :data:`SCHEMA_VERSION`.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial layout", _migrate_1),
    Migration(2, "roster trash, review decisions, change counter", _migrate_2),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


# --------------------------------------------------------------------------
# the workspace
# --------------------------------------------------------------------------
class Workspace:
    """Saved work in one SQL database (see the module docstring).

    Create with :func:`open_workspace`. Thread-safe: every method takes its own
    pooled connection, and every save is one transaction.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///path/workspace.sqlite``,
        ``postgresql+psycopg://…``).

    Raises
    ------
    WorkspaceError
        See :func:`open_workspace`.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False
        self._frames: OrderedDict[tuple[int, str], pd.DataFrame] = OrderedDict()
        self._frames_lock = threading.Lock()
        self._local_writes = 0
        self._revision_cache: tuple[float, int, int] | None = None
        try:
            self._url = make_url(url)
        except ArgumentError:
            raise WorkspaceError(
                f"The workspace URL is not a valid database URL ({_mask(url)}). "
                f"Fix {ENV_WORKSPACE_URL}, e.g. sqlite:////path/workspace.sqlite."
            ) from None
        self._sqlite = self._url.get_backend_name() == "sqlite"
        try:
            self._engine = self._make_engine()
            self._migrate()
        except WorkspaceError:
            self._dispose()
            raise
        except ImportError as exc:
            self._dispose()
            raise WorkspaceError(
                f"The database driver for {_mask(url)} is not installed "
                f"({_short_error(exc)}). Install it (e.g. pip install psycopg) or "
                f"unset {ENV_WORKSPACE_URL}."
            ) from None
        except (SQLAlchemyError, OSError) as exc:
            self._dispose()
            raise WorkspaceError(
                f"Cannot open the workspace at {self.location()}: "
                f"{_short_error(exc)}. Check that the folder is writable and the "
                f"file is an LMI workspace, or set {ENV_WORKSPACE_DIR} / "
                f"{ENV_WORKSPACE_URL} to another location."
            ) from None

    # ---- engine and transactions -------------------------------------------
    def _make_engine(self) -> Engine:
        if not self._sqlite:
            return create_engine(self._url, pool_pre_ping=True)
        database = self._url.database or ""
        memory = database in ("", ":memory:") or database.startswith("file::memory:")
        kwargs: dict[str, Any] = {
            "connect_args": {"timeout": 30, "check_same_thread": False}
        }
        if memory:
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(self._url, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (pysqlite's implicit transactions do not
            # cover DDL and cannot BEGIN IMMEDIATE).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("lmi_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (committed on exit, rolled back on error)."""
        self._check_open()
        try:
            with self._engine.execution_options(lmi_write=True).begin() as conn:
                yield conn
                self._bump(conn)
        finally:
            self._local_writes += 1  # a cached revision() is stale now

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A consistent read (one snapshot)."""
        self._check_open()
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _check_open(self) -> None:
        if self._closed:
            raise WorkspaceError("This workspace was closed; open it again.")

    def _bump(self, conn: Connection) -> None:
        conn.execute(update(changes).values(revision=changes.c.revision + 1))

    def _dispose(self) -> None:
        engine = getattr(self, "_engine", None)
        if engine is not None:
            engine.dispose()

    def close(self) -> None:
        """Release the database connections (the object cannot be used after)."""
        self._closed = True
        self._dispose()
        with _WORKSPACES_LOCK:
            if _WORKSPACES.get(self.url) is self:
                del _WORKSPACES[self.url]

    def _migrate(self) -> None:
        # Check first, read-only: a database we refuse is left exactly as it was.
        with self._engine.connect() as conn, conn.begin():
            self._schema_state(conn)
        if self._sqlite and not self.location().startswith("in-memory"):
            raw = self._engine.raw_connection()  # outside any transaction
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # persistent
            finally:
                raw.close()
        with self._write_unbumped() as conn:
            current = self._schema_state(conn)
            if current == 0:
                schema_migrations.create(conn)
            for step in MIGRATIONS:
                if step.version <= current:
                    continue
                step.apply(conn)
                conn.execute(
                    insert(schema_migrations).values(
                        version=step.version,
                        description=step.description,
                        applied_at=_now(),
                    )
                )

    def _schema_state(self, conn: Connection) -> int:
        """Schema version of the database (0 = empty).

        Raises WorkspaceError when the database must not be touched.
        """
        tables = set(inspect(conn).get_table_names())
        if "schema_migrations" not in tables:
            if tables:
                raise WorkspaceError(
                    f"{self.location()} is a database but not an LMI workspace "
                    f"(it has tables {', '.join(sorted(tables)[:5])}). Point "
                    f"{ENV_WORKSPACE_DIR} or {ENV_WORKSPACE_URL} elsewhere."
                )
            return 0
        current = conn.execute(
            select(func.max(schema_migrations.c.version))
        ).scalar_one()
        current = int(current or 0)
        if current > SCHEMA_VERSION:
            raise WorkspaceError(
                f"The workspace at {self.location()} was saved by a newer "
                f"version of the app (schema {current}; this version reads up "
                f"to {SCHEMA_VERSION}). Upgrade the app; the workspace was "
                f"not changed."
            )
        return current

    @contextmanager
    def _write_unbumped(self) -> Iterator[Connection]:
        with self._engine.execution_options(lmi_write=True).begin() as conn:
            yield conn

    # ---- general -------------------------------------------------------------
    def location(self) -> str:
        """Where the workspace is, for display: the SQLite file's path, or the URL
        with any password masked (``postgresql://lmi:***@db/lmi``)."""
        if self._sqlite:
            database = self._url.database or ""
            if database in ("", ":memory:"):
                return "in-memory database (not saved)"
            return str(Path(database).expanduser())
        return _mask(self.url)

    def schema_version(self) -> int:
        """Schema version of the open database (equals :data:`SCHEMA_VERSION`)."""
        with self._read() as conn:
            return int(
                conn.execute(select(func.max(schema_migrations.c.version))).scalar_one()
            )

    def revision(self, max_age: float = 0.0) -> int:
        """A counter bumped by every save (cheap; use it as a cache key).

        Parameters
        ----------
        max_age : float, default 0
            Seconds a value read before may be reused instead of asking the
            database again. A save through this object always makes the next
            call ask; saves by other processes sharing the database are seen
            at most ``max_age`` seconds late. ``0`` always asks.

        Returns
        -------
        int
        """
        now = time.monotonic()
        cached = self._revision_cache
        if (
            max_age > 0
            and cached is not None
            and cached[1] == self._local_writes
            and now - cached[0] < max_age
        ):
            return cached[2]
        writes = self._local_writes
        with self._read() as conn:
            value = int(conn.execute(select(changes.c.revision)).scalar_one())
        self._revision_cache = (now, writes, value)
        return value

    def integrity_check(self) -> str:
        """SQLite ``PRAGMA integrity_check`` result (``"ok"``); ``"ok"`` elsewhere."""
        if not self._sqlite:
            return "ok"
        with self._engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
            conn.rollback()
        return "; ".join(str(r[0]) for r in rows)

    # ---- rosters -----------------------------------------------------------------
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
        rows_blob = _frame_to_parquet(rows)
        rejected_blob = _frame_to_parquet(rejected)
        counts = _status_counts(rows)
        sha = _sha256(original)
        values = {
            "name": name,
            "filename": filename,
            "sheet": None if sheet is None else str(sheet),
            "header_row": None if header_row is None else int(header_row),
            "column_map": None
            if column_map is None
            else _dumps(column_map, "the column mapping"),
            "layout_signature": None if signature is None else str(signature),
            "file_sha256": sha,
            "uploaded_at": _now(),
            "n_rows": len(rows),
            "n_matched": counts["matched"],
            "n_ambiguous": counts["ambiguous"],
            "n_unmatched": counts["unmatched"],
            "n_rejected": len(rejected),
            "meta": _dumps(meta, "the roster details"),
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
                    rows_sha256=_sha256(rows_blob),
                )
            )
            if column_map is not None and signature is not None:
                self._upsert(
                    conn,
                    column_maps,
                    {"layout_signature": str(signature)},
                    {"column_map": values["column_map"], "updated_at": _now()},
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
                    stored_at=_now(),
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
        return frame[frame["file_sha256"] == _sha256(bytes(original))].reset_index(
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
        rejected = _parquet_to_frame(blob.rejected_parquet)
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
        key = (roster_id, sha)
        with self._frames_lock:
            hit = self._frames.get(key)
            if hit is not None:
                self._frames.move_to_end(key)
                return hit.copy()
        frame = _parquet_to_frame(blob)
        with self._frames_lock:
            self._frames[key] = frame
            while len(self._frames) > 64:
                self._frames.popitem(last=False)
        return frame.copy()

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
                .values(deleted_at=_now())
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
            cond = cond & (rosters.c.deleted_at <= _now() - older_than)
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

    def all_rows(self) -> pd.DataFrame:
        """Every live saved roster's matched rows, concatenated (oldest roster first).

        Returns
        -------
        pandas.DataFrame
            ``roster_id`` (Int64) followed by the matched-roster columns; empty
            (with :data:`MATCHED_COLUMNS`) when nothing is saved.
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
            empty = pd.DataFrame(
                {c: pd.Series(dtype="string") for c in MATCHED_COLUMNS}
            )
            empty.insert(0, "roster_id", pd.Series(dtype="Int64"))
            return empty
        return pd.concat(frames, ignore_index=True)

    # ---- review decisions ------------------------------------------------------
    def set_review_choice(
        self,
        roster_id: int,
        row_indexes: Sequence[int],
        *,
        geoid: str | None = None,
        matched_name: str | None = None,
        cd_code: str | None = None,
        not_california: bool = False,
    ) -> None:
        """Record a (not yet confirmed) review choice for some rows of a roster.

        Parameters
        ----------
        roster_id : int
            Saved roster.
        row_indexes : sequence of int
            0-based positions of the rows in the saved roster (the rows that share
            one entity name).
        geoid : str, optional
            Chosen district (NCES LEA id, 7 chars) or COE (county FIPS ``06xxx``).
        matched_name, cd_code : str, optional
            The chosen entity's CDE name and CD code (written into the rows).
        not_california : bool, default False
            Mark the rows "not a California district" instead.

        Raises
        ------
        WorkspaceError
            No such roster, a row index out of range, or neither/both of ``geoid``
            and ``not_california``.
        """
        geoid = _check_choice(geoid, not_california)
        with self._write() as conn:
            self._roster_row(conn, roster_id)
            rows = self._rows_in_tx(conn, roster_id)
            now = _now()
            for i in row_indexes:
                i = int(i)
                if not 0 <= i < len(rows):
                    raise WorkspaceError(
                        f"Row {i} is not in roster {roster_id} ({len(rows)} rows)."
                    )
                entity = _text_or_none(rows, i, "entity_name")
                county = _text_or_none(rows, i, "county")
                key = {"roster_id": int(roster_id), "row_index": i}
                values = {
                    "entity_name": entity,
                    "county": county,
                    "geoid": geoid,
                    "matched_name": matched_name,
                    "cd_code": cd_code,
                    "not_california": bool(not_california),
                    "state": "pending",
                    "decided_at": now,
                }
                self._upsert(conn, review_decisions, key, values)

    def clear_review_choice(self, roster_id: int, row_indexes: Sequence[int]) -> None:
        """Forget pending (unconfirmed) choices for these rows."""
        with self._write() as conn:
            conn.execute(
                delete(review_decisions).where(
                    (review_decisions.c.roster_id == int(roster_id))
                    & review_decisions.c.row_index.in_([int(i) for i in row_indexes])
                    & (review_decisions.c.state == "pending")
                )
            )

    def review_choices(self, roster_id: int | None = None) -> pd.DataFrame:
        """Review decisions, pending and confirmed.

        Returns
        -------
        pandas.DataFrame
            ``roster_id``, ``row_index`` (Int64), ``entity_name``, ``county``,
            ``geoid``, ``matched_name``, ``cd_code`` (string), ``not_california``
            (bool), ``state`` (``pending`` / ``confirmed``), ``decided_at``.
        """
        query = select(review_decisions).order_by(
            review_decisions.c.roster_id, review_decisions.c.row_index
        )
        if roster_id is not None:
            query = query.where(review_decisions.c.roster_id == int(roster_id))
        with self._read() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col in frame.columns:
            if col in ("roster_id", "row_index"):
                frame[col] = frame[col].astype("Int64")
            elif col == "not_california":
                frame[col] = frame[col].astype(bool)
            elif col == "decided_at":
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].astype("string")
        return frame

    def review_queue(self, roster_id: int | None = None) -> pd.DataFrame:
        """Rows waiting for a person: ambiguous/unmatched rows of live rosters not
        yet decided in review, grouped by (roster, entity name, county).

        Returns
        -------
        pandas.DataFrame
            One row per group: ``roster_id`` (Int64), ``roster_name``,
            ``entity_name``, ``county`` (string), ``match_status`` (worst in the
            group: ``ambiguous`` before ``unmatched``), ``n_rows`` (Int64),
            ``row_indexes`` (list of int), ``source_rows`` (list), ``matched_name``
            / ``runner_up`` (the matcher's best guesses, string), ``pending_geoid``,
            ``pending_name`` (string), ``pending_not_california`` (bool).
            Sorted by roster then entity name.
        """
        listing = self.list_rosters()
        if roster_id is not None:
            listing = listing[listing["roster_id"] == int(roster_id)]
        pending = self.review_choices(roster_id)
        pend = pending[pending["state"] == "pending"]
        pend_map = {
            (int(r.roster_id), int(r.row_index)): r
            for r in pend.itertuples(index=False)
        }
        out = []
        for entry in listing.itertuples(index=False):
            rid, rname = int(entry.roster_id), entry.name
            if not (entry.ambiguous or entry.unmatched):
                continue
            rows, _, _ = self.load_roster(int(rid))
            if "match_status" not in rows.columns:
                continue
            status = rows["match_status"].astype("string")
            method = _col(rows, "match_method")
            todo = status.isin(["ambiguous", "unmatched"]) & (
                method != REVIEW_METHOD
            ).fillna(True)
            sub = rows[todo.fillna(False)]
            if sub.empty:
                continue
            names = _col(sub, "entity_name").fillna("")
            counties = _col(sub, "county").fillna("")
            for (name, county), grp in sub.groupby([names, counties], sort=True):
                idx = [int(i) for i in grp.index]
                choice = next(
                    (pend_map[(int(rid), i)] for i in idx if (int(rid), i) in pend_map),
                    None,
                )
                st_vals = set(grp["match_status"].astype(str))
                out.append(
                    {
                        "roster_id": int(rid),
                        "roster_name": rname,
                        "entity_name": name,
                        "county": county or pd.NA,
                        "match_status": "ambiguous"
                        if "ambiguous" in st_vals
                        else "unmatched",
                        "n_rows": len(idx),
                        "row_indexes": idx,
                        "source_rows": [
                            _plain(v)
                            for v in (
                                grp["source_row"]
                                if "source_row" in grp.columns
                                else pd.Series(idx) + 2
                            ).tolist()
                        ],
                        "matched_name": _first(grp, "matched_name"),
                        "runner_up": _first(grp, "runner_up"),
                        "pending_geoid": None if choice is None else choice.geoid,
                        "pending_name": None if choice is None else choice.matched_name,
                        "pending_not_california": bool(
                            choice is not None and choice.not_california
                        ),
                    }
                )
        cols = ["roster_id", "roster_name", "entity_name", "county", "match_status",
                "n_rows", "row_indexes", "source_rows", "matched_name", "runner_up",
                "pending_geoid", "pending_name", "pending_not_california"]  # fmt: skip
        frame = pd.DataFrame(out, columns=cols)
        for col in _QUEUE_TEXT:
            frame[col] = frame[col].astype("string")
        frame["roster_id"] = frame["roster_id"].astype("Int64")
        frame["n_rows"] = frame["n_rows"].astype("Int64")
        frame["pending_not_california"] = frame["pending_not_california"].astype(bool)
        return frame

    def confirm_review(
        self, roster_id: int | None = None, *, save_aliases: bool = True
    ) -> int:
        """Apply pending review choices: update the stored rows and save aliases.

        For each pending choice the stored matched row becomes
        ``match_status="matched"``, ``match_method="review"``, ``score=100``,
        ``geoid``/``matched_name``/``cd_code`` as chosen (or
        ``match_status="unmatched"``, ``match_note="not a California district"``),
        and the entity name as typed (with its county, when the row has one)
        becomes an alias that applies to future uploads. All of it, for every
        roster concerned, is one transaction.

        Parameters
        ----------
        roster_id : int, optional
            Only this roster's pending choices. Default: all rosters.
        save_aliases : bool, default True
            Also save the choices as aliases.

        Returns
        -------
        int
            Number of roster rows updated.
        """
        with self._write() as conn:
            query = select(review_decisions).where(
                review_decisions.c.state == "pending"
            )
            if roster_id is not None:
                query = query.where(review_decisions.c.roster_id == int(roster_id))
            pend = conn.execute(query).fetchall()
            if not pend:
                return 0
            by_roster: dict[int, list] = {}
            for d in pend:
                by_roster.setdefault(int(d.roster_id), []).append(d)
            n = 0
            alias_done: set[tuple[str, str]] = set()
            for rid, decisions in by_roster.items():
                meta = self._roster_row(conn, rid)
                rows = self._rows_in_tx(conn, rid)
                rows = _apply_decisions(rows, decisions)
                n += len(decisions)
                self._replace_rows(conn, rid, rows)
                if save_aliases:
                    for d in decisions:
                        if not d.entity_name:
                            continue
                        key = (normalise_alias(d.entity_name), _county_key(d.county))
                        if key in alias_done or not key[0]:
                            continue
                        alias_done.add(key)
                        self._save_alias_tx(
                            conn,
                            d.entity_name,
                            geoid=d.geoid,
                            county=d.county,
                            not_california=bool(d.not_california),
                            note=f"confirmed in review of roster '{meta.name}'",
                        )
            ids = [int(d.roster_id) for d in pend]
            conn.execute(
                update(review_decisions)
                .where(
                    (review_decisions.c.state == "pending")
                    & review_decisions.c.roster_id.in_(ids)
                )
                .values(state="confirmed")
            )
        return n

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
        blob = _frame_to_parquet(rows)
        counts = _status_counts(rows)
        conn.execute(
            update(roster_blobs)
            .where(roster_blobs.c.roster_id == roster_id)
            .values(rows_parquet=blob, rows_sha256=_sha256(blob))
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

    # ---- aliases -------------------------------------------------------------
    def list_aliases(self) -> pd.DataFrame:
        """User-confirmed aliases, alphabetical.

        Returns
        -------
        pandas.DataFrame
            ``alias_id`` (Int64), ``alias`` (as typed), ``alias_norm``,
            ``county`` (``<NA>`` = any county), ``geoid`` (``<NA>`` when
            ``not_california``), ``note`` (string), ``not_california`` (bool),
            ``created_at``, ``updated_at`` (datetime, UTC). This is the frame
            :func:`loaders.matching.match_roster` takes as ``aliases``.
        """
        with self._read() as conn:
            result = conn.execute(
                select(
                    aliases.c.alias_id,
                    aliases.c.alias,
                    aliases.c.alias_norm,
                    aliases.c.county,
                    aliases.c.geoid,
                    aliases.c.not_california,
                    aliases.c.note,
                    aliases.c.created_at,
                    aliases.c.updated_at,
                ).order_by(aliases.c.alias_norm, aliases.c.county_norm)
            )
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col in frame.columns:
            if col == "alias_id":
                frame[col] = frame[col].astype("Int64")
            elif col == "not_california":
                frame[col] = frame[col].astype(bool)
            elif col in ("created_at", "updated_at"):
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].astype("string")
        return frame

    def save_alias(
        self,
        alias: str,
        *,
        geoid: str | None = None,
        county: str | None = None,
        not_california: bool = False,
        note: str | None = None,
    ) -> int:
        """Save (or replace) the alias for ``alias`` in ``county``.

        Parameters
        ----------
        alias : str
            The entity name as people type it (``"SDUSD"``).
        geoid : str, optional
            NCES LEA id (7 chars, ``06…``) of a district, or county FIPS
            (``06xxx``) of a COE.
        county : str, optional
            County the alias is limited to (an acronym shared by districts of
            several counties); ``None`` = any county.
        not_california : bool, default False
            The name is not a California district (rows are left unmatched).
        note : str, optional
            Free text.

        Returns
        -------
        int
            ``alias_id`` (the existing one when the alias/county was already there).

        Raises
        ------
        WorkspaceError
            Empty alias, malformed geoid, or neither/both of geoid and
            ``not_california``.
        """
        with self._write() as conn:
            return self._save_alias_tx(
                conn, alias, geoid=geoid, county=county,
                not_california=not_california, note=note,
            )  # fmt: skip

    def _save_alias_tx(
        self,
        conn: Connection,
        alias: str,
        *,
        geoid: str | None,
        county: str | None,
        not_california: bool,
        note: str | None,
    ) -> int:
        values = _alias_values(alias, geoid, county, not_california, note)
        now = _now()
        existing = conn.execute(
            select(aliases.c.alias_id).where(
                (aliases.c.alias_norm == values["alias_norm"])
                & (aliases.c.county_norm == values["county_norm"])
            )
        ).first()
        if existing is not None:
            conn.execute(
                update(aliases)
                .where(aliases.c.alias_id == existing[0])
                .values(**values, updated_at=now)
            )
            return int(existing[0])
        result = conn.execute(
            insert(aliases).values(**values, created_at=now, updated_at=now)
        )
        return int(result.inserted_primary_key[0])

    def update_alias(self, alias_id: int, **changes_: Any) -> None:
        """Change an alias (any of ``alias``, ``county``, ``geoid``,
        ``not_california``, ``note``).

        Raises
        ------
        WorkspaceError
            No such alias, an unknown field, invalid values, or another alias
            already has this text and county.
        """
        unknown = set(changes_) - {"alias", "county", "geoid", "not_california", "note"}
        if unknown:
            raise WorkspaceError(
                f"Unknown alias field(s): {', '.join(sorted(unknown))}."
            )
        with self._write() as conn:
            row = conn.execute(
                select(aliases).where(aliases.c.alias_id == int(alias_id))
            ).first()
            if row is None:
                raise WorkspaceError(
                    f"There is no alias number {alias_id}; reload the page."
                )
            current = {
                "alias": row.alias,
                "county": row.county,
                "geoid": row.geoid,
                "not_california": bool(row.not_california),
                "note": row.note,
            }
            current.update(changes_)
            if changes_.get("geoid") and "not_california" not in changes_:
                current["not_california"] = False
            if changes_.get("not_california") and "geoid" not in changes_:
                current["geoid"] = None
            values = _alias_values(**current)
            clash = conn.execute(
                select(aliases.c.alias_id).where(
                    (aliases.c.alias_norm == values["alias_norm"])
                    & (aliases.c.county_norm == values["county_norm"])
                    & (aliases.c.alias_id != int(alias_id))
                )
            ).first()
            if clash is not None:
                raise WorkspaceError(
                    f"Another alias already reads '{values['alias']}'"
                    + (f" in {values['county']}" if values["county"] else "")
                    + "; edit or delete that one instead."
                )
            conn.execute(
                update(aliases)
                .where(aliases.c.alias_id == int(alias_id))
                .values(**values, updated_at=_now())
            )

    def delete_alias(self, alias_id: int) -> None:
        """Delete an alias (no error if it is already gone)."""
        with self._write() as conn:
            conn.execute(delete(aliases).where(aliases.c.alias_id == int(alias_id)))

    def export_aliases_csv(self) -> bytes:
        """The aliases as CSV (UTF-8 with byte-order mark, for Excel).

        Columns :data:`ALIAS_CSV_COLUMNS`; ``not_california`` is ``yes``/``no``;
        text that would start a spreadsheet formula is prefixed with ``'``
        (:meth:`import_aliases_csv` removes the prefix again).
        """
        frame = self.list_aliases()
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(ALIAS_CSV_COLUMNS)
        for r in frame.itertuples(index=False):
            writer.writerow(
                [
                    formula_safe(_str(r.alias)),
                    formula_safe(_str(r.county)),
                    _str(r.geoid),
                    "yes" if r.not_california else "no",
                    formula_safe(_str(r.note)),
                    r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ]
            )
        return buf.getvalue().encode("utf-8-sig")

    def import_aliases_csv(
        self,
        data: bytes,
        *,
        filename: str = "aliases CSV",
        valid_geoids: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Import aliases from CSV (as written by :meth:`export_aliases_csv`).

        All or nothing: the file is checked completely first; any bad row stops
        the import with a message naming file, row (1-based, header = row 1),
        column and the fix, and nothing is changed. An alias that already exists
        for the same county is replaced.

        Parameters
        ----------
        data : bytes
            CSV in UTF-8 (with or without BOM) or Windows-1252. Required column
            ``alias`` and ``geoid`` and/or ``not_california``; optional
            ``county``, ``note``; ``created_at`` / ``updated_at`` / ``alias_id``
            are accepted and ignored.
        filename : str
            Name used in messages.
        valid_geoids : iterable of str, optional
            Known geoids (e.g. ``entity_reference()["geoid"]``); others are
            rejected.

        Returns
        -------
        dict
            ``{"added": n, "updated": n, "unchanged": n}``.

        Raises
        ------
        AliasImportError
            Unreadable file, missing/unknown columns, or invalid rows.
        """
        if len(data) > MAX_ALIAS_CSV_BYTES:
            raise AliasImportError(
                f"{filename} is {len(data) / 1e6:.1f} MB; alias files are limited to "
                f"{MAX_ALIAS_CSV_BYTES / 1e6:.0f} MB."
            )
        textdata = _decode_text(data)
        if "\x00" in textdata:
            raise AliasImportError(
                f"{filename} is not a text CSV file. Export aliases from the app, "
                f"or save the spreadsheet as CSV."
            )
        try:
            reader = list(csv.reader(io.StringIO(textdata, newline="")))
        except csv.Error as exc:
            raise AliasImportError(
                f"{filename} cannot be read as CSV: {exc}."
            ) from None
        reader = [r for r in reader if any(c.strip() for c in r)] if reader else []
        if not reader:
            raise AliasImportError(
                f"{filename} is empty; it needs a header row with 'alias'."
            )
        header = [h.strip().lower().replace(" ", "_") for h in reader[0]]
        known = {"alias", "county", "geoid", "not_california", "note"}
        ignored = {"created_at", "updated_at", "alias_id", "alias_norm"}
        unknown = [h for h in header if h not in known | ignored]
        if unknown:
            raise AliasImportError(
                f"{filename}: unknown column(s) {', '.join(repr(u) for u in unknown)}. "
                f"Use the columns {', '.join(ALIAS_CSV_COLUMNS[:5])}."
            )
        if "alias" not in header or not ({"geoid", "not_california"} & set(header)):
            raise AliasImportError(
                f"{filename}: needs the columns 'alias' and 'geoid' (or "
                f"'not_california'); found {', '.join(header) or 'none'}."
            )
        valid = None if valid_geoids is None else {str(g) for g in valid_geoids}
        records: list[dict[str, Any]] = []
        errors: list[str] = []
        seen: dict[tuple[str, str], int] = {}
        for n, raw in enumerate(reader[1:], start=2):
            rec = {
                h: _unguard(raw[i].strip()) if i < len(raw) else ""
                for i, h in enumerate(header)
            }
            if len(raw) > len(header) and any(c.strip() for c in raw[len(header) :]):
                errors.append(f"row {n}: more cells than header columns")
                continue
            nc_text = rec.get("not_california", "").strip().lower()
            if nc_text in ("", "no", "n", "false", "0"):
                not_ca = False
            elif nc_text in ("yes", "y", "true", "1"):
                not_ca = True
            else:
                errors.append(
                    f"row {n}, column not_california: '{nc_text}' is not yes/no"
                )
                continue
            geoid = rec.get("geoid", "").strip() or None
            if geoid and valid is not None and geoid not in valid:
                errors.append(
                    f"row {n}, column geoid: '{geoid}' is not a California district "
                    f"or COE known to the app"
                )
                continue
            try:
                values = _alias_values(
                    rec.get("alias", ""), geoid, rec.get("county") or None, not_ca,
                    rec.get("note") or None,
                )  # fmt: skip
            except WorkspaceError as exc:
                col = "alias" if "alias" in str(exc).lower()[:30] else "geoid"
                errors.append(f"row {n}, column {col}: {exc}")
                continue
            key = (values["alias_norm"], values["county_norm"])
            if key in seen:
                errors.append(
                    f"row {n}, column alias: '{values['alias']}' repeats "
                    f"row {seen[key]}"
                )
                continue
            seen[key] = n
            records.append(values)
        if errors:
            more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
            raise AliasImportError(
                f"{filename} was not imported, nothing changed. Fix: "
                + "; ".join(errors[:10])
                + more
                + "."
            )
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        fields = ("alias", "county", "geoid", "not_california", "note")
        with self._write() as conn:
            now = _now()
            for values in records:
                existing = conn.execute(
                    select(aliases).where(
                        (aliases.c.alias_norm == values["alias_norm"])
                        & (aliases.c.county_norm == values["county_norm"])
                    )
                ).first()
                if existing is None:
                    conn.execute(
                        insert(aliases).values(**values, created_at=now, updated_at=now)
                    )
                    counts["added"] += 1
                elif all(
                    (getattr(existing, f) or None) == (values[f] or None)
                    if f != "not_california"
                    else bool(existing.not_california) == values[f]
                    for f in fields
                ):
                    counts["unchanged"] += 1
                else:
                    conn.execute(
                        update(aliases)
                        .where(aliases.c.alias_id == existing.alias_id)
                        .values(**values, updated_at=now)
                    )
                    counts["updated"] += 1
        return counts

    # ---- column mappings -------------------------------------------------------
    def get_column_map(self, layout_signature: str) -> dict | None:
        """The column mapping remembered for a source layout, or ``None``.

        Parameters
        ----------
        layout_signature : str
            :attr:`loaders.roster.RosterLoad.layout_signature`.
        """
        with self._read() as conn:
            value = conn.execute(
                select(column_maps.c.column_map).where(
                    column_maps.c.layout_signature == str(layout_signature)
                )
            ).scalar_one_or_none()
        return None if value is None else json.loads(value)

    def save_column_map(
        self, layout_signature: str, mapping: Mapping[str, Any]
    ) -> None:
        """Remember the column mapping for a source layout (replacing any earlier)."""
        payload = _dumps(dict(mapping), "the column mapping")
        with self._write() as conn:
            self._upsert(
                conn,
                column_maps,
                {"layout_signature": str(layout_signature)},
                {"column_map": payload, "updated_at": _now()},
            )

    # ---- scenarios -------------------------------------------------------------
    def save_scenario(self, name: str, payload: Mapping[str, Any]) -> None:
        """Save (or replace) a named venue-planning scenario.

        Parameters
        ----------
        name : str
            Scenario name (unique).
        payload : mapping
            JSON-serialisable settings and results (numpy scalars/arrays and
            timestamps are converted).

        Raises
        ------
        WorkspaceError
            Empty name or a payload that cannot be stored as JSON.
        """
        name = (name or "").strip()
        if not name:
            raise WorkspaceError("Give the scenario a name before saving it.")
        body = _dumps(dict(payload), f"scenario '{name}'")
        with self._write() as conn:
            now = _now()
            existing = conn.execute(
                select(scenarios.c.name).where(scenarios.c.name == name)
            ).first()
            if existing is None:
                conn.execute(
                    insert(scenarios).values(
                        name=name, payload=body, created_at=now, updated_at=now
                    )
                )
            else:
                conn.execute(
                    update(scenarios)
                    .where(scenarios.c.name == name)
                    .values(payload=body, updated_at=now)
                )

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios: ``name`` (string), ``created_at``, ``updated_at``
        (datetime, UTC), newest change first."""
        with self._read() as conn:
            result = conn.execute(
                select(
                    scenarios.c.name, scenarios.c.created_at, scenarios.c.updated_at
                ).order_by(scenarios.c.updated_at.desc())
            )
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        frame["name"] = frame["name"].astype("string")
        for col in ("created_at", "updated_at"):
            frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
        return frame

    def load_scenario(self, name: str) -> dict:
        """A saved scenario's payload.

        Raises
        ------
        WorkspaceError
            No scenario of that name.
        """
        with self._read() as conn:
            body = conn.execute(
                select(scenarios.c.payload).where(scenarios.c.name == name)
            ).scalar_one_or_none()
        if body is None:
            raise WorkspaceError(f"There is no saved scenario named '{name}'.")
        return json.loads(body)

    def delete_scenario(self, name: str) -> None:
        """Delete a scenario (no error if it is already gone)."""
        with self._write() as conn:
            conn.execute(delete(scenarios).where(scenarios.c.name == name))

    # ---- settings ---------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON value), or ``default``."""
        with self._read() as conn:
            value = conn.execute(
                select(settings.c.value).where(settings.c.key == key)
            ).scalar_one_or_none()
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON-serialisable value)."""
        body = _dumps(value, f"setting '{key}'")
        with self._write() as conn:
            self._upsert(
                conn, settings, {"key": key}, {"value": body, "updated_at": _now()}
            )

    # ---- internals ----------------------------------------------------------------
    @staticmethod
    def _upsert(conn: Connection, table: Table, key: dict, values: dict) -> None:
        cond = None
        for k, v in key.items():
            c = table.c[k] == v
            cond = c if cond is None else cond & c
        found = conn.execute(select(*[table.c[k] for k in key]).where(cond)).first()
        if found is None:
            conn.execute(insert(table).values(**key, **values))
        else:
            conn.execute(update(table).where(cond).values(**values))

    def __repr__(self) -> str:
        return f"Workspace({self.location()!r})"


# --------------------------------------------------------------------------
# module helpers
# --------------------------------------------------------------------------
def _short_error(exc: BaseException) -> str:
    msg = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return msg[:200]


def _check_choice(geoid: str | None, not_california: bool) -> str | None:
    geoid = (geoid or "").strip() or None
    if bool(geoid) == bool(not_california):
        raise WorkspaceError(
            "Choose either a district/COE or 'not a California district' (one of them)."
        )
    if geoid and not _GEOID_RE.match(geoid):
        raise WorkspaceError(
            f"'{geoid}' is not a district NCES id (06 + 5 digits) or a COE county "
            f"FIPS code (06 + 3 digits)."
        )
    return geoid


def _alias_values(
    alias: str | None,
    geoid: str | None,
    county: str | None,
    not_california: bool,
    note: str | None,
) -> dict[str, Any]:
    alias_text = " ".join(str(alias or "").split())
    norm = normalise_alias(alias_text)
    if not norm:
        raise WorkspaceError(
            "The alias is empty; type the name as it appears in rosters."
        )
    if len(alias_text) > 300:
        raise WorkspaceError("The alias is longer than 300 characters.")
    geoid = _check_choice(geoid, bool(not_california))
    county_text = " ".join(str(county or "").split()) or None
    note_text = str(note).strip() if note is not None and not _isna(note) else None
    return {
        "alias": alias_text,
        "alias_norm": norm,
        "county": county_text,
        "county_norm": _county_key(county_text),
        "geoid": geoid,
        "not_california": bool(not_california),
        "note": note_text or None,
    }


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _str(value: Any) -> str:
    return "" if value is None or _isna(value) else str(value)


def _plain(value: Any) -> Any:
    if _isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype("string")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _first(frame: pd.DataFrame, name: str) -> Any:
    s = _col(frame, name).dropna()
    return s.iloc[0] if len(s) else pd.NA


def _text_or_none(rows: pd.DataFrame, i: int, col: str) -> str | None:
    if col not in rows.columns:
        return None
    v = rows[col].iloc[i]
    return None if _isna(v) else str(v)


def _decode_text(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # pragma: no cover - latin-1 decodes anything


def _apply_decisions(rows: pd.DataFrame, decisions: Sequence[Any]) -> pd.DataFrame:
    rows = rows.copy()
    for col in ("match_status", "geoid", "matched_name", "match_method", "match_note",
                "cd_code", "runner_up"):  # fmt: skip
        if col not in rows.columns:
            rows[col] = pd.Series(pd.NA, index=rows.index, dtype="string")
    for col in ("score", "runner_up_score"):
        if col not in rows.columns:
            rows[col] = pd.Series(float("nan"), index=rows.index, dtype="float64")
    for d in decisions:
        i = int(d.row_index)
        if not 0 <= i < len(rows):
            continue
        idx = rows.index[i]
        if d.not_california:
            updates = {
                "match_status": "unmatched",
                "geoid": pd.NA,
                "matched_name": pd.NA,
                "match_method": REVIEW_METHOD,
                "match_note": NOT_CALIFORNIA_NOTE,
                "runner_up": pd.NA,
            }
            score = float("nan")
        else:
            updates = {
                "match_status": "matched",
                "geoid": d.geoid,
                "matched_name": d.matched_name if d.matched_name else pd.NA,
                "match_method": REVIEW_METHOD,
                "match_note": "confirmed in review",
                "runner_up": pd.NA,
            }
            if d.cd_code:
                updates["cd_code"] = d.cd_code
            score = 100.0
        for col, value in updates.items():
            rows.loc[idx, col] = value
        rows.loc[idx, "score"] = score
        rows.loc[idx, "runner_up_score"] = float("nan")
        for col in ("linked_geoids", "candidate_geoids"):
            if col in rows.columns:
                rows.loc[idx, col] = ""
    return rows
