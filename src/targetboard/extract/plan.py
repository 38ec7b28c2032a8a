"""The plan tree: pillars -> objectives -> items (tasks, targets, outcomes, rankings).

Two layouts are recognised:

* numbered headings, as work reports and plans use them. The heading kinds are, broadest first:
  ``第一章``, ``第一节``, ``一、``, ``（一）``, ``第一，``, ``1.``, ``（1）``, ``一是``. The two broadest
  kinds that open paragraphs become the pillar and objective levels (``一、``/``（一）`` in a work
  report; ``第一章``/``第一节`` in a planning outline; ``第一，`` or ``一是`` alone in a short plan);
  narrower kinds stay inside their objective as clause-level tasks;
* the article layout of the seed: each paragraph opens with its pillar sentence and carries short
  inline objective headings (``總量拼出新位次。``) followed by their task sentences.

Every sentence under an objective is covered by items: the quantified items the extractor found in
it, plus task items for the clauses no quantified item covers. Titles keep the original script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from targetboard.extract.engine import extract_normalized, filter_confidence
from targetboard.extract.tasks import uncovered_runs
from targetboard.model.items import Item
from targetboard.text.normalize import NormalizedText, normalize

_SENT = re.compile(r"[^。!?;\n]+(?:[。!?;]|$)")
_CN = "[一二三四五六七八九十]+"
#: Heading kinds, from the broadest to the narrowest. The two broadest kinds that open paragraphs
#: in a document become its pillar and objective levels; narrower kinds stay inside objectives.
HEADING_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^\s*第{_CN}章")),
    ("section", re.compile(rf"^\s*第{_CN}节")),
    ("cn-comma", re.compile(rf"^\s*{_CN}[、.]")),
    ("cn-paren", re.compile(rf"^\s*\({_CN}\)")),
    ("ordinal", re.compile(rf"^\s*第{_CN}[,、:]")),
    ("arabic", re.compile(r"^\s*\d{1,2}[.、](?!\d)")),
    ("arabic-paren", re.compile(r"^\s*\(\d{1,2}\)")),
    ("shi", re.compile(rf"^\s*{_CN}是")),
)
_PILLAR_HEADING = HEADING_KINDS[2][1]
_OBJECTIVE_HEADING = HEADING_KINDS[3][1]


def heading_levels(first_sentences: list[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The pillar and objective heading patterns of a document, from its paragraph openers.

    A kind counts when at least two paragraphs open with it (one stray ``1.`` is no outline), or
    when it is a chapter or section heading.
    """
    present: list[re.Pattern[str]] = []
    for name, pat in HEADING_KINDS:
        n = sum(1 for t in first_sentences if pat.match(t))
        if n >= 2 or (n == 1 and name in ("chapter", "section", "cn-comma")):
            present.append(pat)
    pillar = present[0] if present else None
    objective = present[1] if len(present) > 1 else None
    return pillar, objective
_HEADER = re.compile(r"\A((?:[A-Z]+:[^\n]*\n)+)\n")


@dataclass
class Assignment:
    """Who answers for an objective and by when (from a task-decomposition table).

    `lead_units` are the 牵头单位, `co_units` the 责任/配合单位 (names as written, one per unit);
    `deadline` is an ISO date (``2024-06-30``) or a period code (``2024``, ``2024H1``, ``2024Q3``,
    ``2024-2025``), None when the table gives none or only words (长期坚持); `deadline_text` is the
    cell as written.
    """

    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    deadline_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lead_units": self.lead_units, "co_units": self.co_units,
            "deadline": self.deadline, "deadline_text": self.deadline_text,
        }


@dataclass
class Objective:
    title: str | None
    start: int
    end: int
    items: list[Item] = field(default_factory=list)
    #: Set for objectives read from a task-decomposition table (see `targetboard.extract.task_table`).
    assignment: Assignment | None = None
    #: The row's 序号 as written (``1``, ``1.2``), for task-table objectives.
    number: str | None = None
    #: The 目标要求 cell, for task-table objectives; item spans of such an objective refer to it.
    requirement: str | None = None
    #: 0-based index of the table row the objective comes from.
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        items = []
        for it in self.items:
            d = it.to_dict()
            if it.kind == "task":
                d = {"kind": "task", "text": it.text, "start": it.start, "end": it.end}
            items.append(d)
        out: dict[str, Any] = {"title": self.title, "start": self.start, "end": self.end, "items": items}
        if self.assignment is not None:
            out.update(number=self.number, requirement=self.requirement, row=self.row, **self.assignment.to_dict())
        return out


@dataclass
class Pillar:
    title: str | None
    start: int
    end: int
    objectives: list[Objective] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "start": self.start, "end": self.end,
            "objectives": [o.to_dict() for o in self.objectives],
        }


@dataclass
class PlanTree:
    pillars: list[Pillar]

    def to_dict(self, document: str | None = None) -> dict[str, Any]:
        return {"document": document, "pillars": [p.to_dict() for p in self.pillars]}

    def items(self) -> list[Item]:
        return [it for p in self.pillars for o in p.objectives for it in o.items]

    def filtered(self, min_confidence: float | None) -> PlanTree:
        """The same tree without the items below `min_confidence` (None keeps everything)."""
        if min_confidence is None:
            return self
        for p in self.pillars:
            for o in p.objectives:
                o.items = filter_confidence(o.items, min_confidence)
        return self


