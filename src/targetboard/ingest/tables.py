"""Read a CSV or XLSX file into plain tables of cells, turning every failure into a Problem.

Why: the two input shapes (template, bureau sheet) should not care where cells came from, and no
user file, however broken, may raise. A CSV is one table (sheet None); a workbook gives one table
per non-empty sheet. Row numbers are the ones Excel shows (1-based, counting blank rows), because
that is what a user looks for when a problem names a row.

CSV encodings: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, then GB18030 (what Excel and
WPS on Chinese Windows write). Tab-separated text is recognised by its header line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from targetboard.ingest.cells import CellValue, is_blank, text_of
from targetboard.ingest.names import column_letter
from targetboard.ingest.problems import Problems

__all__ = ["Table", "read_tables", "read_tables_bytes"]

_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
EXPECTED_FILE = "expected a .csv (UTF-8 or GB18030) or an .xlsx workbook"
NO_CACHED_VALUE = (
    "cell {cell} holds the formula {formula} but no saved result (the file was written by a program that "
    "never calculated it), so its figure cannot be read; expected a value: open the file in Excel or WPS and "
    "save it again, or replace the formulas by their values (复制, 选择性粘贴 → 数值)"
)


@dataclass
class Table:
    """One sheet: rows by their Excel row number, cells indexed from 0 (column A)."""

    name: str | None  # sheet name; None for a CSV file
    rows: dict[int, list[CellValue]]
    # Merged ranges as (min_row, min_col, max_row, max_col), 1-based like openpyxl.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Formula cells with no saved result, as (row, column index from 0, formula text): reported by
    # read_tables, because such a cell reads as empty and an empty cell means "no figure".
    uncached: list[tuple[int, int, str]] = field(default_factory=list)

    def row(self, number: int) -> list[CellValue]:
        """The cells of a row as stored (merged cells hold a value only in their top-left cell)."""
        return self.rows.get(number, [])

    def text_above(self, row: int) -> str:
        """The text cells of the rows above `row` (a sheet's title and notes), joined by spaces."""
        return " ".join(text_of(c) for r in self.numbers() if r < row for c in self.row(r) if isinstance(c, str))

    def filled(self, number: int) -> list[CellValue]:
        """The row with every merged range showing its top-left value, as a reader sees a header."""
        cells = list(self.row(number))
        for r1, c1, r2, c2 in self.merged:
            if r1 <= number <= r2:
                top = self.row(r1)
                value = top[c1 - 1] if c1 - 1 < len(top) else None
                if len(cells) < c2:
                    cells.extend([None] * (c2 - len(cells)))
                for c in range(c1, c2 + 1):
                    cells[c - 1] = value
        return cells

    def numbers(self) -> list[int]:
        """Row numbers in order."""
        return sorted(self.rows)

    def is_empty(self) -> bool:
        return all(is_blank(c) for cells in self.rows.values() for c in cells)


def read_tables(path: Path, problems: Problems) -> list[Table]:
    """The tables of a file; an unreadable, empty or damaged file adds a Problem (row None) instead."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(None, None, None, f"file not found; {EXPECTED_FILE}")
        return []
    except OSError as exc:
        problems.add(None, None, None, f"cannot read the file ({exc.strerror or exc}); {EXPECTED_FILE}")
        return []
    return read_tables_bytes(data, path.name, problems)


def read_tables_bytes(data: bytes, filename: str, problems: Problems) -> list[Table]:
    """The tables of a file's content (an upload); ``filename`` only decides the format by its suffix.

    Why separate from :func:`read_tables`: a web upload has bytes and a name, never a path, and must
    behave exactly like the same file on disk.
    """
    if not data.strip():
        problems.add(None, None, None, f"the file is empty; {EXPECTED_FILE} with a header row and data rows")
        return []
    suffix = Path(filename).suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        problems.add(None, None, None, "this is an old .xls (Excel 97-2003) workbook; save it as .xlsx or .csv")
        return []
    before = len(problems.items)
    if suffix in _XLSX_SUFFIXES or (suffix not in _CSV_SUFFIXES and data.startswith(b"PK")):
        tables = _read_xlsx(data, problems)
    else:
        tables = _read_csv(data, problems)
    if tables is not None and all(t.is_empty() for t in tables) and len(problems.items) == before:
        problems.add(None, None, None, f"the file holds no data; {EXPECTED_FILE} with a header row and data rows")
    kept = [t for t in tables or [] if not t.is_empty() or t.uncached]
    for table in kept:
        for row, col, formula in table.uncached:
            problems.add(table.name, row, column_letter(col), NO_CACHED_VALUE.format(
                cell=f"{column_letter(col)}{row}", formula=formula))
    return kept


# --- CSV ---------------------------------------------------------------------------------------------


def _decode(data: bytes, problems: Problems) -> str | None:
    """Decode CSV bytes; a file cut inside a character is reported as truncated, keeping what came before."""
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, codec in boms:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                return _truncated_or_none(data, codec, exc, problems)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return _truncated_or_none(data, "utf-8", exc, problems)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            return _truncated_or_none(data, "gb18030", exc, problems)
    problems.add(None, None, None, f"cannot decode the text: it is neither UTF-8 nor GB18030; {EXPECTED_FILE}")
    return None


def _truncated_or_none(data: bytes, codec: str, exc: UnicodeDecodeError, problems: Problems) -> str | None:
    if exc.start >= len(data) - 3:
        problems.add(None, None, None, "the file ends in the middle of a character: it looks truncated; export again")
        return data[: exc.start].decode(codec)
    problems.add(None, None, None, f"cannot decode the text as {codec} (byte {exc.start}); {EXPECTED_FILE}")
    return None


def _read_csv(data: bytes, problems: Problems) -> list[Table] | None:
    text = _decode(data, problems)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: dict[int, list[CellValue]] = {}
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            rows[number] = [c if c.strip() else None for c in cells]
    except csv.Error as exc:
        problems.add(None, number + 1, None,
                     f"the file ends inside a quoted cell ({exc}): it looks truncated; export it again")
    else:
        _check_last_row(text, rows, problems)
    return [Table(None, rows)]


def _check_last_row(text: str, rows: dict[int, list[CellValue]], problems: Problems) -> None:
    """A last row shorter than the others, with no line end after it, is a file cut off mid-row."""
    if not rows or text.endswith(("\n", "\r")):
        return
    last = max(rows)
    width = max(len(cells) for cells in rows.values())
    if len(rows[last]) < width:
        problems.add(None, last, None, f"the file ends in the middle of this row ({len(rows[last])} of {width} cells, "
                     "no line end): it looks truncated; export it again")


# --- XLSX --------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, problems: Problems) -> list[Table] | None:
    import openpyxl  # type: ignore[import-untyped,unused-ignore]  # here: CSV-only users should not pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation, styles and the like
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except zipfile.BadZipFile:
        problems.add(None, None, None,
                     "the workbook is damaged or truncated (not a complete .xlsx zip); save it again from Excel or WPS")
        return None
    except Exception as exc:  # openpyxl raises many types for damaged files; none may escape
        problems.add(None, None, None, f"cannot read the workbook ({type(exc).__name__}: {exc}); {EXPECTED_FILE}")
        return None
    tables: list[Table] = []
    try:
        for ws in wb.worksheets:
            rows: dict[int, list[CellValue]] = {}
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_plain(v) for v in values]
                while cells and is_blank(cells[-1]):
                    cells.pop()
                if cells:
                    rows[number] = [None if is_blank(c) else c for c in cells]
            merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
            tables.append(Table(ws.title, rows, merged))
        _find_uncached(data, tables)
    except Exception as exc:  # a sheet that fails to parse half-way: report, keep the others
        problems.add(None, None, None, f"cannot read the workbook ({type(exc).__name__}: {exc}); {EXPECTED_FILE}")
        return None
    finally:
        wb.close()
    return tables


def _plain(value: object) -> CellValue:
    """An openpyxl value as a plain cell: Decimal -> float, rich text and anything else exotic -> its text."""
    if value is None or isinstance(value, str | bool | int | float | datetime | date | time):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF_RE = re.compile(r"^(?P<col>[A-Z]{1,3})(?P<row>\d+)$")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet title -> part name in the zip (``xl/worksheets/sheet1.xml``), from the workbook's relations."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _find_uncached(data: bytes, tables: list[Table]) -> None:
    """Note every formula cell that holds no saved result.

    Why: Excel and WPS save a formula's last result next to it (``<f>..</f><v>12.3</v>``) and that result
    is what we import; a file generated by a program (openpyxl, some exporters) may hold the formula
    alone (``<v></v>`` or no ``<v>``). openpyxl reads both as empty, and an empty cell means "no figure",
    so such a cell would silently lose its figure; it is refused instead. A formula whose saved result is
    the empty string (``t="str"``, ``=IF(A1="","",A1)``) is a real empty result and stays "no figure".
    Read from the XML directly: the cell's type attribute, which says which case it is, is not in openpyxl.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if not any(n.startswith("xl/worksheets/") and re.search(rb"<(?:\w+:)?f[ >/]", zf.read(n)) for n in names
                   if n.endswith(".xml")):
            return
        parts = _sheet_parts(zf)
        for table in tables:
            part = parts.get(table.name or "")
            if part is None or part not in names:
                continue
            for cell in ElementTree.fromstring(zf.read(part)).iter(f"{_NS_MAIN}c"):
                formula = cell.find(f"{_NS_MAIN}f")
                if formula is None:
                    continue
                v = cell.find(f"{_NS_MAIN}v")
                if (v is not None and v.text) or cell.get("t") == "str":
                    continue
                m = _REF_RE.match(cell.get("r", ""))
                if m is None:
                    continue
                text = f"={formula.text}" if formula.text else "(a shared formula)"
                table.uncached.append((int(m.group("row")), _column_index(m.group("col")), text))
