"""Schema migrations of the workspace database (Alembic), applied when it opens.

The revisions live in ``versions/`` (shipped with the package); the Alembic
configuration is built in code (:func:`alembic_config`), so no ``alembic.ini``
is needed. On open, :func:`schema_state` reads the database without changing
it and says one of:

* empty → every revision runs, up to :data:`HEAD`;
* an Alembic revision this app knows → the missing revisions run;
* a workspace made before Alembic (``schema_migrations`` version 1 or 2,
  :mod:`~loaders.workspace.migrations.legacy`) → brought to version 2, stamped
  :data:`BASELINE`, then upgraded;
* a revision this app does not know (a newer app wrote it), or tables that are
  not a workspace → :class:`~loaders.workspace.errors.WorkspaceError`, and the
  database is left exactly as it was.

An upgrade runs in the caller's one write transaction: it lands whole or not
at all.

Adding a schema change
----------------------
Write ``versions/NNNN_what.py`` (``revision = "NNNN"``, ``down_revision`` = the
previous one; ``alembic.command.revision(alembic_config(), "what",
rev_id="NNNN")`` writes the skeleton), change :mod:`loaders.workspace.schema`
to match, append the id to :data:`REVISIONS`, and test an upgrade from the
previous revision with data in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from loaders.workspace.config import ENV_WORKSPACE_DIR, ENV_WORKSPACE_URL
from loaders.workspace.errors import WorkspaceError
from loaders.workspace.migrations import legacy

if TYPE_CHECKING:  # pragma: no cover
    from alembic.config import Config

__all__ = [
    "BASELINE",
    "HEAD",
    "REVISIONS",
    "SCRIPT_LOCATION",
    "SchemaState",
    "alembic_config",
    "schema_state",
    "upgrade",
]

#: Alembic revision ids in ``versions/``, oldest first (a test checks the list
#: against the files, so the open path can tell "up to date" without loading
#: Alembic).
REVISIONS: tuple[str, ...] = ("0002", "0003", "0004", "0005", "0006")
#: The revision that equals the layout of app schema version 2.
BASELINE = "0002"
#: The newest revision: what :func:`upgrade` brings a database to.
HEAD = REVISIONS[-1]
#: The Alembic script directory (``env.py``, ``versions/``).
SCRIPT_LOCATION = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SchemaState:
    """What :func:`schema_state` found.

    Attributes
    ----------
    kind : str
        ``"empty"``, ``"legacy"`` (``schema_migrations`` only) or ``"alembic"``.
    version : str or int or None
        The Alembic revision id, the legacy version number (1 or 2), or None.
    """

    kind: str
    version: str | int | None = None

    @property
    def up_to_date(self) -> bool:
        """True when the database is at :data:`HEAD` (nothing to run)."""
        return self.kind == "alembic" and self.version == HEAD


def _newer(location: str, version: object) -> WorkspaceError:
    return WorkspaceError(
        f"The workspace at {location} was saved by a newer version of the app "
        f"(schema {version}; this version reads up to {HEAD}). Upgrade the app "
        f"(pip install --upgrade lmi-dashboard), or set {ENV_WORKSPACE_DIR} / "
        f"{ENV_WORKSPACE_URL} to another workspace. The workspace was not changed."
    )


def schema_state(conn: Connection, location: str) -> SchemaState:
    """Read which schema a database has, without changing it.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        Open connection (a read transaction is enough).
    location : str
        The workspace's file or masked URL, for messages.

    Returns
    -------
    SchemaState

    Raises
    ------
    WorkspaceError
        The database was written by a newer app (a revision or legacy version
        this app does not know), or it is some other database.
    """
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        revs = [
            r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
        ]
        unknown = [r for r in revs if r not in REVISIONS]
        if unknown:
            raise _newer(location, ", ".join(unknown))
        if len(revs) == 1:
            return SchemaState("alembic", revs[0])
        raise WorkspaceError(
            f"{location} records {len(revs)} schema revisions instead of one; it "
            f"was changed by hand. Restore a copy, or set {ENV_WORKSPACE_DIR} / "
            f"{ENV_WORKSPACE_URL} to another workspace."
        )
    if "schema_migrations" in tables:
        version = legacy.legacy_version(conn)
        if version in legacy.LEGACY_VERSIONS:
            return SchemaState("legacy", version)
        if version > max(legacy.LEGACY_VERSIONS):
            raise _newer(location, version)
    elif not tables:
        return SchemaState("empty")
    raise WorkspaceError(
        f"{location} is a database but not an LMI workspace (it has tables "
        f"{', '.join(sorted(tables)[:5])}). Point {ENV_WORKSPACE_DIR} or "
        f"{ENV_WORKSPACE_URL} elsewhere."
    )


def alembic_config(
    connection: Connection | None = None, url: str | None = None
) -> Config:
    """The Alembic configuration, built in code (no ``alembic.ini``).

    Parameters
    ----------
    connection : sqlalchemy.engine.Connection, optional
        Run the migrations on this open connection (inside its transaction).
    url : str, optional
        Otherwise connect to this URL (default :func:`loaders.workspace.
        workspace_url`), e.g. for ``alembic.command.current``.

    Returns
    -------
    alembic.config.Config
    """
    # Alembic takes ~0.26 s to import (it loads every dialect's DDL module); it
    # is imported only when a schema has to change, not on every open.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(conn: Connection, location: str) -> bool:
    """Bring the database to :data:`HEAD` inside the caller's write transaction.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        A connection in a write transaction (SQLite: ``BEGIN IMMEDIATE``, so a
        second process waits, then finds the schema current).
    location : str
        The workspace's file or masked URL, for messages.

    Returns
    -------
    bool
        True when something ran, False when the schema was already current.

    Raises
    ------
    WorkspaceError
        See :func:`schema_state`; nothing is changed then.
    """
    state = schema_state(conn, location)
    if state.up_to_date:
        return False
    # Measured import cost: see alembic_config.
    from alembic import command

    cfg = alembic_config(conn)
    if state.kind == "legacy":
        if state.version == 1:
            legacy.upgrade_v1_to_v2(conn)
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, HEAD)
    return True
