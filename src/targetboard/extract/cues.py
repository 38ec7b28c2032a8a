"""Sentence cues: what decides a figure's kind (target or outcome), its modality and its period."""

from __future__ import annotations

import re

from targetboard.extract.document import BULLETIN, REPORT, DocumentContext
from targetboard.extract.lexicon import Lexicon
from targetboard.extract.metric import (
    Reading,
)
from targetboard.extract.periods import (
    BY_YEAR,
    FYP,
    FYP_RE,
    earlier_period,
    period_of,
    target_period,
    two_year_period,
)


def item_period(ctx: DocumentContext, cues: Cues, pos: int, reading: Reading, kind: str) -> str | None:
    if reading.two_year:
        return two_year_period(ctx, pos)
    period = cues.period(ctx, pos)
    if kind == "target" and ctx.sub_period:  # `target_period`'s own test first: it runs for every figure
        period = target_period(ctx, period, kind)
    if reading.from_value:
        period = earlier_period(ctx, pos, period)
    return period


NEVER = 1 << 30
_FUTURE = re.compile(r"将|要|计划|预计|预期|目标")
_ACHIEVED = re.compile(r"完成|实现了|达成|超额")


class Cues:
    """A sentence's cue positions, found once and asked per mention (the hot path of `_emit`).

    The positions are read on the first question that needs them: a bulletin's figures are outcomes
    whatever the sentence says, so most sentences of a bulletin never need them.
    """

    __slots__ = (
        "fyp", "lex", "modalities", "outcome", "periods", "qunian", "read", "sentence", "target", "yuji", "yuqi",
    )

    def __init__(self, lex: Lexicon, sentence: str) -> None:
        self.lex = lex
        self.sentence = sentence
        self.periods: dict[int | None, str | None] = {}
        self.read = False

    def _read(self) -> None:
        lex, sentence = self.lex, self.sentence
        self.read = True
        self.yuji = sentence.find("预计") if "预计" in sentence else NEVER
        self.yuqi = sentence.find("预期") if "预期" in sentence else NEVER
        self.qunian = sentence.find("去年") if "去年" in sentence else NEVER
        by_year = BY_YEAR.search(sentence) if "年" in sentence else None  # 到2025年: needs 年
        cue = lex.target_cue_re.search(sentence)
        while cue is not None and _ACHIEVED.search(sentence, max(0, cue.start() - 6), cue.start()):
            # 圆满完成各项目标任务 / 超额完成年度目标: a target reached is a report, not a promise
            cue = lex.target_cue_re.search(sentence, cue.end())
        self.target = min(by_year.end() if by_year else NEVER, cue.end() if cue else NEVER)
        out = lex.outcome_cue_re.search(sentence)
        self.outcome = out.end() if out else NEVER
        self.fyp = FYP_RE.search(sentence) if "五" in sentence else None  # 十四五: needs 五
        self.modalities = [(m.end(), lex.modality_of[m.group()]) for m in lex.modality_re.finditer(sentence)]

    def modality_before(self, upto: int) -> str | None:
        if not self.read:
            self._read()
        found = None
        for end, modality in self.modalities:
            if end > upto:
                break
            found = modality
        return found

    def period(self, ctx: DocumentContext, pos: int) -> str | None:
        key = ctx.period_year(pos)
        periods = self.periods
        if key in periods:
            return periods[key]
        found = periods[key] = period_of(ctx, self.sentence, pos)
        return found

    def kind(self, ctx: DocumentContext, upto: int, pos: int) -> tuple[str, str]:
        """target or outcome, and what decided it ('cue', 'section' or 'genre'), from the sentence's cues
        before `upto` and the document section."""
        if ctx.genre == BULLETIN:
            return "outcome", "genre"
        if not self.read:
            self._read()
        section = ctx.section(pos)
        if self.yuji + 2 <= upto:
            plan_estimate = section == "plan" and self.yuqi + 2 > upto and self.qunian + 2 > upto
            return ("target" if plan_estimate else "outcome"), "cue"
        if self.target <= upto:
            return "target", "cue"
        f = self.fyp
        if f and f.end() <= upto and ctx.year is not None and FYP[f.group(1)][0] >= ctx.year - 1:
            if section != "review":
                return "target", "cue"
        if self.outcome <= upto:
            return "outcome", "cue"
        if section == "plan":
            return "target", "section"
        if section == "review":
            return "outcome", "section"
        if self.outcome != NEVER and self.target == NEVER and not self.modalities and not _FUTURE.search(
            self.sentence, 0, upto
        ):
            # No section known: an outcome cue later in the sentence (320亿元，同比增长…) still reports.
            return "outcome", "genre"
        return ("outcome" if ctx.genre == REPORT else "target"), "genre"
