"""Turn plan documents (.txt, .docx, .html, .pdf) into plain text.

Chinese local-government plans reach us in whatever form the publishing office
used: UTF-8 or GB18030 text exported from a CMS, Big5 text from Taiwan/Hong Kong
sources, Word files, saved web pages and PDFs.  Everything downstream works on a
single ``str``, so this module is the one place that knows about file formats and
encodings.  Every failure is reported as a :class:`DocumentError` whose message is
one line naming the file, so the CLI can print it without a traceback.

Plain-text input is returned exactly as decoded (only a BOM is removed) because
extracted targets carry character offsets into that text.
"""

from __future__ import annotations

import codecs
import functools
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from targetboard.errors import Invalid

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "SourceDocument",
    "read_document",
    "read_document_bytes",
    "read_text_bytes",
]

EXPECTED = "expected .txt (UTF-8/GB18030/Big5), .docx, .html or .pdf with a text layer"

_SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
#: Suffixes read without sniffing; anything else is sniffed from its first bytes.
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_SUFFIX_FORMATS)


class DocumentError(Invalid):
    """A document could not be read; ``str(err)`` is a one-line, user-facing message.

    The message always starts with the file name so that, when many files are
    processed in one run, the user can tell which one failed and why.  Line breaks
    (including any smuggled in through a file name or a library's message) are
    flattened so the CLI can print it as a single line.
    """

    def __init__(self, message: str, *, name: str | None = None) -> None:
        line = _one_line(message)
        super().__init__(line, line)
        self.name = name


@dataclass(frozen=True)
class SourceDocument:
    """The text of one input document plus how it was obtained.

    ``encoding`` is the codec that decoded the bytes (``None`` for .docx and .pdf,
    which carry their own text encoding) so ``--verbose`` can show what was
    detected; ``format`` is one of ``"txt"``, ``"docx"``, ``"html"``, ``"pdf"``.
    """

    name: str
    text: str
    encoding: str | None
    format: str


# --------------------------------------------------------------------------- helpers

_LINE_BREAKS_RE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def _one_line(message: str) -> str:
    """Collapse control characters/line breaks so a message prints as exactly one line."""
    return _LINE_BREAKS_RE.sub(" ", message).strip()


def _fail(name: str, reason: str) -> DocumentError:
    """Build the standard ``"<name>: <reason>"`` error (returned, so callers ``raise`` it)."""
    return DocumentError(f"{name}: {reason}", name=name)


