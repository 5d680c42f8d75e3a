"""Alembic environment of the workspace database.

At run time :func:`loaders.workspace.migrations.upgrade` hands Alembic the open
connection (``config.attributes["connection"]``, inside the workspace's write
transaction), so no ``alembic.ini`` and no second connection are needed. A
developer may also drive Alembic by hand with
:func:`loaders.workspace.migrations.alembic_config` (``sqlalchemy.url``
defaults to :func:`loaders.workspace.workspace_url`).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from loaders.workspace.config import workspace_url
from loaders.workspace.schema import METADATA


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Run the migrations Alembic was asked for (online or ``--sql`` offline)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or workspace_url()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=METADATA, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


# Alembic installs ``context.config`` only while it runs this file; imported as
# a module (e.g. by doctest collection) it does nothing.
try:
    _running = context.config is not None
except (AttributeError, NameError):  # no proxy installed (the error varies)
    _running = False
if _running:
    main()
