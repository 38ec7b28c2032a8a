"""Tracking commands: `db`, `region`, `unit`, `indicators`, `plan`, `assign`, `import`, `observations`,
`status`, `rank`, `audit`.

Each is a thin caller of `targetboard.services`: parse the arguments, call one service, print. No SQL
and no business rule here (a test enforces the imports). Writes record `--by` (else $TARGETBOARD_USER,
else the login name) as the actor.
"""

from __future__ import annotations

from datetime import date

import click

from targetboard.cli_common import by_option, cli_actor, db_option, nothing, open_db, t, user_errors
from targetboard.errors import Invalid
from targetboard.services import assignments, audit, observations, plans, regions, tracking
from targetboard.services.plans import NodeView, PlanView
from targetboard.services.schema import upgrade_database


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@db_option
@user_errors
def db_upgrade(db_url: str | None) -> None:
    """Create or migrate the schema to the latest revision and add missing reference data.

    The only command that changes the schema: back up a database in use before upgrading it.
    """
    before, after = upgrade_database(db_url)
    if before == after:
        click.echo(t(f"表结构已是最新版本 {after}", f"schema already at revision {after}"))
    else:
        click.echo(t(f"表结构已从 {before or '空'} 升级到 {after}",
                     f"schema upgraded from {before or 'empty'} to {after}"))


@click.group("region")
def region_group() -> None:
    """Regions (administrative divisions): Jiangsu down to county level ships; add townships."""


@region_group.command("add")
@click.argument("name")
@click.option("--parent", required=True, help="The region it belongs to (name or code).")
@click.option(
    "--level", type=click.Choice(["province", "city", "county", "township"]), default="township", show_default=True
)
@click.option("--code", default=None, help="Its code (default: the parent's code plus the next free 3-digit number).")
@by_option
@db_option
@user_errors
def region_add(name: str, parent: str, level: str, code: str | None, by: str | None, db_url: str | None) -> None:
    """Add a region under PARENT."""
    db = open_db(db_url)
    r = regions.add_region(db, cli_actor(db, by), name, parent, level=level, code=code)
    click.echo(t(f"已添加 {r.name}（{r.code}）", f"added {r.name} ({r.code})"))


@region_group.command("list")
@click.option("--parent", default=None, help="Only the children of this region.")
@db_option
@user_errors
def region_list(parent: str | None, db_url: str | None) -> None:
    """List regions with their codes."""
    rows = regions.list_regions(open_db(db_url), parent)
    if not rows:
        nothing("没有下级地区", "no regions there")
    for r in rows:
        click.echo(f"{r.code}  {r.name}  {r.level}")


@click.group("unit")
def unit_group() -> None:
    """Responsible units (departments, township governments)."""


@unit_group.command("add")
@click.argument("name")
@click.option("--region", "region_ref", required=True, help="The region the unit belongs to.")
@click.option("--kind", type=click.Choice(["department", "township"]), default="department", show_default=True)
@by_option
@db_option
@user_errors
def unit_add(name: str, region_ref: str, kind: str, by: str | None, db_url: str | None) -> None:
    """Add a unit to a region."""
    db = open_db(db_url)
    u = regions.add_unit(db, cli_actor(db, by), name, region_ref, kind=kind)
    click.echo(t(f"已添加 {u.name}（{u.region_name}）", f"added {u.name} ({u.region_name})"))


@unit_group.command("list")
@click.option("--region", "region_ref", required=True)
@db_option
@user_errors
def unit_list(region_ref: str, db_url: str | None) -> None:
    """List a region's units."""
    rows = regions.list_units(open_db(db_url), region_ref)
    if not rows:
        nothing(f"{region_ref} 还没有单位；用 `targetboard unit add` 添加", f"no units in {region_ref} yet; add one "
                "with `targetboard unit add`")
    for u in rows:
        click.echo(f"{u.id}  {u.name}  {u.kind}")


