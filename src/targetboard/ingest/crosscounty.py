"""The city statistics bureau's cross-county sheet: the county-level units of a city side by side.

Why: this sheet (``2022年1-6月镇江市各辖市区主要经济指标``) is where peer figures for rankings come from;
a county's own bureau sheet only ever holds the county. It comes in two orientations:

- **regions as columns**: a header row of region names (``扬中市 | 丹阳市 | 句容市 ...``), indicators down
  the first column (with an optional 单位 column), and possibly a second header row of 本月 / 累计 / 增长
  under each region (the region cell merged across them, or written once above the first);
- **regions as rows**: region names down one column (header ``地区``, ``县(市、区)``... or blank), and one
  or several indicators across (``工业应税销售(亿元)``), each possibly over 本月 / 1-6月累计 / 同比增长%
  sub-columns.

The period comes from the title or the sheet name, else the caller's default; a header such as
``1-6月累计`` gives the month when the title gives only the year. Units: the cell text, the 单位 column
(regions as columns), the column header (``工业应税销售(亿元)``, ``累计(万元)``), the row name
(``工业应税销售(亿元)``), a ``单位：万元`` line or ``（亿元）`` in the title, else the catalog unit.

Totals and aggregates (``全市``, ``合计``, ``市区``...; list in ``headers.toml``) are skipped, not stored:
a total is not one of the peers, and the city's own figure comes from the city's own sheet or from a
row or column that names the city itself (``镇江市``), which is read like any region. An unknown region
name, an unknown indicator and a cell that is not a number are problems naming the sheet, row and
column; the file is then imported not at all, like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from targetboard.ingest.cells import CellError, CellValue, is_blank, is_no_value, parse_number, text_of
from targetboard.ingest.drafts import Context, Draft, Entry, default_ytd, parse_growth
from targetboard.ingest.headers import classify_column, column_letter, column_scope, header_key
from targetboard.ingest.lookup import IndicatorMatch
from targetboard.ingest.names import fold
from targetboard.ingest.periods import PeriodSpec, find_period
from targetboard.ingest.tables import Table
from targetboard.ingest.units import is_unit, parse_unit, unit_text
from targetboard.model.period import Period
from targetboard.text.normalize import to_simplified

__all__ = ["CrossColumn", "CrossHeader", "find_cross", "read_cross"]

_SHEET_UNIT_RE = re.compile(r"(?:计量)?单位\s*[:：]\s*(?P<unit>[^\s,，;；)）]+)")
_TITLE_UNIT_RE = re.compile(r"[(（](?:单位\s*[:：]\s*)?(?P<unit>[^()（）]{1,8})[)）]\s*$")
EXPECTED_TITLE = "expected a title such as 2022年1-6月镇江市各辖市区主要经济指标"


@dataclass(frozen=True)
class CrossColumn:
    """A value or growth column of a cross-county sheet, and the region or indicator it belongs to."""

    index: int
    label: str  # header text as shown: 扬中市/本月, 工业应税销售(亿元)/1-6月累计
    role: str  # "value" or "growth"
    scope: str  # "month", "ytd", "plain" (the sheet's period) or "auto" (growth: follow the group's values)
    month: int | None  # the month a header names (1-6月累计 -> 6)
    unit: str | None  # unit in the header, folded
    region: tuple[str, str] | None = None  # regions as columns: (code, name as written)
    indicator: IndicatorMatch | None = None  # regions as rows


@dataclass
class CrossHeader:
    """Where a cross-county sheet's header is, its orientation and its columns."""

    orientation: str  # "columns" (regions as columns) or "rows" (regions as rows)
    first_row: int
    last_row: int
    name_column: int  # indicator names (regions as columns) or region names (regions as rows)
    name_label: str
    unit_column: int | None
    unit_label: str | None
    columns: list[CrossColumn]
    # Header cells that could not be read: (column index, text, message). Reported by read_cross.
    bad: list[tuple[int, str, str]] = field(default_factory=list)


# --- finding the header -------------------------------------------------------------------------------


def _region(text: str, ctx: Context) -> str | None:
    """A region code for a cell, ignoring ordinals and markers around the name (``1.扬中市``, ``#丹阳市``)."""
    return ctx.lookup.region(text) or ctx.lookup.region(ctx.lookup.clean_name(text))


