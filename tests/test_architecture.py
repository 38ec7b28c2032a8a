"""The layering DESIGN.md promises, checked on the source: callers go through services; pure packages
stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "targetboard"
CALLERS = ["cli.py", "cli_common.py", "cli_track.py", "cli_users.py", "cli_hold.py", "cli_review.py", "cli_web.py",
           "demo.py",
           *sorted(str(p.relative_to(SRC)) for p in (SRC / "web").glob("*.py"))]
PURE = ["text", "extract", "analytics", "model", "accountability"]


def imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


@pytest.mark.parametrize("name", CALLERS)
def test_callers_use_services_not_the_store_or_sql(name):
    found = imports(SRC / name)
    forbidden = sorted(m for m in found if m.startswith(("sqlalchemy", "targetboard.store.")) and
                       m not in ("targetboard.store.Database",))
    assert forbidden == [], f"{name} reaches past the services: {forbidden}"


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_do_no_io_with_the_store(package):
    for path in (SRC / package).rglob("*.py"):
        found = imports(path)
        bad = sorted(m for m in found if m.startswith(("sqlalchemy", "targetboard.store", "targetboard.services")))
        assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def test_services_return_no_orm_objects():
    """Every public service function's return annotation names no ORM class."""
    from targetboard.store import models

    orm = {name for name, obj in vars(models).items() if isinstance(obj, type) and issubclass(obj, models.Base)}
    for path in (SRC / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.returns is not None:
                names = {n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node.returns) if isinstance(n, ast.Attribute)}
                assert not names & orm, f"{path.name}:{node.name} returns {names & orm}"
