"""The store: SQLAlchemy tables, Alembic migrations and the queries behind `targetboard.services`.

SQLite (a file, WAL mode) by default; PostgreSQL when the settings say so. Only `targetboard.services`
(and the migrations) import from here: the CLI, the web layer and the demo go through services.
"""

from targetboard.store.db import Database, head_revision

__all__ = ["Database", "head_revision"]
