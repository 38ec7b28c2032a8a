"""Which region a document is about, and its GB/T 2260 code where the shipped division list has it.

Why a module of its own: a research panel is keyed by region, and documents say where they are from
in three places of falling reliability: a ``REGION:`` header (corpus files), the opening lines
(``扬中市人民政府工作报告``, ``镇江市2022年国民经济和社会发展统计公报``) and the folder or file name
researchers sort their downloads into (``扬中市/2022.txt``). Codes come only from an exact match on the
shipped list (Jiangsu down to county level), using the parent named in the chain when a name occurs
twice (鼓楼区 is in 南京 and in 徐州); a guess would put figures in the wrong county's panel row.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePath

from targetboard.catalog.regions import RegionRecord, jiangsu_regions, regions_by_name
from targetboard.text.normalize import to_simplified

#: One administrative name: two to ten characters and a suffix, or a one-character county (沛县).
_NAME = r"[\u4e00-\u9fff]{2,10}?(?:特别行政区|自治区|自治州|自治县|省|市|县|区|州|旗|盟)|[\u4e00-\u9fff]县"
_NAME_RE = re.compile(_NAME)
#: A region named as a document's author or subject in its opening lines.
_OPENING_RE = re.compile(
    rf"((?:{_NAME})+?)(?:\d{{4}}年|二〇[〇一二三四五六七八九]{{2}}年)?"
    r"(?:人民政府|政府工作报告|国民经济和社会发展|统计公报|统计局|[一二三四五六七八九十]+届人大|人大)"
)
_PAREN_RE = re.compile(r"\s*[(（][^)）]*[)）]\s*")
_NATIONAL = ("全国", "国务院", "中国", "中华人民共和国")
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "省", "市", "县", "区", "州", "旗", "盟")


_by_name = regions_by_name


@cache
def _by_short_name() -> dict[str, list[RegionRecord]]:
    """Names without their suffix (扬中 -> 扬中市), for folder names; only two characters or more."""
    out: dict[str, list[RegionRecord]] = {}
    for r in jiangsu_regions():
        for suffix in _SUFFIXES:
            if r.name.endswith(suffix) and len(r.name) - len(suffix) >= 2:
                out.setdefault(r.name[: -len(suffix)], []).append(r)
                break
    return out


def clean_region(raw: str | None) -> str | None:
    """A region as stored: simplified, parenthetical notes dropped (``全国 (国务院)`` -> ``全国``), or None."""
    if not raw:
        return None
    s = _PAREN_RE.sub("", to_simplified(raw)).strip()
    # "unknown county (name not in excerpt)": a note, not a name.
    return s if re.search(r"[\u4e00-\u9fff]", s) else None


def split_chain(region: str) -> list[str]:
    """``江苏省镇江市扬中市`` -> [江苏省, 镇江市, 扬中市]; a string with no administrative suffix stays whole."""
    parts = _NAME_RE.findall(region)
    return parts if parts and "".join(parts) == region else [region]


def region_code(region: str | None) -> str | None:
    """GB/T 2260 code of a region string (a name or a chain), or None when it does not resolve uniquely."""
    if not region:
        return None
    chain = split_chain(region)
    last = chain[-1]
    found = _by_name().get(last) or _by_short_name().get(last) or []
    if len(found) > 1 and len(chain) > 1:
        parents = {r.code for n in chain[:-1] for r in (_by_name().get(n) or _by_short_name().get(n) or [])}
        found = [r for r in found if r.parent_code in parents]
    return found[0].code if len(found) == 1 else None


def region_from_text(head: str) -> str | None:
    """The region named in a document's opening lines (its title or author), or None."""
    m = _OPENING_RE.search(head)
    if not m:
        return None
    name = m.group(1)
    return None if any(n in name for n in _NATIONAL) else name


def region_from_path(path: str) -> str | None:
    """The deepest folder or file-name part naming a region (``扬中市/2022.txt`` -> 扬中市), or None."""
    parts = PurePath(path).parts
    for part in reversed(parts):
        stem = PurePath(part).stem
        full = _NAME_RE.findall(to_simplified(stem))
        known = [n for n in full if n in _by_name()]
        if known:
            return "".join(known)
        if full:
            return "".join(full)
        for short, _records in _by_short_name().items():
            if short in stem:
                return short
    return None