def _is_total(text: str, ctx: Context) -> bool:
    return ctx.lookup.clean_name(text) in ctx.rules.cross_totals or fold(text) in ctx.rules.cross_totals


def _is_ignored(key: str, ctx: Context) -> bool:
    return any(w in key for w in ctx.rules.ignore_words)


def _header_rows(table: Table, row: int, ctx: Context) -> tuple[list[CellValue], list[CellValue] | None]:
    """The header row, and the row under it when it continues the header (本月/累计/增长, no numbers).

    A group cell written once above its first sub-column (a CSV export of merged cells) is carried to
    the right over the sub-columns below it, as a reader sees it.
    """
    top = table.filled(row)
    below = table.filled(row + 1) if row + 1 in table.rows else None
    if below is not None:
        numbers = any(isinstance(c, int | float) and not isinstance(c, bool) for c in below)
        words = False
        for c in below:
            if is_blank(c):
                continue
            key, _ = header_key(c, ctx.bases)
            if (column_scope(key, ctx.rules) or any(w in key for w in ctx.rules.growth_words)
                    or is_unit(key, ctx.bases) or _is_ignored(key, ctx)):
                words = True
        if numbers or not words:
            below = None
    if below is not None:
        top = list(top) + [None] * max(0, len(below) - len(top))
        group: CellValue = None
        for i, c in enumerate(top):
            if not is_blank(c):
                group = c
            elif group is not None and i < len(below) and not is_blank(below[i]):
                top[i] = group
    return top, below


def find_cross(table: Table, ctx: Context) -> CrossHeader | None:
    """The cross-county header of a sheet (searched in the first rows like any header), or None."""
    for row in table.numbers()[: ctx.rules.header_search_rows]:
        found = _columns_header(table, row, ctx) or _rows_header(table, row, ctx)
        if found is not None:
            return found
    return None


def _columns_header(table: Table, row: int, ctx: Context) -> CrossHeader | None:
    """Regions as columns: at least two cells of the row name known regions (or one, and a total)."""
    cells = table.filled(row)
    codes = {code for c in cells if isinstance(c, str) and (code := _region(c, ctx))}
    if not codes or (len(codes) < 2 and not any(isinstance(c, str) and _is_total(c, ctx) for c in cells)):
        return None
    top, below = _header_rows(table, row, ctx)
    rules = ctx.rules
    keys = [header_key(c, ctx.bases)[0] if not is_blank(c) else "" for c in top]
    name_col = next((i for i, k in enumerate(keys) if k in rules.bureau_name), 0)
    unit_col = next((i for i, k in enumerate(keys) if k and k in rules.bureau_unit), None)
    header = CrossHeader("columns", row, row if below is None else row + 1, name_col, _label([top[name_col]]) or "A",
                         unit_col, text_of(top[unit_col]) if unit_col is not None else None, [])
    for i, c in enumerate(top):
        if i in (name_col, unit_col) or is_blank(c):
            continue
        text = text_of(c)
        key, group_unit = header_key(c, ctx.bases)
        if _is_total(key, ctx) or (_is_ignored(key, ctx) and _region(text, ctx) is None):
            continue
        sub = below[i] if below is not None and i < len(below) else None
        code = _region(key, ctx)
        if code is None:
            if not is_blank(sub) or _has_figures(table, header, i):
                header.bad.append((i, text, f"unknown region {text!r} in the header; expected one of "
                                            f"{ctx.lookup.some_region_names()} (or a total such as 全市, 合计)"))
            continue
        col = _sub_column(i, [c, sub], sub, group_unit, ctx, region=(code, ctx.lookup.clean_name(key)))
        if col is not None:
            header.columns.append(col)
    return header if header.columns or header.bad else None