@click.command("indicators")
@click.argument("query", required=False)
def indicators_cmd(query: str | None) -> None:
    """List the indicator catalog (optionally those whose name or synonyms contain QUERY)."""
    from targetboard.catalog import load_catalog

    found = 0
    for ind in load_catalog():
        if query and not any(query in x for x in (ind.id, ind.name, *ind.synonyms)):
            continue
        found += 1
        click.echo(f"{ind.id:40} {ind.name}  [{ind.unit}, {ind.kind}]")
    if not found:
        nothing(f"目录中没有与 {query!r} 相符的指标", f"no indicator matches {query!r}")


@click.group("plan")
def plan_group() -> None:
    """Plans read from documents."""


@plan_group.command("import")
@click.argument("path")
@click.option("--region", "region_ref", required=True, help="The region the plan is for (name or code).")
@click.option("--year", type=int, required=True, help="The plan year.")
@click.option("--reviewed", is_flag=True, help="The items were checked already: store them as accepted.")
@click.option("--create-units", is_flag=True, help="Task tables: set up the units the table names that are missing.")
@by_option
@db_option
@user_errors
def plan_import(path: str, region_ref: str, year: int, reviewed: bool, create_units: bool, by: str | None,
                db_url: str | None) -> None:
    """Extract PATH and store the document and its plan tree (re-importing changes nothing).

    A task-decomposition table (重点工作任务分解表: an .xlsx, or a .docx table with 工作任务, 牵头单位,
    责任单位, 完成时限 ...) is stored row by row, each row assigned to its units with its deadline.
    """
    db = open_db(db_url)
    actor = cli_actor(db, by)
    if plans.is_task_table(path):
        p = plans.import_task_table(db, actor, path, region=region_ref, year=year, reviewed=reviewed,
                                    create_units=create_units)
    else:
        p = plans.import_plan(db, actor, path, region=region_ref, year=year, reviewed=reviewed)
    counts = t(p.counts.zh(), p.counts.en())
    if p.created:
        click.echo(t(f"已导入规划 {p.id}（{p.region_name} {year}）：{counts}",
                     f"imported plan {p.id} ({p.region_name} {year}): {counts}"))
        if not reviewed:
            click.echo(t(f"条目待审核，采纳后才计入跟踪：targetboard review list {p.id}",
                         f"items are pending review and tracked once accepted: targetboard review list {p.id}"))
    else:
        click.echo(t(f"已导入过，未作改动：规划 {p.id}（{p.region_name} {year}）：{counts}",
                     f"already imported, unchanged: plan {p.id} ({p.region_name} {year}): {counts}"))


@plan_group.command("list")
@click.option("--region", "region_ref", default=None)
@click.option("--year", type=int, default=None)
@db_option
@user_errors
def plan_list(region_ref: str | None, year: int | None, db_url: str | None) -> None:
    """List stored plans with their status and counts."""
    rows = plans.list_plans(open_db(db_url), region=region_ref, year=year)
    if not rows:
        nothing("还没有规划；用 `targetboard plan import FILE --region R --year Y` 导入",
                "no plans stored; import one with `targetboard plan import FILE --region R --year Y`")
    for p in rows:
        click.echo(f"{p.id}  {p.region_name} {p.year}  {p.status}  {p.document}  {t(p.counts.zh(), p.counts.en())}")


@plan_group.command("status")
@click.argument("plan_id", type=int)
@click.argument("status", type=click.Choice(["draft", "reviewed", "published"]))
@by_option
@db_option
@user_errors
def plan_status(plan_id: int, status: str, by: str | None, db_url: str | None) -> None:
    """Move plan PLAN_ID to STATUS (publishing needs every target and claim reviewed)."""
    db = open_db(db_url)
    p = plans.set_plan_status(db, cli_actor(db, by), plan_id, status)
    click.echo(t(f"规划 {p.id} 状态：{p.status}", f"plan {p.id} is now {p.status}"))


def _status_text(node: NodeView) -> str:
    if node.status is None:
        return t("（指标不在目录中，未跟踪）", "(metric not in the catalog: not tracked)")
    return f"【{node.status_label}】{node.status.explanation}"


