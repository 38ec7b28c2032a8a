"""Ledger sheets (台账) in and out: the usual Excel layouts, validated whole before anything is written.

Why in the importer: a ledger arrives as the same kind of file as observations (CSV or XLSX, merged
title rows, dates typed five ways), needs the same all-or-nothing rule and the same problem report
(file, sheet, row, column, what was expected), and goes back out as a sheet an office can keep using.
Pure: rows in, rows out; the services decide what to store.
"""

from __future__ import annotations

import calendar
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from targetboard.accountability.ledger import LedgerKind
from targetboard.ingest.cells import CellValue, is_blank, text_of
from targetboard.ingest.names import column_letter, fold
from targetboard.ingest.problems import Problem, Problems
from targetboard.ingest.tables import Table, read_tables, read_tables_bytes

__all__ = ["LedgerRow", "LedgerSheet", "read_ledger", "write_ledger"]

_YMD = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")
_YM = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*月?\s*(底|末|前)?$")
_Y_END = re.compile(r"^(\d{4})\s*年\s*(底|末|年底)$")


@cache
def _columns() -> dict[str, Any]:
    raw = resources.files("targetboard.ingest").joinpath("ledger_columns.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


@dataclass(frozen=True)
class LedgerRow:
    """One entry as the sheet gives it (row = the Excel row, for messages)."""

    sheet: str | None
    row: int
    ref: str
    title: str
    unit: str | None
    deadline: date | None
    progress: str
    state: str | None  # a state id of the kind, or None when the sheet has no 状态 column / cell
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class LedgerSheet:
    file: str
    rows: list[LedgerRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_deadline(cell: CellValue) -> tuple[date | None, bool]:
    """(deadline, understood): an Excel date, 2022-12-31, 2022年12月31日, 2022年12月(底) (its last day),
    2022年底, or a no-deadline word (长期坚持) -> None."""
    if isinstance(cell, datetime):
        return cell.date(), True
    if isinstance(cell, date):
        return cell, True
    text = text_of(cell).strip()
    if not text or text in _columns()["no_deadline"]:
        return None, True
    try:
        if m := _YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3])), True
        if m := _YM.match(text):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, calendar.monthrange(y, mo)[1]), True
        if m := _Y_END.match(text):
            return date(int(m[1]), 12, 31), True
    except ValueError:
        return None, False
    return None, False


def _header(table: Table, limit: int = 10) -> tuple[int, dict[int, str]] | None:
    """The first row (of the first `limit`) that names a title column: row number and column -> field."""
    synonyms = {fold(word): name for name, words in _columns()["fields"].items() for word in words}
    for number in table.numbers()[:limit]:
        cells = table.filled(number)
        mapping: dict[int, str] = {}
        for i, cell in enumerate(cells):
            if is_blank(cell):
                continue
            key = fold(text_of(cell))
            mapping[i] = synonyms.get(key, "extra:" + text_of(cell).strip())
        if "title" in mapping.values():
            return number, mapping
    return None


def _state(text: str, kind: LedgerKind) -> str | None:
    folded = fold(text)
    for sid, name in kind.states.items():
        if folded in (fold(sid), fold(name)):
            return sid
    return None


@dataclass
class _Place:
    """Where a row is: for reading its cells and for naming its column in a problem."""

    table: Table
    number: int
    mapping: dict[int, str]
    headers: dict[int, str]
    problems: Problems

    def problem(self, fname: str, message: str) -> None:
        col = next((self.headers[i] for i, f in self.mapping.items() if f == fname), None)
        self.problems.add(self.table.name, self.number, col or fname, message)


