"""Number parsing: Arabic and Chinese numerals, applied only to spans a rule already matched.

Never run this over whole text: 一般, 第一产业 and 十四五 must stay words. The quantity rules
decide where a numeral is a quantity; this module only turns that matched surface into a value.
"""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿点"


def parse_chinese_integer(s: str) -> int | None:
    """``一千二百`` -> 1200, ``十五`` -> 15, ``三万五千`` -> 35000, ``一二三`` -> 123; None if malformed."""
    if not s:
        return None
    if all(c in _DIGITS for c in s):  # digit-by-digit reading (二〇二二)
        return int("".join(str(_DIGITS[c]) for c in s))
    total = 0
    section = 0
    number = 0
    for c in s:
        if c in _DIGITS:
            number = _DIGITS[c]
        elif c in _SMALL:
            section += (number or 1) * _SMALL[c]
            number = 0
        elif c in _LARGE:
            section += number
            total += (section or 1) * _LARGE[c]
            section = 0
            number = 0
        else:
            return None
    return total + section + number


def parse_chinese_number(s: str) -> float | None:
    """A Chinese numeral with an optional decimal part: ``三点五`` -> 3.5."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = parse_chinese_integer(whole) if whole else 0
        if w is None or not frac or any(c not in _DIGITS for c in frac):
            return None
        return float(f"{w}.{''.join(str(_DIGITS[c]) for c in frac)}")
    v = parse_chinese_integer(s)
    return None if v is None else float(v)


def parse_number(s: str) -> float | None:
    """Arabic (already NFKC-normalised, separators removed) or Chinese numeral."""
    try:
        return float(s)
    except ValueError:
        return parse_chinese_number(s)


def split_magnitude(numeral: str) -> tuple[str, str]:
    """Split a trailing magnitude off a Chinese numeral: ``一千二百亿`` -> (``一千二百``, ``亿``).

    The magnitude belongs to the unit (the spec keeps ``亿元`` as the unit), so ``一千二百亿元`` is
    1200 亿元, not 1.2e11 元.
    """
    for mag in ("万亿", "亿", "万"):
        if numeral.endswith(mag) and len(numeral) > len(mag):
            head = numeral[: -len(mag)]
            if mag == "万" and head.endswith("亿"):
                continue
            return head, mag
    return numeral, ""
