"""Tasks: commitments with no number to check (加快推进美科太阳能等优质企业上市).

A task is a run of clauses in a sentence that no quantified item covers. In the plan part of a
document every such run of a sentence with a task verb is a task; where the section is unknown (an
article) the sentence must open with one (after 要/将/进一步…); a review or a bulletin has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from targetboard.extract.lexicon import lexicon

# Both ASCII and full-width punctuation, so the same code splits normalised and original text.
_CLAUSE = re.compile(r"[^,;:。!?，；：！？]+[,;:。!?，；：！？]?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEAD = re.compile(r"^(?:[一二三四五六七八九十]是|要|将|必须|进一步|继续|全力|坚决|同时|此外)+")
_TRIM = " \t\n\u3000,;:。!?，；：！？"


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[,、])")


def is_commitment(sentence: str, *, in_plan: bool) -> bool:
    """Does this (normalised) sentence commit to doing something? (A numbered heading does not.)"""
    if _HEADING.match(sentence):
        return False
    lex = lexicon()
    if in_plan:
        return lex.task_verb_re.search(sentence) is not None
    return lex.task_verb_re.match(_LEAD.sub("", sentence.lstrip())) is not None


def uncovered_runs(text: str, start: int, end: int, covered: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Runs of clauses in ``text[start:end]`` that overlap no covered span (trimmed of punctuation).

    `covered` spans are in the same coordinates as `text`.
    """
    run: tuple[int, int] | None = None
    for m in _CLAUSE.finditer(text, start, end):
        a, b = m.start(), m.end()
        hit = any(a < ce and cs < b for cs, ce in covered)
        if hit or not _CJK.search(m.group()):
            if run:
                yield _trim(text, *run)
            run = None
            continue
        run = (run[0], b) if run else (a, b)
    if run:
        yield _trim(text, *run)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    while a < b and text[a] in _TRIM:
        a += 1
    return a, b
