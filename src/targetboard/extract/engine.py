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
from dataclasses import dataclass, replace
from functools import lru_cache

from targetboard.catalog import load_catalog, match_indicator
from targetboard.extract.confidence import (
    quantity_confidence,
    ranking_confidence,
    table_confidence,
    task_confidence,
)
from targetboard.extract.document import BULLETIN, REPORT, DocumentContext, analyse
from targetboard.extract.lexicon import Lexicon, lexicon
from targetboard.extract.region import REGION_SUFFIX, most_specific, name_path, region_at_start, region_code
from targetboard.extract.quantities import Mention, find_mentions, may_hold_quantity
from targetboard.extract.ranking import find_rankings
from targetboard.extract.tables import find_tables
from targetboard.extract.tasks import is_commitment, uncovered_runs
from targetboard.model.items import Item
from targetboard.text.normalize import NormalizedText, normalize

_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_CLAUSE_SEP = re.compile(r"[,:]")
_PAREN_NUM = re.compile(r"\([^()]*\d[^()]*\)")
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|“|”|\"|‘|’|《|》|【|】")
_BI_GAP = re.compile(r"(?:比|较)(?![重例率])(?P<x>[^比较,]{1,12}?)(?<![提升减降缩增最])(?P<dir>高出|高|低|快|慢|多|少)$")
_GAP = re.compile(r"(?:高于|超过|超出|快于|慢于|低于|领先|超)(?P<thing>[^\d]{2,})$")
_QUOTED_TARGET = re.compile(r"^(?:的)?(?:(?P<ctl>控制|调控)|预期|年度|奋斗|计划)?目标")
_GROWTH_AFTER = re.compile(r"^的(?:增长|增速)")

_DISTRIBUTE = re.compile(r"分别|依次|(?:(?<![年平])均|都|同步)(?=[增下提降上减达为实控保突超]|$)")
_COORD = re.compile(r"[、和及与]")
_BY_YEAR = re.compile(r"(?:到|至|在)(20\d\d)年")
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "~": "~", "=": "=", "range": "range"}
_SPACES = re.compile(r"\s+")
_RANK_QUICK = re.compile(r"第|首位|榜首|前[一二三四五六七八九十\d]|[十\d]强")
#: 比2020年, 相当于2017年的, 达到2020年的: the base of a comparison, not part of the metric.
_BASE_YEAR = re.compile(r"(?:比|较|相当于|达到|是|为)?(?:19|20)\d\d年(?:末|底)?(?:的)?$")
_NOT_QUANTITY_AFTER = re.compile(r":\d|[级强档届期版号]")
_INDEX_METRIC = re.compile(r"(?:指数|性别比)(?:为|是)?$")
_CJK_START = re.compile(r"[\u4e00-\u9fff]")
#: After 以上/以下, these continue a sentence; any other word makes the figure a definition (50亿元以上重大项目).
_ITEM_AFTER = re.compile(r"的(?:增长|增速|目标|水平|幅度|控制目标|调控目标|预期目标)|[并且和与及而了,、;]|为|是|左右")
_SUBJECT_END = re.compile(r"[,。;()]")


def _clean_metric(lex: Lexicon, raw: str) -> str:
    """Strip time/region prefixes and verb/qualifier suffixes from a metric candidate."""
    s = _PAREN.sub("", _SPACES.sub("", raw))
    s = s.strip("#*-—·、和及与")
    s = lex.year_prefix_re.sub("", s)
    for _ in range(8):
        w = lex.prefix_words.prefix(s)
        if w and len(w) < len(s):
            s = s[len(w) :]
            continue
        w = lex.suffix_words.suffix(s)
        if w and len(w) < len(s):
            s = s[: -len(w)]
            continue
        break
    if lex.condition_re.match(s):
        return ""
    if s in lex.empty_metrics or lex.strip_prefix_re.fullmatch(s) or lex.strip_suffix_re.fullmatch(s):
        return ""
    return s


@dataclass(frozen=True, slots=True)
class _Reading:
    metric: str
    measure: str
    sign: int
    before: str | None  # comparator word right before the number
    modality: str | None
    gap: bool
    two_year: bool = False
    contribution: bool = False
    based: bool = False  # a comparison base was stripped (比上年同期, 较一季度)
    from_value: bool = False  # the number follows 从/由: the earlier value of a from-to pair


