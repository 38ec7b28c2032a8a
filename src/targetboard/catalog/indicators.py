"""The indicator catalog: typed access to ``indicators.toml`` and matching of metric surfaces.

Why this module exists: the extractor reports *what* is measured as the words the text used
(``全市地区生产总值``, ``规上工业增加值``, ``GDP``). Tracking, ranking and checking claims need one stable
id per statistical concept, so every extracted metric goes through :meth:`Catalog.match`.

Matching is built for precision: a wrong id silently compares a target with the wrong observations,
while ``None`` only leaves an item for a person to map. The rules (see the header of the TOML file):

1. normalise both sides identically (:func:`normalise_metric`);
2. exact lookup of the whole string;
3. otherwise the *longest* synonym that ends the string decides, and only when everything before it
   is scope (region, time, verb words or a region name); any other qualifier means ``None``;
4. otherwise drop a trailing measure word (增长, 增速, 总量, ...) and try again (twice at most).

Everything is precomputed into dicts and compiled regexes at load time, and results are memoised,
because the extractor calls this once per item over whole document collections.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

__all__ = [
    "KINDS",
    "Catalog",
    "Indicator",
    "load_catalog",
    "normalise_metric",
]

KINDS: Final[frozenset[str]] = frozenset({"flow_ytd", "stock", "rate", "count", "index"})
"""Allowed values of :attr:`Indicator.kind` (meanings in the header of ``indicators.toml``)."""

_ID_RE: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_FIELDS: Final = frozenset({"id", "name", "synonyms", "unit", "kind", "higher_is_better"})

# --- normalisation -----------------------------------------------------------------------------------

# Spaces, punctuation and symbols carry no meaning in a metric name (细颗粒物(PM2.5)浓度, 研究与试验发展(R&D)).
_NON_WORD_RE: Final = re.compile(r"[\W_]+")

# Canonical rewrites: spellings that always mean the same thing inside a metric name. Applied left to
# right in one pass; the alternation lists longer keys first so that the longest spelling wins.
_REWRITES: Final[dict[str, str]] = {
    "研究与试验发展RD": "研发",
    "研究与试验发展": "研发",
    "研究与开发": "研发",
    "RD": "研发",
    "地区生产总值": "GDP",
    "国内生产总值": "GDP",
    "生产总值": "GDP",
    "规模以上": "规上",
    "限额以上": "限上",
    "比例": "比重",
    "比率": "比重",
    "的": "",
}
_REWRITE_RE: Final = re.compile("|".join(re.escape(k) for k in sorted(_REWRITES, key=len, reverse=True)))


def normalise_metric(text: str) -> str:
    """Reduce a metric surface to the form synonyms are stored in.

    NFKC folds full-width letters and digits and Roman numerals (``ＧＤＰ``, ``Ⅲ``); upper-casing makes
    ``pm2.5`` and ``PM2.5`` equal; punctuation is dropped (so ``PM2.5`` becomes ``PM25``); then the
    canonical rewrites collapse abbreviations. The same function normalises the catalog, so the two
    sides can never drift apart.
    """
    s = _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text).upper())
    return _REWRITE_RE.sub(lambda m: _REWRITES[m.group()], s)


# --- scope: what may stand before a synonym without changing the concept ----------------------------

# Region, time and verb words (already normalised: no punctuation). A prefix made only of these and of
# region names leaves the indicator unchanged: 全市规上工业增加值 is 规上工业增加值.
_SCOPE_WORDS: Final = """
    全国 全省 全市 全县 全区 全州 全盟 全旗 全镇 全乡 全域 全辖区 辖区
    我国 我省 我市 我县 我区 我州 我镇 本省 本市 本县 本区 本镇 该市 该县
    全年 今年 当年 本年 本年度 年度 上年 上年末 去年 年末 年底 年内 年初
    上半年 下半年 前三季度 第一季度 第二季度 第三季度 第四季度 一季度 二季度 三季度 四季度
    全社会 地级及以上城市 设区市 其中 实现 完成 累计 共 预计 力争 确保 争取