def _rows_header(table: Table, row: int, ctx: Context) -> CrossHeader | None:
    """Regions as rows: a column (headed 地区 or the like, or blank) whose cells below name known regions."""
    cells = table.filled(row)
    rules = ctx.rules
    below_rows = [r for r in table.numbers() if r > row][: rules.cross_region_search_rows]
    for name_col, head in enumerate(cells):
        key = header_key(head, ctx.bases)[0] if not is_blank(head) else ""
        if key and key not in rules.cross_region_header:
            continue
        found = {code for r in below_rows if name_col < len(table.row(r))
                 and isinstance(cell := table.row(r)[name_col], str) and (code := _region(cell, ctx))}
        if len(found) < (1 if key else 2):
            continue
        indicators = [c for i, c in enumerate(cells) if i != name_col and isinstance(c, str)
                      and ctx.lookup.indicator(c) is not None]
        title_indicator = None
        if not indicators:
            title_indicator = ctx.lookup.indicator_in_text(_text_above(table, row))
            scoped = any(i != name_col and isinstance(c, str) and _is_scope_header(c, ctx) for i, c in enumerate(cells))
            if title_indicator is None or not scoped:
                continue
        return _rows_columns(table, row, name_col, ctx, title_indicator)
    return None


def _text_above(table: Table, row: int) -> str:
    return " ".join(text_of(c) for r in table.numbers() if r < row for c in table.row(r) if isinstance(c, str))


def _is_scope_header(cell: str, ctx: Context) -> bool:
    """本月, 1-6月累计, 同比增长%...: a header that says which figure, not what is measured."""
    key, _ = header_key(cell, ctx.bases)
    return bool(column_scope(key, ctx.rules)) or any(w in key for w in ctx.rules.growth_words)


def _rows_columns(table: Table, row: int, name_col: int, ctx: Context,
                  title_indicator: IndicatorMatch | None) -> CrossHeader:
    """The columns of a regions-as-rows header; with ``title_indicator``, every column is that indicator's
    (本月 | 1-6月累计 | 同比增长% under a title such as 2022年1-6月各辖市区工业应税销售完成情况)."""
    top, below = _header_rows(table, row, ctx)
    if title_indicator is not None:
        header = CrossHeader("rows", row, row, name_col, text_of(top[name_col]) or column_letter(name_col), None,
                             None, [])
        for i, c in enumerate(top):
            if i != name_col and not is_blank(c):
                col = _sub_column(i, [c], c, None, ctx, indicator=title_indicator)
                if col is not None:
                    header.columns.append(col)
        return header
    header = CrossHeader("rows", row, row if below is None else row + 1, name_col,
                         text_of(top[name_col]) or column_letter(name_col), None, None, [])
    for i, c in enumerate(top):
        if i == name_col or is_blank(c):
            continue
        text = text_of(c)
        key, _ = header_key(c, ctx.bases)
        match = ctx.lookup.indicator(text)
        if match is None:
            if _is_ignored(key, ctx) or key in ctx.rules.bureau_unit:
                continue
            header.bad.append((i, text, f"unknown indicator {text!r} in the header: not in the catalog; "
                                        "see `targetboard indicators`"))
            continue
        sub = below[i] if below is not None and i < len(below) else None
        col = _sub_column(i, [c, sub], sub, match.unit, ctx, indicator=match)
        if col is not None:
            header.columns.append(col)
    return header


def _sub_column(index: int, parts: list[CellValue], sub: CellValue, group_unit: str | None, ctx: Context, *,
                region: tuple[str, str] | None = None, indicator: IndicatorMatch | None = None) -> CrossColumn | None:
    """A column from its group (region or indicator) and its sub-header (本月, 累计, 增长%, a unit, or none)."""
    label = _label(parts)
    growth_only = indicator is not None and indicator.growth_only
    if is_blank(sub):
        return CrossColumn(index, label, "growth" if growth_only else "value", "plain", None, group_unit, region,
                           indicator)
    key, unit = header_key(sub, ctx.bases)
    if is_unit(key, ctx.bases):  # a sub-header that only states the unit: 亿元
        return CrossColumn(index, label, "growth" if growth_only else "value", "plain", None, unit_text(key), region,
                           indicator)
    col = classify_column(index, [sub], ctx.rules, ctx.bases)
    if col is None:
        return None  # 上年同期, 位次, 占比...: not this year's figure for the group
    return CrossColumn(index, label, col.role, col.scope, col.month, col.unit or unit or group_unit, region, indicator)


def _label(parts: list[CellValue]) -> str:
    texts = [text_of(p) for p in parts if not is_blank(p)]
    return "/".join(dict.fromkeys(texts))