@lru_cache(maxsize=16384)
def _read_pre_cached(pre: str) -> _Reading:
    """`_read_pre` memoised: the same left contexts (比上年增长, 同比下降, 其中) recur all the time."""
    return _read_pre(lexicon(), pre)


def _read_pre(lex: Lexicon, pre: str) -> _Reading:
    """Parse the text between the previous mention and this number, right to left.

    ``进出口总额力争增长`` -> metric 进出口总额, growth, modality strive;
    ``居民消费价格涨幅控制在`` -> 居民消费价格, growth, comparator <=.
    """
    s = _PAREN.sub("", _SPACES.sub("", pre))
    measure_word: str | None = None
    before: str | None = None
    modality: str | None = None
    gap = False
    two_year = "两年平均" in s
    from_value = s.endswith(("从", "由"))
    based = False
    sign_override = 0
    bm = _BI_GAP.search(s)
    if bm:
        if lex.earlier_period_re.match(bm.group("x")):
            # 比上半年高1.5个百分点: the same indicator against an earlier period -> a signed change.
            sign_override = -1 if bm.group("dir") in ("低", "慢", "少") else 1
            measure_word = "增长"
            based = True
        else:
            gap = True  # 比全市高1.7个百分点: a gap to another region or an average
        s = s[: bm.start()]
    if lex.contribution in s and s.endswith(("增长", "增长了")):
        # 第一产业拉动GDP增长0.7个百分点: a contribution, a level named with its aggregate.
        metric = _clean_metric(lex, lex.base_re.sub("", s))
        return _Reading(metric, "level", 1, None, None, False, two_year, True, False)
    gm = _GAP.search(s)
    if gm and not re.search(r"(?:目标|计划|预期)", gm.group("thing")):
        s = s[: gm.start()]
        gap = True
    s = _BASE_YEAR.sub("", s)
    for _ in range(10):
        changed = False
        w = lex.before_words.suffix(s)
        if w and not gap:
            if before is None:
                before = lex.comparators_before[w]
            s = s[: -len(w)]
            changed = True
        w = lex.measure_words.suffix(s)
        if w and measure_word is None and not gap and not (w == "增" and s.endswith("新增")):
            measure_word = w
            s = s[: -len(w)]
            changed = True
        w = lex.modality_words.suffix(s)
        if w:
            modality = modality or lex.modality_of[w]
            s = s[: -len(w)]
            changed = True
        if not changed and (w := lex.suffix_words.suffix(s)) and len(w) < len(s):
            s = s[: -len(w)]
            changed = True
        if s.endswith("目标") and len(s) > 2:
            s = s[:-2]
            changed = True
        b = lex.base_re.search(s)
        if b:
            s = s[: b.start()]
            based = True
            changed = True
        t = lex.time_suffix_re.search(s)
        if t and t.start() > 0:
            s = s[: t.start()]
            changed = True
        if not changed:
            break
    w = lex.before_words.prefix(s)
    if w and before is None and not gap and len(w) < len(s) and w in ("至少", "不少于", "不低于", "超过", "不超过"):
        before = lex.comparators_before[w]  # 至少新建改扩建中小学8所
        s = s[len(w) :]
    metric = _clean_metric(lex, s)
    sign = 1
    measure = "level"
    if measure_word is not None:
        measure = "growth"
        if measure_word in lex.growth_down or measure_word == "降幅":
            sign = -1
    if sign_override:
        sign = sign_override
    return _Reading(metric, measure, sign, before, modality, gap, two_year, False, based, from_value)


_REGION_LIST = re.compile(
    r"^(?P<list>.+?)(?:[一二三四五六七八九十两\d]+个(?:区|县|市|镇|乡|街道|县区|县市区))?(?:分别|均)(?P<rest>.+)$"
)


