"""The statistics bureau's usual sheet (wide format): a title, a header, one indicator per row.

Why tolerant: these sheets are made for reading, not for machines, and arrive as they are. The
region and period come from the title (``2022年1-6月扬中市主要经济指标``) or the sheet name, else from
the caller's defaults; units from the cell text, a unit column, the column header, the row name or a
``单位：万元`` line above the header, in that order. What cannot be read is still reported: a row with
figures whose name is not in the catalog is a problem, never silently dropped. Blank rows, section
headings without figures (``一、工业``) and notes (``注：...``) are skipped.

Columns: 本月 values are month records (not year-to-date), 累计/1-N月 values year-to-date records,
a plain value column (绝对值, 数值) the sheet's period with year-to-date as the template's default.
A growth column says which it belongs to (``同比增长%`` under ``累计``); otherwise it attaches to the
year-to-date figure when there is a 累计 column, else to the month figure. A stock (a balance at
month end) is never year-to-date, whichever column prints it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from targetboard.ingest.cells import CellError, CellValue, is_blank, is_no_value, parse_number, text_of
from targetboard.ingest.drafts import Context, Draft, Entry, default_ytd, parse_growth
from targetboard.ingest.headers import BureauColumn, BureauHeader
from targetboard.ingest.lookup import IndicatorMatch
from targetboard.ingest.names import fold
from targetboard.ingest.periods import PeriodSpec, find_period
from targetboard.ingest.tables import Table
from targetboard.ingest.units import is_unit, parse_unit, unit_text
from targetboard.model.period import Period
from targetboard.text.normalize import to_simplified

__all__ = ["read_bureau"]

_SHEET_UNIT_RE = re.compile(r"(?:计量)?单位\s*[:：]\s*(?P<unit>[^\s,，;；)）]+)")
EXPECTED_TITLE = "expected a title such as 2022年1-6月扬中市主要经济指标"


@dataclass
class _Sheet:
    """What holds for every row of one sheet."""

    table: Table
    header: BureauHeader
    region_code: str | None
    region_label: str | None
    spec: PeriodSpec | None
    unit: str | None  # from a 单位：万元 line
    targets: dict[int, tuple[Period, str]] = field(default_factory=dict)  # column -> (period, scope)


def _sheet(table: Table, header: BureauHeader, ctx: Context) -> _Sheet:
    """Region, period and sheet unit from the title, the sheet name and the defaults; column targets."""
    title = table.text_above(header.first_row)
    where = f"{title} {table.name or ''}"
    found = ctx.lookup.region_in_text(where)
    region_code, region_label = found if found else (ctx.default_region, ctx.default_region_label)
    fallback_year = ctx.default_period.period.year if ctx.default_period else None
    spec = find_period(where, fallback_year) or ctx.default_period
    unit_match = _SHEET_UNIT_RE.search(to_simplified(title))
    unit = unit_text(unit_match.group("unit")) if unit_match and is_unit(unit_match.group("unit"), ctx.bases) else None
    sheet = _Sheet(table, header, region_code, region_label, spec, unit)
    shown = f"the title {title!r}" if title else "there is no title"
    if region_code is None:
        ctx.problems.add(table.name, header.first_row, None,
                         f"no region: {shown} names none of the known regions ({ctx.lookup.some_region_names()}) "
                         f"and no default region was given; {EXPECTED_TITLE}")
    if spec is None:
        ctx.problems.add(table.name, header.first_row, None,
                         f"no period: {shown} names no year or month and no default period was given; {EXPECTED_TITLE}")
    else:
        _targets(sheet, ctx)
    return sheet


def _targets(sheet: _Sheet, ctx: Context) -> None:
    """Which period and scope each column's figures are for (growth columns follow a value column)."""
    assert sheet.spec is not None
    period = sheet.spec.period
    # The month of 本月 and 累计: the title's, else one a header names (本月 | 1-5月累计 in a sheet titled 2022年).
    sheet_month = period.last_month if period.kind != "Y" else next(
        (c.month for c in sheet.header.columns if c.month), None)
    values = [c for c in sheet.header.columns if c.role == "value"]
    for col in values + [c for c in sheet.header.columns if c.role == "growth"]:
        scope = col.scope
        if scope == "auto":
            lead = next((c for s in ("ytd", "month", "plain") for c in values if c.scope == s), None)
            if lead is not None:
                if lead.index in sheet.targets:
                    sheet.targets[col.index] = sheet.targets[lead.index]
                continue
            scope = "plain"
        if scope == "plain":
            sheet.targets[col.index] = (period, "plain")
            continue
        month = col.month or sheet_month
        if month is None:
            ctx.problems.add(sheet.table.name, sheet.header.last_row, col.label,
                             f"cannot tell which month column {col.label} is for: the period is only the year "
                             f"{period.year}; {EXPECTED_TITLE}, a header such as 1-6月累计, or a default period")
            continue
        sheet.targets[col.index] = (Period.month(period.year, month), scope)


