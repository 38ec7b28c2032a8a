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
