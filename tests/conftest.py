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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind: a SQLite file, and a new PostgreSQL database.

    PostgreSQL comes from $TARGETBOARD_TEST_POSTGRES_URL, which ./scripts/test.sh sets after starting a
    throwaway server (scripts/postgres.sh). In CI a missing server is a failure, never a skip.
    """
    import os
    import uuid

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'targetboard.db'}"
    admin = _postgres_admin_url()
    if not admin:
        if os.environ.get("CI"):
            pytest.fail("TARGETBOARD_TEST_POSTGRES_URL is not set; run the suite with ./scripts/test.sh")
        pytest.skip("no PostgreSQL: run ./scripts/test.sh (it starts one) to include these")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tb_test_{uuid.uuid4().hex[:12]}"
    url = make_url(admin).set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    request.addfinalizer(lambda: _drop_database(engine, name))
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(engine, name: str) -> None:
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
