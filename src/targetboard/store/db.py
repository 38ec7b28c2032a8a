"""Connecting to the database and bringing its schema up to date.

Settings fail fast: an unsupported URL is reported before anything is written, in one line that
says what was expected.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "TARGETBOARD_DATABASE_URL"
DEFAULT_FILE = "targetboard.db"


class StoreError(Exception):
    """A user-facing store problem (bad URL, missing schema, unknown region ...): one line, no traceback."""


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $TARGETBOARD_DATABASE_URL, else ./targetboard.db (SQLite)."""
    chosen = url or os.environ.get(ENV_URL) or f"sqlite:///{Path(DEFAULT_FILE).resolve()}"
    try:
        parsed = make_url(chosen)
    except ArgumentError as e:
        raise StoreError(f"database URL {chosen!r} is not a URL: {e}; expected sqlite:///PATH or "
                         "postgresql://USER@HOST/DB") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"database URL {chosen!r}: unsupported database {backend!r}; expected sqlite:///PATH or "
                         "postgresql://USER@HOST/DB")
    if backend == "postgresql" and parsed.drivername == "postgresql":
        chosen = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never block the writer; foreign keys on (SQLite leaves them off by default)."""
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for the configured database (SQLite gets WAL and foreign keys)."""
    resolved = database_url(url)
    engine = create_engine(resolved, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("targetboard.store").joinpath("migrations")))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the ordered migrations, each in its own transaction (``targetboard db upgrade``)."""
    cfg = _alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def connect(url: str | None = None, *, create: bool = True) -> sessionmaker[Session]:
    """A session factory for the configured database; with `create`, the schema is brought up to date
    and the reference data (catalog indicators, Jiangsu regions) is loaded.
    """
    engine = make_engine(url)
    if create:
        upgrade(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        from targetboard.store.reference import load_reference_data

        with factory.begin() as session:
            load_reference_data(session)
        return factory
    if current_revision(engine) is None:
        raise StoreError(f"database {engine.url.render_as_string()} has no schema; run `targetboard db upgrade`")
    return sessionmaker(engine, expire_on_commit=False)
