"""The bulletin as a Word document: title, summary paragraph, status chart, tables, league chart.

Every style the document uses names the CJK font found by :mod:`fonts` for East Asian and Latin text
(theme fonts removed), so Word and LibreOffice render it with that font rather than a substitute;
status and light cells are shaded in the dashboard's colours. A4 portrait, as offices print it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from targetboard.accountability.bulletin import Bulletin
from targetboard.accountability.bulletin_text import Table, summary, tables
from targetboard.bulletin.charts import league_chart, status_chart
from targetboard.bulletin.files import fixed_zip
from targetboard.bulletin.fonts import CjkFont, find_cjk_font

FILL = {"green": "C8E6C9", "yellow": "FCE8B2", "red": "F4C7C3", "grey": "E0E0E0"}
HEADER_FILL = "D9E2F3"
NUMERALS = "一二三四五六七八九十"
TEXT_WIDTH_CM = 16.6  # A4 less the margins


def _fonts(element: Any, family: str) -> None:
    """Name `family` for every script on an rPr's rFonts, dropping theme fonts (which win otherwise)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup(doc: Any, font: CjkFont) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    for name in ("Normal", "Title", "Heading 1", "Table Grid"):
        style = doc.styles[name]
        _fonts(style.element, font.family)
        style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Normal"].font.size = Pt(11)
    heading = doc.styles["Heading 1"]
    heading.font.size, heading.font.bold = Pt(14), True
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.bold = bold


def _table(doc: Any, t: Table) -> None:
    if not t.rows:
        doc.add_paragraph("无。")
        return
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, t.headers, strict=True):
        _cell(cell, header, bold=True)
        _shade(cell, HEADER_FILL)
    for i, row in enumerate(t.rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell(cell, text)
        if t.colour_column is not None and t.colours and t.colours[i] in FILL:
            _shade(cells[t.colour_column], FILL[t.colours[i]])
    if t.widths:
        table.autofit = False
        total = sum(t.widths)
        for column, weight in zip(table.columns, t.widths, strict=True):
            column.width = Cm(TEXT_WIDTH_CM * weight / total)  # the grid LibreOffice reads
            for cell in column.cells:
                cell.width = Cm(TEXT_WIDTH_CM * weight / total)


def _picture(doc: Any, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(14))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def document_date(b: Bulletin) -> datetime:
    """The date the document carries (created, modified): the day its lights were judged on."""
    return datetime.combine(b.as_of_day, time(0, 0), tzinfo=UTC)


def write_docx(b: Bulletin, font: CjkFont | None = None) -> bytes:
    """The bulletin as .docx bytes (byte-identical for the same bulletin)."""
    font = font or find_cjk_font()
    doc = Document()
    _setup(doc, font)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(b.title)
    run.bold, run.font.size = True, Pt(20)
    _fonts(run._r, font.family)
    note = doc.add_paragraph(f"（数据截至{b.period_label}；红黄灯及逾期按"
                             f"{b.as_of_day.year}年{b.as_of_day.month}月{b.as_of_day.day}日判定）")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(summary(b)).paragraph_format.first_line_indent = Pt(22)
    _picture(doc, status_chart(b, font))
    for n, t in enumerate(tables(b), start=2):
        doc.add_heading(f"{NUMERALS[n - 1]}、{t.title}", level=1)
        _table(doc, t)
        if t.sheet == "考核排名":
            chart = league_chart(b, font)
            if chart is not None:
                _picture(doc, chart)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = b.title, "targetboard", "targetboard"
    props.created = props.modified = document_date(b).replace(tzinfo=None)
    props.revision = 1
    props.comments = ""
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue(), document_date(b))
