"""The audit trail: the ``audit_log`` table, append-only.

One row per change to the workspace (who, when, what), written in the same
transaction as the change. Triggers refuse any UPDATE or DELETE of a row, so
neither the app nor a stray SQL statement through it can rewrite history
(the database owner can still drop the triggers: the trail guards against
the app, not against the server's administrator). Nothing else changes.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_MESSAGE = "the audit trail cannot be changed"


def upgrade() -> None:
    """Create ``audit_log`` (frozen copy of its columns) and its triggers."""
    op.create_table(
        "audit_log",
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} "
                f"ON audit_log BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION lmi_audit_log_read_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_read_only BEFORE UPDATE OR DELETE "
            "OR TRUNCATE ON audit_log FOR EACH STATEMENT "
            "EXECUTE FUNCTION lmi_audit_log_read_only()"
        )


def downgrade() -> None:
    """Drop the audit trail (its rows are lost)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_read_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS lmi_audit_log_read_only()")
    op.drop_table("audit_log")
