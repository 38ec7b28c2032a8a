"""Reading single cells: numbers (with an optional unit), "no value" markers, yes/no and plain text.

Why a module of its own: the same cell rules apply to both input shapes, and they decide what a
user sees as an error. Accepted: Excel numbers, ``1,234.5``, full-width digits (``５８０．２``), a
trailing unit (``580.2亿元``, ``5.3%``). "No value" (empty, ``—``, ``-``, ``…``; list in ``headers.toml``)
is not an error. Anything else (``12,3a``, ``约580``) is, with a message saying what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from targetboard.ingest.names import fold
from targetboard.ingest.rules import load_rules
from targetboard.ingest.units import is_unit, unit_text

__all__ = ["CellError", "CellValue", "Number", "is_blank", "is_no_value", "parse_number", "parse_yes_no", "text_of"]

CellValue = str | int | float | bool | datetime | date | time | None
"""What a table cell holds: CSV gives str or None, openpyxl also numbers, booleans and dates."""

EXPECTED_NUMBER = "expected a number such as 580.2"

_NUMBER_RE = re.compile(
    r"^(?P<sign>[+-]?)"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?P<exp>[eE][+-]?\d+)?"
    r"(?P<unit>[^\d,.].*)?$"
)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-"})


class CellError(ValueError):
    """A cell that cannot be read as what its column expects; the message is user-facing."""


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric cell: the value as written and the unit written after it, if any (folded)."""

    value: float
    unit: str | None = None


def text_of(cell: CellValue) -> str:
    """The cell as the user sees it, for messages and for text columns (numbers without a trailing .0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell).strip()


def is_blank(cell: CellValue) -> bool:
    """Empty or whitespace only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_no_value(cell: CellValue) -> bool:
    """Blank, or a marker that says "no figure" (``—``, ``-``, ``…``)."""
    if is_blank(cell):
        return True
    if not isinstance(cell, str):
        return False
    s = cell.strip()
    return not s[0].isdigit() and fold(s) in load_rules().no_value  # no marker starts with a digit


def parse_number(cell: CellValue, extra_bases: frozenset[str] = frozenset()) -> Number | None:
    """A numeric cell as a Number, None for "no value"; raises CellError for anything else.

    ``extra_bases`` are the catalog's unit bases, so that any unit an indicator uses is recognised
    after a number.
    """
    if is_no_value(cell):
        return None
    if isinstance(cell, bool):
        raise CellError(f"{text_of(cell)} is not a number; {EXPECTED_NUMBER}")
    if isinstance(cell, int | float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise CellError(f"{cell} is not a number; {EXPECTED_NUMBER}")
        return Number(float(cell))
    if isinstance(cell, datetime | date | time):
        raise CellError(f"the date {text_of(cell)} is not a number; {EXPECTED_NUMBER} (format the cell as a number)")
    raw = str(cell).strip()
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw).translate(_MINUS))
    m = _NUMBER_RE.match(s)
    if m is None or (m.group("unit") and not is_unit(m.group("unit"), extra_bases)):
        raise CellError(f"text {raw!r} is not a number; {EXPECTED_NUMBER}")
    number = float(m.group("sign") + m.group("num").replace(",", "") + (m.group("exp") or ""))
    unit = unit_text(m.group("unit")) if m.group("unit") else None
    return Number(number, unit)


def parse_yes_no(cell: CellValue) -> bool | None:
    """The template's 累计 cell: True/False, None when blank; raises CellError otherwise."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        return cell
    key = fold(text_of(cell))
    rules = load_rules()
    if key in rules.yes:
        return True
    if key in rules.no:
        return False
    raise CellError(
        f"{text_of(cell)!r} is not 是 or 否; expected 是 (year-to-date, 1-N月累计), 否 (the period alone) or blank"
    )
