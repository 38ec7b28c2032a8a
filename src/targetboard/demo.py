"""The demo: read the bundled seed (扬中市, 2022), store it, track it against sample data.

Steps, each through the same services the CLI and the web use:
1. extract the seed into its plan tree and print it with a table of its targets and claims;
2. create a database (a temporary SQLite file unless `db_url` is given), import the seed as
   扬中市's 2022 plan (its items count as reviewed: a person checked the seed);
3. generate the SAMPLE monthly data set for 镇江's six county-level units (2019-2022; generated,
   not real, and labelled so) as a template CSV and import it through the real importer;
4. print the seed targets' status and forecast as of June 2022, and check the seed's ranking claim;
5. SAMPLE accountability: departments lead the seed's targets, three ledgers (环保督察整改, 安全生产,
   重大项目) go in through the real ledger importer and take a few steps, their lights are shown, and
   a sample department scheme is run and published as a league table.

A database given with `--db` must be new or hold only what an earlier demo wrote: the demo refuses to
write sample figures into a database someone uses for real.
"""

from __future__ import annotations

import tempfile
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

from targetboard.render import render_plan_text, render_table
from targetboard.services.actors import Actor
from targetboard.services.documents import extract_document
from targetboard.services.plans import count_tree
from targetboard.store import Database
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
    lines.extend(accountability_part(db, region, year))
    db.dispose()
    return "".join(lines)


#: The day the demo's ledger lights and assessment are judged on.
DEMO_DAY = date(2022, 7, 1)
#: Who leads which seed target in the demo (SAMPLE assignments).
DEMO_LEADS = {"工业应税销售": "工信局", "一般公共预算收入": "财政局", "百亿级企业": "工信局"}
#: SAMPLE steps taken on the sample ledgers: (kind, 序号, (step, the day it happened) ...), by the office or the unit.
DEMO_STEPS = (
    ("rectification", "1", (("start", date(2022, 3, 1)), ("submit", date(2022, 6, 10)),
                            ("return", date(2022, 6, 20)))),
    ("rectification", "3", (("start", date(2022, 5, 5)),)),
    ("safety", "1", (("start", date(2022, 3, 15)), ("submit", date(2022, 5, 30)), ("sign_off", date(2022, 6, 8)))),
    ("project", "1", (("sign", date(2022, 1, 20)), ("start", date(2022, 4, 18)))),
    ("project", "2", (("sign", date(2022, 6, 2)),)),
)

#: SAMPLE progress reports (generated, not real): (metric of the item, period, text, percent, decision, comment).
DEMO_REPORTS = (
    ("工业应税销售", "2022M01", "样例：1月完成应税销售约98亿元，重点企业满产", 8, "accept", ""),
    ("工业应税销售", "2022M02", "样例：1-2月累计约190亿元，春节后复工顺利", 16, "accept", ""),
    ("工业应税销售", "2022M03", "样例：一季度累计约285亿元", 24, "return", "样例：请附统计局快报"),
    ("一般公共预算收入", "2022M01", "样例：1月入库约4.2亿元", 10, "accept", ""),
    ("一般公共预算收入", "2022M02", "样例：1-2月累计约7.9亿元", 20, None, ""),
)


def _sample_reports(db: Database, region: str, year: int) -> list[str]:
    """SAMPLE progress reports from the lead departments, some accepted, one returned, one waiting."""
    from targetboard.services import plans, reports

    view = plans.show_plans(db, region=region, year=year)[0]
    items = {n.metric: n.id for n in view.nodes if n.kind == "target" and n.metric}
    done = {(r.report.item_id, r.report.period) for r in reports.reports_for(db, DEMO_ACTOR, region=region)}
    for metric, period, text, percent, decision, comment in DEMO_REPORTS:
        if metric not in items or (items[metric], period) in done:  # a re-run on the same demo database
            continue
        report = reports.submit_report(db, DEMO_ACTOR, items[metric], period, text=text, percent=percent)
        if decision is not None:
            reports.review_report(db, DEMO_ACTOR, report.id, accept=decision == "accept", comment=comment)
    rows = reports.reports_for(db, DEMO_ACTOR, region=region)
    states = {s: sum(1 for r in rows if r.report.state == s) for s in ("accepted", "returned", "submitted")}
    owed = reports.due_for(db, DEMO_ACTOR, region=region, today=DEMO_DAY, upcoming=False)
    return [f"\n-- 进度报告（样例数据）--\n◇ 已报 {len(rows)} 份：通过 {states['accepted']}，"
            f"退回 {states['returned']}，待审核 {states['submitted']}；"
            f"截至{DEMO_DAY:%Y年%m月%d日}逾期未报或退回待重报 {len(owed)} 份\n"]


