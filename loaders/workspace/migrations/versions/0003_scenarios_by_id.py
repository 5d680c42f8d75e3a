"""Scenarios keyed by their own id, with the plan's model, options and venues.

Version 2 keyed a saved scenario by its name, so saving a plan under a name
already used replaced the earlier plan. Each scenario now has its own
``scenario_id``; the name is a label. ``model``, ``options`` (JSON object) and
``venues`` (JSON list of names) are read from each payload so plans can be
compared without decoding them. Also writes row ``3`` into
``schema_migrations`` so app versions before Alembic refuse the file.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copy of the plan fields that say how a plan was made (lmi-venue-plan/1).
_OPTION_KEYS = ("p", "capacity", "radius", "radius_units", "selection", "booked",
                "distance")  # fmt: skip


def _summary(body: str) -> tuple[str | None, str | None, str | None]:
    """model, options JSON, venues JSON of a stored payload (None when absent)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None, None, None
    if not isinstance(payload, dict):
        return None, None, None
    model = payload.get("model")
    options: Any = payload.get("options")
    if not isinstance(options, dict):
        options = {k: payload[k] for k in _OPTION_KEYS if k in payload}
    venues = payload.get("venues")
    if isinstance(venues, list):
        venues = [v.get("name") if isinstance(v, dict) else v for v in venues]
    else:
        venues = None
    return (
        None if model is None else str(model),
        json.dumps(options, ensure_ascii=False),
        None if venues is None else json.dumps(venues, ensure_ascii=False),
    )


def upgrade() -> None:
    """Rebuild ``scenarios`` with an id key, copying every saved scenario."""
    bind = op.get_bind()
    old = sa.table(
        "scenarios",
        sa.column("name", sa.Text),
        sa.column("payload", sa.Text),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    saved = bind.execute(
        sa.select(
            old.c.name, old.c.payload, old.c.created_at, old.c.updated_at
        ).order_by(old.c.created_at, old.c.name)
    ).fetchall()
    new = op.create_table(
        "scenarios_new",
        sa.Column("scenario_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("model", sa.Text),
        sa.Column("options", sa.Text),
        sa.Column("venues", sa.Text),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,  # an id is never given to a second plan
    )
    for name, body, created, updated in saved:
        model, options, venues = _summary(body)
        bind.execute(
            sa.insert(new).values(
                name=name,
                model=model,
                options=options,
                venues=venues,
                payload=body,
                created_at=created,
                updated_at=updated,
            )  # fmt: skip
        )
    op.drop_table("scenarios")
    op.rename_table("scenarios_new", "scenarios")
    legacy = sa.table(
        "schema_migrations",
        sa.column("version", sa.Integer),
        sa.column("description", sa.Text),
        sa.column("applied_at", sa.DateTime),
    )
    op.bulk_insert(
        legacy,
        [
            {
                "version": 3,
                "description": "scenarios by id; from here on the schema revision "
                "is in alembic_version",
                "applied_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )


def downgrade() -> None:
    """Not supported: several plans may share a name, which version 2 forbids."""
    raise NotImplementedError(
        "Revision 0003 cannot be undone: restore a copy of the workspace file."
    )
