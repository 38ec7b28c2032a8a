"""What kind of document a text is, its year, and which part of it is a plan or a review.

Whether ``增长8%`` is a promise or a result depends on where it stands: a statistical bulletin
reports, the review part of a work report reports, its plan part promises. This module reads the
document-level signals once so the clause rules can ask cheaply.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from targetboard.extract.lexicon import alternation, lexicon

_HEADER = re.compile(r"\A((?:[A-Z]+:[^\n]*\n)+)\n")
_FOUR_DIGITS = re.compile(r"\d{4}")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)年")
#: A heading line: 一、 / （一） / 第一部分 ...
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+部分)")

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
    #: A review of the current year so far (a mid-year report): the sub-period its figures default to.
    sub_period: str | None = None
    #: The input was damaged (pinyin glosses, mojibake): every reading is a little less sure.
    garbled: bool = False
    #: The sub-year period the current paragraph named last (一季度…。其中…), set while reading.
    carry_sub: str | None = None
    # Sorted section switch points: (position, "plan" | "review", year of its figures, five-year span).
    _switch_pos: list[int] = field(default_factory=list)
    _switch_mode: list[str] = field(default_factory=list)
    _switch_year: list[int | None] = field(default_factory=list)
    _switch_five: list[bool] = field(default_factory=list)
    _last_pos: int = -1
    _last_at: int = -1

    def _at(self, pos: int) -> int:
        if pos == self._last_pos:
            return self._last_at  # the clause rules ask about the same position several times in a row
        k = bisect_right(self._switch_pos, pos) - 1
        self._last_pos, self._last_at = pos, k
        return k

    def section(self, pos: int) -> str | None:
        """'plan', 'review' or None (unknown) at a position."""
        # `_at` inlined: the clause rules ask this for every figure.
        if pos == self._last_pos:
            k = self._last_at
        else:
            k = bisect_right(self._switch_pos, pos) - 1
            self._last_pos, self._last_at = pos, k
        return self._switch_mode[k] if k >= 0 else None

    def five_year(self, pos: int) -> bool:
        """Is `pos` inside a review of five years (过去五年, a term of government)?"""
        k = self._at(pos)
        return self._switch_five[k] if k >= 0 else False

    def period_year(self, pos: int) -> int | None:
        """The year a figure at `pos` is about: a report's review looks back one year (or names its year)."""
        if self.year is None:
            return None
        if pos == self._last_pos:  # `_at` inlined, as in `section`
            k = self._last_at
        else:
            k = bisect_right(self._switch_pos, pos) - 1
            self._last_pos, self._last_at = pos, k
        if k >= 0 and self._switch_year[k] is not None:
            return self._switch_year[k]
        if self.genre != BULLETIN and self.section(pos) == "review" and self.sub_period is None:
            return self.year - 1
        return self.year

    def switch(self, pos: int, mode: str, year: int | None = None, five: bool = False) -> None:
        if self._switch_mode and self._switch_mode[-1] == mode and self._switch_year[-1] == year:
            if self._switch_five[-1] == five:
                return
        self._last_pos = -1
        self._switch_pos.append(pos)
        self._switch_mode.append(mode)
        self._switch_year.append(year)
        self._switch_five.append(five)


def _parse_header(text: str) -> tuple[dict[str, str], int]:
    m = _HEADER.match(text)
    if not m:
        return {}, 0
    fields = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().upper()] = value.strip()
    return fields, m.end()


_CN = "[一二三四五六七八九十]+"
_LEAD_YEAR = re.compile(rf"^\s*(?:{_CN}、|\({_CN}\))?\s*((?:19|20)\d\d)年(?:是|,|以来|上半年)")
_REVIEW_OPENER = re.compile(r"^\s*(?:去年|过去一年|过去的一年|上一年)(?:以来)?[,，]")
_FUTURE = re.compile(r"将|要|计划|力争|确保|争取|预期|目标")
_ANY_YEAR = re.compile(r"((?:19|20)\d\d)年")
_SUB_PERIODS: tuple[tuple[str, str], ...] = (("上半年", "H1"), ("前三季度", "M01-M09"), ("一季度", "Q1"))


def _review_year(sent: str, year: int | None) -> int | None:
    """The year a review heading names (2022年计划执行情况 -> 2022), if it is not after the document's."""
    years = [int(m.group(1)) for m in _ANY_YEAR.finditer(sent)]
    years = [y for y in years if year is None or y <= year]
    return min(years) if years else None


