"""Chinese wording for statuses and rankings: numbers, periods and the comparison with a target.

Why a module of its own: the explanation is what a leader reads in the bulletin
(``1-6月累计580亿元，按近三年同期占全年比重47.5%推算，全年约1221亿元，高于目标1200亿元``), so its
wording is product surface that changes for reasons unrelated to the arithmetic. Everything here
turns numbers into text and computes nothing that a status depends on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from targetboard.analytics.compare import ACHIEVED
from targetboard.analytics.forecast import SEASONAL_SHARE, Reading
from targetboard.analytics.series import FULL_YEAR, Position
from targetboard.analytics.target import TargetSpec

__all__ = [
    "approx",
    "describe",
    "growth_phrase",
    "num",
    "period_phrase",
    "relation",
    "share_phrase",
    "span_phrase",
    "stock_phrase",
    "years_phrase",
]

_QUARTERS: Final = ("一", "二", "三", "四")
_RECENT: Final = {1: "上年", 2: "近两年", 3: "近三年"}


def _nudge(x: float) -> float:
    """Move ``x`` a hair away from zero so that halves round up as people round them: 47.25 is stored
    as 47.2499999..., and a bulletin that printed 47.2% beside a hand calculation of 47.3% would look wrong."""
    return x + x * 1e-12


def num(x: float, decimals: int = 2) -> str:
    """A reported figure: at most ``decimals`` places, trailing zeros dropped (580, 63.44, 8.2)."""
    if x % 1 == 0 and -1e15 < x < 1e15:  # the common case (580, 1200): no formatting and stripping
        return str(int(x))
    if not math.isfinite(x):
        return str(x)
    s = f"{_nudge(x):.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def approx(x: float) -> str:
    """A forecast, to the precision it deserves: whole units from 100 up, one place from 10, else two."""
    a = abs(x)
    return num(x, 0 if a >= 100 else 1 if a >= 10 else 2)


def share_phrase(share: float) -> str:
    """A share of the year as a percentage with one decimal, as bulletins print it (47.5%, 48.0%)."""
    return f"{_nudge(share * 100):.1f}%"


def span_phrase(pos: Position) -> str:
    """The months a position covers: 1-6月, 1月, 全年, 6月, 三季度, 下半年."""
    month, covered = pos
    if covered == month:
        return "全年" if month == 12 else "1月" if month == 1 else f"1-{month}月"
    if covered == 1:
        return f"{month}月"
    if covered == 3 and month % 3 == 0:
        return f"{_QUARTERS[month // 3 - 1]}季度"
    if covered == 6 and month == 12:
        return "下半年"
    return f"{month - covered + 1}-{month}月"


def stock_phrase(pos: Position) -> str:
    """When a stock was read: at the end of a month, or at the end of the year (6月末, 年末)."""
    return "年末" if pos[0] == 12 else f"{pos[0]}月末"


def period_phrase(year: int, pos: Position) -> str:
    """A period with its year, as rankings quote it: 2022年1-6月, 2022年, 2022年6月."""
    return f"{year}年" if pos == FULL_YEAR else f"{year}年{span_phrase(pos)}"


def years_phrase(year: int, used: Sequence[int]) -> str:
    """The earlier years a share was averaged over: 近三年 / 近两年 / 上年 when they are the years just
    before ``year``; otherwise the years themselves (2018、2020年), so a gap in the data is visible."""
    ordered = sorted(used, reverse=True)
    if ordered == list(range(year - 1, year - 1 - len(ordered), -1)) and len(ordered) in _RECENT:
        return _RECENT[len(ordered)]
    return "、".join(str(y) for y in sorted(ordered)) + "年"


def growth_phrase(g: float, *, price: bool = False) -> str:
    """同比增长8.2% / 同比下降3.1% / 同比持平; prices 上涨 rather than 增长."""
    if g == 0:
        return "同比持平"
    verb = ("上涨" if price else "增长") if g > 0 else "下降"
    return f"同比{verb}{num(abs(g))}%"


def relation(x: float, shown_x: str, target: float, shown_target: str) -> str:
    """高于 / 低于 / 达到; 略高于 / 略低于 when the two print the same but are not equal."""
    if x > target:
        return "略高于" if shown_x == shown_target else "高于"
    if x < target:
        return "略低于" if shown_x == shown_target else "低于"
    return "达到"


# --- status explanations --------------------------------------------------------------------------


def _where(kind: str, pos: Position) -> str:
    """Where a non-flow reading sits in the year: 6月末 for a stock, 1-6月 / 6月 / 全年 otherwise."""
    return stock_phrase(pos) if kind == "stock" else span_phrase(pos)


_NOUNS: Final = {"level": "目标", "change": "目标增量"}


def _target_phrase(target: TargetSpec, quantity: str) -> tuple[str, str]:
    """(the target as printed, the number alone for the 略高于 test)."""
    unit = "%" if quantity == "growth" else target.unit
    noun = _NOUNS.get(quantity) or ("目标涨幅" if target.kind == "index" else "目标增速")
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        bounds = f"{num(low)}%-{num(high)}%" if unit == "%" else f"{num(low)}-{num(high)}{unit}"
        return f"{noun}区间{bounds}", num(low)
    suffix = "左右" if target.comparator == "~" else ""
    shown = num(target.value)
    return f"{noun}{shown}{unit}{suffix}", shown


def _comparison(target: TargetSpec, quantity: str, x: float, shown_x: str, tolerance: float) -> str:
    """高于目标1200亿元 / 低于目标增速7% / 符合目标7%左右 / 处于目标区间6%-6.5%之内."""
    phrase, shown_t = _target_phrase(target, quantity)
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        if x < low:
            return f"低于{phrase}"
        if x > high:
            return f"高于{phrase}"
        return f"处于{phrase}之内"
    if target.comparator == "~" and abs(x - target.value) <= tolerance * (1 + 1e-9):
        return f"符合{phrase}"
    return relation(x, shown_x, target.value, shown_t) + phrase


def describe(target: TargetSpec, reading: Reading, *, quantity: str, x: float, status: str,
             tolerance: float) -> str:
    """The explanation of an evaluated target: the reading, how it was extrapolated, the comparison.

    ``x`` is the compared forecast (for a change target: the forecast change on last year).
    """
    flow = target.kind == "flow_ytd"
    level_unit = "%" if target.unit == "个百分点" else target.unit
    pos = reading.position
    if quantity == "growth":
        if flow:
            where = "全年" if reading.complete else f"{span_phrase(pos)}累计"
        else:
            where = _where(target.kind, pos)
        text = where + growth_phrase(reading.actual, price=target.kind == "index")
        if reading.derived:
            text += "（据数值推算）"
        shown_x = num(x)
    elif flow and not reading.complete:
        text = f"{span_phrase(pos)}累计{num(reading.actual)}{level_unit}，"
        if reading.method == SEASONAL_SHARE and reading.share is not None:
            years = years_phrase(target.year, reading.share_years)
            text += f"按{years}同期占全年比重{share_phrase(reading.share)}推算"
        else:
            text += "按时序进度推算"
        shown_x = approx(x)
        text += f"，全年约{shown_x if x == reading.forecast else approx(reading.forecast)}{level_unit}"
    else:
        where = "全年" if flow else _where(target.kind, pos)
        text = f"{where}{num(reading.actual)}{level_unit}" if flow else f"{where}为{num(reading.actual)}{level_unit}"
        shown_x = num(x)
    if quantity == "change":
        verb = "增加" if x >= 0 else "减少"
        amount = num(abs(x)) if reading.complete or not flow else "约" + approx(abs(x))
        text += f"，比上年{verb}{amount}{target.unit}"
        shown_x = num(x) if reading.complete or not flow else approx(x)
    text += "，" + _comparison(target, quantity, x, shown_x, tolerance)
    if reading.complete:
        text += "，已完成目标" if status == ACHIEVED else "，未完成目标"
    return text


#: How a status and a claim verdict read in Chinese, wherever they are shown (CLI, demo, reports).
STATUS_ZH: dict[str, str] = {
    "achieved": "已完成", "on_track": "进度正常", "at_risk": "有风险", "off_track": "难以完成", "no_data": "暂无数据",
}
VERDICT_ZH: dict[str, str] = {"true": "属实", "false": "不符", "incomplete": "数据不全", "no_data": "暂无数据"}
