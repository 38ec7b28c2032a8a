"""One document in, one documents row and its items rows out: the unit of work of a corpus run.

Why plain dicts: the rows cross process (and, with Dask, machine) boundaries, so they must pickle
cheaply and carry no library objects; the writer turns a batch of them into Arrow tables.
Everything here is pure apart from reading the file, so a retried task gives the same rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from targetboard.corpus.dataset import to_table
from targetboard.corpus.regions import clean_region, region_code, region_from_path, region_from_text
from targetboard.corpus.schema import DOCUMENT_COLUMNS, ITEM_FIXED_FIELDS, item_columns
from targetboard.extract import extract_normalized
from targetboard.extract.document import BULLETIN, REPORT, analyse
from targetboard.model.items import Item
from targetboard.text import DocumentError, normalize, read_document

_YEAR_IN_PATH = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
#: Sentence ends: a full stop, question or exclamation mark, a semicolon, or a blank line. A single line
#: break is not one: damaged copies break lines in the middle of sentences.
_SENTENCE_END = re.compile(r"[。！？!?；;]|\n\s*\n")
_MAX_SENTENCE = 600
#: A line that stands alone although it has no full stop: a heading (一、 / （一） / 第一部分) or a short title.
_HEADING_LINE = re.compile(
    r"\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分|\d+[、.．])"
)
_SHORT_LINE = 24


def _stands_alone(line: str) -> bool:
    return len(line.strip()) <= _SHORT_LINE or _HEADING_LINE.match(line) is not None


@dataclass
class DocResult:
    """What one file gave: its documents row and its items rows (empty for errors and duplicates)."""

    document: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)


def file_sha256(path: str) -> str:
    """Hex SHA-256 of a file's bytes, streamed (large PDFs are not read into memory twice)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def document_id(sha256: str) -> str:
    """A document's id: its content hash, shortened (16 hex digits: collisions need ~4e9 documents)."""
    return sha256[:16]


def duplicate_id(sha256: str, path: str) -> str:
    """Id of a duplicate file: distinct from the original's, stable for the same path and bytes."""
    return hashlib.sha256(f"{sha256}\0{path}".encode()).hexdigest()[:16]


def empty_document(path: str, sha256: str | None, doc_id: str) -> dict[str, Any]:
    """A documents row with nothing read yet (errors and duplicates are filled in from this)."""
    return {
        "document_id": doc_id, "path": path, "sha256": sha256, "format": None, "encoding": None,
        "characters": None, "genre": None, "region": None, "region_code": None, "region_source": None,
        "year": None, "items": 0, "error": None, "duplicate_of": None,
    }


def _genre(kind: str, head: str) -> str:
    """Refine the extractor's genre (report / bulletin / article) into the dataset's."""
    if kind == BULLETIN:
        return "bulletin"
    if re.search(r"上半年|半年工作|年中", head[:200]):
        return "midyear_report"
    if re.search(r"规划|纲要", head[:200]) and "政府工作报告" not in head:
        return "plan"
    if kind == REPORT:
        return "work_report"
    return "other"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from after the previous sentence end to the next one, inclusive."""
    lo = max(0, start - _MAX_SENTENCE)
    s = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        s = m.end()
    stop = _SENTENCE_END.search(text, end, min(len(text), end + _MAX_SENTENCE))
    if stop is None:
        e = min(len(text), end + _MAX_SENTENCE)
    else:
        e = stop.start() if stop.group().isspace() else stop.end()
    # Headings and short title lines end at their line break.
    nl = text.rfind("\n", s, start)
    if nl != -1:
        prev = text.rfind("\n", 0, nl) + 1
        if _stands_alone(text[prev:nl]):
            s = nl + 1
    nl = text.find("\n", end, e)
    while nl != -1:
        nxt = text.find("\n", nl + 1)
        if _stands_alone(text[nl + 1 : nxt if nxt != -1 else len(text)]):
            e = nl
            break
        nl = text.find("\n", nl + 1, e)
    while s < start and text[s].isspace():
        s += 1
    while e > end and text[e - 1].isspace():
        e -= 1
    return s, e


def _cell(value: Any) -> Any:
    """An extra extractor field as a column value: strings, numbers and booleans as they are, else JSON."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


@cache
def _field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Item) if f.name != "extra")


def spec_dict(item: Item) -> dict[str, Any]:
    """The item's fields, as ``Item.to_dict`` gives them, without its deep copy.

    ``to_dict`` goes through ``dataclasses.asdict``, which deep-copies every field and was half of the
    corpus run's time. Every dataclass field and every ``extra`` entry is copied, so a field the
    extractor gains later becomes a column by itself; tests/test_corpus.py checks this agrees with
    ``to_dict``.
    """
    d = {name: getattr(item, name) for name in _field_names()}
    if item.extra:
        d.update(item.extra)
    return d


def process_file(path: str, sha256: str) -> DocResult:
    """Read, extract and describe one file. A file that cannot be read gives a row with `error` set."""
    doc_id = document_id(sha256)
    row = empty_document(path, sha256, doc_id)
    try:
        src = read_document(path)
    except DocumentError as err:
        row["error"] = str(err)
        return row_only(row)
    nt = normalize(src.text)
    ctx = analyse(nt.text)
    head = nt.text[ctx.body_start : ctx.body_start + 600]
    year, region, source = ctx.year, clean_region(ctx.region), "header" if ctx.region else None
    if region is None:
        region = region_from_text(head)
        source = "text" if region else None
    if region is None:
        region = region_from_path(path)
        source = "path" if region else None
    if year is None:
        years = _YEAR_IN_PATH.findall(Path(path).name)
        year = int(years[-1]) if years else None
    row.update(
        format=src.format, encoding=src.encoding, characters=len(src.text), genre=_genre(ctx.genre, head),
        region=region, region_code=region_code(region), region_source=source, year=year,
    )
    items = extract_normalized(nt, year=year)
    text = src.text
    out: list[dict[str, Any]] = []
    for no, item in enumerate(items):
        spec = spec_dict(item)
        rec: dict[str, Any] = {"document_id": doc_id, "item_no": no, "year": year}
        for f in ITEM_FIXED_FIELDS:
            rec[f] = spec.get(f)
        rec["table"] = bool(spec.get("table", False))
        for k, v in spec.items():
            if k not in rec:
                rec[k] = _cell(v)
        s0, s1 = sentence_bounds(text, item.start, item.end)
        rec["sentence"], rec["sentence_start"], rec["sentence_end"] = text[s0:s1], s0, s1
        out.append(rec)
    row["items"] = len(out)
    return DocResult(row, out)


def row_only(row: dict[str, Any]) -> DocResult:
    """A result with a documents row and no items (unreadable files, duplicates)."""
    return DocResult(row, [])


@dataclass
class Chunk:
    """Results of a few documents as Arrow tables: built in the worker, so the process that writes the
    dataset only concatenates (with two workers on two cores, its Python time is taken from them)."""

    documents: pa.Table
    items: pa.Table


def chunk_of(results: list[DocResult]) -> Chunk:
    """Documents and items rows of some results as typed tables (extra extractor fields as string columns)."""
    items = [r for res in results for r in res.items]
    extras = sorted({k for r in items for k in r} - {c.name for c in item_columns()})
    return Chunk(to_table([r.document for r in results], DOCUMENT_COLUMNS), to_table(items, item_columns(extras)))


def process_chunk(tasks: list[tuple[str, str]]) -> Chunk:
    """Worker entry point for a few (path, sha256) pairs: fewer round trips than one task per file."""
    return chunk_of([process_file(p, h) for p, h in tasks])
