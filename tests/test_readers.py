"""Tests for targetboard.text.readers using real files written to tmp_path."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from targetboard.text.readers import DocumentError, SourceDocument, read_document, read_text_bytes

SIMPLIFIED = "2025年全市地区生产总值增长5.5%左右，城镇新增就业1.2万人。"
TRADITIONAL = "國內生產總值增長百分之五"
SIMPLIFIED_LONG = (
    "今年以来，全市坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。\n"
    "一、主要预期目标：地区生产总值增长6%左右；一般公共预算收入增长5%；城镇调查失业率控制在5.5%以内；"
    "居民人均可支配收入增长与经济增长基本同步；单位地区生产总值能耗下降完成省下达目标任务。\n"
    "二、重点工作：深化改革开放，推进乡村振兴，加强生态环境保护，持续改善民生，确保完成全年各项目标任务。\n"
)
TRADITIONAL_LONG = (
    "今年以來，本市堅持穩中求進工作總基調，加快構建新發展格局，著力推動高質量發展。\n"
    "一、主要預期目標：國內生產總值增長百分之五左右；失業率控制在百分之四以內；"
    "居民人均可支配收入增長與經濟增長基本同步；單位生產總值能耗下降完成年度目標任務。\n"
    "二、重點工作：深化改革開放，推進鄉村振興，加強生態環境保護，持續改善民生，確保完成全年各項目標任務。\n"
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _assert_one_line_error(excinfo: pytest.ExceptionInfo[DocumentError], path: Path) -> str:
    message = str(excinfo.value)
    assert path.name in message
    assert "\n" not in message and "\r" not in message
    assert message.strip() == message and message
    return message


# ----------------------------------------------------------------------------- text


def test_utf8_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "plan.txt", SIMPLIFIED.encode("utf-8"))
    doc = read_document(path)
    assert doc == SourceDocument(name=str(path), text=SIMPLIFIED, encoding="utf-8", format="txt")


def test_utf8_bom_removed_and_offsets_consistent(tmp_path: Path) -> None:
    body = "第一行\r\n" + SIMPLIFIED + "\n"
    path = _write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + body.encode("utf-8"))
    doc = read_document(path)
    assert doc.encoding == "utf-8-sig"
    assert not doc.text.startswith("\ufeff")
    # Text kept exactly as decoded: CRLF preserved, offsets line up with the source string.
    assert doc.text == body
    start = doc.text.index("5.5%")
    assert doc.text[start : start + 4] == body[start : start + 4] == "5.5%"


def test_crlf_not_normalised(tmp_path: Path) -> None:
    path = _write(tmp_path, "crlf.txt", "甲\r\n乙\r丙\n".encode())
    assert read_document(path).text == "甲\r\n乙\r丙\n"


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = _write(tmp_path, "u16.txt", bom + SIMPLIFIED.encode(codec))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (SIMPLIFIED, codec)


@pytest.mark.parametrize("text", [SIMPLIFIED, SIMPLIFIED_LONG, "国内生产总值增长百分之五", "中国", "增长"])
def test_gb18030_simplified(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "gb.txt", text.encode("gb18030"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (text, "gb18030")


@pytest.mark.parametrize("text", [TRADITIONAL, TRADITIONAL + "。", TRADITIONAL_LONG, "國內", "臺灣經濟"])
def test_big5_traditional(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "big5.txt", text.encode("big5"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (text, "big5")


def test_traditional_text_in_gb18030_is_gb18030(tmp_path: Path) -> None:
    path = _write(tmp_path, "trad-gb.txt", TRADITIONAL_LONG.encode("gb18030"))
    doc = read_document(path)
    assert (doc.text, doc.encoding) == (TRADITIONAL_LONG, "gb18030")


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    text = "𠀀字与€符号，增长5%"  # U+20000 and the euro sign need GB18030 four-byte sequences
    path = _write(tmp_path, "gb4.txt", text.encode("gb18030"))
    assert read_document(path).text == text


def test_read_text_bytes_for_stdin() -> None:
    doc = read_text_bytes(TRADITIONAL_LONG.encode("big5"), "<stdin>")
    assert doc.name == "<stdin>"
    assert (doc.text, doc.encoding, doc.format) == (TRADITIONAL_LONG, "big5", "txt")


def test_read_text_bytes_errors_name_source() -> None:
    with pytest.raises(DocumentError, match=r"^<stdin>: empty document"):
        read_text_bytes(b"", "<stdin>")
    with pytest.raises(DocumentError, match=r"^<stdin>: not a text document \(binary data"):
        read_text_bytes(b"\x00\x01\x02abc", "<stdin>")


def test_utf8_with_one_damaged_byte_stays_utf8(tmp_path: Path) -> None:
    good = SIMPLIFIED_LONG * 20
    data = good[:30].encode("utf-8") + b"\xff" + good[30:].encode("utf-8")  # a stray byte between characters
    doc = read_document(_write(tmp_path, "damaged.txt", data))
    assert doc.encoding == "utf-8"
    assert doc.text.count("\ufffd") == 1


def test_suffix_is_case_insensitive_and_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "PLAN.TXT", SIMPLIFIED.encode("gb18030"))).encoding == "gb18030"
    doc = read_document(_write(tmp_path, "plan", SIMPLIFIED.encode("utf-8")))
    assert (doc.format, doc.text) == ("txt", SIMPLIFIED)
    html = "<!DOCTYPE html><html><body><p>增长</p></body></html>".encode()
    assert read_document(_write(tmp_path, "page.asp", html)).format == "html"


# ------------------------------------------------------------------------------ docx


def _make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("某市2025年政府工作报告", level=1)
    document.add_paragraph("地区生产总值增长6%左右。")
    table = document.add_table(rows=2, cols=3)
    for col, value in enumerate(["指标", "目标值", "单位"]):
        table.cell(0, col).text = value
    for col, value in enumerate(["城镇新增就业", "1.2", "万人"]):
        table.cell(1, col).text = value
    document.add_paragraph("粮食产量稳定在50万吨以上。")
    document.save(str(path))


def test_docx_paragraphs_and_table_in_body_order(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _make_docx(path)
    doc = read_document(path)
    assert doc.format == "docx" and doc.encoding is None
    assert doc.text.split("\n") == [
        "某市2025年政府工作报告",
        "地区生产总值增长6%左右。",
        "指标 | 目标值 | 单位",
        "城镇新增就业 | 1.2 | 万人",
        "粮食产量稳定在50万吨以上。",
    ]


def test_docx_merged_cells_appear_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 2))
    merged.text = "主要指标"
    for col, value in enumerate(["GDP", "增长", "6%"]):
        table.cell(1, col).text = value
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert read_document(path).text.split("\n") == ["主要指标", "GDP | 增长 | 6%"]


def test_docx_sniffed_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _make_docx(path)
    renamed = path.rename(tmp_path / "report.bin")
    assert read_document(renamed).format == "docx"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.docx", b"this is not a zip archive at all")
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    message = _assert_one_line_error(excinfo, path)
    assert message == f"{path}: cannot open as .docx (not a zip file)"


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path = _write(tmp_path, "other.docx", buffer.getvalue())
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "cannot open as .docx" in _assert_one_line_error(excinfo, path)


def test_truncated_docx(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    _make_docx(good)
    path = _write(tmp_path, "truncated.docx", good.read_bytes()[:2000])
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "cannot open as .docx" in _assert_one_line_error(excinfo, path)


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "empty document" in _assert_one_line_error(excinfo, path)


# ------------------------------------------------------------------------------ html

HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="{charset}">
<title>标题不应出现</title>
<style>p {{ color: red; }}</style>
<script>var x = "<p>脚本</p>";</script>
</head>
<body>
<h1>某市  国民经济和社会发展
  规划</h1>
<div>地区生产总值年均增长&nbsp;6%&gt;5%<br>城镇新增就业&amp;创业</div>
<ul><li>第一项</li><li>第二项</li></ul>
<table>
  <tr><th>指标</th><th>目标</th></tr>
  <tr><td>粮食产量</td><td><p>50</p><p>万吨</p></td></tr>
</table>
<p>结束。</p>
</body>
</html>
"""

