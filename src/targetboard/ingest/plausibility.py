"""Plausibility flags: figures that are probably typed in the wrong unit or column, found before writing.

Why: an import is validated cell by cell, but a figure can read perfectly and still be wrong by a
factor of 10,000 (a 亿元 figure typed in 万元), or a CPI index level (102.1, last year = 100) can sit in
a ``%`` column meant for the change (2.1). Rankings and forecasts built on such a figure are nonsense,
and a correction later rewrites the history. So the caller (the observation service) asks, before it
writes anything, which stored values to compare with (:func:`comparison_keys`), fetches them, and
calls :func:`magnitude_flags`. A flag is not an error: the import stops, the person checks the cell and,
when the figure is right, imports again with ``--force``.

Pure: no database. Thresholds are data in ``plausibility.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from targetboard.catalog.indicators import Catalog, Indicator, load_catalog
from targetboard.ingest.problems import Location, Problem, RecordKey
from targetboard.ingest.units import parse_unit
from targetboard.model.observation import ObservationRecord
from targetboard.model.period import Period, PeriodError

__all__ = ["FORCE_HINT", "PlausibilityRules", "comparison_keys", "load_plausibility", "magnitude_flags"]

FORCE_HINT = "if the figure is right, import the file again with --force"


@dataclass(frozen=True)
class PlausibilityRules:
    """Typed view of ``plausibility.toml``."""

    ratio: float
    skip_unit_bases: frozenset[str]
    max_abs_growth: float
    index_kinds: frozenset[str]
    index_level: tuple[float, float]
    percent_rate_kinds: frozenset[str]
    max_abs_percent_rate: float


@cache
def load_plausibility() -> PlausibilityRules:
    """Parse the packaged ``plausibility.toml`` (through importlib.resources, so it works from a wheel)."""
    text = resources.files("targetboard.ingest").joinpath("plausibility.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    magnitude, rates = data["magnitude"], data["rates"]
    low, high = rates["index_level"]
    return PlausibilityRules(
        ratio=float(magnitude["ratio"]),
        skip_unit_bases=frozenset(magnitude["skip_unit_bases"]),
        max_abs_growth=float(rates["max_abs_growth"]),
        index_kinds=frozenset(rates["index_kinds"]),
        index_level=(float(low), float(high)),
        percent_rate_kinds=frozenset(rates["percent_rate_kinds"]),
        max_abs_percent_rate=float(rates["max_abs_percent_rate"]),
    )


def _previous_period(period: Period, ytd: bool) -> Period | None:
    """The period before, at the same granularity; None for January year-to-date (its predecessor is a
    whole year's total, which is 12 times larger by nature) and for a year (last year is the other key)."""
    if period.kind == "Y":
        return None
    if period.n > 1:
        return Period(period.year, period.kind, period.n - 1)
    if ytd:
        return None
    last = {"M": 12, "Q": 4, "H": 2}[period.kind]
    return Period(period.year - 1, period.kind, last)


def comparison_keys(record: ObservationRecord) -> list[RecordKey]:
    """The stored values a record's level is compared with: the previous period, and the same period a
    year earlier, as ``(region_code, indicator_id, period_code, ytd)`` keys, nearest first.

    The caller fetches the stored values for these keys (levels, ``value``; absent keys are simply left
    out of the mapping it passes to :func:`magnitude_flags`). A record without a level needs none.
    """
    if record.value is None:
        return []
    try:
        period = Period.parse(record.period)
    except PeriodError:
        return []
    keys: list[RecordKey] = []
    before = _previous_period(period, record.ytd)
    if before is not None:
        keys.append((record.region_code, record.indicator_id, before.code, record.ytd))
    keys.append((record.region_code, record.indicator_id, period.shift_years(-1).code, record.ytd))
    return keys


def _fmt(x: float) -> str:
    """A figure as a clerk writes it: 5,802,000, 480.1, 0.058 (no exponent below 10^15)."""
    if abs(x) >= 1e15 or (x != 0 and abs(x) < 1e-4):
        return f"{x:g}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def _times(factor: float) -> str:
    """12,085 times / 1/8,907 of: rounded, because only the order of magnitude matters."""
    f = factor if factor >= 1 else 1 / factor
    shown = f"{f:,.0f}" if f >= 100 else f"{f:.1f}"
    return f"{shown} times" if factor >= 1 else f"1/{shown} of"


def _what(record: ObservationRecord, ind: Indicator, region_names: Mapping[str, str]) -> str:
    region = region_names.get(record.region_code, record.region_code)
    scope = "year-to-date" if record.ytd else "not year-to-date"
    return f"{region} {ind.name} {record.period} ({scope})"


def _where(record: ObservationRecord, loc: Location | None,
           growth: bool) -> tuple[str, str | None, int | None, str | None]:
    """File, sheet, row and column of the record's level (or growth) cell; the source alone without a location."""
    if loc is None:
        return record.source, None, None, None
    if growth:
        return loc.file, loc.sheet, loc.growth_row or loc.row, loc.growth_column
    return loc.file, loc.sheet, loc.row, loc.value_column


def magnitude_flags(
    records: Iterable[ObservationRecord],
    previous: Mapping[RecordKey, float | None],
    *,
    locations: Mapping[RecordKey, Location] | None = None,
    region_names: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    rules: PlausibilityRules | None = None,
) -> list[Problem]:
    """Flags for levels that jump by orders of magnitude and for implausible rates, one Problem each.

    ``previous`` maps :func:`comparison_keys` keys to stored levels (catalog unit). Records of the same
    import count as previous values too, and take precedence over stored ones (they are about to replace
    them), so a file that gives May in 亿元 and June in 万元 is caught on its own. ``locations`` (from
    :attr:`ImportResult.locations`) lets each problem name file, sheet, row and column; without it the
    record's source names the file. ``region_names`` maps codes to names for the messages.
    """
    rules = rules or load_plausibility()
    catalog = catalog or load_catalog()
    names = region_names or {}
    locs = locations or {}
    batch: Sequence[ObservationRecord] = list(records)
    own: dict[RecordKey, float | None] = {r.key: r.value for r in batch}
    flags: list[Problem] = []
    for record in batch:
        if record.indicator_id not in catalog:
            continue
        ind = catalog.get(record.indicator_id)
        loc = locs.get(record.key)
        flags.extend(_rate_flags(record, ind, loc, names, rules))
        if record.value is None or parse_unit(ind.unit).base in rules.skip_unit_bases:
            continue
        for key in comparison_keys(record):
            before = own[key] if own.get(key) is not None else previous.get(key)
            if before is None or before <= 0 or record.value <= 0:
                continue
            factor = record.value / before
            if 1 / rules.ratio < factor < rules.ratio:
                continue
            times = _times(factor)
            file, sheet, row, column = _where(record, loc, growth=False)
            flags.append(Problem(file, sheet, row, column,
                                 f"{_what(record, ind, names)}: {_fmt(record.value)} {ind.unit} is {times} the value "
                                 f"for {key[2]} ({_fmt(before)} {ind.unit}); expected a figure of the same magnitude: "
                                 f"check the unit (万元 for 亿元?) and the column; {FORCE_HINT}"))
            break
    return flags


def _rate_flags(record: ObservationRecord, ind: Indicator, loc: Location | None, names: Mapping[str, str],
                rules: PlausibilityRules) -> list[Problem]:
    """Growth beyond +-1000%, an index level typed as a percent change, a share above 100%."""
    out: list[Problem] = []
    low, high = rules.index_level
    g = record.growth
    if g is not None:
        file, sheet, row, column = _where(record, loc, growth=True)
        if ind.kind in rules.index_kinds and low <= g <= high:
            out.append(Problem(file, sheet, row, column,
                               f"{_what(record, ind, names)}: growth {_fmt(g)}% looks like the index level "
                               f"(last year = 100), not the percent change; expected {_fmt(round(g - 100, 6))}; "
                               f"{FORCE_HINT}"))
        elif abs(g) > rules.max_abs_growth:
            out.append(Problem(file, sheet, row, column,
                               f"{_what(record, ind, names)}: growth {_fmt(g)}% is beyond "
                               f"+-{_fmt(rules.max_abs_growth)}%; expected a percent change such as 12.3 "
                               f"(a level in the growth column?); {FORCE_HINT}"))
    v = record.value
    if v is not None:
        file, sheet, row, column = _where(record, loc, growth=False)
        if ind.kind in rules.index_kinds and low <= v <= high:
            out.append(Problem(file, sheet, row, column,
                               f"{_what(record, ind, names)}: {_fmt(v)}% looks like the index level (last year = "
                               f"100), not the percent change {ind.name} is stored as; expected "
                               f"{_fmt(round(v - 100, 6))}, or the unit 上年=100; {FORCE_HINT}"))
        elif ind.kind in rules.percent_rate_kinds and ind.unit == "%" and abs(v) > rules.max_abs_percent_rate:
            out.append(Problem(file, sheet, row, column,
                               f"{_what(record, ind, names)}: {_fmt(v)}% is beyond "
                               f"+-{_fmt(rules.max_abs_percent_rate)}% for a rate or share; expected a percentage "
                               f"such as 52.3; {FORCE_HINT}"))
    return out
