"""Alembic environment: runs the migrations on the connection `targetboard.store.db.upgrade` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, MetaData, create_engine

from targetboard.store.models import Base

config = context.config


def _run(connection: Connection, metadata: MetaData | None = None) -> None:
    # No target metadata when upgrading: Alembic would otherwise name the constraints that old migrations
    # create after *today's* naming convention, and a database migrated years ago would differ from a new
    # one. Migrations name what they create themselves; metadata is only for autogenerate.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic -x` style use from the command line, with sqlalchemy.url set
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn, Base.metadata)
