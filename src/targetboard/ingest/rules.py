"""The importer's rules, read once from ``headers.toml``.

Why a data file: statistics bureaus keep inventing header spellings (``比上年同期增长(%)``,
``1-6月份累计``) and units; adding one must not mean editing parsing code. This module only turns the
TOML into typed, pre-normalised values; the meaning of each table is documented in the file itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from targetboard.catalog.units import sheet_magnitudes
from targetboard.ingest.names import fold

__all__ = ["Rules", "load_rules"]

TEMPLATE_FIELDS = ("region", "indicator", "period", "ytd", "value", "unit", "growth", "source")


def _folded(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(str(v)) for v in values))


@dataclass(frozen=True)
class Rules:
    """Typed view of ``headers.toml`` (all words already folded with :func:`fold`)."""

    template_columns: dict[str, tuple[str, ...]]
    template_markers: tuple[str, ...]
    template_required: tuple[str, ...]
    bureau_name: tuple[str, ...]
    bureau_unit: tuple[str, ...]
    bureau_month: tuple[str, ...]
    bureau_ytd: tuple[str, ...]
    bureau_ytd_patterns: tuple[re.Pattern[str], ...]
    bureau_plain: tuple[str, ...]
    growth_words: tuple[str, ...]
    ignore_words: tuple[str, ...]
    note_re: re.Pattern[str]
    growth_name_suffixes: tuple[str, ...]
    header_search_rows: int
    no_value: frozenset[str]
    yes: frozenset[str]
    no: frozenset[str]
    magnitudes: tuple[tuple[str, float], ...]  # longest prefix first
    unit_aliases: dict[str, tuple[float, str]]
    unit_bases: frozenset[str]
    index_units: frozenset[str]
    non_negative_kinds: frozenset[str]
    may_be_negative: frozenset[str]
    cross_region_header: frozenset[str]
    cross_totals: frozenset[str]
    cross_region_search_rows: int

    def template_field(self, key: str) -> str | None:
        """The template field (region, indicator, ...) a folded header names, or None."""
        for field, names in self.template_columns.items():
            if key in names:
                return field
        return None


def _note_re(prefixes: list[str], sources: list[str]) -> re.Pattern[str]:
    """Note rows: ``注：``, ``注1.``, ``说明:`` ... need a colon-like mark; ``资料来源...`` needs none."""
    notes = "|".join(re.escape(fold(p)) for p in sorted(prefixes, key=len, reverse=True))
    srcs = "|".join(re.escape(fold(p)) for p in sorted(sources, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{notes})[0-9一二三四五六七八九十]*[:、.]|(?:{srcs}))")


@cache
def load_rules() -> Rules:
    """Parse the packaged ``headers.toml`` (through importlib.resources, so it works from a wheel)."""
    text = resources.files("targetboard.ingest").joinpath("headers.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    template = data["template"]
    bureau = data["bureau"]
    cells = data["cells"]
    units = data["units"]
    checks = data["checks"]
    cross = data["crosscounty"]
    columns = {field: _folded(template["columns"][field]) for field in TEMPLATE_FIELDS}
    magnitudes = sorted(((fold(k), float(v)) for k, v in sheet_magnitudes().items()), key=lambda kv: -len(kv[0]))
    return Rules(
        template_columns=columns,
        template_markers=tuple(template["markers"]),
        template_required=tuple(template["required"]),
        bureau_name=_folded(bureau["name"]),
        bureau_unit=_folded(bureau["unit"]),
        bureau_month=_folded(bureau["month"]),
        bureau_ytd=_folded(bureau["ytd"]),
        bureau_ytd_patterns=tuple(re.compile(p) for p in bureau["ytd_patterns"]),
        bureau_plain=_folded(bureau["plain"]),
        growth_words=_folded(bureau["growth_words"]),
        ignore_words=_folded(bureau["ignore_words"]),
        note_re=_note_re(bureau["note_prefixes"], bureau["source_prefixes"]),
        growth_name_suffixes=tuple(sorted(_folded(bureau["growth_name_suffixes"]), key=len, reverse=True)),
        header_search_rows=int(bureau["header_search_rows"]),
        no_value=frozenset(_folded(cells["no_value"])),
        yes=frozenset(_folded(cells["yes"])),
        no=frozenset(_folded(cells["no"])),
        magnitudes=tuple(magnitudes),
        unit_aliases={fold(k): (float(v["factor"]), fold(v["unit"])) for k, v in units["aliases"].items()},
        unit_bases=frozenset(_folded(units["bases"])),
        index_units=frozenset(_folded(units["index_units"])),
        non_negative_kinds=frozenset(checks["non_negative_kinds"]),
        may_be_negative=frozenset(checks["may_be_negative"]),
        cross_region_header=frozenset(_folded(cross["region_header"])),
        cross_totals=frozenset(_folded(cross["totals"])),
        cross_region_search_rows=int(cross["region_search_rows"]),
    )
