"""Alembic environment of the metadata store.

Run through :mod:`touchpath.store.migrate`, which hands over an open connection in
``config.attributes["connection"]``; no ``alembic.ini`` and no URL in a file are needed.
SQLite cannot ``ALTER`` most things, so migrations there run in batch mode (copy and move).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

# Every module that declares tables joins the same metadata.
import touchpath.store.api_keys
import touchpath.store.audits
import touchpath.store.auth
import touchpath.store.automation
import touchpath.store.feedback  # noqa: F401
from touchpath.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_online() -> None:
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "run migrations through touchpath.store.migrate (upgrade, downgrade), "
            "which passes the database connection"
        )
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """``--sql`` mode: print the SQL for the dialect of ``config.attributes["url"]``."""
    context.configure(
        url=config.attributes["url"],
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
