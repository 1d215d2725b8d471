"""Alembic environment: the URL and connection come from moderation's settings, not alembic.ini."""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from moderation.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run with the connection handed over by moderation.migrate, or one built from the URL."""
    connection: Connection | None = config.attributes.get("connection")
    if connection is None:
        from moderation.db import make_engine

        with make_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
