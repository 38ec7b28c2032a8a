"""Writers of the monthly bulletin (督查通报): a .docx with charts and an .xlsx with the same tables.

They take an :class:`~targetboard.accountability.bulletin.Bulletin` (gathered by
`services.bulletin.build_bulletin`) and return bytes, so the CLI writes files and the web serves
downloads from the same call. No database here. The same bulletin gives the same bytes: document
properties and zip timestamps are fixed to the period's end.

=================  ==========================================================================
module             one job
=================  ==========================================================================
``fonts``          find the CJK font (wqy-microhei, Noto CJK) or fail naming the package
``charts``         status counts and the league table as PNG bar charts (matplotlib, Agg)
``docx_writer``    the Word document: title, summary, charts, tables
``xlsx_writer``    the Excel workbook: one sheet per table
``files``          fixed zip timestamps and document dates, for byte-identical output
=================  ==========================================================================
"""

from targetboard.bulletin.docx_writer import write_docx
from targetboard.bulletin.xlsx_writer import write_xlsx

__all__ = ["write_docx", "write_xlsx"]