def read_bureau(table: Table, header: BureauHeader, ctx: Context) -> list[Draft]:
    """Drafts for every indicator row; problems for rows and cells that do not read."""
    sheet = _sheet(table, header, ctx)
    drafts: list[Draft] = []
    for row in table.numbers():
        if row > header.last_row:
            drafts.extend(_row(sheet, row, ctx))
    return drafts


def _row(sheet: _Sheet, row: int, ctx: Context) -> list[Draft]:
    table, header = sheet.table, sheet.header
    cells = table.row(row)

    def cell(i: int | None) -> CellValue:
        return cells[i] if i is not None and i < len(cells) else None

    if all(is_blank(c) for c in cells):
        return []
    first = next(text_of(c) for c in cells if not is_blank(c))
    if ctx.rules.note_re.match(fold(first)):
        return []
    has_figures = any(not is_no_value(cell(c.index)) for c in header.columns)
    name_cell = cell(header.name_column)
    if is_blank(name_cell):
        if has_figures:
            ctx.problems.add(table.name, row, header.name_label,
                             f"the row has figures but no indicator name; expected a name such as 工业应税销售 "
                             f"in column {header.name_label}")
        return []
    name = text_of(name_cell)
    match = ctx.lookup.indicator(name)
    if match is None:
        if has_figures:
            ctx.problems.add(table.name, row, header.name_label,
                             f"unknown indicator {name.strip()!r}: not in the catalog; see `targetboard indicators`")
        return []
    row_unit = None if is_blank(cell(header.unit_column)) else unit_text(text_of(cell(header.unit_column)))
    entries = _entries(sheet, row, cells, match, row_unit, ctx)
    if sheet.region_code is None or sheet.spec is None:
        return []
    ind = match.indicator
    return [
        Draft(table.name, row, sheet.region_code, sheet.region_label or sheet.region_code, ind, period_code, ytd,
              e.value, e.unit, e.unit_column, e.value_column, e.growth, ctx.source(table.name), e.growth_column)
        for (period_code, ytd), e in entries.items()
        if e.value is not None or e.growth is not None
    ]


def _entries(sheet: _Sheet, row: int, cells: list[CellValue], match: IndicatorMatch, row_unit: str | None,
             ctx: Context) -> dict[tuple[str, bool], Entry]:
    """The row's figures grouped by (period, year-to-date); problems for cells that do not read."""
    table, header = sheet.table, sheet.header
    ind = match.indicator
    growth_row = match.growth_only and (row_unit is None or parse_unit(row_unit).base == "%")
    entries: dict[tuple[str, bool], Entry] = {}
    for col in header.columns:
        raw = cells[col.index] if col.index < len(cells) else None
        try:
            number = (parse_growth if col.role == "growth" or growth_row else parse_number)(raw, ctx.bases)
        except CellError as exc:
            ctx.problems.add(table.name, row, col.label, str(exc))
            continue
        if number is None or col.index not in sheet.targets:
            continue
        period, scope = sheet.targets[col.index]
        if scope == "month":
            ytd = False
        elif scope == "ytd":
            ytd = ind.kind != "stock"
        else:
            ytd = default_ytd(ind, period)
        entry = entries.setdefault((period.code, ytd), Entry())
        if col.role == "growth" or growth_row:
            if entry.growth is not None and entry.growth != number.value:
                _clash(sheet, row, col, entry.growth_column, match, "growth rates", ctx)
                continue
            entry.growth, entry.growth_column = number.value, col.label
            continue
        if number.unit and row_unit and parse_unit(number.unit) != parse_unit(row_unit):
            ctx.problems.add(table.name, row, col.label,
                             f"the cell says {number.unit} but column {header.unit_label} says {row_unit}; "
                             "expected one unit (write the number alone)")
            continue
        unit, unit_column = next(
            ((u, c) for u, c in ((number.unit, col.label), (row_unit, header.unit_label), (col.unit, col.label),
                                 (match.unit, header.name_label), (sheet.unit, None)) if u),
            (None, None),
        )
        if entry.value is not None and (entry.value, entry.unit) != (number.value, unit):
            _clash(sheet, row, col, entry.value_column, match, "levels", ctx)
            continue
        entry.value, entry.unit, entry.unit_column, entry.value_column = number.value, unit, unit_column, col.label
    return entries


def _clash(sheet: _Sheet, row: int, col: BureauColumn, other: str | None, match: IndicatorMatch, what: str,
           ctx: Context) -> None:
    ind = match.indicator
    why = " (a stock is a level at month end, never year-to-date)" if ind.kind == "stock" else ""
    ctx.problems.add(sheet.table.name, row, col.label,
                     f"columns {other} and {col.label} give different {what} for {ind.name} for the same period{why}; "
                     "expected one of them")
