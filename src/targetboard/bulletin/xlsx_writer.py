"""The bulletin as an Excel workbook: a summary sheet, then one sheet per table of the .docx.

Offices re-use the tables (sort, filter, paste into their own reports), so each table is a plain sheet:
one header row, frozen, with filters; status and light cells coloured as in the document.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from targetboard.accountability.bulletin import Bulletin
from targetboard.accountability.bulletin_text import summary, tables
from targetboard.bulletin.docx_writer import FILL, HEADER_FILL, document_date
from targetboard.bulletin.files import fixed_zip

WIDE = 48  # characters: text columns (targets, titles, explanations) are wrapped at this width


def write_xlsx(b: Bulletin) -> bytes:
    """The bulletin as .xlsx bytes (byte-identical for the same bulletin)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    ws.append([b.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([summary(b)])
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 100
    ws.row_dimensions[2].height = 150
    ws.append([])
    ws.append(["状态", "目标数"])
    for colour, label in (("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯"), ("grey", "灰灯")):
        ws.append([label, b.colour_counts()[colour]])
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for t in tables(b):
        sheet = wb.create_sheet(t.sheet)
        sheet.append(list(t.headers))
        for row in t.rows:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font, cell.fill = bold, header_fill
        if t.colour_column is not None:
            for i, colour in enumerate(t.colours, start=2):
                if colour in FILL:
                    sheet.cell(i, t.colour_column + 1).fill = PatternFill("solid", fgColor=FILL[colour])
        for j, header in enumerate(t.headers, start=1):
            longest = max([len(header) * 2, *(len(r[j - 1]) * 2 for r in t.rows)])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(longest, 8), WIDE) + 2
            if longest > WIDE:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        if t.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(t.headers))}{len(t.rows) + 1}"
    when = document_date(b).replace(tzinfo=None)
    wb.properties.creator, wb.properties.title = "targetboard", b.title
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue(), document_date(b))
