"""The one vocabulary of magnitude words (`units.toml`), read by the extractor and by the importer.

Why one file: the extractor (亿元 after a number in a report) and the importer (万元 in a sheet's
header, converted to the catalog's 亿元) must agree on what 万 and 亿 are; two lists drifted apart.
Each word says whether it is read in prose, in sheets, or both, and why where they differ.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Magnitude:
    word: str
    factor: float
    text: bool  # read after a number in policy text
    sheet: bool  # stripped and converted in imported sheets


@cache
def magnitudes() -> tuple[Magnitude, ...]:
    raw = tomllib.loads(resources.files("targetboard.catalog").joinpath("units.toml").read_text(encoding="utf-8"))
    return tuple(Magnitude(word, float(v["factor"]), bool(v["text"]), bool(v["sheet"]))
                 for word, v in raw["magnitudes"].items())


def text_magnitudes() -> list[str]:
    """The magnitude words the extractor reads after a number, in file order."""
    return [m.word for m in magnitudes() if m.text]


def sheet_magnitudes() -> dict[str, float]:
    """Magnitude word -> factor, as the importer strips and converts them."""
    return {m.word: m.factor for m in magnitudes() if m.sheet}