def _region_list(lex: Lexicon, metric: str) -> tuple[list[str], str] | None:
    """``甲区、乙区和丙区三个区分别实现地区生产总值`` -> ([甲区, 乙区, 丙区], 地区生产总值)."""
    m = _REGION_LIST.match(metric)
    if not m:
        return None
    names = [p for p in _COORD_SPLIT.split(m.group("list")) if p]
    if len(names) < 2 or not all(REGION_SUFFIX.match(n) for n in names):
        return None
    rest = _clean_metric(lex, m.group("rest"))
    return (names, rest) if rest else None


_COORD_SPLIT = re.compile(r"、|和|与|及(?!以[上下])")
_HEAD_AFTER = re.compile(r"^(?:及以上|及以下|以上|以下)")


def _split_coordinated(metric: str) -> list[str]:
    """A coordinated metric list, the shared head noun given to every member.

    ``A、B和C等支出`` -> A支出, B支出, C支出; ``0-17岁、18-34岁、60岁及以上户籍人口`` -> …岁户籍人口 each;
    ``城乡居民人均可支配收入`` -> 城镇…, 农村….
    """
    parts = [p for p in _COORD_SPLIT.split(metric) if p]
    if len(parts) == 1 and metric.startswith("城乡"):
        rest = metric[2:]
        return [f"城镇{rest}", f"农村{rest}"]
    if len(parts) > 1:
        last = parts[-1]
        head = ""
        if "等" in last[1:-1]:
            last, head = last.split("等", 1)
        else:
            ends = {p[-1] for p in parts[:-1]}
            k = last.rfind(next(iter(ends))) if len(ends) == 1 else -1
            if 0 <= k < len(last) - 2:
                head = _HEAD_AFTER.sub("", last[k + 1 :])
                last = last[: len(last) - len(head)]
        if head:
            return [p + head for p in parts[:-1]] + [last.removesuffix("等") + head if not last.endswith(head) else last]
    return parts


_FYP = {
    "十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020),
    "十四五": (2021, 2025), "十五五": (2026, 2030),
}
_FYP_RE = re.compile(r"(十一五|十二五|十三五|十四五|十五五)[”\"’]?(?:期间|时期|末)")
_YEAR_LEAD = re.compile(r"^\s*(?:在|截至)?((?:19|20)\d\d)年(?!\d)")


_TIME_PERIODS: tuple[tuple[str, str], ...] = (
    ("前三季度", "M01-M09"), ("上半年", "H1"), ("下半年", "H2"), ("第一季度", "Q1"), ("一季度", "Q1"),
    ("第二季度", "Q2"), ("二季度", "Q2"), ("第三季度", "Q3"), ("三季度", "Q3"), ("第四季度", "Q4"), ("四季度", "Q4"),
)
_MONTHS = re.compile(r"1-(\d{1,2})月")


_TIME_WORD = re.compile("|".join(w for w, _ in _TIME_PERIODS))
_TIME_CODE = dict(_TIME_PERIODS)


def sentence_sub_period(sentence: str) -> str | None:
    """The first sub-year period a sentence names, ignoring comparison bases (比上半年, 较一季度)."""
    for m in _TIME_WORD.finditer(sentence):
        if m.start() and sentence[m.start() - 1] in "比较":
            continue
        return _TIME_CODE[m.group()]
    return None


def _period(ctx: DocumentContext, sentence: str, pos: int) -> str | None:
    """ISO-like period code: 2022, 2022H1, 2022Q3, 2022M01-M09, 2021-2025."""
    m = _BY_YEAR.search(sentence)
    if m:
        return m.group(1)
    f = _FYP_RE.search(sentence)
    if f:
        a, b = _FYP[f.group(1)]
        return str(b) if f.group(0).endswith("末") else f"{a}-{b}"
    lead = _YEAR_LEAD.search(sentence)
    year = int(lead.group(1)) if lead else ctx.period_year(pos)
    if year is None:
        return None
    m2 = _MONTHS.search(sentence)
    if m2 and m2.group(1) != "12":
        return f"{year}M01-M{int(m2.group(1)):02d}"
    sub = sentence_sub_period(sentence)
    if sub:
        if sub == "Q3" and ctx.sub_period is not None and "当季" not in sentence:
            sub = "M01-M09"  # a cumulative 三季度 in a report on the first three quarters
        return f"{year}{sub}"
    if ctx.carry_sub and ctx.section(pos) == "review" and not lead and "全年" not in sentence:
        return f"{year}{ctx.carry_sub}"  # 一季度…。其中,…: the paragraph's period carries over
    if ctx.five_year(pos) and _SPAN_CUE.search(sentence):
        return f"{year - 4}-{year}"
    if ctx.sub_period and ctx.section(pos) == "review" and not lead and "全年" not in sentence:
        return f"{year}{ctx.sub_period}"
    return str(year)




