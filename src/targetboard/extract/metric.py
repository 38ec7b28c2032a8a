"""Metric reading: the text left of a number -> metric, measure, sign, comparator word, modality.

``进出口总额力争增长`` -> metric 进出口总额, growth, strive; comparison bases (比上年同期, 较一季度, 比2015年),
time expressions, verbs and qualifiers leave the metric; coordinated metrics share their head noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from targetboard.extract.lexicon import Lexicon, alternation, lexicon
from targetboard.extract.region import REGION_SUFFIX

PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|“|”|\"|‘|’|《|》|【|】")
_BI_GAP = re.compile(
    r"(?:比|较)(?![重例率])(?P<x>[^比较,]{1,12}?)(?<![提升减降缩增最])(?P<dir>高出|高|低|快|慢|多|少)$"
)
_GAP = re.compile(rf"(?:{alternation(lexicon().data['gaps']['gap_words'])})(?P<thing>[^\d]{{2,}})$")
COORD = re.compile(r"[、和及与]")
SPACES = re.compile(r"\s+")


#: 比2020年, 相当于2017年的, 达到2020年的: the base of a comparison, not part of the metric.
_BASE_YEAR = re.compile(r"(?:比|较|相当于|达到|是|为)?(?:19|20)\d\d年(?:末|底)?(?:的)?$")


def clean_metric(lex: Lexicon, raw: str) -> str:
    """Strip time/region prefixes and verb/qualifier suffixes from a metric candidate."""
    s = PAREN.sub("", SPACES.sub("", raw))
    s = s.strip("#*-—·、和及与")
    s = lex.year_prefix_re.sub("", s)
    if "按" in s or "口径" in s:
        s = lex.basis_re.sub("", s)  # 按可比价格计算, 按人民币折算, 按同比口径: a basis, not the metric
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
class Reading:
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
def read_left_context(pre: str) -> Reading:
    """`_read_left_context` memoised: the same left contexts (比上年增长, 同比下降, 其中) recur all the time."""
    return _read_left_context(lexicon(), pre)


def _read_left_context(lex: Lexicon, pre: str) -> Reading:
    """Parse the text between the previous mention and this number, right to left.

    ``进出口总额力争增长`` -> metric 进出口总额, growth, modality strive;
    ``居民消费价格涨幅控制在`` -> 居民消费价格, growth, comparator <=.
    """
    s = PAREN.sub("", SPACES.sub("", pre))
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
        metric = clean_metric(lex, lex.base_re.sub("", s))
        return Reading(metric, "level", 1, None, None, False, two_year, True, False)
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
    metric = clean_metric(lex, s)
    sign = 1
    measure = "level"
    if measure_word is not None:
        measure = "growth"
        if measure_word in lex.growth_down or measure_word == "降幅":
            sign = -1
    if sign_override:
        sign = sign_override
    return Reading(metric, measure, sign, before, modality, gap, two_year, False, based, from_value)


_REGION_LIST = re.compile(
    r"^(?P<list>.+?)(?:[一二三四五六七八九十两\d]+个(?:区|县|市|镇|乡|街道|县区|县市区))?(?:分别|均)(?P<rest>.+)$"
)


def region_list(lex: Lexicon, metric: str) -> tuple[list[str], str] | None:
    """``甲区、乙区和丙区三个区分别实现地区生产总值`` -> ([甲区, 乙区, 丙区], 地区生产总值)."""
    m = _REGION_LIST.match(metric)
    if not m:
        return None
    names = [p for p in _COORD_SPLIT.split(m.group("list")) if p]
    if len(names) < 2 or not all(REGION_SUFFIX.match(n) for n in names):
        return None
    rest = clean_metric(lex, m.group("rest"))
    return (names, rest) if rest else None


#: A count after a list (甲、乙两项) is no shared head noun.
_COUNT_OPENERS = frozenset("一二两三四五六七八九十几多")
_COORD_SPLIT = re.compile(r"、|和|与|及(?!以[上下])")
_ORDINAL_HEAD = re.compile(r"^(?P<prefix>第?)(?P<n>[一二三四五六七八九十])(?P<head>[\u4e00-\u9fff]{2,})$")
_ORDINAL_BARE = re.compile(r"^第?[一二三四五六七八九十]$")


def _ordinal_list(parts: list[str]) -> list[str] | None:
    """``第一、二、三产业增加值`` -> 第一产业增加值, 第二产业增加值, 第三产业增加值."""
    last = _ORDINAL_HEAD.match(parts[-1])
    if last is None or not all(_ORDINAL_BARE.match(p) for p in parts[:-1]):
        return None
    prefix = "第" if parts[0].startswith("第") else last.group("prefix")
    head = last.group("head")
    return [prefix + p.lstrip("第") + head for p in parts[:-1]] + [prefix + last.group("n") + head]


_ASCII_CODE = re.compile(r"[A-Za-z][A-Za-z0-9.]*")
_HEAD_AFTER = re.compile(r"^(?:及以上|及以下|以上|以下)")


def split_coordinated(metric: str) -> list[str]:
    """A coordinated metric list, the shared head noun given to every member.

    ``A、B和C等支出`` -> A支出, B支出, C支出; ``0-17岁、18-34岁、60岁及以上户籍人口`` -> …岁户籍人口 each;
    ``城乡居民人均可支配收入`` -> 城镇…, 农村…; ``城镇、农村居民人均可支配收入`` -> 城镇居民…, 农村居民….
    """
    parts = [p for p in _COORD_SPLIT.split(metric) if p]
    if len(parts) > 1 and (od := _ordinal_list(parts)) is not None:
        return od
    if len(parts) == 1 and metric.startswith("城乡"):
        rest = metric[2:]
        return [f"城镇{rest}", f"农村{rest}"]
    if len(parts) > 1:
        last = parts[-1]
        head = ""
        code = _ASCII_CODE.match(last)
        if code and all(_ASCII_CODE.fullmatch(p) for p in parts[:-1]) and code.end() < len(last):
            head = last[code.end() :]  # PM2.5、PM10年均浓度 -> PM2.5年均浓度, PM10年均浓度
            return [p + head for p in parts[:-1]] + [last]
        if "等" in last[1:-1]:
            last, head = last.split("等", 1)
        else:
            ends = {p[-1] for p in parts[:-1]}
            k = last.rfind(next(iter(ends))) if len(ends) == 1 else -1
            if 0 <= k < len(last) - 2:
                head = _HEAD_AFTER.sub("", last[k + 1 :])
                last = last[: len(last) - len(head)]
            elif len(lengths := {len(p) for p in parts[:-1]}) == 1 and (n := lengths.pop()) <= 4:
                # 城镇、农村居民人均可支配收入, 进口、出口总额: members as long as each other, the head after the
                # last member's first as many characters
                rest = last[n:]
                if len(rest) >= 2 and rest[0] not in _COUNT_OPENERS and not any(c.isdigit() for c in rest):
                    head, last = rest, last[:n]
        if head:
            tail = last if last.endswith(head) else last.removesuffix("等") + head
            return [p + head for p in parts[:-1]] + [tail]
    return parts


RATE_WORDS = frozenset(lexicon().data["gaps"]["rate_words"])
