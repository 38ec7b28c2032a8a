"""Find quantities in a clause and read their value, unit, comparator and measure.

A *mention* is a number with its unit and the qualifiers glued to it (``突破1200亿元``,
``下降3%以上``, ``6800多万``, ``6%-6.5%``, ``百分之六``, ``三成``, ``翻一番``). Chinese numerals
are read only where a mention pattern matched them, never over whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from targetboard.extract.lexicon import Lexicon, alternation, lexicon
from targetboard.extract.numbers import parse_number, split_magnitude

_CN = "[零〇一二两三四五六七八九十百千万亿]"
_CN_NUM = f"{_CN}+(?:点[零〇一二三四五六七八九]+)?"
_AR_NUM = r"\d+(?:\.\d+)?"
_DASH = r"(?:-|~|～|—|–|至|到)"
# The same numbers with the first character written as a class of its own (``\d\d*`` for ``\d+``): a
# pattern whose first element is a character class lets the regex engine skip ahead to the candidates;
# one that opens on a repeat gets a match attempt at every position of the clause.
_AR_NUM_LEAD = r"\d\d*(?:\.\d+)?"
_CN_NUM_LEAD = f"{_CN}{_CN}*(?:点[零〇一二三四五六七八九]+)?"
_CJK_AT = re.compile(r"[\u4e00-\u9fff]")
_CN_AFTER_OK = re.compile(r"以上|左右|以内|以下|上下|大关|的(?:目标|增长|水平)")



@dataclass(slots=True)
class Mention:
    """A quantity inside a clause; offsets are relative to the clause string."""

    start: int
    end: int
    value: float
    value_high: float | None
    unit: str | None
    comparator: str | None  # from qualifiers glued to the number, None if none
    more: bool  # 多/余 between number and unit
    after: str  # text right after the mention to the clause end (filled in by the clause reader)
    chinese: bool
    fixed_measure: str | None = None  # 翻一番 etc. decide the measure themselves
    sign: int = 1


@dataclass(frozen=True)
class _Patterns:
    arabic: re.Pattern[str]
    chinese: re.Pattern[str]
    special: re.Pattern[str]
    more_unit: re.Pattern[str]
    after_first: frozenset[str]  # first characters of the qualifiers after a number (以上, 左右 ...)
    numeral_gate: re.Pattern[str]  # where a Chinese-numeral mention can start (see `_numeral_gate`)


@cache
def _patterns() -> _Patterns:
    lex = lexicon()
    unit = lex.unit_pattern
    arabic = re.compile(
        rf"(?P<num>{_AR_NUM_LEAD})[ \t]*(?:(?P<u1>%|‰|万亿|亿|万)?[ \t]*{_DASH}[ \t]*(?P<num2>{_AR_NUM}))?"
        rf"(?P<more>多|余)?[ \t]*(?P<unit>{unit})?"
    )
    chinese = re.compile(
        rf"(?P<num>{_CN_NUM_LEAD})(?:{_DASH}(?P<num2>{_CN_NUM}))?(?P<more>多|余)?(?P<unit>{unit})"
    )
    special = re.compile(
        rf"百分之(?P<pct>{_CN_NUM}|{_AR_NUM})(?:{_DASH}(?:百分之)?(?P<pct2>{_CN_NUM}|{_AR_NUM}))?"
        rf"|(?P<cheng>[一二两三四五六七八九](?:点[一二三四五六七八九])?)成(?=以上|左右|多|以内|[,。;:)]|$)"
        r"|翻了?(?P<fan>[一两二三四]?)番"
        r"|(?<=减少)(?P<half>一半)"
        rf"|(?P<mag>[一二两三四五六七八九]?[十百千]?(?:亿|万))(?=\s*大\s*关)"
    )
    more_unit = re.compile(rf"(?:多|余)(?P<unit>{alternation(lex.list('units', 'base'))})")
    return _Patterns(
        arabic, chinese, special, more_unit, frozenset(w[0] for w in lex.comparators_after), _numeral_gate(lex)
    )


def _numeral_gate(lex: Lexicon) -> re.Pattern[str]:
    """A numeral character right after a numeral cue (达到, 突破 ...) or a blank: the only places where
    `find_mentions` keeps a Chinese-numeral match.

    `find_mentions` keeps such a match only when the text before it, blanks stripped, ends on a numeral
    cue (`Lexicon.numeral_cue_re`); so the character before the match is a blank or the cue's last one.
    Scanning the clause with the numeral pattern costs a match attempt (numeral run, unit alternation) at
    every numeral character (一, 十, 万 of 一是, 十四五, 万元 ...); this gate is one skip-ahead scan that lets
    the pattern run in a few sentences in a hundred. The candidate character comes first, so the engine
    skips to it; a one-character look-behind on the cues' last characters rules most out before the
    exact cue look-behinds (one per cue length, as a look-behind has a fixed width).
    """
    cues = lex.list("quantity_cues", "numeral")
    last = "".join(sorted({re.escape(w[-1]) for w in cues}))
    by_length: dict[int, list[str]] = {}
    for w in cues:
        by_length.setdefault(len(w), []).append(w)
    exact = "|".join(f"(?<=(?:{alternation(ws)}){_CN})" for _, ws in sorted(by_length.items()))
    return re.compile(rf"{_CN}(?<=[\s{last}]{_CN})(?:(?<=\s{_CN})|{exact})")


def _after_qualifier(lex: Lexicon, text: str, pos: int) -> tuple[str | None, int]:
    """A qualifier glued after the quantity at `pos` (以上, 左右...): its comparator and length."""
    m = lex.after_re.match(text, pos)
    if not m:
        return None, 0
    return lex.comparators_after[m.group()], m.end() - pos


def may_hold_quantity(text: str) -> bool:
    """Cheap pre-check: can `find_mentions` find anything here? (digits, 百分之, 成, 番, 一半, 大关, a numeral
    after a numeral cue)."""
    if _QUICK.search(text) is not None:
        return True
    return _patterns().numeral_gate.search(text) is not None


# Pre-filters are single character classes (one scan, no alternation tried at every position):
# a digit, or a character every special pattern needs (百分之, 成, 翻番, 一半, 大关).
_QUICK = re.compile(r"[\d百成番半关]")
#: What every special match holds: 百分之; a numeral right before 成 (三成, 三点五成); 番; 一半; 大关 (blanks
#: allowed inside, as the pattern's look-ahead allows them). Each branch opens on a literal, so the
#: engine skips to candidates; the bare characters (成 of 完成/建成, 关 of 相关) no longer open the scan.
_SPECIAL_GATE = re.compile(r"百分之|成(?<=[一二两三四五六七八九]成)|番|一半|大\s*关")


def _may_hold_special(clause: str) -> bool:
    """Can the special pattern match? Each branch needs one of `_SPECIAL_GATE`'s forms.

    The special pattern has no first-character set, so a clause it scans costs a match attempt at every
    position; this gate is one skip-ahead scan and passes a few sentences in a thousand.
    """
    return _SPECIAL_GATE.search(clause) is not None


def _free(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    """Does the span s..e overlap none of the spans already taken?"""
    return all(e <= a or s >= b for a, b in taken)


def find_mentions(clause: str) -> list[Mention]:
    """All quantity mentions in a normalised clause, left to right, non-overlapping.

    `Mention.after` is left empty here: the clause reader fills it once it knows where the clause ends
    (slicing the rest of a long sentence for every mention would make this quadratic).
    """
    lex = lexicon()
    pats = _patterns()
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    specials = pats.special.finditer(clause) if _may_hold_special(clause) else ()
    for m in specials:
        if not _free(taken, m.start(), m.end()):
            continue
        g = m.groupdict()
        fixed = None
        high = None
        if g["pct"] is not None:
            value = parse_number(g["pct"])
            high = parse_number(g["pct2"]) if g["pct2"] else None
            unit = "%"
        elif g["cheng"] is not None:
            v = parse_number(g["cheng"])
            value = None if v is None else v * 10
            unit = "%"
        elif g["fan"] is not None:
            value = {"": 2.0, "一": 2.0, "两": 4.0, "二": 4.0, "三": 8.0, "四": 16.0}[g["fan"]]
            unit = "倍"
            fixed = "level"
        elif g["half"] is not None:
            value, unit = 50.0, "%"
        else:
            head, mag = split_magnitude(g["mag"])
            value = parse_number(head) if head else 1.0
            if head and head[0] in "十百千" and value is not None and value < 10:
                value = None
            unit = mag
            if head in ("十", "百", "千"):
                value = {"十": 10.0, "百": 100.0, "千": 1000.0}[head]
        if value is None:
            continue
        comp, n = _after_qualifier(lex, clause, m.end())
        end = m.end() + n
        if comp is None and g["pct"] is not None and high is not None:
            comp = "range"
        found.append(Mention(m.start(), end, value, high, unit, comp, False, "", True, fixed))
        taken.append((m.start(), end))

    n_special = len(found)
    arabics = pats.arabic.finditer(clause)  # opens on \d: a text without digits is one fast scan
    check_arabic = bool(taken)  # Arabic matches never overlap each other, only a special pattern
    after_at = lex.after_re.match
    after_first = pats.after_first
    comparators_after = lex.comparators_after
    for m in arabics:
        s, e = m.span()
        if check_arabic and not _free(taken, s, e):
            continue
        # One call for all groups (this loop runs for every number of the text): num, u1, num2, more, unit.
        num, u1, num2, more_word, unit_word = m.groups()
        unit = unit_word
        if unit is None and u1 and num2:  # "6%-6.5" without a closing unit
            unit = u1
        if not unit_word:  # with a unit, the match ends on it (the unit closes the pattern)
            e = m.end(4) if more_word else m.end(3) if num2 else m.end(1)
        value = float(num)
        high = float(num2) if num2 else None
        if high is not None and ((u1 is not None and not (unit or "").startswith(u1)) or high < value):
            high = None
            e = m.end(1)
            unit = u1
        more = bool(more_word)
        if unit in ("万", "亿", "万亿") and (mm := pats.more_unit.match(clause, e)):
            unit, more, e = unit + mm.group("unit"), True, mm.end()  # 24万多亩
        # A qualifier glued after the quantity (以上, 左右...), as `_after_qualifier`.
        qa = after_at(clause, e) if clause[e : e + 1] in after_first else None
        comp = None
        if qa is not None:
            comp = comparators_after[qa.group()]
            e = qa.end()
        if high is not None:
            comp = "range"
        found.append(Mention(s, e, value, high, unit, comp, more, "", False))

    n_before_chinese = len(found)
    chineses = pats.chinese.finditer(clause) if pats.numeral_gate.search(clause) else ()
    if chineses:  # the Arabic spans join the overlap test only when numerals are looked for
        taken += [(f.start, f.end) for f in found[n_special:]]
    for m in chineses:
        unit = m.group("unit")
        if unit in lex.weak_units:
            continue  # tested before the overlap test: the cheaper of two ways to drop a match
        s, e = m.span()
        if not _free(taken, s, e):
            continue
        pre = clause[:s].rstrip()
        if not lex.numeral_cue_re.search(pre):
            continue
        if not any(c in "零〇一二两三四五六七八九十百千" for c in m.group("num")):
            continue  # a bare 亿/万 is a magnitude word (亿元以上项目), not a number
        if (
            _CJK_AT.match(clause, e)
            and not _CN_AFTER_OK.match(clause, e)
            and not lex.counted_numeral_cue_re.search(pre)
        ):
            continue  # 九项举措, 两个维护: a numeral naming a set, not a quantity
        head, mag = split_magnitude(m.group("num"))
        value = parse_number(head)
        if value is None:
            continue
        if mag:
            unit = mag + unit
        high = None
        if m.group("num2"):
            high = parse_number(m.group("num2"))
        comp, n = _after_qualifier(lex, clause, e)
        e += n
        if high is not None:
            comp = "range"
        found.append(Mention(s, e, value, high, unit, comp, bool(m.group("more")), "", True))
        taken.append((s, e))

    if n_special or len(found) > n_before_chinese:  # Arabic matches alone come in order already
        found.sort(key=lambda x: x.start)
    return found
