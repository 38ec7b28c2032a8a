"""What every benchmark script needs before it can import targetboard."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def ensure_importable() -> None:
    """Let a script run from a checkout where the package is not installed (src layout)."""
    src = REPO_ROOT / "src"
    if src.is_dir() and str(src) not in sys.path:
        try:
            import targetboard  # noqa: F401
        except ImportError:
            sys.path.insert(0, str(src))
