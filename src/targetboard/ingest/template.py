"""The documented import template (long format, ``docs/import-template.md``): one observation per row.

Why a strict reader: the template is what targetboard asks people to fill in, so every cell has one
meaning and anything off is reported, row by row and column by column, with what was expected. A
row is checked completely (region, indicator, period, 累计, value, unit, growth) before moving on,
so one pass lists everything to fix.
"""

from __future__ import annotations

from targetboard.ingest.cells import CellError, CellValue, is_blank, is_no_value, parse_number, parse_yes_no, text_of
from targetboard.ingest.drafts import Context, Draft, default_ytd, parse_growth
from targetboard.ingest.headers import TemplateHeader, column_letter
from targetboard.ingest.names import fold
from targetboard.ingest.periods import PeriodSpec, parse_period_text
from targetboard.ingest.tables import Table
from targetboard.ingest.units import parse_unit, unit_text
from targetboard.ingest.validate import unit_problem
from targetboard.model.period import PeriodError

__all__ = ["read_template"]

_LABELS = {"region": "地区", "indicator": "指标", "period": "时期", "ytd": "累计", "value": "数值", "unit": "单位",
           "growth": "同比增长%", "source": "来源"}


def _check_columns(table: Table, header: TemplateHeader, ctx: Context) -> bool:
    """Report missing and repeated columns; False when a required column is missing (rows cannot be read)."""
    found = ", ".join(text_of(c) for c in table.filled(header.row) if not is_blank(c))
    for field, first, again in header.duplicates:
        ctx.problems.add(table.name, header.row, header.labels[again],
                         f"column {_LABELS[field]} appears twice (columns {column_letter(first)} and "
                         f"{column_letter(again)}); expected it once, the second is ignored")
    ok = True
    for field in ctx.rules.template_required:
        if field in header.columns:
            continue
        if field == "region" and ctx.default_region is not None:
            continue
        if field == "period" and ctx.default_period is not None:
            continue
        ctx.problems.add(table.name, header.row, None,
                         f"missing column {_LABELS[field]} ({field}); the header row has: {found}; expected the "
                         "columns 地区, 指标, 时期, 数值 (optional: 累计, 单位, 同比增长%, 来源)")
        ok = False
    return ok


def read_template(table: Table, header: TemplateHeader, ctx: Context) -> list[Draft]:
    """Drafts for the rows below the header; problems for every cell that does not read."""
    if not _check_columns(table, header, ctx):
        return []
    drafts: list[Draft] = []
    for row in table.numbers():
        if row <= header.row:
            continue
        draft = _row(table, header, row, ctx)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _row(table: Table, header: TemplateHeader, row: int, ctx: Context) -> Draft | None:
    cells = table.row(row)
    if all(is_blank(c) for c in cells):
        return None
    first = next(text_of(c) for c in cells if not is_blank(c))
    if ctx.rules.note_re.match(fold(first)):
        return None

    def cell(field: str) -> CellValue:
        i = header.columns.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def label(field: str) -> str | None:
        i = header.columns.get(field)
        return header.labels[i] if i is not None else None

    def problem(field: str | None, message: str) -> None:
        ctx.problems.add(table.name, row, label(field) if field else None, message)

    if is_no_value(cell("value")) and is_no_value(cell("growth")):
        return None  # nothing to import: a row prepared for figures still to come
    before = len(ctx.problems.items)
    lookup = ctx.lookup

    # region
    region_code, region_label = ctx.default_region, ctx.default_region_label
    if not is_blank(cell("region")):
        region_label = text_of(cell("region"))
        region_code = lookup.region(region_label)
        if region_code is None:
            problem("region", f"unknown region {region_label!r}; expected one of {lookup.some_region_names()}")
    elif region_code is None:
        problem("region", "region is empty; expected a region name such as 扬中市 (or give a default region)")

    # indicator
    match = None
    if is_blank(cell("indicator")):
        problem("indicator", "indicator is empty; expected a catalog name such as 工业应税销售 or an id such as "
                "industrial_taxable_sales")
    else:
        match = lookup.indicator(text_of(cell("indicator")))
        if match is None:
            problem("indicator", f"unknown indicator {text_of(cell('indicator'))!r}: not in the catalog; "
                    "see `targetboard indicators`")

    # period
    spec: PeriodSpec | None = ctx.default_period
    if not is_blank(cell("period")):
        try:
            spec = parse_period_text(cell("period"))
        except PeriodError as exc:
            problem("period", str(exc))
            spec = None
    elif spec is None:
        problem("period", "period is empty; expected 2022M06, 2022年1-6月 or the like (or give a default period)")

    # 累计
    explicit: bool | None = None
    try:
        explicit = parse_yes_no(cell("ytd"))
    except CellError as exc:
        problem("ytd", str(exc))
    if explicit is False and spec is not None and spec.ytd is True and not is_blank(cell("period")):
        problem("ytd", f"累计 says 否 but the period {text_of(cell('period'))} is year-to-date (1-N月); "
                "expected 是, or a single month such as 2022年6月")

    # value and unit
    value = unit = unit_column = None
    try:
        number = parse_number(cell("value"), ctx.bases)
    except CellError as exc:
        problem("value", str(exc))
        number = None
    row_unit = None if is_blank(cell("unit")) else unit_text(text_of(cell("unit")))
    value_index = header.columns.get("value")
    header_unit = header.units.get(value_index) if value_index is not None else None
    if number is not None:
        value = number.value
        if number.unit and row_unit and parse_unit(number.unit) != parse_unit(row_unit):
            problem("value", f"the cell says {number.unit} but column {label('unit')} says {row_unit}; "
                    "expected one unit (write the number alone)")
        candidates = ((number.unit, label("value")), (row_unit, label("unit")), (header_unit, label("value")),
                      (match.unit if match else None, label("indicator")))
        unit, unit_column = next(((u, c) for u, c in candidates if u), (None, None))
        if unit and match and (message := unit_problem(unit, match.indicator, ctx)):
            ctx.problems.add(table.name, row, unit_column, message)  # here, so it is listed with the row's others

    # growth
    growth = None
    try:
        g = parse_growth(cell("growth"), ctx.bases)
        growth = g.value if g else None
    except CellError as exc:
        problem("growth", str(exc))

    if len(ctx.problems.items) > before or match is None or spec is None or region_code is None:
        return None
    ytd = explicit
    if ytd is None:
        ytd = spec.ytd if spec.ytd is not None else default_ytd(match.indicator, spec.period)
    source = text_of(cell("source")) or ctx.source(table.name)
    return Draft(table.name, row, region_code, region_label or region_code, match.indicator, spec.period.code, ytd,
                 value, unit, unit_column, label("value"), growth, source,
                 label("growth") if growth is not None else None)