def _units(node: NodeView) -> str:
    if node.lead_unit:
        extra = f"，配合：{'、'.join(node.support_units)}" if node.support_units else ""
        due = f"，时限 {node.deadline}" if node.deadline else ""
        return f" ⟶ {node.lead_unit}{extra}{due}"
    return f" （建议：{node.suggested_unit}）" if node.suggested_unit else ""


def render_plan(view: PlanView) -> str:
    """The stored tree as an outline: targets with status, rankings with their check, outcomes with figures."""
    s = view.summary
    lines = [f"# {t('规划', 'plan')} {s.id}: {s.region_name} {s.year}（{s.document}，{s.status}）"]
    for node in view.nodes:
        text = (node.text or "").replace("\n", " ")
        short = text if len(text) <= 60 else text[:59] + "…"
        mark = {"rejected": " ✗", "pending": " ?"}.get(node.review_state, "")
        if node.kind == "pillar":
            lines.append(f"■ {text or t('(前言/其他)', '(preamble/other)')}")
        elif node.kind == "objective":
            if node.text:
                lines.append(f"  ▶ {text}")
        elif node.kind == "target":
            lines.append(f"    ◆ [{node.id}]{mark} {t('目标', 'target')} {short}{_units(node)}")
            lines.append(f"        {_status_text(node)}")
        elif node.kind == "ranking":
            lines.append(f"    ◇ [{node.id}]{mark} {t('排名', 'ranking')} {short}")
            if node.check is not None:
                lines.append(f"        【{node.verdict_label}】{node.check.explanation}")
        elif node.kind == "outcome":
            figure = f"（{node.quantity}）" if node.quantity else ""
            lines.append(f"    ○ [{node.id}]{mark} {t('成果', 'outcome')} {short}{figure}")
        elif node.kind == "task":
            lines.append(f"    · [{node.id}]{mark} {short}{_units(node)}")
    return "\n".join(lines) + "\n"


@plan_group.command("show")
@click.option("--region", "region_ref", default=None)
@click.option("--year", type=int, default=None)
@click.option("--as-of", default=None, metavar="PERIOD", help="Use only observations up to this period "
              "(2022M06, 2022-06, 2022年1-6月).")
@db_option
@user_errors
def plan_show(region_ref: str | None, year: int | None, as_of: str | None, db_url: str | None) -> None:
    """Print stored plan trees with each target's live status, each ranking claim's check and each outcome."""
    code = tracking.parse_period(as_of).code if as_of else None
    views = plans.show_plans(open_db(db_url), region=region_ref, year=year, as_of=code)
    if not views:
        nothing("还没有规划；用 `targetboard plan import FILE --region R --year Y` 导入",
                "no plans stored; import one with `targetboard plan import FILE --region R --year Y`")
    for view in views:
        click.echo(render_plan(view))


@click.command("assign")
@click.argument("item_id", type=int, required=False)
@click.argument("unit_name", required=False)
@click.option("--suggest", is_flag=True, help="List the rules' suggestions for unassigned items instead.")
@click.option("--region", "region_ref", default=None, help="With --suggest: only this region's plans.")
@click.option("--role", type=click.Choice(["lead", "support"]), default="lead", show_default=True,
              help="Lead (牵头) or supporting (配合) unit.")
@click.option("--deadline", default=None, metavar="YYYY-MM-DD", help="Completion deadline (完成时限).")
@by_option
@db_option
@user_errors
def assign_cmd(item_id: int | None, unit_name: str | None, suggest: bool, region_ref: str | None, role: str,
               deadline: str | None, by: str | None, db_url: str | None) -> None:
    """Assign plan item ITEM_ID to UNIT_NAME (without UNIT_NAME: confirm the suggested unit)."""
    db = open_db(db_url)
    if suggest or item_id is None:
        rows = assignments.suggestions(db, region=region_ref)
        if not rows:
            nothing("没有待分配的建议", "no unassigned suggestions")
        for sug in rows:
            missing = "" if sug.unit_exists else t(
                f"  （{sug.region_name}还没有这个单位：targetboard unit add {sug.unit} --region {sug.region_name}）",
                f"  (not set up in {sug.region_name}: targetboard unit add {sug.unit} --region {sug.region_name})")
            click.echo(f"{sug.item_id}\t{sug.unit}\t{sug.text[:50]}{missing}")
        return
    due = None
    if deadline:
        try:
            due = date.fromisoformat(deadline)
        except ValueError:
            raise Invalid(f"完成时限 {deadline!r} 应为 YYYY-MM-DD", f"deadline {deadline!r}: expected YYYY-MM-DD") \
                from None
    a = assignments.assign(db, cli_actor(db, by), item_id, unit_name, role=role, deadline=due)
    click.echo(t(f"条目 {a.item_id} 已分配给 {a.unit}（{a.role}）",
                 f"item {a.item_id} assigned to {a.unit} ({a.role})"))


