"""Workspaces made before Alembic: the hand-written versions 1 and 2.

Until the schema moved to Alembic, the app recorded its schema version in a
``schema_migrations`` table (one row per version applied: ``1`` "initial
layout", ``2`` "roster trash, review decisions, change counter"). Version 2 is
the Alembic baseline (revision ``0002``). A version-2 workspace is stamped with
that revision; a version-1 workspace first gets the version-2 step below, frozen
as that app applied it, then is stamped. Revision ``0003`` then writes a row
``3`` into ``schema_migrations``, so the app versions that still read that table
refuse an upgraded file ("saved by a newer version") instead of misreading it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

__all__ = ["LEGACY_VERSIONS", "legacy_version", "upgrade_v1_to_v2"]

#: Versions the hand-written migrations produced, with their descriptions.
LEGACY_VERSIONS: dict[int, str] = {
    1: "initial layout",
    2: "roster trash, review decisions, change counter",
}

_schema_migrations = Table(
    "schema_migrations",
    MetaData(),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime, nullable=False),
)


def legacy_version(conn: Connection) -> int:
    """The highest version recorded in ``schema_migrations`` (0 when none).

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        Open connection; the table must exist.
    """
    value = conn.execute(select(func.max(_schema_migrations.c.version))).scalar_one()
    return int(value or 0)


def upgrade_v1_to_v2(conn: Connection) -> None:
    """Version 1 → 2, as the app applied it: the roster trash
    (``rosters.deleted_at``), ``review_decisions`` and the ``changes`` counter.

    Frozen: it must produce exactly what the baseline revision ``0002`` creates.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        A connection inside the upgrade's write transaction.
    """
    dt = DateTime().compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE rosters ADD COLUMN deleted_at {dt}"))
    md = MetaData()
    Table("rosters", md, Column("roster_id", Integer, primary_key=True))
    decisions = Table(
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
    changes = Table(
        "changes",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("revision", Integer, nullable=False),
    )
    decisions.create(conn)
    changes.create(conn)
    conn.execute(insert(changes).values(id=1, revision=0))
    conn.execute(
        insert(_schema_migrations).values(
            version=2,
            description=LEGACY_VERSIONS[2],
            applied_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )
