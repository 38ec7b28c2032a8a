"""Normalise policy text for matching while keeping a map back to the original.

The extractor matches rules written in simplified Chinese with ASCII digits and punctuation, but
every span it reports must point into the input *as given* (traditional script, pinyin glosses,
full-width digits and all). `normalize` therefore records every edit that changes length and can
translate any span of the normalised text back to the original.

Steps, in one pass over the input (so the offset map has a single layer):

1. pinyin glosses left by bad conversions, ``國(guó)內(nèi)`` -> ``國內``;
2. U+FFFD replacement characters and control characters (mojibake debris) are dropped;
3. thousands separators between digits are dropped (``2,345.6`` -> ``2345.6``);
4. odd decimal marks between digits become a point (``1·8%`` -> ``1.8%``);
5. NFKC, character by character (full-width digits and punctuation become ASCII);

then OpenCC's official ``t2s`` conversion, which keeps the length (checked; a line where it does not
is converted character by character so the offsets stay valid).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_DIGIT = "0-9０-９"
_HOST = r"\u3400-\u9fff\uf900-\ufaff"  # a CJK character: what a pinyin gloss follows
_JUNK = r"\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff"
_DOTS = "·•・․"
#: Where an edit starts: a pinyin gloss (its parenthesis after a CJK character), a junk character, a
#: thousands separator between digits (three digits after it, no fourth), an odd decimal mark between
#: digits. What must stand before or after is a look-around, so only real edits are found, and the
#: pattern opens on one character class, so the regex engine skips to candidates in C (a pattern
#: opening on an alternation of groups gets a full match attempt at every position, and testing every
#: comma of a Chinese text in Python costs more than the whole scan).
_EDIT_AT = re.compile(
    rf"[(（{_JUNK},，{_DOTS}]"
    rf"(?:(?<=[{_HOST}][(（])(?=[a-z{_TONED}]{{0,7}}[)）])|(?<=[{_JUNK}])"
    rf"|(?<=[{_DIGIT}][,，])(?=[{_DIGIT}]{{3}}(?![{_DIGIT}]))|(?<=[{_DIGIT}][{_DOTS}])(?=[{_DIGIT}]))"
)
#: The gloss itself, from its opening parenthesis: ``(guó)``.
_GLOSS = re.compile(rf"[(（][a-z{_TONED}]{{0,7}}[)）]")


@cache
def _nfkc_tables() -> tuple[dict[int, str], re.Pattern[str], re.Pattern[str] | None]:
    """Split NFKC into a length-preserving 1:1 table (with a class of its keys) and a regex of the rest.

    Most NFKC changes in Chinese text (full-width ``，１２％``) map one character to one, which never
    touches offsets; only the few that expand or vanish (``①`` -> ``1`` is 1:1, ``㎡`` -> ``m2`` is not)
    need to be recorded as edits. The 1:1 changes are applied by a regex over the table's keys rather
    than ``str.translate``: for non-ASCII text ``translate`` looks every character up in the dict (an int
    object and a hash per character), while the class test skips the unchanged CJK characters in C and
    only the few full-width characters reach Python.
    """
    one: dict[int, str] = {}
    multi: list[str] = []
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if n == ch:
            continue
        if len(n) == 1:
            one[cp] = n
        else:
            multi.append(ch)
    # Keep the separators that the edit regex recognises; ideographic space becomes a plain space.
    pattern = re.compile("[" + "".join(re.escape(c) for c in multi) + "]") if multi else None
    return one, re.compile(_char_class(sorted(one)) + "+"), pattern


def _char_class(cps: list[int]) -> str:
    """A regex character class of the sorted code points `cps`, runs written as ranges."""
    parts: list[str] = []
    k = 0
    while k < len(cps):
        j = k
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = chr(cps[k]), chr(cps[j])
        parts.append(re.escape(a) if j == k else f"{re.escape(a)}-{re.escape(b)}")
        k = j + 1
    return "[" + "".join(parts) + "]"


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The normalised text plus the edits that map its offsets back to `original`."""

    original: str
    text: str
    # Parallel lists, one entry per length-changing edit, sorted by position in `text`.
    _norm_starts: list[int] = field(default_factory=list, repr=False)
    _norm_ends: list[int] = field(default_factory=list, repr=False)
    _orig_starts: list[int] = field(default_factory=list, repr=False)
    _orig_ends: list[int] = field(default_factory=list, repr=False)

    def damaged(self, start: int = 0, end: int | None = None) -> bool:
        """Did normalisation remove debris (pinyin glosses, mojibake) between `start` and `end`?

        A length-changing edit that shortened the text by more than a thousands separator or a
        full-width form counts: only glosses and debris remove several characters at once.
        """
        end = len(self.text) if end is None else end
        lo = bisect_right(self._norm_starts, start - 1)
        for k in range(lo, len(self._norm_starts)):
            if self._norm_starts[k] >= end:
                break
            removed = (self._orig_ends[k] - self._orig_starts[k]) - (self._norm_ends[k] - self._norm_starts[k])
            if removed >= 3:
                return True
        return False

    def orig_start(self, pos: int) -> int:
        """Original offset of the character at normalised position `pos` (a span start)."""
        k = bisect_right(self._norm_starts, pos) - 1
        if k < 0:
            return pos
        if pos < self._norm_ends[k]:
            return self._orig_starts[k]
        return self._orig_ends[k] + (pos - self._norm_ends[k])

    def orig_end(self, pos: int) -> int:
        """Original offset just after normalised character ``pos - 1`` (a span end)."""
        if pos <= 0:
            return self.orig_start(0) if pos == 0 and not self.text else 0
        k = bisect_right(self._norm_starts, pos - 1) - 1
        if k < 0:
            return pos
        if pos - 1 < self._norm_ends[k]:
            return self._orig_ends[k]
        return self._orig_ends[k] + (pos - self._norm_ends[k])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span to the original span that produced it."""
        if not self._norm_starts and start >= 0:  # no length-changing edit (most texts): same offsets
            return (start, end) if end > start else (start, start)
        s = self.orig_start(start)
        if end <= start:
            return s, s
        return s, max(s, self.orig_end(end))


#: Phrases OpenCC's t2s leaves in traditional usage (著 is also a valid simplified character);
#: same length, so offsets are unaffected.
_PHRASE_FIXES = {
    "衣著": "衣着", "著力": "着力", "著重": "着重", "著眼": "着眼", "著手": "着手", "穿著": "穿着", "意味著": "意味着",
}
_PHRASE_RE = re.compile("|".join(_PHRASE_FIXES))


def _t2s(text: str) -> str:
    """Traditional -> simplified, keeping the length (per line, then per character if needed)."""
    if text.isascii():
        return text
    out = _t2s_raw(text)
    return _PHRASE_RE.sub(lambda m: _PHRASE_FIXES[m.group()], out) if "著" in out else out


def _t2s_raw(text: str) -> str:
    conv = _converter()
    out: str = conv.convert(text)
    if len(out) == len(text):
        return out
    lines = text.split("\n")
    fixed: list[str] = []
    for line in lines:
        c = conv.convert(line)
        if len(c) != len(line):
            c = "".join(x if len(x := conv.convert(ch)) == 1 else ch for ch in line)
        fixed.append(c)
    return "\n".join(fixed)


def normalize(text: str) -> NormalizedText:
    """Normalise `text` (see the module docstring); the result maps spans back to `text`."""
    one, one_re, multi = _nfkc_tables()
    pieces: list[str] = []
    ns: list[int] = []
    ne: list[int] = []
    os_: list[int] = []
    oe: list[int] = []
    pos_orig = 0
    pos_norm = 0

    def edits() -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        gloss_at = _GLOSS.match
        for c in _EDIT_AT.finditer(text):
            start = c.start()
            ch = text[start]
            if ch in "(（":
                g = gloss_at(text, start)  # matches: the look-ahead checked the gloss
                if g is None:
                    continue
                found.append((start, g.end(), ""))  # no edit starts inside a gloss (letters only)
            else:
                found.append((start, start + 1, "." if ch in _DOTS else ""))
        if multi is not None:
            for m in multi.finditer(text):
                found.append((m.start(), m.end(), unicodedata.normalize("NFKC", m.group())))
            found.sort()
        return found

    for s, e, repl in edits():
        if s < pos_orig:  # overlapping match from the two scans: the first wins
            continue
        pieces.append(text[pos_orig:s])
        pos_norm += s - pos_orig
        if len(repl) != e - s:
            ns.append(pos_norm)
            ne.append(pos_norm + len(repl))
            os_.append(s)
            oe.append(e)
        pieces.append(repl)
        pos_norm += len(repl)
        pos_orig = e
    pieces.append(text[pos_orig:])
    staged = "".join(pieces)
    staged = staged.translate(one) if staged.isascii() else one_re.sub(lambda m: m.group().translate(one), staged)
    return NormalizedText(text, _t2s(staged), ns, ne, os_, oe)


def to_simplified(text: str) -> str:
    """Just the normalised string (for lexicon entries and user queries, where no offsets matter)."""
    return normalize(text).text

