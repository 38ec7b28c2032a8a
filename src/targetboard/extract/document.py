"""What kind of document a text is, its year, and which part of it is a plan or a review.

Whether ``增长8%`` is a promise or a result depends on where it stands: a statistical bulletin
reports, the review part of a work report reports, its plan part promises. This module reads the
document-level signals once so the clause rules can ask cheaply.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from targetboard.extract.lexicon import lexicon

_HEADER = re.compile(r"\A((?:[A-Z]+:[^\n]*\n)+)\n")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)年")
#: A heading line: 一、 / （一） / 第一部分 ...
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+部分)")

BULLETIN = "bulletin"
REPORT = "report"
ARTICLE = "article"


@dataclass
class DocumentContext:
    """Document-level facts the clause rules consult (all positions are in the normalised text)."""

    genre: str
    year: int | None
    body_start: int = 0
    region: str | None = None
    # Sorted section switch points: (position, "plan" | "review").
    _switch_pos: list[int] = field(default_factory=list)
    _switch_mode: list[str] = field(default_factory=list)

    def section(self, pos: int) -> str | None:
        """'plan', 'review' or None (unknown) at a position."""
        k = bisect_right(self._switch_pos, pos) - 1
        return self._switch_mode[k] if k >= 0 else None

    def period_year(self, pos: int) -> int | None:
        """The year a figure at `pos` is about: a report's review looks back one year."""
        if self.year is None:
            return None
        if self.genre != BULLETIN and self.section(pos) == "review":
            return self.year - 1
        return self.year


def _parse_header(text: str) -> tuple[dict[str, str], int]:
    m = _HEADER.match(text)
    if not m:
        return {}, 0
    fields = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().upper()] = value.strip()
    return fields, m.end()


def analyse(text: str, *, year: int | None = None, context: str | None = None) -> DocumentContext:
    """Read genre, year and plan/review sections from normalised text.

    `context` forces the whole text into one section ('plan', 'review' or 'bulletin'), for callers
    that know better (a single sentence from a known part of a report).
    """
    lex = lexicon()
    header, body = _parse_header(text)
    if year is None:
        m = re.match(r"\d{4}", header.get("YEAR", ""))
        if m:
            year = int(m.group())
    region = header.get("REGION") or None
    htype = header.get("TYPE", "")
    head = text[body : body + 600]
    if context == BULLETIN or htype == "B" or lex.bulletin_re.search(head):
        genre = BULLETIN
    elif htype == "A" or "各位代表" in text[:3000] or "政府工作报告" in head:
        genre = REPORT
    else:
        genre = ARTICLE
    if year is None:
        m = _YEAR_IN_TEXT.search(head)
        if m:
            year = int(m.group(1))
    ctx = DocumentContext(genre=genre, year=year, body_start=body, region=region)
    if context in ("plan", "review"):
        ctx._switch_pos, ctx._switch_mode = [0], [context]
        return ctx
    if genre == BULLETIN:
        ctx._switch_pos, ctx._switch_mode = [0], ["review"]
        return ctx
    if genre == REPORT:
        ctx._switch_pos, ctx._switch_mode = [0], ["review"]
    # Scan lines and sentences for section switches.
    pos = body
    for line in text[body:].split("\n"):
        for m in re.finditer(r"[^。!?;]+[。!?;]?", line):
            sent = m.group()
            short = len(sent) <= 40 or _HEADING.match(sent) is not None
            start = pos + m.start()
            review = lex.review_section_re.search(sent)
            if lex.plan_section_re.search(sent) and not review and (short or genre == REPORT):
                if not ctx._switch_mode or ctx._switch_mode[-1] != "plan":
                    ctx._switch_pos.append(start)
                    ctx._switch_mode.append("plan")
            elif short and review:
                if not ctx._switch_mode or ctx._switch_mode[-1] != "review":
                    ctx._switch_pos.append(start)
                    ctx._switch_mode.append("review")
        pos += len(line) + 1
    return ctx
