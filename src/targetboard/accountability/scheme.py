"""Assessment schemes (考核方案): a versioned TOML file, checked before any score is computed.

Why a file and not a form: a scheme is negotiated, voted and published as a document; keeping it as a
versioned file lets an office diff this year's scheme against last year's and lets every published
score name the exact version it was computed with. Every mistake in the file is reported with the
field's path (``category[1].item[2].points``) and what was expected.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from targetboard.accountability.ledger import ledger_kinds
from targetboard.errors import Invalid, Where

RULES = ("step", "linear", "rank", "ledger", "bonus", "penalty", "veto")
#: Rules whose points count toward a category's weight; bonus, penalty and veto adjust the total.
WEIGHTED = ("step", "linear", "rank", "ledger")


@dataclass(frozen=True)
class SchemeItem:
    id: str
    name: str
    rule: str
    points: float = 0.0  # full points (weighted rules)
    cap: float = 1.0  # linear: the completion ratio counted at most (1.2 = 120%)
    step: float = 1.0  # rank: points lost per place below first
    per_overdue: float = 0.0  # ledger
    per_returned: float = 0.0  # ledger
    per_event: float = 0.0  # bonus, penalty
    max: float = 0.0  # bonus, penalty: at most this much in all
    indicator: str | None = None  # figure-based items: the catalog indicator whose targets are scored
    ledger: str | None = None  # ledger items: the ledger kind whose overdue and returned entries count


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    weight: float
    items: tuple[SchemeItem, ...]


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    version: str
    subjects: str  # township, department
    categories: tuple[Category, ...]

    def items(self) -> list[tuple[Category, SchemeItem]]:
        return [(c, i) for c in self.categories for i in c.items]


class _Reader:
    """Reads fields from the parsed TOML, raising Invalid with the field's path and the file's name."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, zh: str, en: str) -> Invalid:
        return Invalid(zh, en, where=Where(file=self.file, field=path))

    def text(self, d: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
        v = d.get(key, default)
        if not isinstance(v, str) or not v.strip():
            raise self.fail(f"{path}.{key}", "应为非空文字", "expected non-empty text")
        return v.strip()

    def number(self, d: Mapping[str, Any], key: str, path: str, default: float | None = None,
               minimum: float = 0.0) -> float:
        v = d.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.fail(f"{path}.{key}", "应为数字", "expected a number")
        if v < minimum:
            raise self.fail(f"{path}.{key}", f"应不小于 {minimum:g}", f"expected at least {minimum:g}")
        return float(v)


def parse_scheme(data: Mapping[str, Any], file: str = "scheme.toml") -> Scheme:
    r = _Reader(file)
    head = data.get("scheme")
    if not isinstance(head, dict):
        raise r.fail("scheme", "缺少 [scheme] 段（id、name、version、subjects）",
                     "missing the [scheme] table (id, name, version, subjects)")
    subjects = r.text(head, "subjects", "scheme")
    if subjects not in ("township", "department"):
        raise r.fail("scheme.subjects", "应为 township 或 department", "expected township or department")
    raw_categories = data.get("category")
    if not isinstance(raw_categories, list) or not raw_categories:
        raise r.fail("category", "至少需要一个 [[category]]", "expected at least one [[category]]")
    seen: set[str] = set()
    categories = []
    for ci, c in enumerate(raw_categories):
        cpath = f"category[{ci}]"
        items = []
        raw_items = c.get("item")
        if not isinstance(raw_items, list) or not raw_items:
            raise r.fail(f"{cpath}.item", "每个类别至少需要一个 [[category.item]]", "expected at least one item")
        for ii, it in enumerate(raw_items):
            path = f"{cpath}.item[{ii}]"
            item_id = r.text(it, "id", path)
            if item_id in seen:
                raise r.fail(f"{path}.id", f"考核项 {item_id} 重复", f"item id {item_id!r} is used twice")
            seen.add(item_id)
            rule = r.text(it, "rule", path)
            if rule not in RULES:
                raise r.fail(f"{path}.rule", f"规则 {rule!r} 无效，应为 {'/'.join(RULES)}",
                             f"rule {rule!r}: expected one of {', '.join(RULES)}")
            points = r.number(it, "points", path, 0.0) if rule in WEIGHTED else 0.0
            if rule in WEIGHTED and points <= 0:
                raise r.fail(f"{path}.points", "应大于 0", "expected more than 0")
            item = SchemeItem(
                id=item_id, name=r.text(it, "name", path, item_id), rule=rule, points=points,
                cap=r.number(it, "cap", path, 1.0, minimum=1.0) if rule == "linear" else 1.0,
                step=r.number(it, "step", path, 1.0) if rule == "rank" else 1.0,
                per_overdue=r.number(it, "per_overdue", path, 0.0) if rule == "ledger" else 0.0,
                per_returned=r.number(it, "per_returned", path, 0.0) if rule == "ledger" else 0.0,
                per_event=r.number(it, "per_event", path) if rule in ("bonus", "penalty") else 0.0,
                max=r.number(it, "max", path) if rule in ("bonus", "penalty") else 0.0,
                indicator=it.get("indicator"),
                ledger=r.text(it, "ledger", path) if rule == "ledger" else None,
            )
            if item.ledger is not None and item.ledger not in ledger_kinds():
                raise r.fail(f"{path}.ledger", f"台账类型 {item.ledger!r} 无效，应为 {'/'.join(ledger_kinds())}",
                             f"ledger kind {item.ledger!r}: expected one of {', '.join(ledger_kinds())}")
            items.append(item)
        weight = r.number(c, "weight", cpath, 0.0)
        weighted = sum(i.points for i in items if i.rule in WEIGHTED)
        if abs(weighted - weight) > 1e-9:
            raise r.fail(f"{cpath}.weight", f"权重 {weight:g} 与各项分值之和 {weighted:g} 不等",
                         f"weight {weight:g} differs from the sum of its items' points {weighted:g}")
        categories.append(Category(r.text(c, "id", cpath), r.text(c, "name", cpath), weight, tuple(items)))
    return Scheme(r.text(head, "id", "scheme"), r.text(head, "name", "scheme"), r.text(head, "version", "scheme"),
                  subjects, tuple(categories))


def load_scheme(path: str | Path) -> Scheme:
    """Read and check a scheme file; Invalid names the file and the field at fault."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid("考核方案文件不存在", "no such scheme file", where=Where(file=str(p))) from None
    except tomllib.TOMLDecodeError as e:
        raise Invalid(f"不是有效的 TOML：{e}", f"not valid TOML: {e}", where=Where(file=str(p))) from None
    return parse_scheme(data, p.name)
