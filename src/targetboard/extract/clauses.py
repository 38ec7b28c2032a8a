"""Clause assembly: a sentence -> clauses -> quantity mentions -> draft items and ranking claims.

Each mention is paired with its left context (read by `metric.read_left_context`); elided subjects
carry over from clause to clause, 分别/均 distribute coordinated metrics (or regions), and counts
that name a set or thresholds inside a definition are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache

from targetboard.extract.confidence import (
    quantity_confidence_flags,
    ranking_confidence,
)
from targetboard.extract.cues import Cues, item_period
from targetboard.extract.document import DocumentContext
from targetboard.extract.lexicon import Lexicon
from targetboard.extract.metric import (
    COORD,
    PAREN,
    RATE_WORDS,
    SPACES,
    Reading,
    clean_metric,
    read_left_context,
    region_list,
    split_coordinated,
)
from targetboard.extract.periods import (
    earlier_period,
    period_list,
    period_of,
)
from targetboard.extract.quantities import Mention, find_mentions, may_hold_quantity
from targetboard.extract.ranking import find_rankings
from targetboard.model.items import Item

SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_CLAUSE_SEP = re.compile(r"[,:]")
_PAREN_NUM = re.compile(r"\([^()]*\d[^()]*\)")
_QUOTED_TARGET = re.compile(r"^(?:的)?(?:(?P<ctl>控制|调控)|预期|年度|奋斗|计划)?目标")
#: The characters a `_QUOTED_TARGET` match can open with. The tests on the text after a number run for
#: every number; a look-up of its first character rules most out without a regex call.
_QUOTED_FIRST = frozenset("的控调预年奋计目")
_GROWTH_AFTER = ("的增长", "的增速")  # 实现9.5%左右的增长: a prefix test (was ``^的(?:增长|增速)``)
_DISTRIBUTE = re.compile(r"分别|依次|(?:(?<![年平])均|都|同步)(?=[增下提降上减达为实控保突超]|$)")
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "~": "~", "=": "=", "range": "range"}
_RANK_QUICK = re.compile(r"第|首位|榜首|前[一二三四五六七八九十\d]|[十\d]强")
_NOT_QUANTITY_AFTER = re.compile(r":\d|[级强档届期版号]|位次|名次")
_NOT_QUANTITY_FIRST = frozenset(":级强档届期版号位名")
_INDEX_METRIC = re.compile(r"(?:指数|性别比)(?:为|是)?$")
_CJK_START = re.compile(r"[\u4e00-\u9fff]")


#: After 以上/以下, these continue a sentence; any other word makes the figure a definition (50亿元以上重大项目).
_ITEM_AFTER = re.compile(r"的(?:增长|增速|目标|水平|幅度|控制目标|调控目标|预期目标)|[并且和与及而了,、;]|为|是|左右")
_SUBJECT_END = re.compile(r"[,。;()]")
_BARE_MAGNITUDES = frozenset({"万", "亿", "万亿", "兆", "千万", "百万"})


def _unit_ok(lex: Lexicon, m: Mention, pre: str) -> bool:
    if m.unit is None:
        return False
    if m.unit in lex.weak_units:
        if m.unit == "年" and m.value >= 1900:
            return False
        head = pre.rstrip()
        return bool(lex.weak_unit_cue_re.search(head)) or lex.before_words.suffix(head) is not None
    if m.unit in _BARE_MAGNITUDES:
        # 减少6800多万 (noun elided) needs 多/余 or a verb or qualifier; a lone "2万" is page furniture.
        head = SPACES.sub("", pre)
        return bool(
            m.more
            or lex.weak_unit_cue_re.search(head)
            or lex.before_words.suffix(head)
            or lex.measure_words.suffix(head)
        )
    return True


_DEBRIS_AFTER = re.compile(r"\+\d")


def _skip(clause: str, m: Mention) -> bool:
    """Numbers that are not quantities: ordinals, ratios, codes, names.

    Grouped by the character before and the character after the number (each read once): this runs
    for every number of the text.
    """
    start = m.start
    before = clause[start - 1] if start > 0 else ""
    if before:
        if before in "第[" or (before.isascii() and before.isalpha()):
            return True
        if (before == "+" or before == ":") and start >= 2 and clause[start - 2].isdigit():
            return True  # 654.38+0万吨: converter debris standing for lost digits gives no item; 1:2 a ratio
    after = m.after
    first = after[:1]
    if first:
        if first == "+" and _DEBRIS_AFTER.match(after):
            return True
        if first in _NOT_QUANTITY_FIRST and _NOT_QUANTITY_AFTER.match(after):
            return True
        if m.unit is None and first.isascii() and first.isalpha():
            return True
    return False


def _emit(
    ctx: DocumentContext, cues: Cues, a: int, c_abs: int, c_end: int,
    m: Mention, metric: str, reading: Reading, out: list[Item], how: str = "own", sub: str | None = None,
) -> None:
    """Turn one mention plus its reading into a draft item; `sub` is the sub-year period a list of periods
    gave this figure (`_period_spread`; "" for the whole year)."""
    measure = reading.measure
    sign = reading.sign * m.sign
    after = m.after
    quoted = _QUOTED_TARGET.match(after) if after[:1] in _QUOTED_FIRST else None
    comparator = m.comparator
    before = reading.before
    kind_forced: str | None = None
    if quoted:
        kind_forced = "target"
        comparator = comparator or ("<=" if quoted.group("ctl") else "=")
        before = None
    if measure == "level" and after.startswith(_GROWTH_AFTER):
        measure = "growth"
    if m.fixed_measure:
        measure = m.fixed_measure
    if measure != "level" and m.unit not in ("%", "‰") and not m.fixed_measure and not (
        m.unit == "倍" and measure == "growth"
    ):
        measure = "change"  # 增长N倍 stays growth in 倍 (spec v1.1)
    if measure == "level" and m.unit == "%" and metric.endswith("价格指数") and m.value < 50:
        measure = "growth"  # 居民消费价格指数控制在3%: a percent on an index is its change
    if reading.gap:
        measure = "level"
        comparator = comparator or "="
    if comparator is None:
        comparator = ">" if m.more else before or "="
    value = m.value * sign
    high = m.value_high * sign if m.value_high is not None else None
    if sign < 0:
        comparator = _FLIP[comparator]
        if high is not None and high < value:
            value, high = high, value
    pos = c_abs + m.start
    kind, decided = (kind_forced, "cue") if kind_forced else cues.kind(ctx, a + m.start, pos)
    modality = None
    if kind == "target":
        modality = reading.modality or cues.modality_before(a + m.start)
        if modality == "expect" and ctx.section(pos) == "review":
            modality = None
    unit = m.unit
    period = item_period(ctx, cues, pos, reading, kind)
    if sub is not None:
        year = period[:4] if period and period[:4].isdigit() and period[4:5] in ("", "H", "Q", "M") else None
        year = year or (str(y) if (y := ctx.period_year(pos)) is not None else None)
        period = f"{year}{sub}" if year else None
    # Positional, in `Item`'s field order (a keyword call costs twice as much; this runs for every figure):
    # kind, start, end, text, metric, indicator, measure, value, value_high, unit, comparator, period,
    # modality, rank, peer_group, region, region_code, rule, confidence.
    out.append(
        Item(
            kind, c_abs, c_end, "", metric, None, measure, value, high, unit or None, comparator,
            period, modality, None, None, None, None,
            _RULES.get(how) or f"quantity.{how}",
            quantity_confidence_flags(  # chinese, gap, garbled, section known
                how, decided, metric, unit, m.chinese, reading.gap, ctx.garbled,
                decided != "genre" or ctx.section(pos) is not None,
            ),
        )
    )


#: The rule name of a quantity item by where its metric came from (`_emit`'s `how`), built once.
_RULES: dict[str, str] = {
    how: "quantity" if how == "own" else f"quantity.{how}"
    for how in ("own", "carried", "coordinated", "history", "regions", "share", "subject", "economy", "contribution",
                "periods")
}


def _period_spread(metric: str, before: str, n: int) -> tuple[list[str], str] | None:
    """The `n` periods a list of `n` figures is distributed over, and the metric without them: a list in
    the metric (``规上工业增加值一季度、上半年、前三季度分别增长…``, ``1月、2月、3月社零额分别为…``) or closing
    the text before the clause (``1-3月、1-6月、1-9月，全县固定资产投资分别增长…``). None otherwise; the
    metric returned is "" when the list was all of it."""
    found = period_list(metric)
    if found is not None and len(found[0]) == n:
        codes, start, end = found
        return codes, (metric[:start] + metric[end:]).strip("、的 ")
    found = period_list(before)
    if found is not None and len(found[0]) == n and not before[found[2] :].strip(" ,:;"):
        return found[0], metric
    return None


def _keep(lex: Lexicon, mentions: list[Mention], clause: str) -> list[tuple[Mention, str]]:
    """Drop mentions that are not quantities of their own; pair the rest with their left context."""
    kept: list[tuple[Mention, str]] = []
    prev_end = 0
    for i in range(len(mentions) - 2, -1, -1):
        # 分别拉动1.0、4.7、2.6个百分点: the unit follows only the last number of a list.
        m, nxt = mentions[i], mentions[i + 1]
        if (
            m.unit is None
            and nxt.unit is not None
            and m.value_high is None
            and _LIST_GAP.fullmatch(clause[m.end : nxt.start])
        ):
            m.unit = nxt.unit
            m.after = clause[m.end :]
    for i, m in enumerate(mentions):
        pre = clause[prev_end : m.start]
        if m.unit is None:
            # Only index values with base 100 stand without a unit.
            head = PAREN.sub("", SPACES.sub("", pre))
            if _INDEX_METRIC.search(head) and 50 <= m.value <= 200:
                kept.append((m, pre))
                prev_end = m.end
            continue  # not a quantity: its text stays part of the next mention's context
        if (m.unit in lex.weak_units or m.unit in _BARE_MAGNITUDES) and not _unit_ok(lex, m, pre):
            # `_unit_ok` has questions only for weak units and bare magnitudes; any other unit is fine.
            continue
        prev_end = m.end
        # A count naming the subject of a later figure is no item (40个项目完成投资156亿元).
        if (
            i + 1 < len(mentions)
            and m.comparator is None
            and _CJK_START.match(m.after)
            and not lex.measure_re.match(m.after)
            and not COORD.match(m.after)
            and not clean_metric(lex, pre)
        ):
            continue
        # 30亿元以上项目: a threshold inside a metric's own definition, unless a verb counts the things
        # (招引20个以上过亿项目: at least 20 projects).
        if m.comparator in (">=", "<=") and _CJK_START.match(m.after) and not _ITEM_AFTER.match(m.after):
            if not (m.unit in lex.count_units and lex.count_verb_re.search(SPACES.sub("", pre))):
                continue
        kept.append((m, pre))
    return kept


#: Only list joiners (、和及与-) and blanks between two figures: the later one is a coordinated follower.
#: Blanks are allowed in the class rather than removed first (one regex call per figure, not two).
_COORD_ONLY_SPACED = re.compile(r"[、和及与\s-]*")
_LIST_GAP = re.compile(r"\s*[、和及与]\s*-?\s*")


def _names_itself(lex: Lexicon, m: Mention) -> bool:
    """Is a count followed by the noun phrase it counts (27个|项目进入…), rather than by a verb or list?"""
    return (
        m.unit not in ("%", "‰", "个百分点", "百分点")
        and _CJK_START.match(m.after) is not None
        and not lex.measure_re.match(m.after)
        and not COORD.match(m.after)
        and not (m.after[:1] in _QUOTED_FIRST and _QUOTED_TARGET.match(m.after))
    )


def _action_suffix(lex: Lexicon, metric: str) -> str | None:
    """The action verb a metric candidate ends with (新建, 招引 ...), when it does."""
    if metric[-1:] not in lex.action_last_chars:  # most metrics end on a noun: one set look-up
        return None
    if metric in lex.action_verbs:
        return metric
    for n in (2, 3, 4):
        if len(metric) > n and metric[-n:] in lex.action_verbs:
            return metric[-n:]
    return None


def _subject_after(lex: Lexicon, after: str) -> str:
    """The noun phrase after a count: 27个|项目进入省重大项目投资计划 -> 项目进入省重大项目投资计划."""
    return clean_metric(lex, _SUBJECT_END.split(after, maxsplit=1)[0])


@lru_cache(maxsize=16384)
def _left_context(pre: str) -> tuple[Reading, str, bool]:
    """The reading of a mention's left context, the context without spaces, and whether it distributes.

    All three depend on the left-context string alone and are asked for every kept mention; memoised
    like `read_left_context` (the same contexts — 比上年增长, 同比下降, 其中 — recur all the time).
    """
    pre_clean = SPACES.sub("", pre)
    return read_left_context(pre), pre_clean, _DISTRIBUTE.search(pre_clean) is not None


def _clause_bounds(sentence: str) -> list[int]:
    """Clause boundaries, ascending: commas and colons (each its own one-character clause), plus the
    parentheses that hold numbers of their own.

    Built from `str.split` pieces rather than one match object per separator. A position may appear
    twice (two separators in a row): the clause lookup bisects, so an empty clause is never chosen.
    """
    bounds = [0]
    pos = -1
    for piece in _CLAUSE_SEP.split(sentence):
        pos += len(piece) + 1  # the separator after this piece
        bounds.append(pos)
        bounds.append(pos + 1)
    bounds[-2:] = [len(sentence)]  # the last piece has no separator after it
    if "(" in sentence and (pars := [par.span() for par in _PAREN_NUM.finditer(sentence)]):
        cuts = set(bounds)
        for ps, pe in pars:
            cuts.update((ps, ps + 1, pe - 1, pe))
        return sorted(cuts)
    return bounds


def process_sentence(lex: Lexicon, ctx: DocumentContext, sentence: str, s_start: int, out: list[Item]) -> None:
    """Draft items and ranking claims of one sentence starting at `s_start` of the document's text.

    The caller passes the sentence string it already holds (the prose loop also tests it for sub-periods).
    """
    found = find_mentions(sentence) if may_hold_quantity(sentence) else []
    # Every `_RANK_QUICK` match holds 第, 首, 前 or 强, and 第 alone is one: substring tests first (the
    # regex has no first-character set to skip on and would be tried at every position).
    may_rank = "第" in sentence or (
        ("首" in sentence or "前" in sentence or "强" in sentence) and _RANK_QUICK.search(sentence) is not None
    )
    if not found and not may_rank:
        return  # most sentences of a plan hold no number: leave them at one regex search
    bounds = _clause_bounds(sentence)
    carried: str | None = None
    last_group: list[str] = []  # the metrics of the last coordinated group (甲、乙分别…)
    carried_reading: Reading | None = None
    #: (clause start, carried metric, last coordinated group) after each clause: a ranking takes the
    #: subject carried up to its own clause, not the sentence's last one.
    snapshots: list[tuple[int, str | None, list[str]]] = []
    history: list[str] = []  # distinct metrics named so far in this sentence, for 分别 without a subject
    cues: Cues | None = None
    k = 0  # next mention (they are sorted by start)
    n_found = len(found)
    while k < n_found:
        # The clause holding the next mention: clauses without one are never visited.
        at = bisect_right(bounds, found[k].start)
        a, b = bounds[at - 1], bounds[at]
        clause = sentence[a:b]
        in_paren = a > 0 and sentence[a - 1] == "("
        c_abs = s_start + a
        c_end = s_start + b
        mentions: list[Mention] = []
        while k < n_found and found[k].start < b:
            m = found[k]
            k += 1
            # Re-base on the clause: offsets and the text after it stop at the clause's end.
            m.start -= a
            m.end = (m.end if m.end < b else b) - a
            m.after = clause[m.end :]
            if m.start >= 1 and clause[m.start - 1] == "-" and (m.start < 2 or not clause[m.start - 2].isdigit()):
                m.sign = -1  # an explicit minus sign (-9.4%, 自然增长率-1.23‰) is kept
            if not _skip(clause, m):
                mentions.append(m)
        if not mentions:
            continue
        kept = _keep(lex, mentions, clause)
        i = 0
        while i < len(kept):
            m, pre = kept[i]
            j = i + 1  # coordinated followers: 分别增长8%和10%, 5.27万元、2.67万元
            while j < len(kept) and _COORD_ONLY_SPACED.fullmatch(kept[j][1]):
                j += 1
            group = [m] if j == i + 1 else [g for g, _ in kept[i:j]]  # mostly one figure
            reading, pre_clean, distribute = _left_context(pre)
            metric = reading.metric
            if pre_clean.endswith("等"):  # A、B、C等30场招商活动: the metric follows the count
                metric = _subject_after(lex, m.after) or metric
            if metric and (verb := _action_suffix(lex, metric)) and _names_itself(lex, m):
                # 新建50个村级综合服务中心; 某县计划招引20个以上过亿项目: the verb and the counted thing
                metric = verb + _subject_after(lex, m.after)
            if not metric and distribute and len(group) > 1 and len(history) >= len(group):
                # 接待游客…, 实现旅游总收入…, 分别增长12.3%和15.6%: one value per metric named before.
                for g, met in zip(group, history[-len(group) :], strict=True):
                    _emit(ctx, cues or Cues(lex, sentence), a, c_abs, c_end, g, met, reading, out, "history")
                i = j
                continue
            how = "own"
            if carried and m.unit == "%" and (tr := lex.target_ratio_re.match(pre_clean)):
                # 完成投资86.5亿元，为年度目标的103%: the share of the target the carried metric reached
                metric = f"{carried}完成{tr.group('what') or ''}目标比例"
                how = "share"
            if not metric:
                # 27个项目进入省重大项目投资计划: a count followed by its noun phrase names itself.
                if _names_itself(lex, m):
                    metric = _subject_after(lex, m.after)
                    how = "subject"
                if not metric and carried:
                    metric = carried
                    how = "carried"
                    if carried_reading is not None and (
                        (m.after[:1] in _QUOTED_FIRST and _QUOTED_TARGET.match(m.after))
                        or pre_clean.endswith(("目标为", "目标是"))
                    ):
                        # 上涨2.1%,低于3%的调控目标: the quoted target measures what the outcome did.
                        reading = replace(reading, measure=carried_reading.measure, sign=carried_reading.sign)
                if not metric and m.after.startswith(_GROWTH_AFTER):
                    metric = "经济"  # 实现9.5%左右的增长: growth of the economy as a whole
                    how = "economy"
            if metric in lex.carry_words and carried:
                metric = carried.removeprefix("新增")  # 新增规上工业企业189家,总数达1053家
                how = "carried"
            if metric.startswith("占") and carried and not carried.startswith("占"):
                # 增加值141.51亿元,占生产总值的94.0%: the share of the carried metric
                metric = carried + metric.removesuffix("的") + ("" if metric.endswith("比重") else "比重")
                how = "share"
            if metric in RATE_WORDS and carried and carried not in RATE_WORDS:
                metric = carried + metric  # 增长5.7%,增速同比提高2.3个百分点: the rate of the carried metric
                how = "carried"
            if reading.contribution and carried and metric.startswith(lex.contribution):
                metric = carried + metric  # 第一产业增加值…, 拉动GDP增长0.2个百分点
                how = "contribution"
            i = j
            if not metric:
                continue
            if len(group) > 1 and (spread := _period_spread(metric, sentence[:a], len(group))) is not None:
                subs, metric = spread[0], spread[1] or carried or ""
                if metric:  # 一季度、上半年、前三季度分别增长…: one figure per period, the same metric
                    if cues is None:
                        cues = Cues(lex, sentence)
                    for g, sub in zip(group, subs, strict=True):
                        _emit(ctx, cues, a, c_abs, c_end, g, metric, reading, out, "periods", sub)
                    if not in_paren:
                        carried = metric
                        carried_reading = reading
                        if not history or history[-1] != metric:
                            history.append(metric)
                        snapshots.append((a, carried, last_group))
                    continue
            regions: list[str] = []
            if distribute and (rl := region_list(lex, metric)) is not None:
                regions, metric = rl  # 甲区、乙区和丙区分别实现地区生产总值…: one item per region
            parts = split_coordinated(metric) if (len(group) > 1 or distribute) and not regions else [metric]
            if regions and len(regions) == len(group):
                for g, reg in zip(group, regions, strict=True):
                    if cues is None:
                        cues = Cues(lex, sentence)
                    _emit(ctx, cues, a, c_abs, c_end, g, metric, reading, out, "regions")
                    out[-1].region = reg
                carried = metric
                carried_reading = reading
                snapshots.append((a, carried, last_group))
                continue
            if regions:
                continue  # as many regions as figures, or no item: a doubtful pairing is worse than none
            if len(group) > 1 and len(parts) == len(group):
                pairs = list(zip(group, parts, strict=True))
                how = "coordinated" if how == "own" else how
            elif len(group) == 1 and len(parts) > 1 and distribute:
                pairs = [(group[0], p) for p in parts]
                how = "coordinated" if how == "own" else how
            else:
                pairs = [(m, metric)] if len(group) == 1 else [(g, metric) for g in group]
            for g, met in pairs:
                if cues is None:
                    cues = Cues(lex, sentence)
                _emit(ctx, cues, a, c_abs, c_end, g, met, reading, out, how)
            if not in_paren:
                last_group = [met for _, met in pairs] if len(pairs) > 1 else last_group
                if not (carried and metric.startswith(carried) and metric[len(carried) :] in RATE_WORDS):
                    carried = pairs[-1][1] if len(pairs) == 1 else metric
                if not reading.gap:
                    carried_reading = reading
                for _, met in pairs:
                    if not history or history[-1] != met:
                        history.append(met)
                snapshots.append((a, carried, last_group))
    for r in find_rankings(sentence) if may_rank else ():
        before = [snap for snap in snapshots if snap[0] <= r.start]
        carried_here, group_here = (before[-1][1], before[-1][2]) if before else (None, [])
        ranked: list[str | None] = [r.metric or carried_here]
        if r.metric is None and r.distribute and len(group_here) > 1:
            ranked = list(group_here)  # 甲、乙分别达到…, 均保持全省第三: one claim per metric
        if r.metric is None and r.slots:  # 甲、乙分别增长…, 增幅全省第五、第二: the metric at the rank's place
            ranked = [group_here[r.slot]] if len(group_here) == r.slots else []
        for ranked_metric in ranked:
            if not ranked_metric:
                continue
            metric = ranked_metric
            period = period_of(ctx, sentence, s_start + r.start)
            if r.move < 0:
                period = earlier_period(ctx, s_start + r.start, period)
            out.append(
                Item(
                    text="", kind="ranking", start=s_start + r.start, end=s_start + r.end, metric=metric,
                    measure=r.measure, rank=r.rank, peer_group=r.peer_group, comparator=r.comparator, period=period,
                    rule=r.rule if r.metric else f"{r.rule}.carried",
                    confidence=ranking_confidence(r.rule, carried=r.metric is None, metric=metric, garbled=ctx.garbled),
                )
            )
