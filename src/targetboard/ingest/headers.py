"""Find the header row of a sheet, decide which shape it is, and say what each column holds.

Why: statistics bureau sheets put a title, a unit line and blank rows above the header, split the
header over two rows with merged cells (``1-6月`` over ``本月 | 累计``), and spell columns a dozen
ways. Everything that depends on header text lives here; the parsers get column indices and roles.

Shapes: a header row with 指标 and 地区 or 时期 is the documented template (:class:`TemplateHeader`);
one with an indicator-name column (指标名称, 项目...) and at least one value or growth column
(本月, 1-6月累计, 同比增长%...) is a bureau sheet (:class:`BureauHeader`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from targetboard.ingest.cells import CellValue, is_blank, text_of
from targetboard.ingest.names import column_letter, fold
from targetboard.ingest.rules import Rules
from targetboard.ingest.tables import Table
from targetboard.ingest.units import is_unit, unit_text

__all__ = ["BureauColumn", "BureauHeader", "TemplateHeader", "classify_column", "column_letter", "column_scope",
           "find_header", "header_key"]

_TRAILING_PAREN_RE = re.compile(r"^(?P<key>.*?)\((?P<unit>[^()]*)\)$")
_MONTH_N_RE = re.compile(r"(?<![\d])(?:1[-—–~～至到])?(?P<n>\d{1,2})月")


def header_key(cell: CellValue, unit_bases: frozenset[str]) -> tuple[str, str | None]:
    """A header cell as (folded key, unit): ``1-6月累计（万元）`` -> (``1-6月累计``, ``万元``).

    ``同比增长(%)`` gives (``同比增长``, ``%``). A parenthesised part that is not a unit stays in the key.
    """
    key = fold(text_of(cell))
    if m := _TRAILING_PAREN_RE.match(key):
        inner = unit_text(m.group("unit"))
        if is_unit(inner, unit_bases):
            return m.group("key"), inner
    return key, None


@dataclass
class TemplateHeader:
    """The template's header row: field -> column index, and each column's header text."""

    row: int
    columns: dict[str, int]
    labels: dict[int, str]
    units: dict[int, str]  # a unit in a header such as 数值(万元)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (field, first, again)


@dataclass(frozen=True)
class BureauColumn:
    """A value or growth column of a bureau sheet."""

    index: int
    label: str  # header text as shown (two header rows joined with /)
    role: str  # "value" or "growth"
    scope: str  # "month" (本月), "ytd" (累计), "plain" (the sheet's period), "auto" (growth: follow the values)
    month: int | None  # the month a header names (1-6月累计 -> 6)
    unit: str | None  # unit in the header, folded


@dataclass
class BureauHeader:
    """A bureau sheet's header: one or two rows, the name and unit columns, value and growth columns."""

    first_row: int
    last_row: int
    name_column: int
    name_label: str
    unit_column: int | None
    unit_label: str | None
    columns: list[BureauColumn]


def _label(parts: list[CellValue]) -> str:
    texts = [text_of(p) for p in parts if not is_blank(p)]
    return "/".join(dict.fromkeys(texts))


def classify_column(index: int, parts: list[CellValue], rules: Rules, bases: frozenset[str]) -> BureauColumn | None:
    """What a column holds, from its header parts (top to bottom); None for columns to ignore."""
    keys: list[str] = []
    unit: str | None = None
    for part in parts:
        if is_blank(part):
            continue
        key, u = header_key(part, bases)
        if key and is_unit(key, bases):  # a header row that only states the unit: 万元
            unit = unit_text(key)
            continue
        if u:
            unit = u
        if key:
            keys.append(key)
    if not keys:
        return None
    month = next((int(m.group("n")) for k in keys if (m := _MONTH_N_RE.search(k))), None)
    growth = [k for k in keys if any(w in k for w in rules.growth_words)]
    others = [k for k in keys if k not in growth]
    if not growth and any(w in k for k in keys for w in rules.ignore_words):
        return None
    # The lowest header row naming month or year-to-date decides (1-6月 over 本月 is the month);
    # a plain word (绝对值 under 本月) only counts when no row says which.
    scopes = [s for k in reversed(others) if (s := column_scope(k, rules))]
    scope = next((s for s in scopes if s != "plain"), scopes[0] if scopes else None)
    if growth:
        if scope is None:
            g = growth[-1]
            scope = "ytd" if ("累计" in g or any(p.search(g) for p in rules.bureau_ytd_patterns)) else (
                "month" if any(w in g for w in ("本月", "当月")) else "auto")
        return BureauColumn(index, _label(parts), "growth", scope, month, unit)
    if scope is None:
        return None
    return BureauColumn(index, _label(parts), "value", scope, month, unit)


