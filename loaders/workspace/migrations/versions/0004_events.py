"""Events a user adds: the ``events`` table.

The published events stay in ``loaders/data/events.csv``; the ones a user adds
(next year's institute) are saved here, one row per ``event_id`` with the
fields of that table, and a ``deleted_at`` trash for undo. Nothing else
changes, so workspaces at 0003 keep every row.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ``events`` table (frozen copy of its columns)."""
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("event_name", sa.Text, nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("end_date", sa.String(10), nullable=False),
        sa.Column("venue_name", sa.Text, nullable=False),
        sa.Column("venue_address", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime),
    )


def downgrade() -> None:
    """Drop the ``events`` table (the added events are lost)."""
    op.drop_table("events")
