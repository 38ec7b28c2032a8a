"""Status thresholds: how far a forecast may fall short before a target is at risk or off track.

Why a data file: where "at risk" begins is a policy choice of the supervision office, not a property of
the code. The packaged defaults live in ``thresholds.toml`` (read through importlib.resources, so they
work from a wheel too), and an office overrides them with a TOML file of the same flat keys.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_THRESHOLDS", "Thresholds", "load_thresholds", "thresholds_from_mapping"]


@dataclass(frozen=True)
class Thresholds:
    """Margins that turn a forecast-versus-target comparison into a status (see ``thresholds.toml``).

    Level and change targets use relative margins (fractions of the target value); growth targets use
    percentage points. The defaults equal the packaged ``thresholds.toml``.
    """

    on_track_margin: float = 0.0
    at_risk_margin: float = 0.05
    growth_on_track_points: float = 0.0
    growth_at_risk_points: float = 1.0
    approx_relative: float = 0.005
    approx_points: float = 0.25

    def __post_init__(self) -> None:
        """Refuse negative or non-numeric margins at construction, naming the field."""
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                raise ValueError(f"threshold {f.name} must be a finite number >= 0, got {v!r}")


DEFAULT_THRESHOLDS = Thresholds()
_KEYS = frozenset(f.name for f in fields(Thresholds))


def thresholds_from_mapping(data: dict[str, Any], base: Thresholds = DEFAULT_THRESHOLDS) -> Thresholds:
    """``base`` with the keys of ``data`` replaced; unknown keys raise ValueError (a typo must not pass)."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"unknown threshold keys {unknown}; expected some of {sorted(_KEYS)}")
    values = {f.name: getattr(base, f.name) for f in fields(Thresholds)}
    for key, v in data.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"threshold {key} must be a number, got {v!r}")
        values[key] = float(v)
    return Thresholds(**values)


def _packaged() -> Thresholds:
    text = resources.files("targetboard.analytics").joinpath("thresholds.toml").read_text(encoding="utf-8")
    return thresholds_from_mapping(tomllib.loads(text), Thresholds())


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """The packaged thresholds, overlaid with the user's TOML file at ``path`` when one is given."""
    base = _packaged()
    if path is None:
        return base
    with open(path, "rb") as fh:
        return thresholds_from_mapping(tomllib.load(fh), base)
