"""Turn drafts into records: convert units, check values, refuse duplicates.

Why one place: whichever shape a figure came from, it must end in the indicator's catalog unit
(analytics never see magnitudes), a flow or count cannot be negative, and one file may not give the
same region/indicator/period/year-to-date twice (the store would keep whichever came last, silently).
"""

from __future__ import annotations

from collections.abc import Iterable

from targetboard.catalog.indicators import Indicator
from targetboard.ingest.drafts import Context, Draft
from targetboard.ingest.units import UnitMismatch, convert, parse_unit, unit_text
from targetboard.model.observation import ObservationRecord

__all__ = ["finish", "unit_problem"]

_KIND_WORDS = {"flow_ytd": "a flow", "count": "a count", "stock": "a stock", "rate": "a rate", "index": "an index"}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _where(sheet: str | None, row: int, other_sheet: str | None) -> str:
    return f"row {row}" if sheet == other_sheet else f"sheet {sheet} row {row}"


def unit_problem(unit: str, ind: Indicator, ctx: Context) -> str | None:
    """Why a value written in ``unit`` cannot be stored for ``ind`` (None when it can)."""
    unit = unit_text(unit)
    if ind.kind == "index" and unit in ctx.rules.index_units:
        return None
    try:
        convert(1.0, unit, ind.unit)
    except UnitMismatch:
        hint = "; a growth rate goes in the 同比增长% column" if parse_unit(unit).base == "%" else ""
        return f"unit {unit} does not fit indicator {ind.name} ({ind.unit}){hint}"
    return None


def _value(d: Draft, ctx: Context) -> tuple[float | None, bool]:
    """The draft's value in the catalog unit, and whether it passed (problems are added here)."""
    if d.value is None:
        return None, True
    ind = d.indicator
    value = d.value
    if d.unit is not None:
        unit = unit_text(d.unit)
        if (message := unit_problem(unit, ind, ctx)) is not None:
            ctx.problems.add(d.sheet, d.row, d.unit_column, message)
            return None, False
        if ind.kind == "index" and unit in ctx.rules.index_units:
            value = round(value - 100.0, 10)  # 上年=100 index level -> percent change, the catalog's unit
        else:
            value = convert(value, unit, ind.unit)
    if value < 0 and ind.kind in ctx.rules.non_negative_kinds and ind.id not in ctx.rules.may_be_negative:
        ctx.problems.add(d.sheet, d.row, d.value_column,
                         f"negative value {_fmt(d.value)} for {ind.name}, {_KIND_WORDS[ind.kind]}: expected 0 or more "
                         "(a fall belongs in 同比增长%)")
        return None, False
    return value, True


def finish(drafts: Iterable[Draft], ctx: Context) -> list[ObservationRecord]:
    """Records for the drafts that pass; problems for those that do not and for every duplicate key.

    Two drafts for one key complete each other when one gives only the level and the other only the
    growth rate (a row 工业应税销售 and a row 工业应税销售增幅 of the same sheet): they become one record.
    Anything else given twice is a duplicate.
    """
    records: dict[tuple[str, str, str, bool], ObservationRecord | None] = {}
    seen: dict[tuple[str, str, str, bool], Draft] = {}
    for d in drafts:
        value, ok = _value(d, ctx)
        key = (d.region_code, d.indicator.id, d.period, d.ytd)
        first = seen.get(key)
        if first is not None:
            if _complement(first, d):
                seen[key] = _merged(first, d)
                kept = records.get(key)
                if kept is not None and ok:
                    records[key] = ObservationRecord(*key, kept.value if value is None else value,
                                                     kept.growth if d.growth is None else d.growth, kept.source)
                else:
                    records[key] = None
                continue
            what = "year-to-date" if d.ytd else "not year-to-date"
            ctx.problems.add(
                d.sheet, d.row, None,
                f"duplicate: {d.region_label} {d.indicator.name} {d.period} ({what}) is given twice, in "
                f"{_where(first.sheet, first.row, d.sheet)} and in row {d.row}; expected each region, indicator, "
                "period and 累计 once",
            )
            continue
        seen[key] = d
        records[key] = ObservationRecord(*key, value, d.growth, d.source) if ok else None
    return [r for r in records.values() if r is not None]


def _complement(a: Draft, b: Draft) -> bool:
    """One gives only a level, the other only a growth rate (either order)."""
    return (a.value is None) != (b.value is None) and (a.growth is None) != (b.growth is None) and (
        (a.value is None) == (b.growth is None))


def _merged(a: Draft, b: Draft) -> Draft:
    """A draft holding both figures, so that a third draft for the key is a duplicate of it."""
    level, rate = (a, b) if a.value is not None else (b, a)
    return Draft(level.sheet, level.row, level.region_code, level.region_label, level.indicator, level.period,
                 level.ytd, level.value, level.unit, level.unit_column, level.value_column, rate.growth, level.source,
                 rate.growth_column)