_RATE_WORDS = frozenset({"增速", "增幅", "涨幅", "降幅"})


def _earlier_period(ctx: DocumentContext, pos: int, period: str | None) -> str | None:
    """The period of the earlier figure of a move (由第48位上升到…): the start of a five-year review."""
    y = ctx.period_year(pos)
    if y is not None and ctx.five_year(pos):
        return str(y - 5)
    return period


def _item_period(ctx: DocumentContext, cues: _Cues, pos: int, reading: _Reading, kind: str) -> str | None:
    if reading.two_year:
        return _two_year(ctx, pos)
    period = _target_period(ctx, cues.period(ctx, pos), kind)
    if reading.from_value:
        period = _earlier_period(ctx, pos, period)
    return period


def _two_year(ctx: DocumentContext, pos: int) -> str | None:
    """两年平均增长: the two years ending with the figure's year."""
    y = ctx.period_year(pos)
    return f"{y - 1}-{y}" if y is not None else None


def _target_period(ctx: DocumentContext, period: str | None, kind: str) -> str | None:
    """A target in a mid-year report is for the whole year, not the report's sub-period."""
    if kind == "target" and period and ctx.sub_period and period.endswith(ctx.sub_period):
        return period[: -len(ctx.sub_period)]
    return period
_SPAN_CUE = re.compile(r"年均|累计|五年|平均每年|共计")


_NEVER = 1 << 30


class _Cues:
    """A sentence's cue positions, found once and asked per mention (the hot path of `_emit`)."""

    __slots__ = ("fyp", "modalities", "outcome", "periods", "qunian", "sentence", "target", "yuji", "yuqi")

    def __init__(self, lex: Lexicon, sentence: str) -> None:
        self.sentence = sentence
        self.yuji = sentence.find("预计") if "预计" in sentence else _NEVER
        self.yuqi = sentence.find("预期") if "预期" in sentence else _NEVER
        self.qunian = sentence.find("去年") if "去年" in sentence else _NEVER
        by_year = _BY_YEAR.search(sentence)
        cue = lex.target_cue_re.search(sentence)
        self.target = min(by_year.end() if by_year else _NEVER, cue.end() if cue else _NEVER)
        out = lex.outcome_cue_re.search(sentence)
        self.outcome = out.end() if out else _NEVER
        self.fyp = _FYP_RE.search(sentence)
        self.modalities = [(m.end(), lex.modality_of[m.group()]) for m in lex.modality_re.finditer(sentence)]
        self.periods: dict[int | None, str | None] = {}

    def modality_before(self, upto: int) -> str | None:
        found = None
        for end, modality in self.modalities:
            if end > upto:
                break
            found = modality
        return found

    def period(self, ctx: DocumentContext, pos: int) -> str | None:
        key = ctx.period_year(pos)
        if key not in self.periods:
            self.periods[key] = _period(ctx, self.sentence, pos)
        return self.periods[key]

    def kind(self, ctx: DocumentContext, upto: int, pos: int) -> tuple[str, str]:
        """target or outcome, and what decided it ('cue', 'section' or 'genre'), from the sentence's cues
        before `upto` and the document section."""
        section = ctx.section(pos)
        if ctx.genre == BULLETIN:
            return "outcome", "genre"
        if self.yuji + 2 <= upto:
            plan_estimate = section == "plan" and self.yuqi + 2 > upto and self.qunian + 2 > upto
            return ("target" if plan_estimate else "outcome"), "cue"
        if self.target <= upto:
            return "target", "cue"
        f = self.fyp
        if f and f.end() <= upto and ctx.year is not None and _FYP[f.group(1)][0] >= ctx.year - 1:
            if section != "review":
                return "target", "cue"
        if self.outcome <= upto:
            return "outcome", "cue"
        if section == "plan":
            return "target", "section"
        if section == "review":
            return "outcome", "section"
        return ("outcome" if ctx.genre == REPORT else "target"), "genre"




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
        head = _SPACES.sub("", pre)
        return bool(
            m.more
            or lex.weak_unit_cue_re.search(head)
            or lex.before_words.suffix(head)
            or lex.measure_words.suffix(head)
        )
    return True


