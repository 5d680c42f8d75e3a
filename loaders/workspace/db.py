"""The database under a workspace: engine, SQLite settings, transactions, revision.

Safety
------
Every save is one database transaction: a crash (even ``SIGKILL``) in the
middle of a save leaves the previous state. SQLite runs in WAL mode with
``synchronous=FULL``, foreign keys on and a 30 s busy timeout; write
transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing half-way (PostgreSQL: its own row locks; schema upgrades take an
advisory lock, :data:`MIGRATION_LOCK_KEY`). Opening a database checks its
schema read-only first
(:func:`loaders.workspace.migrations.schema_state`): one this version must not
touch is left exactly as it was; an older one is upgraded in one write
transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, insert, select, text, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from loaders.workspace import audit, migrations
from loaders.workspace.access import PENDING
from loaders.workspace.config import ENV_WORKSPACE_DIR, ENV_WORKSPACE_URL, mask_url
from loaders.workspace.errors import WorkspaceError
from loaders.workspace.schema import changes

__all__ = ["MIGRATION_LOCK_KEY", "Database", "short_error"]

#: PostgreSQL advisory lock held while a process creates or upgrades the schema
#: (any 64-bit number no other application on the database uses).
MIGRATION_LOCK_KEY = 0x4C4D4957530005  # "LMIWS" + 0005


def short_error(exc: BaseException) -> str:
    """First line of a database error (at most 200 characters)."""
    msg = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return msg[:200]


class Database:
    """One SQL database reached through a SQLAlchemy URL, at the newest schema.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///path/workspace.sqlite``,
        ``postgresql+psycopg://…``).

    Raises
    ------
    WorkspaceError
        The URL is malformed, the driver is missing, the database cannot be
        opened or created, it is not an LMI workspace, or a newer app wrote it.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False
        self._local_writes = 0
        self._revision_cache: tuple[float, int, int] | None = None
        try:
            self._url = make_url(url)
        except ArgumentError:
            raise WorkspaceError(
                f"The workspace URL is not a valid database URL ({mask_url(url)}). "
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
                f"The database driver for {mask_url(url)} is not installed "
                f"({short_error(exc)}). Install it (e.g. pip install psycopg) or "
                f"unset {ENV_WORKSPACE_URL}."
            ) from None
        except (SQLAlchemyError, OSError) as exc:
            self._dispose()
            raise WorkspaceError(
                f"Cannot open the workspace at {self.location()}: "
                f"{short_error(exc)}. Check that the folder is writable and the "
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
        """One write transaction (committed on exit, rolled back on error).

        Inside a guarded method (:mod:`loaders.workspace.access`) its first
        transaction also appends the change to the audit trail.
        """
        self._check_open()
        entry = PENDING.get()
        try:
            with self._engine.execution_options(lmi_write=True).begin() as conn:
                yield conn
                self._bump(conn)
                if entry is not None and not entry.recorded:
                    audit.record(conn, entry)
            if entry is not None:
                entry.recorded = True
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

    def _migrate(self) -> None:
        # Check first, read-only: a database we refuse is left exactly as it was.
        with self._engine.connect() as conn, conn.begin():
            state = migrations.schema_state(conn, self.location())
        if self._sqlite and not self.location().startswith("in-memory"):
            raw = self._engine.raw_connection()  # outside any transaction
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # persistent
            finally:
                raw.close()
        if state.up_to_date:
            return
        with self._engine.execution_options(lmi_write=True).begin() as conn:
            if self._url.get_backend_name() == "postgresql":
                # SQLite's BEGIN IMMEDIATE is the lock there; on PostgreSQL two
                # app processes starting together on an empty database would
                # both create the tables: one upgrades, the other waits here
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": MIGRATION_LOCK_KEY},
                )
            # checked again under the write lock: another process may have
            # upgraded the database meanwhile
            migrations.upgrade(conn, self.location())

    # ---- general -------------------------------------------------------------
    def location(self) -> str:
        """Where the workspace is, for display: the SQLite file's path, or the URL
        with any password masked (``postgresql://lmi:***@db/lmi``)."""
        if self._sqlite:
            database = self._url.database or ""
            if database in ("", ":memory:"):
                return "in-memory database (not saved)"
            return str(Path(database).expanduser())
        return mask_url(self.url)

    def schema_version(self) -> str:
        """Alembic revision of the open database (equals :data:`SCHEMA_VERSION`)."""
        with self._read() as conn:
            return str(
                conn.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar_one()
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

    @staticmethod
    def _upsert(conn: Connection, table: Table, key: dict, values: dict) -> None:
        """Insert ``key | values`` into ``table``, or update ``values`` where the
        row with ``key`` exists (portable: SQLite and PostgreSQL)."""
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
        return f"{type(self).__name__}({self.location()!r})"
