"""The demo: read the bundled seed (扬中市, 2022), store it, track it against sample data.

Steps, each through the same services the CLI and the web use:
1. extract the seed into its plan tree and print it with a table of its targets and claims;
2. create a database (a temporary SQLite file unless `db_url` is given), import the seed as
   扬中市's 2022 plan (its items count as reviewed: a person checked the seed);
3. generate the SAMPLE monthly data set for 镇江's six county-level units (2019-2022; generated,
   not real, and labelled so) as a template CSV and import it through the real importer;
4. print the seed targets' status and forecast as of June 2022, and check the seed's ranking claim.

A database given with `--db` must be new or hold only what an earlier demo wrote: the demo refuses to
write sample figures into a database someone uses for real.
"""

from __future__ import annotations

import tempfile
import tomllib
from importlib import resources
from pathlib import Path

from targetboard.render import render_plan_text, render_table
from targetboard.services.actors import Actor
from targetboard.services.documents import extract_document
from targetboard.services.plans import count_tree
from targetboard.text.readers import SourceDocument

AS_OF = "2022M06"
#: Everything the demo writes is recorded under this actor; a database with any other actor is not a demo's.
DEMO_ACTOR = Actor("demo", "admin")


def seed_text() -> str:
    """The seed article as shipped in the package (demo data, ours to ship)."""
    return resources.files("targetboard").joinpath("data/seed.txt").read_text(encoding="utf-8")


def seed_document() -> SourceDocument:
    return SourceDocument("seed.txt", seed_text(), "utf-8", "txt")


def _meta() -> dict[str, object]:
    return tomllib.loads(resources.files("targetboard").joinpath("data/seed.toml").read_text(encoding="utf-8"))


def read_part() -> str:
    """Part 1: the plan tree and the targets/claims table of the seed."""
    meta = _meta()
    doc = extract_document(seed_document(), year=int(str(meta["year"])))
    claims = doc.quantified()
    c = count_tree(doc.tree)
    return "".join(
        [
            f"targetboard 演示: {meta['region']} {meta['year']} (seed.txt, {len(doc.source.text)} 字)\n",
            "\n== 规划结构 (支柱 → 目标 → 任务/指标) ==\n",
            render_plan_text(doc.tree),
            f"\n== 量化目标与排名声明 ({len(claims)} 项) ==\n",
            render_table([(None, it) for it in claims], show_document=False),
            f"\n{c.pillars} 个支柱, {c.objectives} 个目标, {c.tasks} 项任务, {c.targets} 个量化目标, "
            f"{c.rankings} 条排名声明\n",
        ]
    )


def track_part(db_url: str) -> str:
    """Parts 2-4: store the seed, import the sample data, show status and the claim check."""
    from targetboard.sample import SAMPLE_LABEL, write_sample_csv
    from targetboard.services import observations, plans, tracking
    from targetboard.services.schema import prepare_demo_database

    meta = _meta()
    year, region = int(str(meta["year"])), str(meta["region"])
    db = prepare_demo_database(db_url, DEMO_ACTOR.name)
    lines = [f"\n== 跟踪 (数据库 {db.display_url}) ==\n"]
    plan = plans.import_plan(db, DEMO_ACTOR, seed_document(), region=region, year=year, reviewed=True)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = write_sample_csv(Path(tmp) / "sample-zhenjiang-2019-2022.csv")
        result = observations.import_observations(db, DEMO_ACTOR, csv_path)
    lines.append(f"⚠ {SAMPLE_LABEL}：镇江市6个县(市、区) 2019-2022 年月度累计数据，{result.rows} 条"
                 f"（新增 {result.inserted}，更正 {result.corrected}，未变 {result.unchanged}）\n")
    lines.append(f"\n-- 目标完成情况（截至 {AS_OF}，样例数据）--\n")
    for row in tracking.target_statuses(db, region=region, year=year, as_of=AS_OF):
        explanation = row.status.explanation if row.status else "指标不在目录中"
        lines.append(f"◆ {row.item_text}\n    【{row.label}】{explanation}\n")
    lines.append("\n-- 排名声明核对（样例数据）--\n")
    view = next(v for v in plans.show_plans(db, region=region, year=year, as_of=AS_OF) if v.summary.id == plan.id)
    for node in view.nodes:
        if node.kind != "ranking":
            continue
        check = node.check
        if check is None:
            lines.append(f"◇ {node.metric}：无法核对（指标不在目录中）\n")
            continue
        lines.append(f"◇ {node.metric}：【{node.verdict_label}】{check.explanation}\n")
        for r in check.ranking.rows:
            value = "—" if r.value is None else f"{r.value:g}"
            lines.append(f"      {r.rank if r.rank is not None else '-':>2}  {r.region_name}  {value}\n")
    db.dispose()
    return "".join(lines)


def run_demo(db_url: str | None = None) -> str:
    """The whole demo as text. Without `db_url` the database is a temporary SQLite file."""
    out = read_part()
    if db_url is not None:
        return out + track_part(db_url)
    with tempfile.TemporaryDirectory() as tmp:
        return out + track_part(str(Path(tmp) / "demo.db"))