_DEBRIS_BEFORE = re.compile(r"\d\+$")
_DEBRIS_AFTER = re.compile(r"\+\d")


def _skip(clause: str, m: Mention) -> bool:
    """Numbers that are not quantities: ordinals, ratios, codes, names."""
    before = clause[m.start - 1] if m.start > 0 else ""
    if (before and before in "第[") or (before.isascii() and before.isalpha()):
        return True
    if _DEBRIS_BEFORE.search(clause, 0, m.start) or _DEBRIS_AFTER.match(m.after):
        return True  # 654.38+0万吨: converter debris standing for lost digits gives no item
    if before == ":" and m.start >= 2 and clause[m.start - 2].isdigit():
        return True
    after = m.after
    if _NOT_QUANTITY_AFTER.match(after):
        return True
    if after[:1].isascii() and after[:1].isalpha() and m.unit is None:
        return True
    return False


def _emit(
    ctx: DocumentContext, cues: _Cues, a: int, c_abs: int, c_end: int,
    m: Mention, metric: str, reading: _Reading, out: list[Item], how: str = "own",
) -> None:
    """Turn one mention plus its reading into a draft item."""
    measure = reading.measure
    sign = reading.sign * m.sign
    after = m.after
    quoted = _QUOTED_TARGET.match(after)
    comparator = m.comparator
    before = reading.before
    kind_forced: str | None = None
    if quoted:
        kind_forced = "target"
        comparator = comparator or ("<=" if quoted.group("ctl") else "=")
        before = None
    if _GROWTH_AFTER.match(after) and measure == "level":
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
    out.append(
        Item(
            text="", kind=kind, start=c_abs, end=c_end, metric=metric, measure=measure, value=value, value_high=high,
            unit=m.unit or None, comparator=comparator,
            period=_item_period(ctx, cues, pos, reading, kind),
            modality=modality,
            rule="quantity" if how == "own" else f"quantity.{how}",
            confidence=quantity_confidence(
                how, decided, metric, m.unit, chinese=m.chinese, gap=reading.gap, garbled=ctx.garbled,
                section_known=ctx.section(pos) is not None,
            ),
        )
    )


def _keep(lex: Lexicon, mentions: list[Mention], clause: str) -> list[tuple[Mention, str]]:
    """Drop mentions that are not quantities of their own; pair the rest with their left context."""
    kept: list[tuple[Mention, str]] = []
    prev_end = 0
    for i in range(len(mentions) - 2, -1, -1):
        # 分别拉动1.0、4.7、2.6个百分点: the unit follows only the last number of a list.
        m, nxt = mentions[i], mentions[i + 1]
        if m.unit is None and nxt.unit is not None and m.value_high is None and _LIST_GAP.fullmatch(clause[m.end : nxt.start]):
            m.unit = nxt.unit
            m.after = clause[m.end :]
    for i, m in enumerate(mentions):
        pre = clause[prev_end : m.start]
        if m.unit is None:
            # Only index values with base 100 stand without a unit.
            head = _PAREN.sub("", _SPACES.sub("", pre))
            if _INDEX_METRIC.search(head) and 50 <= m.value <= 200:
                kept.append((m, pre))
                prev_end = m.end
            continue  # not a quantity: its text stays part of the next mention's context
        if not _unit_ok(lex, m, pre):
            continue
        prev_end = m.end
        # A count naming the subject of a later figure is no item (40个项目完成投资156亿元).
        if (
            i + 1 < len(mentions)
            and m.comparator is None
            and _CJK_START.match(m.after)
            and not _clean_metric(lex, pre)
            and not lex.measure_re.match(m.after)
            and not _COORD.match(m.after)
        ):
            continue
        # 30亿元以上项目: a threshold inside a metric's own definition.
        if m.comparator in (">=", "<=") and _CJK_START.match(m.after) and not _ITEM_AFTER.match(m.after):
            continue
        kept.append((m, pre))
    return kept