@click.group("import")
def import_group() -> None:
    """Import data, list imports, undo one."""


@import_group.command("observations")
@click.argument("path")
@click.option("--region", "region_ref", default=None, help="Region for sheets that do not name one.")
@click.option("--period", default=None, help="Period for sheets that do not name one (2022M06, 2022年1-6月).")
@click.option("--force", is_flag=True, help="Import even figures flagged as implausible jumps (after checking them).")
@by_option
@db_option
@user_errors
def import_observations(path: str, region_ref: str | None, period: str | None, force: bool, by: str | None,
                        db_url: str | None) -> None:
    """Import observations from CSV or XLSX: validate everything first, then write all or nothing.

    Template, statistics-bureau and cross-county sheets are recognised (docs/import-template.md).
    """
    db = open_db(db_url)
    r = observations.import_observations(db, cli_actor(db, by), path, region=region_ref, period=period, force=force)
    ident = t(f"导入批次 {r.import_id}", f"import {r.import_id}") if r.import_id else t("无变化", "no change")
    click.echo(f"{path}: {t(r.zh(), r.en())} ({ident})")


@import_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@db_option
@user_errors
def import_list(limit: int, db_url: str | None) -> None:
    """The observation imports, newest first."""
    rows = observations.list_imports(open_db(db_url), limit=limit)
    if not rows:
        nothing("还没有导入记录", "no imports yet")
    for b in rows:
        undone = t(f"  已撤销（{b.undone_by}）", f"  undone by {b.undone_by}") if b.undone_by else ""
        click.echo(f"{b.id}  {b.at}  {b.actor}  {b.file}  +{b.inserted} ~{b.corrected} ={b.unchanged}{undone}")


@import_group.command("undo")
@click.argument("import_id", type=int)
@by_option
@db_option
@user_errors
def import_undo(import_id: int, by: str | None, db_url: str | None) -> None:
    """Undo import IMPORT_ID: delete what it added, restore what it corrected (audited)."""
    db = open_db(db_url)
    r = observations.undo_import(db, cli_actor(db, by), import_id)
    click.echo(t(f"已撤销导入批次 {r.import_id}：删除 {r.deleted} 条，恢复 {r.restored} 条",
                 f"undid import {r.import_id}: {r.deleted} deleted, {r.restored} restored"))


@click.group("observations")
def observations_group() -> None:
    """Stored observations."""


@observations_group.command("list")
@click.option("--region", "region_ref", default=None)
@click.option("--indicator", default=None, help="Catalog id or name.")
@click.option("--period", default=None, help="2022M06, 2022-06, 2022年1-6月 ...")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@db_option
@user_errors
def observations_list(region_ref: str | None, indicator: str | None, period: str | None, limit: int,
                      db_url: str | None) -> None:
    """List stored observations (value and growth, source, who entered them)."""
    code = tracking.parse_period(period).code if period else None
    rows = observations.list_observations(open_db(db_url), region=region_ref, indicator=indicator, period=code,
                                          limit=limit)
    if not rows:
        nothing("没有符合条件的观测值", "no observations match")
    for o in rows:
        value = "—" if o.value is None else f"{o.value:g}"
        growth = "—" if o.growth is None else f"{o.growth:g}%"
        ytd = t("累计", "ytd") if o.ytd else ""
        click.echo(f"{o.region_name}  {o.indicator_id}  {o.period}{ytd}  {value}  {growth}  {o.source}  {o.entered_by}")


