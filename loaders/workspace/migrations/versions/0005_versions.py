"""Version numbers for optimistic concurrency: review decisions and scenarios.

Two editors deciding the same review item, or saving the same scenario, must
not overwrite each other silently. Each review decision and each scenario gets
a ``version`` (1 for the rows already saved), bumped by every change; a change
made with the version the editor saw is refused when the row moved on meanwhile
(:class:`loaders.workspace.EditConflictError`). Nothing else changes, so
workspaces at 0004 keep every row.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("review_decisions", "scenarios")


def upgrade() -> None:
    """Add ``version`` (integer, not null, 1 for existing rows) to both tables."""
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        )


def downgrade() -> None:
    """Drop the ``version`` columns."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
