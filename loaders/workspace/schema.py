"""The workspace tables as the current schema has them (SQLAlchemy Core).

These describe the newest revision (:data:`loaders.workspace.migrations.HEAD`)
for the stores' queries. They never create anything: the database is built and
upgraded only by the Alembic revisions in ``migrations/versions``, which carry
their own frozen copies of the columns. A change here goes with a new revision.

Storage choices
---------------
* Original roster files are stored verbatim, content-addressed by SHA-256 in
  ``files``: the same file uploaded twice is stored once.
* The normalised + matched rows of a roster (and its rejected rows) are one
  Parquet blob per roster (``roster_blobs``), not a rows table: rosters are
  always read and written whole, Parquet keeps the pandas dtypes exactly
  (``string`` codes with their leading zeros, ``<NA>``, ``Int64``), the
  matched-roster contract can gain columns without a schema migration, and a
  blob is written atomically with the roster's metadata in one transaction.
* ``version`` (revision 0005) on ``review_decisions`` and ``scenarios``: bumped
  by every change of the row; a change made with an older version is refused
  (optimistic concurrency, :class:`loaders.workspace.EditConflictError`).
* ``changes`` holds one row whose ``revision`` every save bumps (a cache key).
* ``scenarios``: one row per saved plan, keyed by its own ``scenario_id``; the
  name is a label (two plans may share it), ``model`` / ``options`` /
  ``venues`` summarise the payload so plans can be compared.
* ``events``: events a user added (the published ones stay in
  ``loaders/data/events.csv``), one row per ``event_id`` with the columns of
  :data:`loaders.events.EVENT_COLUMNS`; dates are ISO text as in that table;
  ``deleted_at`` is the trash (undo).
* ``audit_log``: one row per change (who, when, what), written in the same
  transaction as the change; nothing in the app updates or deletes a row, and
  database triggers refuse it (revision 0006).
* ``schema_migrations`` is the version table of the app before Alembic
  (versions 1-2); it is kept, with a row ``3`` that makes those versions refuse
  the file instead of misreading it.
"""

from __future__ import annotations

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
)

__all__ = [
    "METADATA",
    "aliases",
    "audit_log",
    "changes",
    "column_maps",
    "events",
    "files",
    "review_decisions",
    "roster_blobs",
    "rosters",
    "scenarios",
    "schema_migrations",
    "settings",
]

METADATA = MetaData()

schema_migrations = Table(
    "schema_migrations",
    METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime, nullable=False),
)
files = Table(
    "files",
    METADATA,
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime, nullable=False),
)
rosters = Table(
    "rosters",
    METADATA,
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
    Column("deleted_at", DateTime),  # the trash: NULL for live rosters
)
roster_blobs = Table(
    "roster_blobs",
    METADATA,
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
    METADATA,
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
    METADATA,
    Column("layout_signature", Text, primary_key=True),
    Column("column_map", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
scenarios = Table(
    "scenarios",
    METADATA,
    Column("scenario_id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("model", Text),
    Column("options", Text),  # JSON object
    Column("venues", Text),  # JSON list of venue names
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # 0005
    sqlite_autoincrement=True,  # an id is never given to a second plan
)
settings = Table(
    "settings",
    METADATA,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
review_decisions = Table(
    "review_decisions",
    METADATA,
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
    Column("version", Integer, nullable=False, server_default="1"),  # 0005
)
events = Table(
    "events",
    METADATA,
    Column("event_id", String(64), primary_key=True),
    Column("label", Text, nullable=False),
    Column("event_name", Text, nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("start_date", String(10), nullable=False),  # ISO text, as events.csv
    Column("end_date", String(10), nullable=False),
    Column("venue_name", Text, nullable=False),
    Column("venue_address", Text, nullable=False),
    Column("city", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("source_url", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("deleted_at", DateTime),  # the trash: NULL for live events
)
changes = Table(  # one row, bumped by every write (cache key for the UI)
    "changes",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
)
audit_log = Table(  # append-only: triggers refuse UPDATE and DELETE (0006)
    "audit_log",
    METADATA,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),  # UTC, naive
    Column("actor", Text, nullable=False),  # e-mail, or local:<account>
    Column("role", String(16), nullable=False),
    Column("action", String(64), nullable=False),  # roster.upload, ...
    Column("target", Text, nullable=False),  # JSON object
    sqlite_autoincrement=True,  # an entry id is never reused
)