def accountability_part(db: Database, region: str, year: int) -> list[str]:
    """Part 5: SAMPLE ledgers with their lights, and a department league table (published as a snapshot)."""
    from targetboard.accountability.bulletin_text import summary as bulletin_summary
    from targetboard.accountability.ledger import LIGHT_ZH, ledger_kind
    from targetboard.accountability.scoring import league_rows
    from targetboard.sample import SAMPLE_DEPARTMENTS, SAMPLE_LEDGERS, write_sample_ledger
    from targetboard.services import assessment, assignments, bulletin, ledgers, plans, regions

    existing = {u.name for u in regions.list_units(db, region)}
    for name in SAMPLE_DEPARTMENTS:
        if name not in existing:
            regions.add_unit(db, DEMO_ACTOR, name, region)
    view = plans.show_plans(db, region=region, year=year)[0]
    for node in view.nodes:
        lead = DEMO_LEADS.get(node.metric or "") if node.kind == "target" else None
        if lead and node.lead_unit != lead:
            assignments.assign(db, DEMO_ACTOR, node.id, lead)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name, header, rows in SAMPLE_LEDGERS:
            ledgers.import_ledger(db, DEMO_ACTOR, write_sample_ledger(Path(tmp) / name, header, rows), kind=kind,
                                  region=region)
    for kind, ref, steps in DEMO_STEPS:
        entry = next(e for e in ledgers.list_entries(db, region=region, kind=kind) if e.ref == ref)
        if entry.state == ledger_kind(kind).initial:  # an earlier demo run on this database took them already
            for step, on in steps:
                ledgers.move(db, DEMO_ACTOR, entry.id, step, comment="样例：缺少监测报告" if step == "return" else "",
                             today=DEMO_DAY, on=on)
    out = _sample_reports(db, region, year)
    out.append(f"\n-- 台账（样例数据，{DEMO_DAY:%Y年%m月%d日}亮灯）--\n")
    for kind, *_ in SAMPLE_LEDGERS:
        entries = ledgers.list_entries(db, region=region, kind=kind, today=DEMO_DAY)
        counts = {c: sum(1 for e in entries if e.light == c) for c in ("red", "yellow", "green", "done")}
        summary = "，".join(f"{LIGHT_ZH[c]} {n}" for c, n in counts.items() if n)
        out.append(f"◇ {ledger_kind(kind).name}：{len(entries)} 项，{summary}\n")
        for e in entries:
            if e.light in ("red", "yellow"):
                out.append(f"      {LIGHT_ZH[e.light]}  {e.title}  {e.unit}  时限 {e.deadline}  {e.state_name}\n")
    with resources.as_file(resources.files("targetboard").joinpath("data/scheme_yangzhong_departments.toml")) as f:
        run = assessment.run_assessment(db, DEMO_ACTOR, f, region=region, year=year, as_of=AS_OF, day=DEMO_DAY,
                                        publish=True)
    out.append(f"\n-- 部门考核排名（样例方案与数据，截至 {AS_OF}，已发布为快照 {run.snapshot_id}）--\n")
    for place, name, total, movement in league_rows(run.result):
        out.append(f"  {place:>2}  {name}  {total} 分  {movement}\n")
    out.append(f"\n-- 督查通报摘要（样例数据，{AS_OF}；网页“督查通报”可下载 Word 与 Excel）--\n")
    month = bulletin.build_bulletin(db, DEMO_ACTOR, region=region, period=AS_OF, day=DEMO_DAY)
    out.append(bulletin_summary(month) + "\n")
    return out


def run_demo(db_url: str | None = None) -> str:
    """The whole demo as text. Without `db_url` the database is a temporary SQLite file."""
    out = read_part()
    if db_url is not None:
        return out + track_part(db_url)
    with tempfile.TemporaryDirectory() as tmp:
        return out + track_part(str(Path(tmp) / "demo.db"))
