"""The plan tree: pillars -> objectives -> items (tasks, targets, outcomes, rankings).

Two layouts are recognised:

* numbered headings, as work reports use them: ``一、`` opens a pillar, ``（一）`` an objective
  (a ``一是…二是…`` run stays inside its objective as clause-level tasks);
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
_PILLAR_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+[、.]")
_OBJECTIVE_HEADING = re.compile(r"^\s*\([一二三四五六七八九十]+\)")
_HEADER = re.compile(r"\A((?:[A-Z]+:[^\n]*\n)+)\n")


@dataclass
class Objective:
    title: str | None
    start: int
    end: int
    items: list[Item] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for it in self.items:
            d = it.to_dict()
            if it.kind == "task":
                d = {"kind": "task", "text": it.text, "start": it.start, "end": it.end}
            items.append(d)
        return {"title": self.title, "start": self.start, "end": self.end, "items": items}


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
    numbered = any(_PILLAR_HEADING.match(s.text) and s.first_in_paragraph for s in sents)
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
            if s.first_in_paragraph and _PILLAR_HEADING.match(s.text):
                a, b, t = orig(s)
                pillars.append(Pillar(t, a, b, []))
                heading_ids.add(idx)
            elif s.first_in_paragraph and _OBJECTIVE_HEADING.match(s.text):
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
                    obj.items.append(Item(kind="task", start=ta, end=tb, text=nt.original[ta:tb], rule="task", confidence=0.7))
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
