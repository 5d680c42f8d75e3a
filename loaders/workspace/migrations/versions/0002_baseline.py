"""Baseline: the workspace layout of app schema version 2.

Creates exactly what the hand-written migrations 1 and 2 created (files,
rosters with their trash, roster blobs, aliases, column maps, scenarios keyed by
name, settings, review decisions, the change counter, and ``schema_migrations``
with its rows 1 and 2). A workspace made by that code is stamped with this
revision instead (:mod:`loaders.workspace.migrations.legacy`). Frozen.

Revision ID: 0002
Revises: (none)
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the version-2 tables."""
    migrations = op.create_table(
        "schema_migrations",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "rosters",
        sa.Column("roster_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("sheet", sa.Text),
        sa.Column("header_row", sa.Integer),
        sa.Column("column_map", sa.Text),
        sa.Column("layout_signature", sa.Text),
        sa.Column(
            "file_sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False
        ),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("n_matched", sa.Integer, nullable=False),
        sa.Column("n_ambiguous", sa.Integer, nullable=False),
        sa.Column("n_unmatched", sa.Integer, nullable=False),
        sa.Column("n_rejected", sa.Integer, nullable=False),
        sa.Column("meta", sa.Text),
        sa.Column("deleted_at", sa.DateTime),
    )
    op.create_table(
        "roster_blobs",
        sa.Column(
            "roster_id",
            sa.Integer,
            sa.ForeignKey("rosters.roster_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("rows_parquet", sa.LargeBinary, nullable=False),
        sa.Column("rejected_parquet", sa.LargeBinary, nullable=False),
        sa.Column("rows_sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "aliases",
        sa.Column("alias_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alias", sa.Text, nullable=False),
        sa.Column("alias_norm", sa.Text, nullable=False),
        sa.Column("county", sa.Text),
        sa.Column("county_norm", sa.Text, nullable=False),
        sa.Column("geoid", sa.String(7)),
        sa.Column("not_california", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("alias_norm", "county_norm", name="uq_alias_county"),
    )
    op.create_table(
        "column_maps",
        sa.Column("layout_signature", sa.Text, primary_key=True),
        sa.Column("column_map", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "scenarios",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "review_decisions",
        sa.Column(
            "roster_id",
            sa.Integer,
            sa.ForeignKey("rosters.roster_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("row_index", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entity_name", sa.Text),
        sa.Column("county", sa.Text),
        sa.Column("geoid", sa.String(7)),
        sa.Column("matched_name", sa.Text),
        sa.Column("cd_code", sa.String(7)),
        sa.Column("not_california", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )
    changes = op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.bulk_insert(changes, [{"id": 1, "revision": 0}])
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        migrations,
        [
            {"version": 1, "description": "initial layout", "applied_at": now},
            {
                "version": 2,
                "description": "roster trash, review decisions, change counter",
                "applied_at": now,
            },
        ],
    )


def downgrade() -> None:
    """Drop every table (an empty database)."""
    for table in ("changes", "review_decisions", "settings", "scenarios",
                  "column_maps", "aliases", "roster_blobs", "rosters", "files",
                  "schema_migrations"):  # fmt: skip
        op.drop_table(table)
