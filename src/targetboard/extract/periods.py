"""Periods: the ISO-like period code of a figure (2022, 2022H1, 2022Q3, 2022M01-M09, 2021-2025)."""

from __future__ import annotations

import re

from targetboard.extract.document import DocumentContext
from targetboard.extract.lexicon import alternation, lexicon

_P = lexicon().data["periods"]
BY_YEAR = re.compile(r"(?:到|至|在)(20\d\d)年")
FYP: dict[str, tuple[int, int]] = {k: (int(v[0]), int(v[1])) for k, v in _P["five_year_plans"].items()}
FYP_RE = re.compile(rf"({alternation(list(FYP))})[”\"’]?(?:期间|时期|末)")
#: A year opening the sentence, after at most a short phrase (初步核算,2022年 / 最终计算2021年全县…), not a
#: comparison base or a deadline (比2020年, 到2025年).
_YEAR_LEAD = re.compile(r"^\s*(?:[\u4e00-\u9fff,]{0,7}?(?<![比较与到至同]))?((?:19|20)\d\d)年(?![\d底末前])")
_TIME_PERIODS: tuple[tuple[str, str], ...] = tuple((str(w), str(c)) for w, c in _P["time_words"])
_MONTHS = re.compile(r"1-(\d{1,2})月")
_TIME_WORD = re.compile(alternation([w for w, _ in _TIME_PERIODS]))
_TIME_CODE = dict(_TIME_PERIODS)
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
             "十二": 12}
#: One period of a coordinated list: 1-6月 (year to date), 6月 or 六月(份), 上半年, 一季度, 前三季度, 全年; a
#: month is no day's month (5月1日).
_ONE_PERIOD = (rf"(?:1[-—~～至到](?:1[0-2]|0?[1-9])月|(?:1[0-2]|0?[1-9]|十[一二]|[一二三四五六七八九十])月"
               rf"|{alternation([w for w, _ in _TIME_PERIODS])}|全年)份?(?![\d一二三四五六七八九十]+日)")
_PERIOD_LIST = re.compile(rf"{_ONE_PERIOD}(?:(?:、|和|及|与){_ONE_PERIOD})+")
_YTD_MONTHS = re.compile(r"1[-—~～至到](\d+)月")
_ONE_MONTH = re.compile(r"(\d+|十[一二]|[一二三四五六七八九十])月")


def sentence_sub_period(sentence: str) -> str | None:
    """The first sub-year period a sentence names (1-6月 -> M01-M06, 上半年 -> H1), ignoring comparison
    bases (比上半年, 较一季度)."""
    months = _MONTHS.search(sentence)
    if months and months.group(1) != "12":
        return f"M01-M{int(months.group(1)):02d}"
    for m in _TIME_WORD.finditer(sentence):
        if m.start() and sentence[m.start() - 1] in "比较":
            continue
        return _TIME_CODE[m.group()]
    return None


def period_list(text: str) -> tuple[list[str], int, int] | None:
    """The last coordinated list of periods in `text` and its span: ``一季度、上半年、前三季度`` -> Q1, H1,
    M01-M09; ``1-3月、1-6月`` -> M01-M03, M01-M06; ``1月、2月和3月`` -> M01, M02, M03; ``全年`` -> "" (the
    year). None without one; a list after 比/较 is a comparison base, not one. A figure list distributed
    over it (``分别增长…``) has a period per figure."""
    if "月" not in text and "季" not in text and "半年" not in text:
        return None
    found = None
    for last in _PERIOD_LIST.finditer(text):
        if not (last.start() and text[last.start() - 1] in "比较"):  # 比一季度、上半年: comparison bases
            found = last
    if found is None:
        return None
    codes: list[str] = []
    for piece in re.split(r"、|和|及|与", found.group()):
        piece = piece.removesuffix("份")
        if (ytd := _YTD_MONTHS.fullmatch(piece)) is not None:
            n = int(ytd.group(1))
            codes.append("" if n == 12 else f"M01-M{n:02d}")
        elif (month := _ONE_MONTH.fullmatch(piece)) is not None:
            n = int(month.group(1)) if month.group(1).isdigit() else _CN_MONTH[month.group(1)]
            codes.append(f"M{n:02d}")
        else:
            codes.append("" if piece == "全年" else _TIME_CODE[piece])
    return codes, found.start(), found.end()


def cumulative(ctx: DocumentContext, sub: str, sentence: str) -> str:
    """A 三季度 in a year-to-date report is cumulative (M01-M09) unless the text says 当季."""
    if sub == "Q3" and ctx.sub_period is not None and "当季" not in sentence:
        return "M01-M09"
    return sub


def period_of(ctx: DocumentContext, sentence: str, pos: int) -> str | None:
    """ISO-like period code: 2022, 2022H1, 2022Q3, 2022M01-M09, 2021-2025."""
    # Every pattern below names a year (年), a plan (十四五) or a month (月): a sentence without the
    # character is not searched (this runs for every sentence with a figure).
    has_year = "年" in sentence
    m = BY_YEAR.search(sentence) if has_year else None
    if m:
        return m.group(1)
    f = FYP_RE.search(sentence) if "五" in sentence else None
    if f:
        a, b = FYP[f.group(1)]
        return str(b) if f.group(0).endswith("末") else f"{a}-{b}"
    lead = _YEAR_LEAD.search(sentence) if has_year else None
    year = int(lead.group(1)) if lead else ctx.period_year(pos)
    if year is None:
        return None
    m2 = _MONTHS.search(sentence) if "月" in sentence else None
    if m2 and m2.group(1) != "12":
        return f"{year}M01-M{int(m2.group(1)):02d}"
    sub = sentence_sub_period(sentence) if ("季" in sentence or "半年" in sentence) else None
    first = _TIME_WORD.search(sentence) if sub else None
    if first is not None and sentence.rfind("全年") > first.start():
        return str(year)  # 下半年，…确保全年…增长6%: the figure is the whole year's
    if sub:
        return f"{year}{cumulative(ctx, sub, sentence)}"
    if ctx.carry_sub and ctx.section(pos) == "review" and not lead and "全年" not in sentence:
        return f"{year}{ctx.carry_sub}"  # 一季度…。其中,…: the paragraph's period carries over
    if ctx.five_year(pos) and _SPAN_CUE.search(sentence):
        return f"{year - 4}-{year}"
    if ctx.sub_period and ctx.section(pos) == "review" and not lead and "全年" not in sentence:
        return f"{year}{ctx.sub_period}"
    return str(year)


def earlier_period(ctx: DocumentContext, pos: int, period: str | None) -> str | None:
    """The period of the earlier figure of a move (由第48位上升到…): the start of a five-year review."""
    y = ctx.period_year(pos)
    if y is not None and ctx.five_year(pos):
        return str(y - 5)
    return period


def two_year_period(ctx: DocumentContext, pos: int) -> str | None:
    """两年平均增长: the two years ending with the figure's year."""
    y = ctx.period_year(pos)
    return f"{y - 1}-{y}" if y is not None else None


def target_period(ctx: DocumentContext, period: str | None, kind: str) -> str | None:
    """A target in a mid-year report is for the whole year, not the report's sub-period."""
    if kind == "target" and period and ctx.sub_period and period.endswith(ctx.sub_period):
        return period[: -len(ctx.sub_period)]
    return period


_SPAN_CUE = re.compile(alternation(_P["span_cues"]))