@dataclass
class _Sentence:
    start: int  # normalised offsets
    end: int
    text: str
    paragraph: int
    first_in_paragraph: bool


def _sentences(text: str, body: int) -> list[_Sentence]:
    out: list[_Sentence] = []
    pos = body
    for p_index, line in enumerate(text[body:].split("\n")):
        first = True
        for m in _SENT.finditer(line):
            s = m.group()
            lead = len(s) - len(s.lstrip())
            stripped = s.strip()
            if stripped:
                begin = pos + m.start() + lead
                out.append(_Sentence(begin, begin + len(stripped), stripped, p_index, first))
                first = False
        pos += len(line) + 1
    return out


def _is_inline_heading(s: _Sentence) -> bool:
    """A short, comma-free sentence that is not its paragraph's opener (總量拼出新位次。)."""
    core = s.text.rstrip("。!?;")
    return (
        not s.first_in_paragraph
        and s.text.endswith("。")
        and 4 <= len(core) <= 14
        and not re.search(r"[,:\d、]", core)
    )


def build_plan(nt: NormalizedText, items: list[Item]) -> PlanTree:
    """Arrange already-extracted items into the plan tree of the text they came from."""
    text = nt.text
    m = _HEADER.match(text)
    body = m.end() if m else 0
    sents = _sentences(text, body)
    pillar_re, objective_re = heading_levels([s.text for s in sents if s.first_in_paragraph])
    numbered = pillar_re is not None
    pillar_paras: set[int] = set()
    if not numbered:
        for s in sents:
            if _is_inline_heading(s):
                pillar_paras.add(s.paragraph)

    def orig(s: _Sentence) -> tuple[int, int, str]:
        a, b = nt.to_original(s.start, s.end)
        return a, b, nt.original[a:b]

    pillars: list[Pillar] = [Pillar(None, 0, 0, [Objective(None, 0, 0)])]
    heading_ids: set[int] = set()
    for idx, s in enumerate(sents):
        if numbered:
            if s.first_in_paragraph and pillar_re is not None and pillar_re.match(s.text):
                a, b, t = orig(s)
                pillars.append(Pillar(t, a, b, []))
                heading_ids.add(idx)
            elif s.first_in_paragraph and objective_re is not None and objective_re.match(s.text):
                a, b, t = orig(s)
                pillars[-1].objectives.append(Objective(t, a, b))
                heading_ids.add(idx)
        else:
            if s.paragraph not in pillar_paras and s.first_in_paragraph and pillars[-1].title is not None:
                # A closing paragraph after the pillars: outside the structure again.
                pillars.append(Pillar(None, *nt.to_original(s.start, s.start), []))
            if s.paragraph in pillar_paras and s.first_in_paragraph:
                a, b, t = orig(s)
                pillars.append(Pillar(t, a, b, []))
                heading_ids.add(idx)
            elif s.paragraph in pillar_paras and _is_inline_heading(s):
                a, b, t = orig(s)
                pillars[-1].objectives.append(Objective(t, a, b))
                heading_ids.add(idx)
        if idx in heading_ids:
            ha, hb = nt.to_original(s.start, s.end)
            quantified = [it for it in items if ha <= it.start < hb and it.kind != "task"]
            if not quantified:
                continue
            # A heading that states a figure itself (（1）粮食播种面积稳定在80万亩以上。): keep its items.
            if not pillars[-1].objectives:
                pillars[-1].objectives.append(Objective(None, ha, ha))
            pillars[-1].objectives[-1].items.extend(quantified)
            pillars[-1].objectives[-1].items.sort(key=lambda it: (it.start, it.end))
            continue
        if not pillars[-1].objectives:
            pillars[-1].objectives.append(Objective(None, *nt.to_original(s.start, s.start)))
        obj = pillars[-1].objectives[-1]
        a, b = nt.to_original(s.start, s.end)
        inside = [it for it in items if a <= it.start < b]
        obj.items.extend(inside)
        if obj.title is not None:
            # Under an objective every sentence is covered: fill the gaps with clause-level tasks.
            covered = [(it.start, it.end) for it in inside]
            for ta, tb in uncovered_runs(nt.original, a, b, covered):
                if ta < tb:
                    obj.items.append(
                        Item(kind="task", start=ta, end=tb, text=nt.original[ta:tb], rule="task", confidence=0.7)
                    )
        obj.items.sort(key=lambda it: (it.start, it.end))
    # Drop the empty leading pillar/objective placeholders.
    for p in pillars:
        p.objectives = [o for o in p.objectives if o.items or o.title is not None]
        if p.objectives and p.title is not None:
            p.end = max(p.end, max(o.items[-1].end if o.items else o.end for o in p.objectives))
        for o in p.objectives:
            if o.items:
                o.end = max(o.end, o.items[-1].end)
    pillars = [p for p in pillars if p.objectives or p.title is not None]
    return PlanTree(pillars)


def extract_plan(text: str, *, year: int | None = None, context: str | None = None) -> PlanTree:
    """Read `text` into its plan tree (pillars -> objectives -> items), spans in `text`."""
    nt = normalize(text)
    return build_plan(nt, extract_normalized(nt, year=year, context=context))