def _has_figures(table: Table, header: CrossHeader, index: int) -> bool:
    return any(index < len(table.row(r)) and not is_no_value(table.row(r)[index])
               for r in table.numbers() if r > header.last_row)


# --- reading the rows ---------------------------------------------------------------------------------


@dataclass
class _Sheet:
    table: Table
    header: CrossHeader
    spec: PeriodSpec | None
    unit: str | None  # from a 单位：万元 line or （亿元） at the end of the title
    targets: dict[int, tuple[Period, str]] = field(default_factory=dict)  # column -> (period, scope)


def _sheet_unit(title: str, ctx: Context) -> str | None:
    s = to_simplified(title)
    for m in (_SHEET_UNIT_RE.search(s), _TITLE_UNIT_RE.search(s.strip())):
        if m is not None and is_unit(m.group("unit"), ctx.bases):
            return unit_text(m.group("unit"))
    return None


def _targets(sheet: _Sheet, ctx: Context) -> None:
    """Which period and scope each column is for; a growth column follows its group's value columns."""
    assert sheet.spec is not None
    period = sheet.spec.period
    header = sheet.header
    sheet_month = period.last_month if period.kind != "Y" else next((c.month for c in header.columns if c.month), None)

    def group(c: CrossColumn) -> object:
        return c.region if header.orientation == "columns" else (c.indicator.indicator.id if c.indicator else None)

    values = [c for c in header.columns if c.role == "value"]
    for col in values + [c for c in header.columns if c.role == "growth"]:
        scope = col.scope
        if scope == "auto":
            mine = [c for c in values if group(c) == group(col)]
            lead = next((c for s in ("ytd", "month", "plain") for c in mine if c.scope == s), None)
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
            ctx.problems.add(sheet.table.name, header.last_row, col.label,
                             f"cannot tell which month column {col.label} is for: the period is only the year "
                             f"{period.year}; {EXPECTED_TITLE}, a header such as 1-6月累计, or a default period")
            continue
        sheet.targets[col.index] = (Period.month(period.year, month), scope)


def read_cross(table: Table, header: CrossHeader, ctx: Context) -> list[Draft]:
    """Drafts for every region and indicator of the sheet; problems for what does not read."""
    for index, _text, message in header.bad:
        ctx.problems.add(table.name, header.first_row, _text or column_letter(index), message)
    title = table.text_above(header.first_row)
    fallback_year = ctx.default_period.period.year if ctx.default_period else None
    spec = find_period(f"{title} {table.name or ''}", fallback_year) or ctx.default_period
    sheet = _Sheet(table, header, spec, _sheet_unit(title, ctx))
    if spec is None:
        shown = f"the title {title!r}" if title else "there is no title"
        ctx.problems.add(table.name, header.first_row, None,
                         f"no period: {shown} names no year or month and no default period was given; {EXPECTED_TITLE}")
    else:
        _targets(sheet, ctx)
    drafts: list[Draft] = []
    for row in table.numbers():
        if row > header.last_row:
            drafts.extend(_row(sheet, row, ctx))
    return drafts if spec is not None else []


