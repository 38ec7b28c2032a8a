"""The demo: read the bundled seed (扬中市, 2022) and show what targetboard makes of it."""

from __future__ import annotations

import tomllib
from importlib import resources

from targetboard.extract.engine import extract_normalized
from targetboard.extract.plan import build_plan
from targetboard.render import render_plan_text, render_table
from targetboard.text.normalize import normalize


def seed_text() -> str:
    """The seed article as shipped in the package (demo data, ours to ship)."""
    return resources.files("targetboard").joinpath("data/seed.txt").read_text(encoding="utf-8")


def run_demo() -> str:
    meta = tomllib.loads(resources.files("targetboard").joinpath("data/seed.toml").read_text(encoding="utf-8"))
    nt = normalize(seed_text())
    items = extract_normalized(nt, year=int(meta["year"]))
    tree = build_plan(nt, items)
    claims = [it for it in items if it.kind != "task"]
    parts = [
        f"targetboard 演示: {meta['region']} {meta['year']} (seed.txt, {len(nt.original)} 字)\n",
        "\n== 规划结构 (支柱 → 目标 → 任务/指标) ==\n",
        render_plan_text(tree),
        f"\n== 量化目标与排名声明 ({len(claims)} 项) ==\n",
        render_table([(None, it) for it in claims], show_document=False),
    ]
    tasks = sum(1 for it in tree.items() if it.kind == "task")
    n_obj = sum(1 for p in tree.pillars for o in p.objectives if o.title)
    parts.append(
        f"\n{sum(1 for p in tree.pillars if p.title)} 个支柱, {n_obj} 个目标, {tasks} 项任务, "
        f"{sum(1 for i in claims if i.kind == 'target')} 个量化目标, "
        f"{sum(1 for i in claims if i.kind == 'ranking')} 条排名声明\n"
    )
    return "".join(parts)
