"""Ranking claims: ``增幅列镇江首位``, ``位居六区两县第1位``, ``总量居全省第一``.

A claim over several coordinated metrics (``GDP、工业应税销售、规上工业总产值等主要经济指标增幅列镇江首位``)
yields one claim per named metric; the measure is growth when the text ranks 增幅/增速.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from targetboard.extract.lexicon import alternation, lexicon
from targetboard.extract.numbers import parse_chinese_integer

_RANK = r"(?P<rank>首位|榜首|第(?P<n>[一二三四五六七八九十\d]+)(?:位|名)?)"


@dataclass(frozen=True, slots=True)
class RankingClaim:
    start: int
    end: int
    metric: str | None
    measure: str
    rank: int
    peer_group: str | None


@cache
def _pattern() -> re.Pattern[str]:
    lex = lexicon()
    verbs = alternation(lex.list("ranking", "verbs"))
    peers = alternation(lex.list("ranking", "peers"))
    return re.compile(
        rf"(?:(?P<verb>{verbs})(?P<peer>{peers}|[\u4e00-\u9fff]{{1,6}}?)|(?P<peer2>{peers}))(?:同类\w{{0,4}}?)?{_RANK}"
        r"(?![\u4e00-\u9fff\d]|\s*(?:产业|批|次|等次|个|梯队))"
    )


_SPLIT = re.compile(r"[、和及与]")
_CLAUSE = re.compile(r"[,:]")
_GROWTH = re.compile(r"增幅|增速|增长")
_STRIP = re.compile(r"(?:等)?(?:主要)?(?:经济)?(?:指标)?(?:增幅|增速|增长|总量|总额|规模)?(?:均|都|分别)?$")
_DURATION = re.compile(r"(?:连续|已经|已)?[一二三四五六七八九十两\d]+(?:年|次|个季度|个月)(?:来)?$")
_LEAD = re.compile(r"^(?:其中|全年|今年|上半年|前三季度|一季度|全市|全县|全区|我市|我县|实现)+")


def _rank_value(m: re.Match[str]) -> int | None:
    if m.group("rank") in ("首位", "榜首"):
        return 1
    n = m.group("n")
    return int(n) if n.isdigit() else parse_chinese_integer(n)


def find_rankings(sentence: str) -> list[RankingClaim]:
    """Ranking claims in a normalised sentence; offsets relative to the sentence."""
    out: list[RankingClaim] = []
    for m in _pattern().finditer(sentence):
        rank = _rank_value(m)
        if rank is None or rank > 100:
            continue
        peer = (m.group("peer") or m.group("peer2") or "").strip() or None
        # The clause holding the claim starts after the last comma before it.
        cstart = 0
        for c in _CLAUSE.finditer(sentence, 0, m.start()):
            cstart = c.end()
        subject = sentence[cstart : m.start()]
        measure = "growth" if _GROWTH.search(subject) else "level"
        subject = _LEAD.sub("", _STRIP.sub("", _DURATION.sub("", re.sub(r"\s|“|”", "", subject))))
        subject = re.sub(r"等[^、]*$", "", subject)
        metrics: list[str | None] = [p for p in _SPLIT.split(subject) if p] or [None]
        for metric in metrics:
            out.append(RankingClaim(cstart, m.end(), metric, measure, rank, peer))
    return out