def _describe(exc: BaseException) -> str:
    """A short one-line description of a library exception for use inside our message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _empty(name: str, detail: str | None = None) -> DocumentError:
    return _fail(name, "empty document" + (f" ({detail})" if detail else ""))


# Magic numbers of common non-text files, used only to make the "binary data" error
# more helpful (e.g. a Word file saved with a .txt suffix).
_MAGIC_HINTS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "looks like a zip/.docx file"),
    (b"%PDF", "looks like a PDF file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like a legacy .doc/.xls file; save it as .docx"),
    (b"{\\rtf", "looks like an RTF file; save it as .docx"),
    (b"\x89PNG", "looks like a PNG image"),
    (b"\xff\xd8\xff", "looks like a JPEG image"),
    (b"GIF8", "looks like a GIF image"),
    (b"\x1f\x8b", "looks like a gzip archive"),
)


def _binary_error(name: str, data: bytes) -> DocumentError:
    hint = next((f"; {text}" for magic, text in _MAGIC_HINTS if data.startswith(magic)), "")
    return _fail(name, f"not a text document (binary data{hint}); {EXPECTED}")


# ------------------------------------------------------------------ encoding detection

# ~540 of the most frequent characters in simplified Chinese (general frequency lists
# plus the vocabulary of government plans), followed by the traditional forms that
# differ.  Real text scores high against this set; GB18030<->Big5 mojibake does not,
# because mis-decoded byte pairs land on essentially random (mostly rare) characters.
_FREQUENT_SIMPLIFIED = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"
    "民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支"
    "般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严龙飞亿推服项施升促优坚创企环境城乡村振兴投居均域努累左右善健康医疗卫污染绿碳镇街财税"
    "稳障"
)
_FREQUENT_TRADITIONAL = (
    "這爲個國時來們於對會發動過說產種後學經進電裏現實兩體機當點從業應開還義間樣與關線內數麼質氣變條沒結問無軍並題黨員總設長頭"
    "資邊級圖統較將組見計別論運農幾區強決幹戰則據處隊給門規熱領東導壓爭濟階術極聯認權證採轉單風帶場車務萬達積議聲報鬥類離華確"
    "張馬節話況溫傳許羣廣記觀織裝衆書復兒須際驗連斷難礦備辦習響約勞團歷構稱準號維劃選標寫親養層卻專狀廠識適屬圓調滿縣參紅細聽"
    "該鐵價嚴龍飛億項優堅創環鄉興醫療衛綠鎮財稅穩為著裡眾汙臺台"
)
_FREQUENT = frozenset(_FREQUENT_SIMPLIFIED + _FREQUENT_TRADITIONAL)
_CJK_PUNCT = frozenset("，。、：；？！“”‘’（）《》【】〔〕—…·％０１２３４５６７８９")

# Codecs tried for text that is neither BOM-marked nor valid UTF-8.  Python's "big5"
# lacks a few vendor characters, so the Microsoft and Hong Kong supersets are tried
# when plain Big5 fails.
_GB_CODEC = "gb18030"
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")
_SCORE_SAMPLE = 20_000


@functools.lru_cache(maxsize=16_384)
def _common_tier(ch: str) -> bool:
    """Whether ``ch`` is in GB2312 level 1 or Big5's "frequently used" block.

    Both standards put their ~4-5k common characters in a fixed lead-byte range, which
    gives a cheap built-in second frequency tier beyond :data:`_FREQUENT`.
    """
    try:
        if 0xB0 <= ch.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA4 <= ch.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _plausibility(text: str) -> float:
    """Average per-character score of non-ASCII text; higher means more like real Chinese.

    GB18030 decodes almost any byte string and Big5 decodes most GB2312 text, so strict
    decoding alone cannot choose between them.  Mis-decoded text is full of rare
    characters, kana, bopomofo, box drawing and private-use code points, whereas real
    text is dominated by a few hundred frequent characters.
    """
    total = 0.0
    counted = 0
    for ch in text[:_SCORE_SAMPLE]:
        code = ord(ch)
        if code < 0x80:
            continue
        counted += 1
        if ch in _FREQUENT:
            total += 4
        elif ch in _CJK_PUNCT:
            total += 2
        elif code == 0xFFFD or 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
            total -= 6  # replacement char / private use: almost certainly a wrong guess
        elif 0x4E00 <= code <= 0x9FFF:
            total += 1 if _common_tier(ch) else 0
        elif 0x3400 <= code <= 0x4DBF or code >= 0x20000:
            total -= 3  # CJK extension A/B+: very rare in real documents
        elif (
            0x3040 <= code <= 0x318F  # kana, bopomofo, hangul jamo
            or 0xAC00 <= code <= 0xD7AF  # hangul syllables
            or 0x0370 <= code <= 0x04FF  # Greek, Cyrillic
            or 0x2500 <= code <= 0x257F  # box drawing
        ):
            total -= 2
    return total / counted if counted else 0.0


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _decode_big5(data: bytes) -> tuple[str, str] | None:
    for codec in _BIG5_CODECS:
        text = _try_decode(data, codec)
        if text is not None:
            return text, codec
    return None


_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.05


def _looks_binary(text: str) -> bool:
    """Too many control characters means the "text" is really binary data."""
    if not text:
        return False
    return len(_CONTROL_RE.findall(text)) > _MAX_CONTROL_SHARE * len(text)


def _decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode raw text bytes, returning ``(text, codec)`` or raising :class:`DocumentError`.

    Order: BOM, strict UTF-8, UTF-8 with a negligible number of bad bytes (a damaged
    UTF-8 file should not turn into GB18030 mojibake), then the better-scoring of strict
    GB18030 / Big5, and finally a lenient decode if the damage is negligible.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data[len(bom) :], codec)
            if text is None:
                raise _fail(name, f"cannot decode text (invalid {label} after byte-order mark); {EXPECTED}")
            if _looks_binary(text):
                raise _binary_error(name, data)
            return text, label

    if b"\x00" in data:
        raise _binary_error(name, data)

    text = _try_decode(data, "utf-8")
    if text is not None:
        if _looks_binary(text):
            raise _binary_error(name, data)
        return text, "utf-8"

    # Tolerate a handful of damaged bytes (at most 1 per 1000 characters) in long files.
    lenient_utf8 = data.decode("utf-8", errors="replace")
    if lenient_utf8.count("\ufffd") <= len(lenient_utf8) // 1000:
        if _looks_binary(lenient_utf8):
            raise _binary_error(name, data)
        return lenient_utf8, "utf-8"

    candidates: list[tuple[str, str]] = []
    gb_text = _try_decode(data, _GB_CODEC)
    if gb_text is not None:
        candidates.append((gb_text, _GB_CODEC))
    big5 = _decode_big5(data)
    if big5 is not None:
        candidates.append(big5)
    if not candidates:
        for codec in (_GB_CODEC, _BIG5_CODECS[0]):
            lenient = data.decode(codec, errors="replace")
            if lenient.count("\ufffd") <= len(lenient) // 1000:
                candidates.append((lenient, codec))
    if not candidates:
        if _looks_binary(data.decode("latin-1")):
            raise _binary_error(name, data)
        raise _fail(name, f"cannot decode text (not valid UTF-8, GB18030 or Big5); {EXPECTED}")

    # max() keeps the first of equal scores, so GB18030 (listed first) wins ties.
    text, codec = max(candidates, key=lambda cand: _plausibility(cand[0]))
    if _looks_binary(text):
        raise _binary_error(name, data)
    return text, codec


def read_text_bytes(data: bytes, name: str) -> SourceDocument:
    """Decode plain-text bytes (a .txt file or stdin) into a :class:`SourceDocument`.

    The text is kept exactly as decoded (line endings included, only a BOM removed)
    because downstream offsets refer to it.  ``name`` is used in error messages.
    """
    if not data:
        raise _empty(name)
    text, codec = _decode_text(data, name)
    if not text.strip():
        raise _empty(name, "whitespace only")
    return SourceDocument(name=name, text=text, encoding=codec, format="txt")


# ------------------------------------------------------------------------------- docx


def _docx_cell_text(cell: Any) -> str:
    """One table cell as a single line: its paragraphs and any nested tables, space-joined."""
    from docx.table import Table

    parts: list[str] = []
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(_docx_table_lines(block))
        else:
            parts.append(block.text)
    return " ".join(" ".join(parts).split())


def _docx_table_lines(table: Any) -> Iterator[str]:
    """Yield one line per table row with the cells joined by ``" | "``.

    python-docx repeats a horizontally merged cell once per grid column it spans; the
    repeats are dropped so merged headers appear once.
    """
    for row in table.rows:
        cells: list[str] = []
        previous: object = None
        for cell in row.cells:
            if cell._tc is previous:  # identity of the underlying XML cell
                continue
            previous = cell._tc
            cells.append(_docx_cell_text(cell))
        line = " | ".join(cells)
        if line.replace("|", "").strip():
            yield line


def _read_docx(data: bytes, name: str) -> SourceDocument:
    """Body paragraphs and tables of a .docx in document order, one block per line."""
    if not data:
        raise _empty(name)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        reason = "corrupt or truncated zip archive" if data.startswith(b"PK") else "not a zip file"
        raise _fail(name, f"cannot open as .docx ({reason})")
    # Imported lazily: python-docx pulls in lxml, which plain-text runs do not need.
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise _fail(name, f"cannot open as .docx ({_describe(exc)})") from exc
    lines: list[str] = []
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_docx_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as exc:
        raise _fail(name, f"cannot read .docx content ({_describe(exc)})") from exc
    text = "\n".join(lines)
    if not text.strip():
        raise _empty(name, "no text in .docx")
    return SourceDocument(name=name, text=text, encoding=None, format="docx")


# ------------------------------------------------------------------------------- html

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "ul",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"head", "script", "style", "title", "noscript", "template"})
_CELL_TAGS = frozenset({"td", "th"})
_WS_RE = re.compile(r"\s+")


class _HTMLTextExtractor(HTMLParser):
    """Collect the visible text of an HTML page as lines.

    Block elements end the current line; table rows become one line with cells
    separated by ``" | "`` (block elements inside a cell only add a space, so a row
    stays on one line).  Whitespace inside a line is collapsed as a browser would.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._skip: list[str] = []
        # One entry per open <table>: [cells seen in the current row, inside a cell?]
        self._tables: list[list[int]] = []
        self._pre = 0

    def _in_cell(self) -> bool:
        return any(in_cell for _, in_cell in self._tables)

    def _break(self) -> None:
        if self._in_cell():
            self._parts.append(" ")
            return
        line = _WS_RE.sub(" ", "".join(self._parts)).strip()
        self._parts = []
        if line.replace("|", "").strip():
            self.lines.append(line)

    def _close_skip(self, tag: str) -> None:
        if tag in self._skip:
            while self._skip and self._skip.pop() != tag:
                pass

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._close_skip("head")  # an unclosed <head> ends where <body> starts
        if tag in _SKIP_TAGS:
            self._skip.append(tag)
            return
        if self._skip:
            return
        if tag == "table":
            self._break()
            self._tables.append([0, 0])
        elif tag == "tr":
            if self._tables:
                self._tables[-1][1] = 0
            self._break()
            if self._tables:
                self._tables[-1][0] = 0
        elif tag in _CELL_TAGS:
            if not self._tables:
                self._tables.append([0, 0])
            table = self._tables[-1]
            if table[0]:
                self._parts.append(" | ")
            table[0] += 1
            table[1] = 1
        elif tag == "br" or tag in _BLOCK_TAGS:
            if tag == "pre":
                self._pre += 1
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._close_skip(tag)
            return
        if self._skip:
            return
        if tag == "table":
            if self._tables:
                self._tables.pop()
            self._break()
        elif tag == "tr":
            if self._tables:
                self._tables[-1][1] = 0
            self._break()
        elif tag in _CELL_TAGS:
            if self._tables:
                self._tables[-1][1] = 0
        elif tag in _BLOCK_TAGS:
            if tag == "pre" and self._pre:
                self._pre -= 1
            self._break()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre and not self._in_cell():
            first, *rest = data.split("\n")
            self._parts.append(first)
            for piece in rest:
                self._break()
                self._parts.append(piece)
        else:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._tables.clear()
        self._break()


