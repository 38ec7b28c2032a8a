"""Administrative divisions shipped with targetboard: Jiangsu province down to county level.

Codes are GB/T 2260 (as published by the Ministry of Civil Affairs); the data file is
`catalog/regions_jiangsu.csv` (code, name, level, parent_code). Townships and other divisions are
added by users (`targetboard region add`) and live only in their database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("province", "city", "county", "township")


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str
    name: str
    level: str
    parent_code: str | None


@cache
def jiangsu_regions() -> tuple[RegionRecord, ...]:
    """Jiangsu: the province, its 13 cities and their 95 county-level divisions, parents first."""
    raw = resources.files("targetboard.catalog").joinpath("regions_jiangsu.csv").read_text(encoding="utf-8")
    rows = [
        RegionRecord(r["code"], r["name"], r["level"], r["parent_code"] or None)
        for r in csv.DictReader(io.StringIO(raw))
    ]
    return tuple(sorted(rows, key=lambda r: (LEVELS.index(r.level), r.code)))


@cache
def regions_by_name() -> dict[str, list[RegionRecord]]:
    """Shipped regions by name (a name can repeat: two 鼓楼区), for every reader that resolves names."""
    out: dict[str, list[RegionRecord]] = {}
    for r in jiangsu_regions():
        out.setdefault(r.name, []).append(r)
    return out


@cache
def region_by_code() -> dict[str, RegionRecord]:
    return {r.code: r for r in jiangsu_regions()}
