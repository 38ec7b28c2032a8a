"""The store: SQLAlchemy tables, Alembic migrations and the queries the CLI and web layer use.

SQLite (a file, WAL mode) by default; PostgreSQL when ``TARGETBOARD_DATABASE_URL`` says so.
"""

from targetboard.store.db import StoreError, connect, database_url, upgrade

__all__ = ["StoreError", "connect", "database_url", "upgrade"]