_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Declared GB2312/GBK pages routinely contain GBK/GB18030-only characters, so all of
# them are decoded with the superset.
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "gb18030", "hz"})


def _declared_charset(data: bytes) -> str | None:
    """The Python codec named by ``<meta charset>``/http-equiv or an XML declaration, if valid."""
    head = data[:4096]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return _GB_CODEC if codec in _GB_FAMILY else codec


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Decode HTML bytes: BOM, then the declared charset, then the plain-text detection.

    A declared charset that does not decode cleanly is ignored rather than trusted,
    because mislabelled Chinese pages are common.
    """
    if not any(data.startswith(bom) for bom, _, _ in _BOMS):
        codec = _declared_charset(data)
        if codec is not None:
            text = _try_decode(data, codec)
            if text is None and codec == "big5":
                decoded = _decode_big5(data)
                if decoded is not None:
                    text, codec = decoded
            if text is not None and b"\x00" not in data and not _looks_binary(text):
                return text, codec
    return _decode_text(data, name)


def _read_html(data: bytes, name: str) -> SourceDocument:
    """Visible text of an HTML page, one block element or table row per line."""
    if not data:
        raise _empty(name)
    markup, codec = _decode_html(data, name)
    parser = _HTMLTextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception as exc:  # html.parser is lenient, but be safe on pathological input
        raise _fail(name, f"cannot parse HTML ({_describe(exc)})") from exc
    text = "\n".join(parser.lines)
    if not text.strip():
        raise _empty(name, "no visible text in HTML")
    return SourceDocument(name=name, text=text, encoding=codec, format="html")


# -------------------------------------------------------------------------------- pdf


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's log warnings unless the application configured that logger itself.

    pypdf logs recoverable problems ("EOF marker not found", "incorrect startxref
    pointer") as warnings; with logging unconfigured Python prints them to stderr,
    which would break the "one line per failed file" contract of the CLI.  An
    application that wants them (e.g. ``--verbose``) sets a level on the ``"pypdf"``
    logger, and then this is a no-op.
    """
    logger = logging.getLogger("pypdf")
    if logger.level != logging.NOTSET:
        yield
        return
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(logging.NOTSET)