def _row(sheet: _Sheet, row: int, ctx: Context) -> list[Draft]:
    table, header = sheet.table, sheet.header
    cells = table.row(row)
    if all(is_blank(c) for c in cells):
        return []
    first = next(text_of(c) for c in cells if not is_blank(c))
    if ctx.rules.note_re.match(fold(first)):
        return []
    has_figures = any(c.index < len(cells) and not is_no_value(cells[c.index]) for c in header.columns)
    name_cell = cells[header.name_column] if header.name_column < len(cells) else None
    columns = header.orientation == "columns"
    what = "an indicator name such as 工业应税销售" if columns else "a region name such as 扬中市"
    if is_blank(name_cell):
        if has_figures:
            ctx.problems.add(table.name, row, header.name_label,
                             f"the row has figures but no name; expected {what} in column {header.name_label}")
        return []
    name = text_of(name_cell)
    row_unit: str | None = None
    row_region: tuple[str, str] | None = None
    row_match: IndicatorMatch | None = None
    if header.orientation == "columns":
        row_match = ctx.lookup.indicator(name)
        if row_match is None:
            if has_figures:
                ctx.problems.add(table.name, row, header.name_label,
                                 f"unknown indicator {name!r}: not in the catalog; see `targetboard indicators`")
            return []
        unit_at = header.unit_column
        unit_cell = cells[unit_at] if unit_at is not None and unit_at < len(cells) else None
        if not is_blank(unit_cell):
            row_unit = unit_text(text_of(unit_cell))
    else:
        if _is_total(name, ctx):
            return []
        code = _region(name, ctx)
        if code is None:
            if has_figures:
                ctx.problems.add(table.name, row, header.name_label,
                                 f"unknown region {name!r}; expected one of {ctx.lookup.some_region_names()} "
                                 "(or a total such as 全市, 合计)")
            return []
        row_region = (code, ctx.lookup.clean_name(name))
    entries = _entries(sheet, row, cells, row_region, row_match, row_unit, ctx)
    indicators = {c.indicator.indicator.id: c.indicator.indicator for c in header.columns if c.indicator}
    if row_match is not None:
        indicators[row_match.indicator.id] = row_match.indicator
    return [
        Draft(table.name, row, region[0], region[1], indicators[ind_id], period_code, ytd, e.value, e.unit,
              e.unit_column, e.value_column, e.growth, ctx.source(table.name), e.growth_column)
        for (region, ind_id, period_code, ytd), e in entries.items()
        if e.value is not None or e.growth is not None
    ]


_Key = tuple[tuple[str, str], str, str, bool]  # (region code, name), indicator id, period code, ytd


def _entries(sheet: _Sheet, row: int, cells: list[CellValue], row_region: tuple[str, str] | None,
             row_match: IndicatorMatch | None, row_unit: str | None, ctx: Context) -> dict[_Key, Entry]:
    """The row's figures grouped by (region, indicator, period, year-to-date); problems for unreadable cells."""
    table, header = sheet.table, sheet.header
    entries: dict[_Key, Entry] = {}
    for col in header.columns:
        region = row_region or col.region
        match = row_match or col.indicator
        if region is None or match is None:
            continue
        ind = match.indicator
        growth_role = col.role == "growth" or (
            match.growth_only and (row_unit is None or parse_unit(row_unit).base == "%"))
        raw = cells[col.index] if col.index < len(cells) else None
        try:
            number = (parse_growth if growth_role else parse_number)(raw, ctx.bases)
        except CellError as exc:
            ctx.problems.add(table.name, row, col.label, str(exc))
            continue
        if number is None or col.index not in sheet.targets:
            continue
        period, scope = sheet.targets[col.index]
        ytd = False if scope == "month" else (ind.kind != "stock" if scope == "ytd" else default_ytd(ind, period))
        entry = entries.setdefault((region, ind.id, period.code, ytd), Entry())
        if growth_role:
            if entry.growth is not None and entry.growth != number.value:
                _clash(table.name, row, col.label, entry.growth_column, ind.name, "growth rates", ctx)
                continue
            entry.growth, entry.growth_column = number.value, col.label
            continue
        if number.unit and row_unit and parse_unit(number.unit) != parse_unit(row_unit):
            ctx.problems.add(table.name, row, col.label,
                             f"the cell says {number.unit} but column {header.unit_label} says {row_unit}; "
                             "expected one unit (write the number alone)")
            continue
        candidates = ((number.unit, col.label), (row_unit, header.unit_label), (col.unit, col.label),
                      (row_match.unit if row_match else None, header.name_label), (sheet.unit, None))
        unit, unit_column = next(((u, c) for u, c in candidates if u), (None, None))
        if entry.value is not None and (entry.value, entry.unit) != (number.value, unit):
            _clash(table.name, row, col.label, entry.value_column, ind.name, "levels", ctx)
            continue
        entry.value, entry.unit, entry.unit_column, entry.value_column = number.value, unit, unit_column, col.label
    return entries


def _clash(sheet: str | None, row: int, column: str, other: str | None, name: str, what: str, ctx: Context) -> None:
    ctx.problems.add(sheet, row, column, f"columns {other} and {column} give different {what} for {name} for the "
                     "same region and period; expected one of them")
