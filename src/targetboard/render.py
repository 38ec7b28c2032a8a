"""Render extracted items and plan trees for a terminal or a file: table, JSON Lines, JSON, CSV.

Kept apart from the CLI so the library, the CLI and (later) the web layer print the same thing.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from targetboard.extract.plan import PlanTree
from targetboard.model.items import SPEC_FIELDS, Item

CSV_FIELDS: tuple[str, ...] = ("document", *SPEC_FIELDS, "region_code", "confidence", "rule")
_COMPARATOR_WORDS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "~": "≈", "=": "=", "range": ""}


def item_record(item: Item, document: str | None) -> dict[str, Any]:
    """The spec object for one item, with the `document` field the CLI adds."""
    return {"document": document, **item.to_dict()}


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def to_csv(records: Iterable[dict[str, Any]], header: bool = True) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_FIELDS), extrasaction="ignore", lineterminator="\n")
    if header:
        w.writeheader()
    for r in records:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in CSV_FIELDS})
    return buf.getvalue()


def display_width(s: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _fit(s: str, width: int) -> str:
    out = []
    used = 0
    for c in s:
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > width:
            return "".join(out)[:-1] + "…" if out else ""
        out.append(c)
        used += w
    return "".join(out)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - display_width(s))


def format_quantity(item: Item) -> str:
    """``> 1200 亿元``, ``5–5.5 %``, ``≈ -2.5 %``; rank for rankings."""
    if item.kind == "ranking":
        return f"第{item.rank}位 ({item.peer_group or '—'})"
    if item.value is None:
        return ""

    def num(v: float) -> str:
        return f"{v:g}"

    unit = item.unit or ""
    if item.comparator == "range" and item.value_high is not None:
        return f"{num(item.value)}–{num(item.value_high)} {unit}".strip()
    word = _COMPARATOR_WORDS.get(item.comparator or "=", "")
    return f"{word} {num(item.value)} {unit}".strip()


def render_table(rows: Sequence[tuple[str | None, Item]], *, show_document: bool) -> str:
    """A fixed-width table of items (tasks included), one line each."""
    headers = (["文档"] if show_document else []) + ["类型", "指标", "口径", "数值", "时期", "语气", "原文"]
    kind_zh = {"target": "目标", "outcome": "结果", "ranking": "排名", "task": "任务"}
    measure_zh = {"level": "总量", "growth": "增速", "change": "增减"}
    modality_zh = {"strive": "力争", "ensure": "确保", "expect": "预期"}
    table: list[list[str]] = []
    for doc, it in rows:
        row = [doc or ""] if show_document else []
        row += [
            kind_zh.get(it.kind, it.kind),
            it.metric or "",
            measure_zh.get(it.measure or "", ""),
            format_quantity(it),
            it.period or "",
            modality_zh.get(it.modality or "", ""),
            _fit(it.text.replace("\n", " "), 48),
        ]
        table.append(row)
    widths = [display_width(h) for h in headers]
    for row in table:
        for i, cell in enumerate(row[:-1]):
            widths[i] = min(max(widths[i], display_width(cell)), 28)
    def line(row: list[str]) -> str:
        last = len(row) - 1
        return "  ".join(c if i == last else _pad(_fit(c, widths[i]), widths[i]) for i, c in enumerate(row)).rstrip()

    lines = [line(headers), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in table]
    return "\n".join(lines) + "\n"


def render_plan_text(tree: PlanTree, *, document: str | None = None) -> str:
    """An indented outline: pillars, objectives, then items with their quantities."""
    lines = [f"# {document}"] if document else []
    for p in tree.pillars:
        lines.append(f"■ {p.title or '(前言/其他)'}")
        for o in p.objectives:
            if o.title is not None:
                lines.append(f"  ▶ {o.title}")
            indent = "    " if o.title is not None else "  "
            for it in o.items:
                if it.kind == "task":
                    lines.append(f"{indent}· 任务  {_fit(it.text.replace(chr(10), ' '), 70)}")
                else:
                    label = {"target": "目标", "outcome": "结果", "ranking": "排名"}[it.kind]
                    lines.append(f"{indent}◆ {label}  {it.metric}  {format_quantity(it)}  〔{_fit(it.text, 40)}〕")
    return "\n".join(lines) + "\n"