HTML_EXPECTED = [
    "某市 国民经济和社会发展 规划",
    "地区生产总值年均增长 6%>5%",
    "城镇新增就业&创业",
    "第一项",
    "第二项",
    "指标 | 目标",
    "粮食产量 | 50 万吨",
    "结束。",
]


def test_html_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "page.html", HTML_PAGE.format(charset="utf-8").encode("utf-8"))
    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("html", "utf-8")
    assert doc.text.split("\n") == HTML_EXPECTED
    assert "标题" not in doc.text and "脚本" not in doc.text and "color" not in doc.text


def test_html_meta_gb2312_encoded_in_gb18030(tmp_path: Path) -> None:
    # "𠀀" is outside GB2312/GBK: a page labelled gb2312 must still decode with GB18030.
    page = HTML_PAGE.format(charset="gb2312").replace("结束。", "结束𠀀。")
    path = _write(tmp_path, "page.HTM", page.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.text.split("\n") == [*HTML_EXPECTED[:-1], "结束𠀀。"]


def test_html_http_equiv_big5(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head>'
        f"<body><p>{TRADITIONAL}</p></body></html>"
    )
    doc = read_document(_write(tmp_path, "tw.htm", page.encode("big5")))
    assert (doc.text, doc.encoding) == (TRADITIONAL, "big5")


def test_html_without_charset_uses_detection(tmp_path: Path) -> None:
    page = f"<html><body><p>{SIMPLIFIED}</p></body></html>"
    doc = read_document(_write(tmp_path, "nocharset.html", page.encode("gb18030")))
    assert (doc.text, doc.encoding) == (SIMPLIFIED, "gb18030")


def test_html_wrong_declared_charset_falls_back(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><p>{SIMPLIFIED_LONG}</p></body></html>'
    doc = read_document(_write(tmp_path, "mislabelled.html", page.encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert "地区生产总值增长6%左右" in doc.text


def test_html_without_visible_text(tmp_path: Path) -> None:
    page = "<html><head><title>只有标题</title></head><body><script>x()</script></body></html>"
    path = _write(tmp_path, "blank.html", page.encode())
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "empty document" in _assert_one_line_error(excinfo, path)


# ------------------------------------------------------------------------------- pdf


def _make_pdf(path: Path, lines: list[str]) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for page_lines in ([lines[0]], lines[1:]):
        pdf.setFont("STSong-Light", 14)
        for row, line in enumerate(page_lines):
            pdf.drawString(72, 760 - 20 * row, line)
        pdf.showPage()
    pdf.save()


def test_pdf_with_chinese_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    _make_pdf(path, [SIMPLIFIED, "城镇新增就业1.2万人。", "粮食产量稳定在50万吨以上。"])
    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("pdf", None)
    assert SIMPLIFIED in doc.text
    assert "城镇新增就业1.2万人" in doc.text and "粮食产量稳定在50万吨以上" in doc.text
    assert doc.text.index(SIMPLIFIED) < doc.text.index("城镇新增就业")  # page order kept


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 72, 300, 400, fill=1)  # stands in for a scanned page image
    pdf.showPage()
    pdf.save()
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    message = _assert_one_line_error(excinfo, path)
    assert message == f"{path}: PDF has no text layer (scanned image?)"


def test_corrupt_pdf(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, "corrupt.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with caplog.at_level(logging.WARNING), pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "cannot read PDF" in _assert_one_line_error(excinfo, path)
    # pypdf's own warnings would print extra stderr lines in the CLI; they are silenced.
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]
    assert logging.getLogger("pypdf").level == logging.NOTSET  # and the logger is restored


def test_not_a_pdf(tmp_path: Path) -> None:
    path = _write(tmp_path, "fake.pdf", "只是文本".encode())
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "no %PDF header" in _assert_one_line_error(excinfo, path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    source = tmp_path / "plain.pdf"
    _make_pdf(source, [SIMPLIFIED, "第二页"])
    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "encrypted" in _assert_one_line_error(excinfo, path)


def test_pdf_with_owner_password_only_is_readable(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    source = tmp_path / "plain.pdf"
    _make_pdf(source, [SIMPLIFIED, "第二页"])
    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert SIMPLIFIED in read_document(path).text


# ---------------------------------------------------------------------------- errors


def test_binary_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "doc.bin", bytes(range(256)) * 8)
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    message = _assert_one_line_error(excinfo, path)
    assert message.startswith(f"{path}: not a text document (binary data)")
    assert "expected .txt (UTF-8/GB18030/Big5), .docx, .html or .pdf with a text layer" in message


def test_binary_with_txt_suffix_gets_hint(tmp_path: Path) -> None:
    path = _write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "PNG image" in _assert_one_line_error(excinfo, path)


def test_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    path = _write(tmp_path, "ctrl.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 0x0E, 0x0F]) * 20 + b"abc")
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "binary data" in _assert_one_line_error(excinfo, path)


def test_undecodable_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin.txt", "café crème".encode("latin-1"))
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "cannot decode text" in _assert_one_line_error(excinfo, path)


@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.html", "empty.pdf", "empty"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, b"")
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert _assert_one_line_error(excinfo, path) == f"{path}: empty document"


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "blank.txt", " \r\n\t\u3000\n".encode())
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "empty document" in _assert_one_line_error(excinfo, path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(DocumentError) as excinfo:
        read_document(missing)
    assert "no such file" in _assert_one_line_error(excinfo, missing)
    with pytest.raises(DocumentError) as excinfo:
        read_document(tmp_path)
    _assert_one_line_error(excinfo, tmp_path)


def test_file_name_with_newline_still_gives_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad\nname.txt", b"")
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    assert "\n" not in str(excinfo.value)


# ------------------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_document_or_document_error(data: bytes) -> None:
    try:
        doc = read_text_bytes(data, "fuzz.txt")
    except DocumentError as err:
        assert str(err).startswith("fuzz.txt: ")
        assert "\n" not in str(err)
        return
    assert doc.text.strip()
    if doc.encoding in {"utf-8", "gb18030", "big5"} and "\ufffd" not in doc.text:
        assert doc.text.encode(doc.encoding) == data  # text is exactly the decoded bytes


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=80))
def test_any_utf8_text_is_returned_unchanged(text: str) -> None:
    if not text.strip():
        return
    doc = read_text_bytes(text.encode("utf-8"), "u.txt")
    assert doc.text == text
