"""Shared fixtures: where the development corpus and the scorer live (../shared, next to the checkout)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    assert DEV.is_dir(), f"the development corpus is expected at {DEV}"
    return DEV


@pytest.fixture(scope="session")
def scorer() -> ModuleType:
    """The shared scorer, imported from ../shared/tools (the contract the benchmark uses)."""
    path = SHARED / "tools" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_extraction"] = module
    spec.loader.exec_module(module)
    return module


def _postgres_admin_url() -> str | None:
    import os

    return os.environ.get("TARGETBOARD_TEST_POSTGRES_URL")


class Databases:
    """Fresh databases of one backend, copied from templates built once per test process.

    Why templates: migrating (0003 rebuilds a dozen tables on SQLite) and loading the seed plan with
    936 sample observations for every test would dominate the suite's time. A copy costs a few
    milliseconds: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.
    """

    def __init__(self, backend: str, tmp: Path) -> None:
        import os
        import uuid

        self.backend = backend
        self.tmp = tmp
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self.admin = None
        if backend == "postgresql":
            admin = _postgres_admin_url()
            if not admin:
                if os.environ.get("CI"):
                    pytest.fail("TARGETBOARD_TEST_POSTGRES_URL is not set; run the suite with ./scripts/test.sh")
                pytest.skip("no PostgreSQL: run ./scripts/test.sh (it starts one) to include these")
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            self.base = make_url(admin).set(drivername="postgresql+psycopg")
            self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.prefix = f"tb_{uuid.uuid4().hex[:8]}"

    def _name(self) -> str:
        import uuid

        return f"{self.prefix}_{uuid.uuid4().hex[:8]}"

    def empty(self) -> str:
        """A new database with nothing in it."""
        name = self._name()
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.db')}"
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def copy_of(self, template_url: str) -> str:
        name = self._name()
        if self.backend == "sqlite":
            import shutil

            target = self.tmp / (name + ".db")
            shutil.copyfile(template_url.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        template = make_url(template_url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def template(self, kind: str, build) -> str:
        """The template `kind`, built by `build(url)` the first time it is asked for."""
        if kind not in self.templates:
            url = self.empty()
            build(url)
            if self.backend == "sqlite":  # everything into the main file, so a plain copy is complete
                import sqlite3

                # The copy stays in WAL mode, as every database `db upgrade` makes: switching a copy's
                # journal mode back would be a step no real database takes, and two processes doing it
                # at once race for the lock.
                con = sqlite3.connect(url.removeprefix("sqlite:///"))
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.close()
            self.templates[kind] = url
        return self.templates[kind]

    def close(self) -> None:
        if self.admin is None:
            return
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory):
    made: dict[str, Databases] = {}

    def get(backend: str) -> Databases:
        if backend not in made:
            made[backend] = Databases(backend, tmp_path_factory.mktemp(backend))
        return made[backend]

    yield get
    for dbs in made.values():
        dbs.close()


def _migrate(url: str) -> None:
    from targetboard.store import Database

    db = Database(url)
    db.upgrade()
    db.dispose()


SEED_FILE = SHARED / "seed" / "000_e84110f20f91e93f.txt"


def _track(url: str) -> None:
    """The seed as 扬中市's 2022 plan (reviewed) and the sample data, through the services."""
    import tempfile

    from targetboard.sample import write_sample_csv
    from targetboard.services import observations, plans
    from targetboard.services.actors import Actor
    from targetboard.store import Database

    _migrate(url)
    db = Database(url)
    office = Actor("督查室")
    plans.import_plan(db, office, SEED_FILE, region="扬中市", year=2022, reviewed=True)
    with tempfile.TemporaryDirectory() as tmp:
        observations.import_observations(db, Actor("统计局"), write_sample_csv(Path(tmp) / "sample.csv"))
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture()
def empty_db_url(backend: str, _databases) -> str:
    """A new, empty database of each kind (no schema): for migrations and `db upgrade` itself."""
    return _databases(backend).empty()


@pytest.fixture()
def db_url(backend: str, _databases) -> str:
    """A fresh database of each kind with the schema and reference data: a SQLite file and a PostgreSQL
    database (from $TARGETBOARD_TEST_POSTGRES_URL, which ./scripts/test.sh sets after starting a
    throwaway server; in CI a missing server is a failure, never a skip)."""
    dbs = _databases(backend)
    return dbs.copy_of(dbs.template("migrated", _migrate))


@pytest.fixture()
def tracked_url(backend: str, _databases) -> str:
    """A fresh database of each kind holding the seed as 扬中市's reviewed 2022 plan (imported by 督查室)
    and the generated sample data for 镇江's six county-level units (imported by 统计局)."""
    dbs = _databases(backend)
    return dbs.copy_of(dbs.template("tracked", _track))