def column_scope(key: str, rules: Rules) -> str | None:
    if key in rules.bureau_month or re.fullmatch(r"\d{1,2}月份?", key):
        return "month"
    if key in rules.bureau_ytd or key.endswith("累计") or any(p.fullmatch(key) for p in rules.bureau_ytd_patterns):
        return "ytd"
    if key in rules.bureau_plain or re.fullmatch(r"\d{4}年度?", key):
        return "plain"
    return None


def _template(row: int, cells: list[CellValue], rules: Rules, bases: frozenset[str]) -> TemplateHeader | None:
    columns: dict[str, int] = {}
    labels: dict[int, str] = {}
    units: dict[int, str] = {}
    duplicates: list[tuple[str, int, int]] = []
    for i, cell in enumerate(cells):
        if is_blank(cell):
            continue
        key, unit = header_key(cell, bases)
        name = rules.template_field(key) or rules.template_field(fold(text_of(cell)))
        if name is None:
            continue
        labels[i] = text_of(cell)
        if unit:
            units[i] = unit
        if name in columns:
            duplicates.append((name, columns[name], i))
        else:
            columns[name] = i
    if "indicator" not in columns:
        return None
    # A marker column (地区, 时期) makes it the template; so do English headers, which bureau sheets never use.
    if any(m in columns for m in rules.template_markers) or labels[columns["indicator"]].isascii():
        return TemplateHeader(row, columns, labels, units, duplicates)
    return None


def _bureau(table: Table, row: int, rules: Rules, bases: frozenset[str]) -> BureauHeader | None:
    top = table.filled(row)
    keys = [header_key(c, bases)[0] if not is_blank(c) else "" for c in top]
    name_col = next((i for i, k in enumerate(keys) if k in rules.bureau_name), None)
    if name_col is None:
        return None
    unit_col = next((i for i, k in enumerate(keys) if k in rules.bureau_unit), None)
    numbers = table.numbers()
    pos = numbers.index(row)
    rows = [top]
    last = row
    if pos + 1 < len(numbers) and numbers[pos + 1] == row + 1:
        below = table.filled(row + 1)
        if _is_subheader(below, top, name_col, rules, bases):
            rows.append(below)
            last = row + 1
    width = max(len(r) for r in rows)
    columns: list[BureauColumn] = []
    for i in range(width):
        if i in (name_col, unit_col):
            continue
        parts = [r[i] if i < len(r) else None for r in rows]
        col = classify_column(i, parts, rules, bases)
        if col is not None:
            columns.append(col)
    if not columns:
        return None
    return BureauHeader(row, last, name_col, text_of(top[name_col]), unit_col,
                        text_of(top[unit_col]) if unit_col is not None else None, columns)


def _is_subheader(below: list[CellValue], top: list[CellValue], name_col: int, rules: Rules,
                  bases: frozenset[str]) -> bool:
    """Whether the row under a header continues it: header words, no numbers, no new indicator name."""
    name_below = below[name_col] if name_col < len(below) else None
    if not (is_blank(name_below) or name_below == top[name_col]):
        return False
    if any(isinstance(c, int | float) and not isinstance(c, bool) for c in below):
        return False
    for i, cell in enumerate(below):
        if i == name_col or is_blank(cell):
            continue
        key, _ = header_key(cell, bases)
        if (column_scope(key, rules) or any(w in key for w in rules.growth_words) or is_unit(key, bases)
                or key in rules.bureau_unit):
            return True
    return False


def find_header(table: Table, rules: Rules, bases: frozenset[str]) -> TemplateHeader | BureauHeader | None:
    """The first row (within ``header_search_rows`` of the top) that reads as a template or bureau header."""
    for row in table.numbers()[: rules.header_search_rows]:
        cells = table.filled(row)
        found = _template(row, cells, rules, bases) or _bureau(table, row, rules, bases)
        if found is not None:
            return found
    return None
