"""The extractor: normalised text -> targets, outcomes, rankings and tasks with original spans.

Pipeline per document: normalise (offset map kept) -> read document context (genre, year,
plan/review sections) -> tables -> sentences -> clauses -> quantity mentions -> one item per
mention (metric, measure, sign, comparator, kind, modality, period) -> ranking claims -> tasks.
All matching happens on the normalised text; spans are mapped back at the end.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right

from targetboard.catalog import load_catalog, match_indicator
from targetboard.extract.clauses import (
    SENTENCE,
    process_sentence,
)
from targetboard.extract.confidence import (
    table_confidence,
    task_confidence,
)
from targetboard.extract.document import BULLETIN, HEADING, DocumentContext, analyse
from targetboard.extract.lexicon import Lexicon, lexicon
from targetboard.extract.periods import (
    cumulative,
    period_of,
    sentence_sub_period,
)
from targetboard.extract.region import most_specific, name_path, region_at_start, region_code, region_openers
from targetboard.extract.tables import find_tables
from targetboard.extract.tasks import is_commitment, uncovered_runs
from targetboard.model.items import Item
from targetboard.text.normalize import NormalizedText, normalize

#: ``[ \t]*\n\s*`` written to open on one character class (a break, or blanks that a break must
#: follow): the engine then skips to candidates instead of trying a match at every position.
_LINE_BREAK = re.compile(r"[ \t\n](?:(?<=\n)|[ \t]*\n)\s*")
_WORD_OR_DIGIT = re.compile(r"[,、\u4e00-\u9fff\d]")


#: A date or period opening a line (2022年, 1-3月, 5月): after a heading line it starts a new sentence.
_DATE_AFTER = re.compile(r"\d{1,4}(?:年|月|[-—~～至到]\d{1,2}月)")


def _heading_then_date(text: str, s: int, e: int) -> bool:
    """True for a break between a heading line (一、… / （一）…) and a line opening on a date: the heading
    ends there (``一、2022年工作回顾\n1-3月，…``), while a wrapped clause goes on with a figure."""
    line = text[text.rfind("\n", 0, s) + 1 : s]
    return HEADING.match(line) is not None and _DATE_AFTER.match(text, e) is not None


def _join_soft_breaks(text: str) -> str:
    """Replace line breaks inside a sentence by spaces (same length, so offsets hold).

    Web copies break lines mid-clause (``地区生产总值\\n\\n  7423.26亿元,\\n  同比增长6.0%``); a break
    after a comma, or between a word and a number, does not end the sentence.
    """
    if "\n" not in text:
        return text
    pieces: list[str] = []
    last = 0
    n = len(text)
    for m in _LINE_BREAK.finditer(text):
        s, e = m.start(), m.end()
        before = text[s - 1] if s else ""
        after = text[e] if e < n else ""
        soft = (before in ",、" and after != "") or (
            after != ""
            and after in "0123456789."
            and before != ""
            and _WORD_OR_DIGIT.match(before) is not None
            and not _heading_then_date(text, s, e)
        )
        if soft:
            pieces.append(text[last:s])
            pieces.append(" " * (e - s))
            last = e
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _add_tasks(ctx: DocumentContext, text: str, drafts: list[Item], sentences: list[tuple[int, int]]) -> None:
    """Task items for the commitments no quantified item covers (none in reviews and bulletins).

    `sentences` are the spans `SENTENCE` found in `text` from the body start (the prose loop's, reused
    rather than scanned again).
    """
    if ctx.genre == BULLETIN:
        return
    spans = sorted((d.start, d.end) for d in drafts)
    starts = [s for s, _ in spans]
    tasks: list[Item] = []
    for s_start, s_end in sentences:
        section = ctx.section(s_start)
        if section == "review" or not is_commitment(text[s_start:s_end], in_plan=section == "plan"):
            continue
        lo = bisect_left(starts, s_start)  # items never start before their sentence
        hi = bisect_left(starts, s_end)
        covered = spans[lo:hi]
        for a, b in uncovered_runs(text, s_start, s_end, covered):
            if b - a >= 4:
                tasks.append(Item(kind="task", text="", start=a, end=b, rule="task", confidence=task_confidence()))
    drafts.extend(tasks)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Is `pos` inside one of the sorted, non-overlapping `spans`?"""
    k = bisect_right(spans, (pos, len(spans) + pos + 1)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


#: A corpus header block (SOURCE:/TYPE:/REGION:/YEAR: lines, then a blank line) opens a document.
_HEADER_BLOCK = re.compile(r"^SOURCE:[^\n]*\n(?:[A-Z]+:[^\n]*\n)*\n", re.MULTILINE)


def _header_starts(text: str) -> list[int]:
    """Where `_HEADER_BLOCK` matches, as its ``finditer`` would find them.

    Found from ``str.find("SOURCE:")``: the pattern opens on a line-start anchor, which gives the regex
    engine no first character to skip to, so a plain ``finditer`` tries every position of the text.
    """
    starts: list[int] = []
    end = 0
    p = text.find("SOURCE:")
    while p >= 0:
        if p >= end and (m := _HEADER_BLOCK.match(text, p)) is not None:  # ^ checks the line start
            starts.append(p)
            end = m.end()
        p = text.find("SOURCE:", p + 1)
    return starts


def _documents(text: str) -> list[tuple[int, int]]:
    """Spans of the documents in a text: one, or one per header block when several were concatenated."""
    starts = _header_starts(text)
    if len(starts) <= 1:
        return [(0, len(text))]
    bounds = [0, *starts[1:], len(text)] if starts[0] < 40 else [0, *starts, len(text)]
    return list(itertools.pairwise(bounds))


def _draft_document(
    lex: Lexicon, text: str, year: int | None, context: str | None, garbled: bool = False,
    region: str | None = None,
) -> list[Item]:
    """Drafts for one document (normalised text), in its own coordinates."""
    ctx = analyse(text, year=year, context=context)
    ctx.garbled = garbled
    drafts: list[Item] = []
    cells, consumed = find_tables(text, ctx.body_start)
    for c in cells:
        drafts.append(
            Item(
                text="", kind="outcome" if ctx.genre == BULLETIN or ctx.section(c.start) != "plan" else "target",
                start=c.start, end=c.end, metric=c.metric, measure=c.measure, value=c.value, unit=c.unit,
                comparator="=", period=period_of(ctx, "", c.start), rule="table", table=True,
                confidence=table_confidence(c.metric, c.unit, garbled=ctx.garbled),
            )
        )
    flowing = _join_soft_breaks(text)
    sentences: list[tuple[int, int]] = []
    for m in SENTENCE.finditer(flowing, ctx.body_start):
        span = m.span()
        sentences.append(span)
        start = span[0]
        if consumed and _inside(start, consumed):  # most documents have no table
            continue
        if start == 0 or flowing[start - 1] == "\n":
            ctx.carry_sub = None  # a new paragraph: no period carries into it
        sentence = m.group()
        process_sentence(lex, ctx, sentence, start, drafts)
        if ("季" in sentence or "半年" in sentence or "月" in sentence) and ctx.section(start) == "review":
            sub = sentence_sub_period(sentence)
            if sub:
                ctx.carry_sub = cumulative(ctx, sub, sentence)
    _add_tasks(ctx, flowing, drafts, sentences)
    _assign_regions(ctx, text, drafts, region)
    return drafts


def _assign_regions(ctx: DocumentContext, text: str, drafts: list[Item], region: str | None) -> None:
    """Region per item: named at the clause's start, else the document's (header, else the caller's)."""
    path = ctx.region or region
    doc_region = most_specific(path)
    extra = tuple(name_path(path))
    codes: dict[str | None, str | None] = {}
    openers = region_openers(extra)
    for d in drafts:
        if d.region is None and d.kind != "task":
            # Most clauses open on a metric: their first character rules a region name out (the full
            # reading is needed only when it could open one, or when leading punctuation hides it).
            first = text[d.start] if d.start < d.end else ""
            if first in openers or first in " ,。;" or not first:
                d.region = region_at_start(text[d.start : d.end], extra) or doc_region
            else:
                d.region = doc_region
        elif d.region is None:
            d.region = doc_region
        if d.region not in codes:
            codes[d.region] = region_code(d.region, path)
        d.region_code = codes[d.region]


def filter_confidence(items: list[Item], min_confidence: float | None) -> list[Item]:
    """Items whose confidence is at least `min_confidence` (None keeps all; an item without one is kept)."""
    if min_confidence is None:
        return items
    return [i for i in items if i.confidence is None or i.confidence >= min_confidence]


def extract_normalized(
    nt: NormalizedText, *, year: int | None = None, context: str | None = None, region: str | None = None,
    min_confidence: float | None = None,
) -> list[Item]:
    """Extract items from already-normalised text (the plan builder reuses the normalisation).

    A text holding several corpus documents one after another (each opened by its ``SOURCE:`` header
    block) is read document by document, so each keeps its own genre, year and sections.
    """
    lex = lexicon()
    drafts: list[Item] = []
    for a, b in _documents(nt.text):
        part = _draft_document(lex, nt.text[a:b], year, context, garbled=nt.damaged(a, b), region=region)
        if a:
            for d in part:
                d.start += a
                d.end += a
        drafts.extend(part)
    drafts.sort(key=lambda d: (d.start, d.end))
    drafts = filter_confidence(drafts, min_confidence)
    # Map normalised spans back to the original text, then fill what needs the whole item (look-ups
    # hoisted: this runs for every item).
    original = nt.original
    to_original = nt.to_original
    for d in drafts:
        s, e = to_original(d.start, d.end)
        # Trim the clause's trailing punctuation and surrounding spaces from the reported span.
        while e > s and original[e - 1] in " \t\n。，,;；:：":
            e -= 1
        while s < e and original[s] in " \t\n":
            s += 1
        d.start, d.end, d.text = s, e, original[s:e]
        d.indicator = match_indicator(d.metric) if d.metric else None
        if d.indicator and d.unit in ("万", "亿", "万亿") and d.measure != "growth":
            # 工业应税销售突破千亿大关: the unit the text leaves implicit comes from the catalog.
            base = load_catalog().get(d.indicator).unit.lstrip("万亿千百")
            if base and base not in ("%", "‰"):
                d.unit += base
    return drafts


def extract(
    text: str, *, year: int | None = None, context: str | None = None, region: str | None = None,
    min_confidence: float | None = None,
) -> list[Item]:
    """Extract targets, outcomes and ranking claims from policy text (spans refer to `text`).

    `year` is the document year when the text itself does not say (a header line ``YEAR: 2022``
    is read if present). `context` forces the section: 'plan', 'review' or 'bulletin'. `region`
    is the document's region when no ``REGION:`` header names it (e.g. from the file's path, see
    `targetboard.extract.region.region_from_path`). `min_confidence` drops items below it.
    """
    return extract_normalized(normalize(text), year=year, context=context, region=region, min_confidence=min_confidence)
