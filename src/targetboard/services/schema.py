"""Opening the database and migrating it: the only place `db upgrade` and the schema check live."""

from __future__ import annotations

from sqlalchemy import inspect, text

from targetboard.errors import Conflict
from targetboard.settings import Settings
from targetboard.store import Database


def open_database(url: str | None = None, *, settings: Settings | None = None) -> Database:
    """The configured database, refused (Unavailable) unless its schema is at this version's head."""
    chosen = url or (settings or Settings.load()).database_url
    return Database.open(chosen, require_current=True)


def upgrade_database(url: str | None = None, *, settings: Settings | None = None) -> tuple[str | None, str | None]:
    """Migrate to the head revision and insert missing reference data; returns (before, after) revisions."""
    db = Database(url or (settings or Settings.load()).database_url)
    try:
        before = db.revision()
        after = db.upgrade()
        return before, after
    finally:
        db.dispose()


def prepare_demo_database(url: str, demo_actor: str) -> Database:
    """A database the demo may write sample data into: new, or holding only what earlier demos wrote.

    Refused (Conflict) when anyone but `demo_actor` has written to it: sample figures must never
    "correct" real ones. A new or demo-only database is migrated here, the one place besides
    `db upgrade` that does.
    """
    db = Database(url)
    if db.revision() is not None:
        foreign = _foreign_writes(db, demo_actor)
        if foreign:
            db.dispose()
            raise Conflict(f"数据库 {db.display_url} 中有非演示数据（{foreign}），演示不会写入样例数据",
                           f"database {db.display_url} holds data that is not the demo's ({foreign}); the demo "
                           "will not write sample figures into it",
                           hint="give the demo a new file, e.g. --db demo.db")
    db.upgrade()
    return db


def _foreign_writes(db: Database, demo_actor: str) -> str | None:
    """What in the database was written by someone other than the demo, or None."""
    checks = {
        "audit_event": ("actor", "条审计记录"),
        "observation": ("entered_by", "条观测值"),
    }
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        for table, (column, word) in checks.items():
            if table in tables:
                n = conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {column} <> :a"), {"a": demo_actor}).scalar()
                if n:
                    return f"{n} {word}"
        if "document" in tables:
            n = conn.execute(text("SELECT COUNT(*) FROM document WHERE name <> 'seed.txt'")).scalar()
            if n:
                return f"{n} 份文件"
    return None