@click.command("status")
@click.option("--region", "region_ref", default=None)
@click.option("--year", type=int, default=None, help="Plan year.")
@click.option("--period", "as_of", default=None, metavar="PERIOD",
              help="As of this period (2022M06, 2022-06, 2022年1-6月).")
@click.option("--thresholds", "thresholds_file", default=None, metavar="FILE",
              help="A TOML file overriding the status thresholds (see docs/analytics.md).")
@db_option
@user_errors
def status_cmd(region_ref: str | None, year: int | None, as_of: str | None, thresholds_file: str | None,
               db_url: str | None) -> None:
    """Each stored target's latest actual, completion, year-end forecast and status."""
    thresholds = tracking.thresholds_from(thresholds_file)
    rows = tracking.target_statuses(open_db(db_url), region=region_ref, year=year, as_of=as_of,
                                    thresholds=thresholds)
    if not rows:
        nothing("没有符合条件的量化目标", "no stored targets match")
    for row in rows:
        click.echo(f"[{row.target_id}] {row.region_name} {row.metric} {row.comparator} {row.value:g}{row.unit or ''}："
                   f"{row.label}")
        text = row.status.explanation if row.status else t("（指标不在目录中，未跟踪）", "(not in the catalog)")
        click.echo(f"    {text}")


@click.command("rank")
@click.argument("indicator")
@click.option("--region", "region_ref", required=True)
@click.option("--period", required=True, help="2022M06 (year to date), 2022-06, 2022年1-6月, 2022.")
@click.option("--by", type=click.Choice(["level", "growth"]), default="level", show_default=True)
@click.option("--forecast", is_flag=True,
              help="Rank the peers' year-end forecasts (from the figures up to PERIOD) instead of PERIOD's figures.")
@db_option
@user_errors
def rank_cmd(indicator: str, region_ref: str, period: str, by: str, forecast: bool, db_url: str | None) -> None:
    """Rank REGION among its peers (its parent's children) for INDICATOR in PERIOD."""
    r = tracking.rank_indicator(open_db(db_url), indicator, region=region_ref, period=period, by=by,
                                forecast=forecast)
    what = t("增速" if r.by == "growth" else "总量", r.by)
    head = t(f"{r.indicator_name}（{r.unit}）{r.period} 按{what}排名",
             f"{r.indicator_name} ({r.unit}) {r.period} by {what}")
    if r.forecast:
        head = t(f"{r.indicator_name}（{r.unit}）{r.period[:4]} 年末预计排名（依据截至 {r.period} 的数据）",
                 f"{r.indicator_name} ({r.unit}) year-end forecast rank from figures up to {r.period}")
    click.echo(head)
    click.echo(t(f"  {len(r.rows)} 个地区中 {r.with_data} 个有数据",
                 f"  {r.with_data} of {len(r.rows)} peers have data"))
    for row in r.rows:
        mark = " ◀" if row.is_self else ""
        value = "—" if row.value is None else f"{row.value:g}"
        click.echo(f"  {row.rank if row.rank is not None else '-':>2}  {row.region_name}  {value}{mark}")


@click.command("audit")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--actor", default=None, help="Only this actor's events.")
@click.option("--action", default=None, help="Only these actions (prefix: plan, observations, user ...).")
@by_option
@db_option
@user_errors
def audit_cmd(limit: int, actor: str | None, action: str | None, by: str | None, db_url: str | None) -> None:
    """The audit trail, newest first: who imported, corrected or assigned what, and when."""
    import json

    db = open_db(db_url)
    rows = audit.list_events(db, cli_actor(db, by), limit=limit, actor=actor, action=action)
    if not rows:
        nothing("审计记录为空", "the audit trail is empty")
    for e in rows:
        target = f"{e.entity} {e.entity_id}" if e.entity_id else e.entity
        detail = json.dumps(e.detail, ensure_ascii=False)
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}  {target}  {detail}")


COMMANDS = (
    audit_cmd,
    db_group,
    region_group,
    unit_group,
    indicators_cmd,
    plan_group,
    assign_cmd,
    import_group,
    observations_group,
    status_cmd,
    rank_cmd,
)