def _pdf_pages(data: bytes, name: str) -> list[str]:
    """Extract each page's text, wrapping every pypdf failure in :class:`DocumentError`."""
    # Imported lazily: pypdf is only needed for PDF input.
    import pypdf
    from pypdf.errors import DependencyError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")  # owner-password-only PDFs open with an empty password
            except DependencyError as exc:
                raise _fail(name, "PDF is encrypted with AES; decrypting it needs the 'cryptography' package") from exc
            if not unlocked:
                raise _fail(name, "PDF is encrypted (password required)")
        return [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as exc:
        raise _fail(name, f"cannot read PDF ({_describe(exc)})") from exc


def _read_pdf(data: bytes, name: str) -> SourceDocument:
    """Text layer of a PDF via pypdf, pages joined by ``\\n``.

    Scanned PDFs have no text layer; that is reported explicitly because OCR is out of
    scope and the user needs to know why nothing was extracted.
    """
    if not data:
        raise _empty(name)
    if b"%PDF" not in data[:1024]:
        raise _fail(name, "cannot open as PDF (no %PDF header)")
    with _quiet_pypdf():
        pages = _pdf_pages(data, name)
    text = "\n".join(pages)
    if not text.strip():
        raise _fail(name, "PDF has no text layer (scanned image?)")
    return SourceDocument(name=name, text=text, encoding=None, format="pdf")


# --------------------------------------------------------------------------- dispatch

_READERS: dict[str, Callable[[bytes, str], SourceDocument]] = {
    "txt": read_text_bytes,
    "docx": _read_docx,
    "html": _read_html,
    "pdf": _read_pdf,
}


def _sniff_format(data: bytes) -> str:
    """Guess the format of a file whose suffix we do not know from its first bytes."""
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:1024]
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    head = head.lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype", b"<html")) or (head.startswith(b"<?xml") and b"<html" in head):
        return "html"
    return "txt"