def _read_row(at: _Place, kind: LedgerKind, seen: dict[str, int], position: int) -> LedgerRow | None:
    cells = at.table.row(at.number)
    values: dict[str, CellValue] = {}
    extra: dict[str, str] = {}
    for i, fname in at.mapping.items():
        cell = cells[i] if i < len(cells) else None
        if fname.startswith("extra:"):
            if not is_blank(cell):
                extra[fname[6:]] = text_of(cell).strip()
        elif fname != "light":
            values[fname] = cell
    title = text_of(values.get("title")).strip()
    if not title:
        at.problem("title", "the title cell is empty; expected the finding, hazard, project or enterprise")
        return None
    ref = text_of(values.get("ref")).strip().removesuffix(".0") or str(position)
    if ref in seen:
        at.problem("ref", f"number {ref!r} is used twice (also row {seen[ref]}); expected one row per entry")
        return None
    seen[ref] = at.number
    deadline, understood = parse_deadline(values.get("deadline"))
    if not understood:
        at.problem("deadline", f"deadline {text_of(values.get('deadline'))!r} is not a date; expected "
                   "2022-12-31, 2022年12月31日, 2022年12月, 2022年底 or 长期坚持")
        return None
    state_text = text_of(values.get("state")).strip()
    state = _state(state_text, kind) if state_text else None
    if state_text and state is None:
        at.problem("state", f"state {state_text!r} is not a state of a {kind.name}; expected one of "
                   f"{'、'.join(kind.states.values())}")
        return None
    unit = text_of(values.get("unit")).strip() or None
    progress = text_of(values.get("progress")).strip()
    return LedgerRow(at.table.name, at.number, ref, title, unit, deadline, progress, state, extra)


def read_ledger(source: str | Path | bytes, kind: LedgerKind, *, filename: str | None = None) -> LedgerSheet:
    """Read a ledger sheet of `kind`; every problem is collected, none raised."""
    name = filename or (Path(source).name if not isinstance(source, bytes) else "upload")
    problems = Problems(name)
    tables = (read_tables_bytes(source, name, problems) if isinstance(source, bytes)
              else read_tables(Path(source), problems))
    rows: list[LedgerRow] = []
    seen: dict[str, int] = {}
    for table in tables:
        found = _header(table)
        if found is None:
            if not table.is_empty():
                problems.add(table.name, table.numbers()[0], None, "no header row naming the title column; expected "
                             "one of 问题, 隐患, 项目名称, 企业名称 with 序号, 责任单位, 完成时限, 整改进展")
            continue
        head, mapping = found
        headers = {i: text_of(table.filled(head)[i]).strip() for i in mapping}
        for number in [n for n in table.numbers() if n > head]:
            if not all(is_blank(c) for c in table.row(number)):
                row = _read_row(_Place(table, number, mapping, headers, problems), kind, seen, len(rows) + 1)
                if row is not None:
                    rows.append(row)
    return LedgerSheet(name, rows, problems.items)


def write_ledger(kind: LedgerKind, entries: list[dict[str, Any]], *, today: date) -> bytes:
    """An .xlsx of the usual layout: 序号, title, the kind's own columns, 责任单位, 完成时限, 整改进展, 状态,
    预警. `entries` are dicts with ref, title, unit, deadline, progress, state, fields, light."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from targetboard.accountability.ledger import LIGHT_ZH

    extra_headers: list[str] = []
    for e in entries:
        for h in e["fields"]:
            if h not in extra_headers:
                extra_headers.append(h)
    headers = ["序号", _columns()["title_header"][kind.id], *extra_headers, "责任单位", "完成时限", "整改进展", "状态",
               "预警"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = kind.name
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    fills = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
    for e in entries:
        ws.append([e["ref"], e["title"], *(e["fields"].get(h, "") for h in extra_headers), e["unit"] or "",
                   e["deadline"], e["progress"], kind.states[e["state"]], LIGHT_ZH[e["light"]]])
        row = ws.max_row
        ws.cell(row, headers.index("完成时限") + 1).number_format = "yyyy-mm-dd"
        if e["light"] in fills:
            ws.cell(row, len(headers)).fill = PatternFill("solid", fgColor=fills[e["light"]])
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[column_letter(i - 1)].width = 40 if h in ("问题", "隐患", "整改进展") else 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
