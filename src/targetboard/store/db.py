"""The :class:`Database`: one engine, its sessions, the schema check and the migrations.

Why it is shaped like this:

- **Only ``db upgrade`` migrates.** Every other command opens the database with
  :meth:`Database.open`, which refuses a schema that is behind (or absent) with one line saying to
  run ``targetboard db upgrade``: a newer CLI pointed at a city's PostgreSQL must never migrate it
  under the running web app.
- **Writers take turns.** :meth:`Database.write` starts SQLite transactions with ``BEGIN IMMEDIATE``
  (the write lock is taken at the start, so a read-then-write inside the transaction sees no other
  writer's half-finished work) and takes a PostgreSQL transaction-scoped advisory lock named after
  the kind of write (``observations``, ``plans``, ``regions`` ...). Check-then-insert, derived codes
  and the old → new history of corrections are therefore exact under concurrency; unique keys stay
  as the backstop, and a violation becomes a :class:`~targetboard.errors.Conflict`.
- **Driver errors stop here.** A locked file, a file that is not a database, an unreachable server:
  each becomes a :class:`~targetboard.errors.TargetboardError` with a message, never a traceback.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from targetboard.errors import TargetboardError, Unavailable, from_database_error
from targetboard.settings import resolve_database_url

__all__ = ["Database", "head_revision"]

#: SQLite waits this long for another writer before reporting the database as locked.
SQLITE_BUSY_SECONDS = 30


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never block the writer; foreign keys on; transactions begun by us, not the driver."""
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cur = dbapi_connection.cursor()
    # Turning a file to WAL takes an exclusive lock, and SQLite reports "locked" at once, without its busy
    # wait, when another connection holds one: retry for a while (once a file is WAL it stays WAL).
    for attempt in range(100):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == 99:
                raise
            time.sleep(0.05)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN IMMEDIATE for writes (execution option ``sqlite_begin``), a plain deferred BEGIN for reads."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for `url` (already resolved by :func:`~targetboard.settings.resolve_database_url`)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("targetboard.store").joinpath("migrations")))
    return cfg


def head_revision() -> str:
    """The newest migration this version of targetboard ships."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _lock_key(name: str) -> int:
    """A stable 31-bit key for a PostgreSQL advisory lock named `name`."""
    return zlib.crc32(f"targetboard:{name}".encode()) & 0x7FFFFFFF


class Database:
    """One database: engine, read and write sessions, schema revision, migrations."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_database_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- identity -------------------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"

    # -- opening --------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, require_current: bool = True) -> Database:
        """The database at `url`; with `require_current`, refuse one whose schema is not at the head."""
        db = cls(url)
        if require_current:
            db.check_schema()
        return db

    def revision(self) -> str | None:
        """The schema revision the database is at (None for an empty database)."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
                return row[0] if row else None
        except DBAPIError as e:
            raise from_database_error(e, self.display_url) from None

    def check_schema(self) -> None:
        """Raise :class:`Unavailable` unless the schema is exactly at this version's head."""
        current, head = self.revision(), head_revision()
        if current == head:
            return
        if current is None:
            raise Unavailable(f"数据库 {self.display_url} 还没有表结构", f"database {self.display_url} has no schema",
                              hint="run `targetboard db upgrade` first")
        if _is_ancestor(current, head):
            raise Unavailable(f"数据库 {self.display_url} 的表结构版本 {current} 落后于 {head}",
                              f"database {self.display_url} is at schema {current}, behind {head}",
                              hint="run `targetboard db upgrade` (back up first)")
        raise Unavailable(f"数据库 {self.display_url} 的表结构版本 {current} 比本程序新（{head}）",
                          f"database {self.display_url} is at schema {current}, newer than this targetboard ({head})",
                          hint="upgrade targetboard")

    # -- sessions -------------------------------------------------------------------------------------
    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver errors raised inside become ours (TargetboardError passes through untouched)."""
        try:
            yield
        except TargetboardError:
            raise
        except DBAPIError as e:
            raise from_database_error(e, self.display_url) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self._translated(), self._sessions() as session:
            yield session

    @contextmanager
    def write(self, lock: str = "default") -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error.

        Writers of the same `lock` name take turns (PostgreSQL advisory lock); on SQLite every writer
        takes the database's write lock at the start (BEGIN IMMEDIATE).
        """
        with self._translated(), self._sessions() as session, session.begin():
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            if self.backend == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(lock)})
            yield session

    # -- migrations -----------------------------------------------------------------------------------
    def upgrade(self, revision: str = "head") -> str | None:
        """Apply the ordered migrations and insert missing reference data, as one locked transaction.

        Two upgrades started together serialise (SQLite write lock; PostgreSQL advisory lock); the second
        finds the schema current and only re-checks the reference data. Returns the new revision.
        """
        from targetboard.store.reference import insert_missing_reference_data

        cfg = _alembic_config()
        try:
            with self.engine.connect() as conn:
                sqlite = self.backend == "sqlite"
                raw = conn.connection.dbapi_connection
                assert raw is not None
                if sqlite:  # tables are rebuilt by batch migrations: no FK actions while they are
                    raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where SQLite obeys it
                try:
                    conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                    with conn.begin():
                        if not sqlite:
                            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key("migrate")})
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, revision)
                        if sqlite:
                            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                            if broken:
                                raise Unavailable(f"迁移后外键检查失败：{broken[:3]}",
                                                  f"foreign key check failed after migrating: {broken[:3]}")
                        with Session(bind=conn) as session:
                            insert_missing_reference_data(session)
                            session.flush()
                finally:
                    if sqlite:
                        raw.execute("PRAGMA foreign_keys=ON")
        except TargetboardError:
            raise
        except SQLAlchemyError as e:
            raise from_database_error(e, self.display_url) from None
        return self.revision()

    def dispose(self) -> None:
        self.engine.dispose()


def _is_ancestor(rev: str, head: str) -> bool:
    script = ScriptDirectory.from_config(_alembic_config())
    return any(s.revision == rev for s in script.walk_revisions(base="base", head=head))