def read_document(path: str | Path) -> SourceDocument:
    """Read one input file into a :class:`SourceDocument`, choosing the reader by suffix.

    The suffix is matched case-insensitively; files with any other suffix are sniffed
    (zip -> .docx, ``%PDF`` -> PDF, ``<html``/``<!doctype`` -> HTML, else text) because
    plans are often saved with odd or missing extensions.  Every failure, including
    I/O errors, raises :class:`DocumentError`.
    """
    name = str(path)
    file_path = Path(path)
    try:
        data = file_path.read_bytes()
    except FileNotFoundError as exc:
        raise _fail(name, "no such file") from exc
    except IsADirectoryError as exc:
        raise _fail(name, "is a directory, not a document") from exc
    except PermissionError as exc:
        raise _fail(name, "permission denied") from exc
    except OSError as exc:
        raise _fail(name, f"cannot read file ({exc.strerror or _describe(exc)})") from exc
    return read_document_bytes(data, name)


def read_document_bytes(data: bytes, name: str) -> SourceDocument:
    """Read an upload (or any bytes) named `name` the way :func:`read_document` reads a file."""
    if not data:
        raise _empty(name)
    fmt = _SUFFIX_FORMATS.get(Path(name).suffix.lower()) or _sniff_format(data)
    return _READERS[fmt](data, name)