def analyse(text: str, *, year: int | None = None, context: str | None = None) -> DocumentContext:
    """Read genre, year and plan/review sections from normalised text.

    `context` forces the whole text into one section ('plan', 'review' or 'bulletin'), for callers
    that know better (a single sentence from a known part of a report).

    Sections come from the document's structure: short lines and headings switch on review cues
    (回顾, 执行情况, 过去一年 ...) or plan cues (主要预期目标, 今年工作 ...); inside a long sentence only
    a strong plan cue that no review tense cue (实现, 完成, 同比 ...) precedes opens the plan part. A line
    naming both (a combined report's title) switches nothing. A review heading's year is the year of
    its figures; 过去五年/本届政府 marks a five-year review; a report that opens on 今年以来/上半年 is a
    review of the current year (its figures carry the document's year and the sub-period).
    """
    lex = lexicon()
    cues = lex.data["cues"]
    header, body = _parse_header(text)
    if year is None:
        m = _FOUR_DIGITS.match(header.get("YEAR", ""))
        if m:
            year = int(m.group())
    region = header.get("REGION") or None
    if region in ("未知", "unknown"):
        region = None
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
        ctx.switch(0, context)
        return ctx
    opening = text[body : body + 200]
    if any(w in opening for w in cues["current_year_review"]) and "过去一年" not in opening and "去年" not in opening:
        found = sorted((opening.find(w), code) for w, code in _SUB_PERIODS if w in opening)
        ctx.sub_period = found[0][1] if found else ""
        if genre != BULLETIN:
            ctx.switch(0, "review", year)
    if genre == BULLETIN:
        ctx.switch(0, "review")
        return ctx
    if ctx.sub_period is not None:
        pass
    elif genre == REPORT:
        ctx.switch(0, "review")
    strong_re, tense_re, five_re = _structure_patterns()
    pos = body
    for line in text[body:].split("\n"):
        for m in _LINE_SENTENCE.finditer(line):
            sent = m.group()
            heading = HEADING.match(sent) is not None  # asked up to four times below: read once
            bare = sent.lstrip()  # likewise
            short = len(sent) <= 40 or heading
            start = pos + m.start()
            # Section cues are read where a branch below asks for them: a long sentence (most of the text)
            # needs the review cue only when it holds a strong plan cue, and never the plain plan cue.
            review: re.Match[str] | None = None
            plan: re.Match[str] | None = None
            if short:
                review = lex.review_section_re.search(sent)
                plan = lex.plan_section_re.search(sent)
                if review and plan and not heading and len(sent) > 20:
                    continue  # a combined report's title names both parts
            if short and review and not (plan and plan.start() < review.start()):
                five = bool(five_re.search(sent)) and _ANY_YEAR.search(sent) is None
                ctx.switch(start, "review", _review_year(sent, year) if not five else _five_end(ctx, start), five)
            elif plan and short and not (tense_re.search(sent[: plan.start()]) and not heading):
                ctx.switch(start, "plan", _plan_year(sent, year))
            elif not short and (strong := strong_re.search(sent)) and not tense_re.search(sent[: strong.start()]):
                review = lex.review_section_re.search(sent)
                if not (review and review.start() < strong.start()):
                    ctx.switch(start, "plan", _plan_year(sent, year))
            elif short and heading and (py := _heading_plan_year(sent, year)) is not None:
                # 三、扎实做好2026年各项工作 / （二）今年主要工作: a heading about the document's year or later
                ctx.switch(start, "plan", py)
            elif bare[:1] in "去过上" and _REVIEW_OPENER.match(sent) and genre != BULLETIN:
                # 去年，全县…/过去一年，…: a paragraph reporting the past year, whatever its length.
                ctx.switch(start, "review", year - 1 if year is not None else None)
            elif year is not None and "年" in bare[:14] and (lead := _LEAD_YEAR.match(sent)) is not None:
                y = int(lead.group(1))
                so_far = lead.group(0).endswith(("以来", "上半年"))
                if y < year or (y == year and so_far):
                    ctx.switch(start, "review", y)  # 2025年以来/2025年上半年: the current year so far
                elif y == year and not ctx.sub_period and (genre == REPORT or _FUTURE.search(sent)):
                    ctx.switch(start, "plan", y)
            elif not short and five_re.match(bare) and ctx.section(start) == "review":
                ctx.switch(start, "review", _five_end(ctx, start), True)
        pos += len(line) + 1
    return ctx


@cache
def _structure_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = lexicon().data["cues"]
    return (
        re.compile(alternation(cues["plan_section_strong"])),
        re.compile(alternation(cues["review_tense"])),
        re.compile(alternation(cues["five_year_review"])),
    )


_LINE_SENTENCE = re.compile(r"[^。!?;]+[。!?;]?")
_PLAN_NOUN = re.compile(r"工作|任务|目标|思路|安排|举措|措施|重点")


def _heading_plan_year(sent: str, year: int | None) -> int | None:
    """The year a plan heading is about (the document's or later), when the heading names one or 今年."""
    if not _PLAN_NOUN.search(sent):
        return None
    years = [int(m.group(1)) for m in _ANY_YEAR.finditer(sent)]
    if years and year is not None and min(years) >= year:
        return min(years)
    if not years and ("今年" in sent or "本年" in sent) and year is not None:
        return year
    return None


def _five_end(ctx: DocumentContext, pos: int) -> int | None:
    """The last year of a five-year review: the year of the review it sits in."""
    return ctx.period_year(pos)


def _plan_year(sent: str, year: int | None) -> int | None:
    for m in _ANY_YEAR.finditer(sent):
        y = int(m.group(1))
        if year is None or y >= year:
            return y
    return None