_COORD_ONLY = re.compile(r"[、和及与-]*")
_LIST_GAP = re.compile(r"\s*[、和及与]\s*-?\s*")


def _names_itself(lex: Lexicon, m: Mention) -> bool:
    """Is a count followed by the noun phrase it counts (27个|项目进入…), rather than by a verb or list?"""
    return (
        m.unit not in ("%", "‰", "个百分点", "百分点")
        and _CJK_START.match(m.after) is not None
        and not lex.measure_re.match(m.after)
        and not _COORD.match(m.after)
        and not _QUOTED_TARGET.match(m.after)
    )


def _subject_after(lex: Lexicon, after: str) -> str:
    """The noun phrase after a count: 27个|项目进入省重大项目投资计划 -> 项目进入省重大项目投资计划."""
    return _clean_metric(lex, _SUBJECT_END.split(after, maxsplit=1)[0])


def _process_sentence(
    lex: Lexicon, ctx: DocumentContext, text: str, s_start: int, s_end: int, out: list[Item]
) -> None:
    sentence = text[s_start:s_end]
    found = find_mentions(sentence) if may_hold_quantity(sentence) else []
    may_rank = _RANK_QUICK.search(sentence) is not None
    if not found and not may_rank:
        return  # most sentences of a plan hold no number: leave them at one regex search
    # Clause boundaries: commas and colons, plus parentheses that hold numbers of their own.
    cuts = {0, len(sentence)}
    for m in _CLAUSE_SEP.finditer(sentence):
        cuts.add(m.start())
        cuts.add(m.end())
    if "(" in sentence:
        for m in _PAREN_NUM.finditer(sentence):
            cuts.update((m.start(), m.start() + 1, m.end() - 1, m.end()))
    bounds = sorted(cuts)
    carried: str | None = None
    last_group: list[str] = []  # the metrics of the last coordinated group (甲、乙分别…)
    carried_reading: _Reading | None = None
    history: list[str] = []  # distinct metrics named so far in this sentence, for 分别 without a subject
    cues: _Cues | None = None
    k = 0  # next mention (they are sorted by start)
    for a, b in itertools.pairwise(bounds):
        if k >= len(found):
            break
        if found[k].start >= b:
            continue
        clause = sentence[a:b]
        in_paren = a > 0 and sentence[a - 1] == "("
        c_abs = s_start + a
        c_end = s_start + b
        mentions: list[Mention] = []
        while k < len(found) and found[k].start < b:
            m = found[k]
            k += 1
            if m.start < a:
                continue
            # Re-base on the clause: offsets and the text after it stop at the clause's end.
            m.start -= a
            m.end = min(m.end, b) - a
            m.after = clause[m.end :]
            if m.start >= 1 and clause[m.start - 1] == "-" and (m.start < 2 or not clause[m.start - 2].isdigit()):
                m.sign = -1  # an explicit minus sign (-9.4%, 自然增长率-1.23‰) is kept
            if not _skip(clause, m):
                mentions.append(m)
        kept = _keep(lex, mentions, clause)
        i = 0
        while i < len(kept):
            m, pre = kept[i]
            j = i + 1  # coordinated followers: 分别增长8%和10%, 5.27万元、2.67万元
            while j < len(kept) and _COORD_ONLY.fullmatch(_SPACES.sub("", kept[j][1])):
                j += 1
            group = [g for g, _ in kept[i:j]]
            reading = _read_pre_cached(pre)
            pre_clean = _SPACES.sub("", pre)
            metric = reading.metric
            distribute = bool(_DISTRIBUTE.search(pre_clean))
            if pre_clean.endswith("等"):  # A、B、C等30场招商活动: the metric follows the count
                metric = _subject_after(lex, m.after) or metric
            if metric and metric in lex.action_verbs and _names_itself(lex, m):
                metric += _subject_after(lex, m.after)  # 新建50个村级综合服务中心
            if not metric and distribute and len(group) > 1 and len(history) >= len(group):
                # 接待游客…, 实现旅游总收入…, 分别增长12.3%和15.6%: one value per metric named before.
                for g, met in zip(group, history[-len(group) :], strict=True):
                    _emit(ctx, cues or _Cues(lex, sentence), a, c_abs, c_end, g, met, reading, out, "history")
                i = j
                continue
            how = "own"
            if not metric:
                # 27个项目进入省重大项目投资计划: a count followed by its noun phrase names itself.
                if _names_itself(lex, m):
                    metric = _subject_after(lex, m.after)
                    how = "subject"
                if not metric and carried:
                    metric = carried
                    how = "carried"
                    if carried_reading is not None and (
                        _QUOTED_TARGET.match(m.after) or pre_clean.endswith(("目标为", "目标是"))
                    ):
                        # 上涨2.1%,低于3%的调控目标: the quoted target measures what the outcome did.
                        reading = replace(reading, measure=carried_reading.measure, sign=carried_reading.sign)
                if not metric and _GROWTH_AFTER.match(m.after):
                    metric = "经济"  # 实现9.5%左右的增长: growth of the economy as a whole
                    how = "economy"
            if metric in lex.carry_words and carried:
                metric = carried.removeprefix("新增")  # 新增规上工业企业189家,总数达1053家
                how = "carried"
            if metric.startswith("占") and carried and not carried.startswith("占"):
                # 增加值141.51亿元,占生产总值的94.0%: the share of the carried metric
                metric = carried + metric.removesuffix("的") + ("" if metric.endswith("比重") else "比重")
                how = "share"
            if metric in _RATE_WORDS and carried and carried not in _RATE_WORDS:
                metric = carried + metric  # 增长5.7%,增速同比提高2.3个百分点: the rate of the carried metric
                how = "carried"
            if reading.contribution and carried and metric.startswith(lex.contribution):
                metric = carried + metric  # 第一产业增加值…, 拉动GDP增长0.2个百分点
                how = "contribution"
            i = j
            if not metric:
                continue
            regions: list[str] = []
            if distribute and (rl := _region_list(lex, metric)) is not None:
                regions, metric = rl  # 甲区、乙区和丙区分别实现地区生产总值…: one item per region
            parts = _split_coordinated(metric) if (len(group) > 1 or distribute) and not regions else [metric]
            if regions and len(regions) == len(group):
                for g, reg in zip(group, regions, strict=True):
                    if cues is None:
                        cues = _Cues(lex, sentence)
                    _emit(ctx, cues, a, c_abs, c_end, g, metric, reading, out, "regions")
                    out[-1].region = reg
                carried = metric
                carried_reading = reading
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
                pairs = [(g, metric) for g in group]
            for g, met in pairs:
                if cues is None:
                    cues = _Cues(lex, sentence)
                _emit(ctx, cues, a, c_abs, c_end, g, met, reading, out, how)
            if not in_paren:
                last_group = [met for _, met in pairs] if len(pairs) > 1 else last_group
                if not (carried and metric.startswith(carried) and metric[len(carried) :] in _RATE_WORDS):
                    carried = pairs[-1][1] if len(pairs) == 1 else metric
                if not reading.gap:
                    carried_reading = reading
                for _, met in pairs:
                    if not history or history[-1] != met:
                        history.append(met)
    for r in find_rankings(sentence) if may_rank else ():
        metrics: list[str | None] = [r.metric or carried]
        if r.metric is None and r.distribute and len(last_group) > 1:
            metrics = list(last_group)  # 甲、乙分别达到…, 均保持全省第三: one claim per metric
        for metric in metrics:
            if not metric:
                continue
            period = _period(ctx, sentence, s_start + r.start)
            if r.move < 0:
                period = _earlier_period(ctx, s_start + r.start, period)
            out.append(
                Item(
                    text="", kind="ranking", start=s_start + r.start, end=s_start + r.end, metric=metric,
                    measure=r.measure, rank=r.rank, peer_group=r.peer_group, comparator=r.comparator, period=period,
                    rule=r.rule if r.metric else f"{r.rule}.carried",
                    confidence=ranking_confidence(r.rule, carried=r.metric is None, metric=metric, garbled=ctx.garbled),
                )
            )


