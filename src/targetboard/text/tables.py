"""Tables of office documents as rows of cell strings: a .docx table, an .xlsx sheet.

The task-table reader (`targetboard.extract.task_table.plan_from_task_table`) takes these rows.
Merged cells are filled: every grid position of a merged range holds the range's text, so columns
stay aligned and a 牵头单位 merged over several rows reaches each of them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from targetboard.text.readers import DocumentError

Rows = list[list[str]]


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    return " ".join(str(value).split())


def docx_tables(data: bytes, name: str = "<docx>") -> list[Rows]:
    """Every table of a .docx (in document order, nested tables not included) as rows of cells."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(f"{name}: cannot open as .docx (not a zip file)")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"{name}: cannot open as .docx ({type(exc).__name__})") from exc
    out: list[Rows] = []
    for table in document.tables:
        rows: Rows = []
        for row in table.rows:
            # row.cells gives one cell per grid column; a horizontally merged cell repeats, a vertically
            # merged continuation returns the cell above (python-docx >= 1.0), so merges are filled.
            rows.append([_clean(c.text) for c in row.cells])
        out.append(rows)
    return out


def xlsx_rows(data: bytes, sheet: str | None = None, name: str = "<xlsx>") -> Rows:
    """One sheet of an .xlsx (the active one, or `sheet` by name) as rows of cells, merges filled."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise DocumentError(f"{name}: cannot open as .xlsx ({type(exc).__name__})") from exc
    if sheet is not None and sheet not in wb.sheetnames:
        raise DocumentError(f"{name}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[sheet] if sheet is not None else wb.active
    if ws is None:
        raise DocumentError(f"{name}: no worksheet")
    grid: Rows = [[_clean(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
        for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                grid[r][c] = top
    while grid and not any(grid[-1]):
        grid.pop()
    return grid


def table_rows(source: str | Path | bytes, filename: str | None = None, *, sheet: str | None = None) -> list[Rows]:
    """The tables of a .docx or .xlsx, from a path or from bytes plus a file name (for uploads).

    An .xlsx gives one table (the sheet); a .docx all its tables.
    """
    if isinstance(source, bytes):
        data, fname = source, filename or "<bytes>"
    else:
        path = Path(source)
        data, fname = path.read_bytes(), filename or path.name
    suffix = Path(fname).suffix.lower()
    if suffix == ".xlsx":
        return [xlsx_rows(data, sheet, fname)]
    if suffix == ".docx":
        return docx_tables(data, fname)
    raise DocumentError(f"{fname}: expected a .docx or .xlsx file with a task table")