""".split()
_SCOPE_RE: Final = re.compile(
    "|".join(sorted(_SCOPE_WORDS, key=len, reverse=True))
    + r"|\d{2,4}年度?"  # 2022年, 2022年度
    + r"|[〇零一二三四五六七八九]{4}年度?"  # 二〇二二年
    + r"|前?[\d一二三四五六七八九十]{1,2}(?:至|到)?[\d一二三四五六七八九十]{0,2}月份?"  # 1-9月 (now 19月), 1至6月
    + r"|[1-4]季度|前[1-3]季度"
)
# A region name: two to eight characters and an administrative suffix (扬中市, 江苏省, 通道侗族自治县,
# 苏州工业园区, 高新区), or a one-character county (沛县). Lazy, so chains split (江苏省镇江市扬中市).
_REGION_RE: Final = re.compile(
    r"[\u4e00-\u9fff]{2,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|街道|省|市|县|区|州|旗|盟|镇|乡)"
    r"|[\u4e00-\u9fff]县"
)
# Words that make a "region name" a qualifier instead (农村地区, 贫困县, 各县, 产粮大县, 示范区...).
_NOT_REGION_RE: Final = re.compile(
    "城镇|农村|乡村|城乡|城市|都市|地区|山区|郊区|市区|城区|景区|社区|牧区|林区|矿区|库区|老区|灾区|"
    "贫困|重点|示范|试点|大县|强县|百强|功能区|保护区|集聚区|各|郊|县城"
)


def _is_scope(prefix: str) -> bool:
    """True when ``prefix`` consists only of scope words and region names (an empty prefix is scope)."""
    pos = 0
    end = len(prefix)
    while pos < end:
        m = _SCOPE_RE.match(prefix, pos)
        if m is None:
            m = _REGION_RE.match(prefix, pos)
            if m is None or _NOT_REGION_RE.search(m.group()):
                return False
        pos = m.end()
    return True


# Measure words that may trail a metric surface; dropping one never changes the indicator.
_TRAILING_WORDS: Final = (
    "同比增长 年均增长 增长速度 增长率 增长 增速 增幅 涨幅 上涨 下降 降低 降幅 减少 提高 增加 总量 总额 规模 完成额"
)


def _by_last_char(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Group words by their last character, longest first, so an end-of-string test is one dict lookup."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[-1], []).append(word)
    return {ch: tuple(ws) for ch, ws in groups.items()}


_TRAILING: Final = _by_last_char(_TRAILING_WORDS.split())

_CACHE_LIMIT: Final = 65_536


# --- data types ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One statistical concept in the catalog (fields documented in the header of ``indicators.toml``).

    Frozen and hashable so that it can be shared freely and used as a dict key; validated on
    construction so that a typo in the data file fails at load time rather than in a report.
    """

    id: str
    name: str
    synonyms: tuple[str, ...]
    unit: str
    kind: str
    higher_is_better: bool

    def __post_init__(self) -> None:
        """Reject malformed entries early, naming the offending indicator."""
        if not isinstance(self.id, str) or not _ID_RE.fullmatch(self.id):
            raise ValueError(f"indicator id must be snake_case ascii: {self.id!r}")
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"{self.id}: name must be a non-empty string")
        if not isinstance(self.synonyms, tuple) or not all(isinstance(s, str) and s.strip() for s in self.synonyms):
            raise ValueError(f"{self.id}: synonyms must be a tuple of non-empty strings")
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValueError(f"{self.id}: unit must be a non-empty string")
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        if not isinstance(self.higher_is_better, bool):
            raise ValueError(f"{self.id}: higher_is_better must be a bool")

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The name followed by the synonyms not equal to it: every spelling the catalog matches."""
        return (self.name, *(s for s in self.synonyms if s != self.name))


class Catalog:
    """An immutable collection of indicators with lookup by id and matching of metric surfaces."""

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        """Index the indicators; raise ValueError on duplicate ids or a synonym shared by two indicators.

        Shared synonyms are refused rather than resolved by order, because either resolution would
        silently misfile the observations of one of the two indicators.
        """
        self._indicators: tuple[Indicator, ...] = tuple(indicators)
        self._by_id: dict[str, Indicator] = {}
        self._by_surface: dict[str, Indicator] = {}
        for ind in self._indicators:
            if ind.id in self._by_id:
                raise ValueError(f"duplicate indicator id {ind.id!r}")
            self._by_id[ind.id] = ind
            for surface in ind.surfaces:
                key = normalise_metric(surface)
                if not key:
                    raise ValueError(f"{ind.id}: synonym {surface!r} is empty after normalisation")
                other = self._by_surface.setdefault(key, ind)
                if other is not ind:
                    raise ValueError(
                        f"synonym {surface!r} (normalised {key!r}) of {ind.id!r} is already a synonym of {other.id!r}"
                    )
        # Last character -> lengths of the surfaces ending with it, longest first: the suffix scan then
        # tries only lengths that can hit, and gives up at once when no surface ends with that character.
        lengths: dict[str, set[int]] = {}
        for key in self._by_surface:
            lengths.setdefault(key[-1], set()).add(len(key))
        self._suffix_lengths: dict[str, tuple[int, ...]] = {
            ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()
        }
        self._cache: dict[str, Indicator | None] = {}

    @classmethod
    def from_toml(cls, text: str) -> Catalog:
        """Build a catalog from the text of a TOML file shaped like ``indicators.toml``."""
        data = tomllib.loads(text)
        entries = data.get("indicator", [])
        if not isinstance(entries, list):
            raise ValueError("indicators must be given as [[indicator]] tables")
        indicators: list[Indicator] = []
        for i, entry in enumerate(entries):
            unknown = set(entry) - _FIELDS
            missing = _FIELDS - set(entry)
            if unknown or missing:
                raise ValueError(
                    f"indicator #{i} ({entry.get('id')!r}): unknown fields {sorted(unknown)}, missing {sorted(missing)}"
                )
            synonyms = entry["synonyms"]
            if not isinstance(synonyms, list):
                raise ValueError(f"{entry['id']}: synonyms must be a list")
            indicators.append(
                Indicator(
                    id=entry["id"],
                    name=entry["name"],
                    synonyms=tuple(dict.fromkeys(synonyms)),
                    unit=entry["unit"],
                    kind=entry["kind"],
                    higher_is_better=entry["higher_is_better"],
                )
            )
        return cls(indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError (naming the id) when the catalog has none."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator id {indicator_id!r}") from None

    def __contains__(self, indicator_id: object) -> bool:
        """Whether an indicator with this id exists."""
        return indicator_id in self._by_id

    def __iter__(self) -> Iterator[Indicator]:
        """Indicators in file order (grouped by theme, which reports reuse)."""
        return iter(self._indicators)

    def __len__(self) -> int:
        """Number of indicators."""
        return len(self._indicators)

    def __repr__(self) -> str:
        """Short, so that a catalog in a traceback does not print a hundred indicators."""
        return f"<Catalog of {len(self._indicators)} indicators>"

    def find(self, ref: str) -> Indicator | None:
        """An indicator by its id (`gdp`) or by a name people write (`地区生产总值`, `GDP`), else None."""
        return self.get(ref) if ref in self else self.match(ref)

    def match(self, metric: str | None) -> Indicator | None:
        """The indicator a metric surface (simplified Chinese, as extracted) refers to, or None.

        None means "not in the catalog, or not certain": a qualifier the rules do not know as mere scope
        (城镇, 人均, 新增, 户籍, ...) before a synonym gives None rather than the neighbouring indicator.
        """
        if not metric:
            return None
        try:
            return self._cache[metric]
        except KeyError:
            pass
        result = self._match_uncached(metric)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[metric] = result
        return result

    def _match_uncached(self, metric: str) -> Indicator | None:
        """Apply the matching rules to one surface, without the memo."""
        s = normalise_metric(metric)
        for _ in range(3):  # the surface itself, then with up to two trailing measure words dropped
            if not s:
                return None
            found, decided = self._match_normalised(s)
            if decided:
                return found
            for word in _TRAILING.get(s[-1], ()):
                if s.endswith(word):
                    s = s[: -len(word)]
                    break
            else:
                return None
        return None

    def _match_normalised(self, s: str) -> tuple[Indicator | None, bool]:
        """Exact or scoped-suffix match of a normalised surface.

        Returns (indicator, True) on a match, (None, True) when a synonym ends the string but an unknown
        qualifier precedes it (a definite refusal), and (None, False) when no synonym ends the string.
        """
        hit = self._by_surface.get(s)
        if hit is not None:
            return hit, True
        n = len(s)
        for length in self._suffix_lengths.get(s[-1], ()):  # longest suffix first
            if length < n:
                hit = self._by_surface.get(s[n - length :])
                if hit is not None:
                    return (hit if _is_scope(s[: n - length]) else None), True
        return None, False


@cache
def load_catalog() -> Catalog:
    """The packaged catalog, parsed once per process.

    Read through importlib.resources so that it works from a wheel or zip as well as from a checkout.
    """
    text = resources.files("targetboard.catalog").joinpath("indicators.toml").read_text(encoding="utf-8")
    return Catalog.from_toml(text)