_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
_WORD_OR_DIGIT = re.compile(r"[,、\u4e00-\u9fff\d]")


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
            after != "" and after in "0123456789." and before != "" and _WORD_OR_DIGIT.match(before) is not None
        )
        if soft:
            pieces.append(text[last:s])
            pieces.append(" " * (e - s))
            last = e
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


_TASK_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")


def _add_tasks(ctx: DocumentContext, text: str, drafts: list[Item]) -> None:
    """Task items for the commitments no quantified item covers (none in reviews and bulletins)."""
    if ctx.genre == BULLETIN:
        return
    spans = sorted((d.start, d.end) for d in drafts)
    starts = [s for s, _ in spans]
    tasks: list[Item] = []
    for m in _TASK_SENTENCE.finditer(text, ctx.body_start):
        section = ctx.section(m.start())
        if section == "review" or not is_commitment(m.group(), in_plan=section == "plan"):
            continue
        lo = bisect_left(starts, m.start())  # items never start before their sentence
        hi = bisect_left(starts, m.end())
        covered = spans[lo:hi]
        for a, b in uncovered_runs(text, m.start(), m.end(), covered):
            if b - a >= 4:
                tasks.append(Item(kind="task", text="", start=a, end=b, rule="task", confidence=task_confidence()))
    drafts.extend(tasks)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Is `pos` inside one of the sorted, non-overlapping `spans`?"""
    k = bisect_right(spans, (pos, len(spans) + pos + 1)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


#: A corpus header block (SOURCE:/TYPE:/REGION:/YEAR: lines, then a blank line) opens a document.
_HEADER_BLOCK = re.compile(r"^SOURCE:[^\n]*\n(?:[A-Z]+:[^\n]*\n)*\n", re.MULTILINE)


def _documents(text: str) -> list[tuple[int, int]]:
    """Spans of the documents in a text: one, or one per header block when several were concatenated."""
    starts = [m.start() for m in _HEADER_BLOCK.finditer(text)]
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
                comparator="=", period=_period(ctx, "", c.start), rule="table", table=True,
                confidence=table_confidence(c.metric, c.unit, garbled=ctx.garbled),
            )
        )
    flowing = _join_soft_breaks(text)
    for m in _SENTENCE.finditer(flowing, ctx.body_start):
        if _inside(m.start(), consumed):
            continue
        if m.start() == 0 or flowing[m.start() - 1] == "\n":
            ctx.carry_sub = None  # a new paragraph: no period carries into it
        _process_sentence(lex, ctx, flowing, m.start(), m.end(), drafts)
        sub = sentence_sub_period(m.group()) if ctx.section(m.start()) == "review" else None
        if sub:
            ctx.carry_sub = sub
    _add_tasks(ctx, flowing, drafts)
    _assign_regions(ctx, text, drafts, region)
    return drafts


def _assign_regions(ctx: DocumentContext, text: str, drafts: list[Item], region: str | None) -> None:
    """Region per item: named at the clause's start, else the document's (header, else the caller's)."""
    path = ctx.region or region
    doc_region = most_specific(path)
    extra = tuple(name_path(path))
    codes: dict[str | None, str | None] = {}
    for d in drafts:
        if d.region is None and d.kind != "task":
            d.region = region_at_start(text[d.start : d.end], extra) or doc_region
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
    for d in drafts:  # map normalised spans back to the original text, then fill what needs the whole item
        s, e = nt.to_original(d.start, d.end)
        # Trim the clause's trailing punctuation and surrounding spaces from the reported span.
        while e > s and nt.original[e - 1] in " \t\n。，,;；:：":
            e -= 1
        while s < e and nt.original[s] in " \t\n":
            s += 1
        d.start, d.end, d.text = s, e, nt.original[s:e]
        d.indicator = match_indicator(d.metric) if d.metric else None
        if d.unit in ("万", "亿", "万亿") and d.indicator and d.measure != "growth":
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
