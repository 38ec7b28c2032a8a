"""Outcomes extracted from a bulletin or a report, turned into observations for one region.

Why: a county's statistical bulletin or the review part of a work report (``完成一般公共预算收入21.3亿元，
增长5.3%``) holds the same figures a bureau sheet does. Once a person has accepted the extracted outcome
items, they are stored like any import, with the document and the span as the source, so that every
stored figure still points back to the sentence that reported it.

Pure: items in, records and problems out (an :class:`ImportResult`, all or nothing like a file). An
item that cannot become an observation comes back as a problem saying why (no catalog indicator, a
unit that does not convert, no period, not an exact figure), never dropped silently. Only outcome
items are read: targets are promises, rankings are claims, tasks have no figure.

Rules:
- indicator: ``item.indicator``, else the catalog's match for ``item.metric``;
- ``measure`` level -> the record's value, converted to the catalog unit; growth (``%``) -> its growth.
  For an index indicator (CPI, kind ``index``) the catalog stores the percent change itself, so a
  growth item (``居民消费价格上涨2.1%``) is its value. An absolute change (``提高0.2个百分点``) is refused;
- comparator ``=``, ``~`` (约) or none; ``>``, ``>=``, ``<``, ``<=`` and ranges are not exact figures;
- period: ``2022M01-M06`` -> ``2022M06`` year-to-date; ``2022M06`` -> the month alone; ``2022``,
  ``2022H1``, ``2022Q3`` -> that period, not year-to-date; a stock is never year-to-date; no period ->
  ``default_period`` (the document's year) if given, else a problem;
- a level item and a growth item for the same key make one record; the same figure twice is kept once;
  two different figures for one key are a conflict;
- source: ``document:<id>#<start>-<end>`` (the span covering the items of the record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from targetboard.catalog.indicators import Catalog, Indicator, load_catalog
from targetboard.ingest.names import fold
from targetboard.ingest.problems import ImportResult, Location, Problem, RecordKey
from targetboard.ingest.rules import load_rules
from targetboard.ingest.units import UnitMismatch, convert, parse_unit, unit_text
from targetboard.model.items import Item
from targetboard.model.observation import ObservationRecord
from targetboard.model.period import PeriodError, PeriodRange, parse_period

__all__ = ["observations_from_items"]

_EXACT = frozenset({"=", "~", None})


@dataclass
class _Part:
    """One figure of a record-to-be: a level or a growth rate, with its item."""

    item: Item
    value: float


def _span(item: Item) -> str:
    return f"{item.start}-{item.end}"


def observations_from_items(
    items: Iterable[Item],
    *,
    region_code: str,
    document_id: int | str,
    default_period: str | None = None,
    regions: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> ImportResult:
    """Records for the outcome items of one document about ``region_code``; problems for the rest.

    ``default_period`` (a period code such as ``2022``) stands in for an item without a period (the
    document's year). ``regions`` (name -> code), when given, lets an item that names another known region
    (``丹阳市...``) be refused instead of being stored under ``region_code``. Each problem's ``file`` is
    ``document:<id>#<start>-<end>`` and its message quotes the item's text.
    """
    catalog = catalog if catalog is not None else load_catalog()
    doc = f"document:{document_id}"
    known = {fold(k): v for k, v in (regions or {}).items()}
    problems: list[Problem] = []
    levels: dict[RecordKey, _Part] = {}
    growths: dict[RecordKey, _Part] = {}
    order: list[RecordKey] = []

    def refuse(item: Item, why: str) -> None:
        problems.append(Problem(f"{doc}#{_span(item)}", None, None, None, f"{item.text!r}: {why}"))

    for item in items:
        if item.kind != "outcome":
            continue
        ind = _indicator(item, catalog)
        if ind is None:
            refuse(item, f"no catalog indicator for the metric {item.metric!r}; expected a metric the catalog knows "
                   "(add a synonym to the catalog, or enter the figure by hand)")
            continue
        if item.region and known and (code := known.get(fold(item.region))) and code != region_code:
            refuse(item, f"the item is about {item.region}, not the document's region ({region_code}); expected "
                   "an outcome of the document's own region")
            continue
        figure = _figure(item, ind)
        if isinstance(figure, str):
            refuse(item, figure)
            continue
        role, value = figure
        period = _period(item, ind, default_period)
        if isinstance(period, str):
            refuse(item, period)
            continue
        key = (region_code, ind.id, period[0], period[1])
        target = levels if role == "level" else growths
        earlier = target.get(key)
        if earlier is not None:
            if earlier.value != value:
                what = "levels" if role == "level" else "growth rates"
                refuse(item, f"conflict: different {what} for {ind.name} {key[2]}: {earlier.value:g} at "
                       f"{doc}#{_span(earlier.item)} and {value:g} here; expected one figure (accept one of the items)")
            continue
        target[key] = _Part(item, value)
        if key not in order:
            order.append(key)
    records: list[ObservationRecord] = []
    locations: dict[RecordKey, Location] = {}
    for key in order:
        level, growth = levels.get(key), growths.get(key)
        parts = [p for p in (level, growth) if p is not None]
        source = f"{doc}#{min(p.item.start for p in parts)}-{max(p.item.end for p in parts)}"
        records.append(ObservationRecord(*key, level.value if level else None, growth.value if growth else None,
                                         source))
        locations[key] = Location(source, None, None, None, None)
    return ImportResult(records, problems, locations)


def _indicator(item: Item, catalog: Catalog) -> Indicator | None:
    if item.indicator and item.indicator in catalog:
        return catalog.get(item.indicator)
    return catalog.match(item.metric) if item.metric else None


def _figure(item: Item, ind: Indicator) -> tuple[str, float] | str:
    """("level" | "growth", value in the catalog unit), or why the item gives no usable figure."""
    if item.value is None:
        return "the item has no figure; expected a number"
    if item.comparator not in _EXACT:
        return (f"not an exact figure (comparator {item.comparator}: the text says more or less than, or a range); "
                "expected a reported figure such as 完成580.2亿元")
    if item.measure == "change":
        return (f"an absolute change ({item.value:g} {item.unit or ''}) is neither a level nor a growth rate; expected "
                "a level or a percent change")
    unit = unit_text(item.unit) if item.unit else None
    if item.measure == "growth":
        if unit is not None and parse_unit(unit).base != "%":
            return f"a growth rate in {unit}; expected a percent change (%)"
        return ("level", item.value) if ind.kind == "index" else ("growth", item.value)
    if unit is None:
        return "level", item.value
    if ind.kind == "index" and unit in load_rules().index_units:
        return "level", round(item.value - 100.0, 10)
    try:
        return "level", convert(item.value, unit, ind.unit)
    except UnitMismatch:
        return f"unit {unit} does not convert to {ind.name}'s unit {ind.unit}; expected a figure in {ind.unit} or " \
               "another magnitude of it"


def _period(item: Item, ind: Indicator, default_period: str | None) -> tuple[str, bool] | str:
    """(period code, year-to-date), or why the item has no usable period."""
    code = item.period or default_period
    if code is None:
        return "no period: the text does not say and no default period (the document's year) was given"
    try:
        parsed = parse_period(code)
    except PeriodError as exc:
        return f"{exc}"
    if isinstance(parsed, PeriodRange):
        return f"the period {code} spans several years; expected one year or part of a year"
    ytd = parsed.kind == "M" and "-" in code and ind.kind != "stock"
    return parsed.code, ytd
