"""English wording of a target's status, for the English pages: the same facts as `explain.describe`.

Why a sibling module and not a translation catalogue: the explanation is assembled from figures and
phrases (a span of months, a growth, how the year was extrapolated, the comparison), and English orders
them differently; a catalogue of whole sentences could not hold them. The numbers are formatted by
`explain.num`/`approx` so both languages print the same figures; units stay as the catalog writes them
(亿元, 万元, %), since they are the data's own.
"""

from __future__ import annotations

from typing import Final

from targetboard.analytics.compare import ACHIEVED
from targetboard.analytics.explain import approx, num, share_phrase
from targetboard.analytics.forecast import SEASONAL_SHARE, Reading
from targetboard.analytics.series import Position
from targetboard.analytics.target import TargetSpec

MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RECENT: Final = {1: "last year", 2: "the last two years", 3: "the last three years"}


def span_en(pos: Position) -> str:
    """The months a position covers: Jan–Jun, Jan, the full year, Jun, Q3, H2."""
    month, covered = pos
    if covered == month:
        return "the full year" if month == 12 else "Jan" if month == 1 else f"Jan–{MONTHS[month - 1]}"
    if covered == 1:
        return MONTHS[month - 1]
    if covered == 3 and month % 3 == 0:
        return f"Q{month // 3}"
    if covered == 6 and month == 12:
        return "H2"
    return f"{MONTHS[month - covered]}–{MONTHS[month - 1]}"


def _where(kind: str, pos: Position) -> str:
    if kind == "stock":
        return "at year end" if pos[0] == 12 else f"at the end of {MONTHS[pos[0] - 1]}"
    return f"in {span_en(pos)}" if pos != (12, 12) else "for the full year"


def _years(year: int, used: list[int]) -> str:
    ordered = sorted(used, reverse=True)
    if ordered == list(range(year - 1, year - 1 - len(ordered), -1)) and len(ordered) in _RECENT:
        return _RECENT[len(ordered)]
    return ", ".join(str(y) for y in sorted(ordered))


def growth_en(g: float) -> str:
    """up 8.2% year on year / down 3.1% year on year / flat year on year."""
    if g == 0:
        return "flat year on year"
    return f"{'up' if g > 0 else 'down'} {num(abs(g))}% year on year"


def _target_phrase(target: TargetSpec, quantity: str) -> tuple[str, str]:
    unit = "%" if quantity == "growth" else target.unit
    noun = {"level": "the target", "change": "the target increase"}.get(quantity) or (
        "the target price rise" if target.kind == "index" else "the target growth")
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        bounds = f"{num(low)}%–{num(high)}%" if unit == "%" else f"{num(low)}–{num(high)} {unit}"
        return f"{noun} range {bounds}", num(low)
    about = "about " if target.comparator == "~" else ""
    shown = num(target.value)
    return f"{noun} of {about}{shown}{'' if unit == '%' else ' '}{unit}", shown


def _comparison(target: TargetSpec, quantity: str, x: float, shown_x: str, tolerance: float) -> str:
    phrase, shown_t = _target_phrase(target, quantity)
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        if x < low:
            return f"below {phrase}"
        if x > high:
            return f"above {phrase}"
        return f"within {phrase}"
    if target.comparator == "~" and abs(x - target.value) <= tolerance * (1 + 1e-9):
        return f"in line with {phrase}"
    if x > target.value:
        return ("just above " if shown_x == shown_t else "above ") + phrase
    if x < target.value:
        return ("just below " if shown_x == shown_t else "below ") + phrase
    return "meeting " + phrase


def describe_en(target: TargetSpec, reading: Reading, *, quantity: str, x: float, status: str,
                tolerance: float) -> str:
    """The English explanation of an evaluated target (the arguments of `explain.describe`)."""
    flow = target.kind == "flow_ytd"
    unit = "%" if target.unit == "个百分点" else target.unit
    sep = "" if unit == "%" else " "
    pos = reading.position
    if quantity == "growth":
        where = ("for the full year" if reading.complete else f"cumulative {span_en(pos)}") if flow \
            else _where(target.kind, pos)
        text = f"{growth_en(reading.actual)} {where}"
        if reading.derived:
            text += " (derived from the levels)"
        shown_x = num(x)
    elif flow and not reading.complete:
        text = f"cumulative {span_en(pos)}: {num(reading.actual)}{sep}{unit}; "
        if reading.method == SEASONAL_SHARE and reading.share is not None:
            text += (f"extrapolated by the share of these months in the full year over "
                     f"{_years(target.year, list(reading.share_years))} ({share_phrase(reading.share)})")
        else:
            text += "extrapolated at the pace so far"
        shown_x = approx(x)
        year_end = shown_x if x == reading.forecast else approx(reading.forecast)
        text += f", about {year_end}{sep}{unit} for the year"
    else:
        text = (f"full year: {num(reading.actual)}{sep}{unit}" if flow
                else f"{num(reading.actual)}{sep}{unit} {_where(target.kind, pos)}")
        shown_x = num(x)
    if quantity == "change":
        verb = "up" if x >= 0 else "down"
        amount = num(abs(x)) if reading.complete or not flow else "about " + approx(abs(x))
        text += f", {verb} {amount} {target.unit} on last year"
        shown_x = num(x) if reading.complete or not flow else approx(x)
    text += ", " + _comparison(target, quantity, x, shown_x, tolerance)
    if reading.complete:
        text += "; target achieved" if status == ACHIEVED else "; target missed"
    text = text[0].upper() + text[1:]
    return text


def no_data_en(year: int, what: str) -> str:
    """Why a target has no status: what is missing, in English (`what`: year, growth, ytd, base)."""
    return {"growth": f"No {year} year-on-year growth figures yet", "ytd": f"No {year} cumulative figures yet",
            "base": f"No full-year {year - 1} figure: the change on last year cannot be projected"}.get(
        what, f"No {year} figures yet")
