"""Ranking claims: ``增幅列镇江首位``, ``位居六区两县第1位``, ``总量居全省第一``.

Forms read here (spec v1.1):
- verb + peer group + rank: ``列镇江首位``, ``位居全省第3位``, ``全市排名第七``;
- a claim over several coordinated metrics gives one claim per named metric, measure growth when
  the text ranks 增幅/增速;
- rank moves: ``由全省第48位上升到第29位`` -> two claims (the earlier rank first);
- top-N claims: ``进入全市前三``, ``跻身全省十强`` -> rank N with comparator ``<=``; honour lists with
  no number (``入选全国百强县``) are no claim;
- lists after a first claim: metric–rank pairs (``投资潜力第3、新型城镇化质量第4``) and further peers
  for the same metric (``全市第一、全省第二``);
- ``以全省第1名、全国第32名的成绩入选X`` -> one claim per rank, metric X;
- ranks distributed over coordinated metrics: ``A、B增幅分别列全市第二、第三位`` -> A 2nd, B 3rd (one claim
  per pair, only when there are as many ranks as metrics);
- ``…第一的位次``, ``榜首``.
Offsets are relative to the sentence; a claim without a metric of its own takes the clause subject
carried by the caller (see ``RankingClaim.metric`` None and ``RankingClaim.distribute``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from targetboard.extract.lexicon import alternation, lexicon
from targetboard.extract.numbers import parse_chinese_integer

_N = r"[一二三四五六七八九十\d]+"
_RANK = rf"(?P<rank>首位|榜首|第(?P<n>{_N})(?:位|名)?)"
_PEER_FREE = r"[A-Za-z\u4e00-\u9fff]{1,6}?"


@dataclass(frozen=True, slots=True)
class RankingClaim:
    start: int
    end: int
    metric: str | None
    measure: str
    rank: int
    peer_group: str | None
    comparator: str | None = None
    #: 0 for the only/later rank of a move, -1 for the earlier rank of a move (由第48位…)
    move: int = 0
    #: True when the claim ranks coordinated metrics elided from its clause (均保持全省第三)
    distribute: bool = False
    rule: str = "ranking"
    #: For one rank of a list over elided coordinated metrics (…,增幅全省第五、第二): its place in the list
    #: and the list's length; the caller pairs it with the metric at that place, when as many are named.
    slot: int = -1
    slots: int = 0


@dataclass(frozen=True)
class _Patterns:
    main: re.Pattern[str]
    move: re.Pattern[str]
    top: re.Pattern[str]
    pair: re.Pattern[str]
    spread: re.Pattern[str]
    with_rank: re.Pattern[str]
    not_metric: frozenset[str]
    verb_prefix: re.Pattern[str]
    assessed: re.Pattern[str]
    gate: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    lex = lexicon()
    verbs = alternation(lex.list("ranking", "verbs"))
    peers = alternation(lex.list("ranking", "peers"))
    top_verbs = alternation(lex.list("ranking", "top_verbs"))
    move_verbs = alternation(lex.list("ranking", "move_verbs"))
    main = re.compile(
        rf"(?:(?P<verb>{verbs})(?:(?P<peerk>{peers})(?P<inner>(?:(?!第{_N})[\u4e00-\u9fff()、]){{2,10}}?)?"
        rf"|(?P<peer>{_PEER_FREE}))"
        rf"|(?P<peer2>{peers}))(?:同类\w{{0,4}}?)?{_RANK}"
        r"(?![\u4e00-\u9fff\d]|\s*(?:产业|批|次|等次|个|梯队))"
    )
    move = re.compile(
        rf"由(?P<peer>{peers}|{_PEER_FREE})?第(?P<n1>{_N})(?:位|名)?(?:{move_verbs})(?:到|至|为)?第(?P<n2>{_N})(?:位|名)?"
    )
    top = re.compile(
        rf"(?:{top_verbs})(?P<inner>[\u4e00-\u9fff]{{0,8}}?)(?P<peer>{peers})"
        rf"(?:前(?P<n1>{_N})(?:位|名)?|(?P<n2>{_N})强)(?![县区市镇企名单榜])"
    )
    pair = re.compile(
        rf"^、(?P<peer>{peers})?(?P<m>[\u4e00-\u9fff]{{2,10}}?)?第(?P<n>{_N})(?:位|名)?(?![\u4e00-\u9fff\d])"
    )
    # 分别列全市第二、第三位 / 分别居全省第1、5位 / 总量全市第二、第三: a list of ranks after one verb or a
    # known peer group.
    spread = re.compile(
        rf"(?:(?P<verb>{verbs})(?P<peer>{peers}|{_PEER_FREE})?|(?P<peer2>{peers}))"
        rf"(?P<ranks>第{_N}(?:位|名)?(?:(?:、|和|与|及)第?{_N}(?:位|名)?)+)(?![\u4e00-\u9fff\d])"
    )
    assessed = re.compile(
        rf"在(?P<peer>{peers})(?P<m>[\u4e00-\u9fff]{{2,16}}?)(?:中|里)(?:获得?|荣获|位列|位居|排名|名列|取得)(?:了)?"
        rf"第(?P<n>{_N})(?:名|位)?(?![\u4e00-\u9fff\d])"
    )
    with_rank = re.compile(
        rf"以(?P<ranks>(?:(?:{peers}|我省|我市|全国|全省)第{_N}名、?)+)的(?:成绩|位次)(?:入选|荣获|获评|位列|进入)(?P<m>[^,。;、]{{2,20}})"
    )
    verb_prefix = re.compile(rf"(?:{verbs}|{top_verbs})+")
    # What every claim holds, whichever pattern finds it: 首位/榜首 (main), 前N or N强 (top), or 第N followed
    # by 位/名 (main, assessed, with_rank, move), by a move verb (move) or by no word or digit (main,
    # assessed). 第一产业, 第二季度 hold none of these. Each branch opens on a literal, so the engine skips to
    # the five characters instead of trying five patterns at every position of the sentence.
    gate = re.compile(
        rf"首位|榜首|前{_N}|强(?<=[一二三四五六七八九十\d]强)|第{_N}(?:[位名]|{move_verbs}|(?![\u4e00-\u9fff\d]))"
    )
    return _Patterns(
        main, move, top, pair, spread, with_rank, frozenset(lex.list("ranking", "not_metric")), verb_prefix, assessed,
        gate,
    )


_SPLIT = re.compile(r"[、和及与]")
_CLAUSE = re.compile(r"[,:;]")
_GROWTH = re.compile(r"增幅|增速|增长")
_STRIP = re.compile(r"(?:等)?(?:主要)?(?:经济)?(?:指标)?(?:增幅|增速|增长|总量|总额|规模)?(?:均|都|分别)?$")
_DURATION = re.compile(r"(?:连续|已经|已)?[一二三四五六七八九十两\d]+(?:年|次|个季度|个月)(?:来)?$")
_LEAD = re.compile(r"^(?:其中|全年|今年|上半年|前三季度|一季度|全市|全县|全区|我市|我县|实现)+")
_NUMBERS_ON = re.compile(r"(?:从|由)?\d.*$")
_DISTRIBUTE = re.compile(r"(?:均|都|分别)(?:保持|位居|位列|居|列|排名)?$")


def _int(n: str) -> int | None:
    return int(n) if n.isdigit() else parse_chinese_integer(n)


def _rank_value(m: re.Match[str]) -> int | None:
    if m.group("rank") in ("首位", "榜首"):
        return 1
    return _int(m.group("n"))


def _subject(sentence: str, upto: int) -> tuple[int, str, bool]:
    """The clause before a claim: its start, the cleaned subject, and whether it distributes (均)."""
    cstart = 0
    for c in _CLAUSE.finditer(sentence, 0, upto):
        cstart = c.end()
    raw = re.sub(r"\s|“|”", "", sentence[cstart:upto])
    distribute = _DISTRIBUTE.search(raw) is not None
    subject = _NUMBERS_ON.sub("", raw)
    subject = _LEAD.sub("", _STRIP.sub("", _DURATION.sub("", subject)))
    subject = re.sub(r"等[^、]*$", "", subject)
    return cstart, subject, distribute


def _metrics(subject: str, not_metric: frozenset[str]) -> list[str | None]:
    parts = [p for p in _SPLIT.split(subject) if p and p not in not_metric]
    return list(parts) or [None]


def find_rankings(sentence: str) -> list[RankingClaim]:
    """Ranking claims in a normalised sentence; offsets relative to the sentence."""
    pats = _patterns()
    out: list[RankingClaim] = []
    if pats.gate.search(sentence) is None:
        return out  # most sentences with 第 name an industry or a quarter (第一产业, 第三季度), not a rank
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in pats.with_rank.finditer(sentence):
        metric = m.group("m")
        for r in re.finditer(rf"(?P<peer>[\u4e00-\u9fff]{{2}})第(?P<n>{_N})名", m.group("ranks")):
            rank = _int(r.group("n"))
            if rank is not None:
                peer = r.group("peer")
                out.append(RankingClaim(m.start(), m.end(), metric, "level", rank, peer, rule="ranking.with_rank"))
        taken.append((m.start(), m.end()))
    for m in pats.assessed.finditer(sentence):
        # 在全市高质量发展综合考核中获第一名: the assessment is the ranked metric
        rank = _int(m.group("n"))
        if rank is not None and rank <= 100:
            out.append(RankingClaim(m.start(), m.end(), m.group("m"), "level", rank, m.group("peer"), rule="ranking"))
            taken.append((m.start(), m.end()))
    for m in pats.move.finditer(sentence):
        cstart, subject, _ = _subject(sentence, m.start())
        r1, r2 = _int(m.group("n1")), _int(m.group("n2"))
        if r1 is None or r2 is None:
            continue
        measure = "growth" if _GROWTH.search(sentence[cstart : m.start()]) else "level"
        metric = _metrics(subject, pats.not_metric)[0]
        peer = m.group("peer")
        out.append(RankingClaim(cstart, m.end(), metric, measure, r1, peer, move=-1, rule="ranking.move"))
        out.append(RankingClaim(cstart, m.end(), metric, measure, r2, peer, rule="ranking.move"))
        taken.append((m.start(), m.end()))
    for m in pats.spread.finditer(sentence):
        read = [_int(n) for n in re.findall(_N, m.group("ranks"))]
        ranks = [r for r in read if r is not None and r <= 100]
        if len(ranks) < len(read):
            continue
        cstart, subject, _ = _subject(sentence, m.start())
        metrics = _metrics(subject, pats.not_metric)
        measure = "growth" if _GROWTH.search(sentence[cstart : m.start()]) else "level"
        peer = (m.group("peer") or m.group("peer2") or "").strip() or None
        taken.append((m.start(), m.end()))
        if metrics == [None]:  # 增幅全省第五、第二 of metrics named in an earlier clause: the caller pairs them
            for slot, rank in enumerate(ranks):
                out.append(RankingClaim(cstart, m.end(), None, measure, rank, peer, rule="ranking.spread", slot=slot,
                                        slots=len(ranks)))
        elif len(metrics) == len(ranks) and None not in metrics:
            for metric, rank in zip(metrics, ranks, strict=True):
                out.append(RankingClaim(cstart, m.end(), metric, measure, rank, peer, rule="ranking.spread"))
        # else no claim: a doubtful pairing is worse than none
    for m in pats.top.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        n = m.group("n1") or m.group("n2")
        rank = _int(n)
        if rank is None or rank > 50:
            continue
        cstart, subject, _ = _subject(sentence, m.start())
        inner = m.group("inner") or ""
        metrics = _metrics(subject, pats.not_metric)
        if metrics == [None] and inner:
            metrics = [inner]
        measure = "growth" if _GROWTH.search(sentence[cstart : m.start()]) else "level"
        for metric in metrics:
            out.append(RankingClaim(cstart, m.end(), metric, measure, rank, m.group("peer"), "<=", rule="ranking.top"))
        taken.append((m.start(), m.end()))
    for m in pats.main.finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        rank = _rank_value(m)
        if rank is None or rank > 100:
            continue
        peer = (m.group("peerk") or m.group("peer") or m.group("peer2") or "").strip() or None
        if peer and m.group("peer") and (lead_verb := pats.verb_prefix.match(peer)) and lead_verb.end() < len(peer):
            peer = peer[lead_verb.end() :]  # 排名跃居全国第3位: the second verb is no part of the peer group
        cstart, subject, distribute = _subject(sentence, m.start())
        measure = "growth" if _GROWTH.search(sentence[cstart : m.start()]) else "level"
        metrics = _metrics(subject, pats.not_metric)
        inner = m.group("inner")
        if inner and (inner[-1] in "县区市镇省州)" or inner.startswith("同类") or "(" in inner):
            peer = f"{peer}{inner}"  # 全市同类县区, 全省县(市、区): still the peer group
        elif inner and inner not in pats.not_metric:
            metrics = [inner]  # 位居全国百强县投资潜力第3: the ranked metric follows the peer group
        for metric in metrics:
            elided = distribute and metric is None
            out.append(RankingClaim(cstart, m.end(), metric, measure, rank, peer, distribute=elided))
        # Lists after the claim: 、新型城镇化质量第4 (another metric) or 、全省第二 (another peer).
        pos = m.end()
        last_metrics = metrics
        while (p := pats.pair.match(sentence[pos:])) is not None:
            rank2 = _int(p.group("n"))
            if rank2 is None:
                break
            pm = p.group("m")
            if pm and pm in pats.not_metric:
                pm = None
            if pm is None and p.group("peer") is None:
                break  # 第二、第三: ranks of coordinated metrics, not read here
            targets = [pm] if pm else last_metrics
            for metric in targets:
                peer2 = p.group("peer") or peer
                out.append(RankingClaim(cstart, pos + p.end(), metric, measure, rank2, peer2, rule="ranking.list"))
            last_metrics = targets
            pos += p.end()
        taken.append((m.start(), pos))
    out.sort(key=lambda c: (c.start, c.move))
    return out
