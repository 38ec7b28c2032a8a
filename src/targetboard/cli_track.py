"""Tracking commands: `db`, `region`, `unit`, `indicators`, `plan`, `assign`, `import`, `status`, `rank`.

Each is a thin wrapper over `targetboard.store` and `targetboard.analytics`. Every command takes
``--db URL`` (default: $TARGETBOARD_DATABASE_URL, else ./targetboard.db). User mistakes print one
line naming what was wrong and exit 1.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from targetboard.analytics.explain import STATUS_ZH, VERDICT_ZH
from targetboard.model.period import PeriodError
from targetboard.store import StoreError, connect
from targetboard.text.readers import DocumentError

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    "db_url",
    default=None,
    metavar="URL",
    help="Database URL (default: $TARGETBOARD_DATABASE_URL, else sqlite:///./targetboard.db).",
)


def user_errors(fn: F) -> F:
    """Report StoreError / DocumentError / PeriodError as one line and exit 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (StoreError, DocumentError, PeriodError) as e:
            click.echo(f"targetboard: error: {e}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _factory(db_url: str | None) -> sessionmaker[Session]:
    return connect(db_url)


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@db_option
@user_errors
def db_upgrade(db_url: str | None) -> None:
    """Create or migrate the schema to the latest revision and load the reference data."""
    from targetboard.store.db import current_revision, make_engine

    connect(db_url)
    click.echo(f"schema at revision {current_revision(make_engine(db_url))}")


@click.group("region")
def region_group() -> None:
    """Regions (administrative divisions): Jiangsu down to county level ships; add townships."""


@region_group.command("add")
@click.argument("name")
@click.option("--parent", required=True, help="The region it belongs to (name or code).")
@click.option(
    "--level", type=click.Choice(["province", "city", "county", "township"]), default="township", show_default=True
)
@click.option("--code", default=None, help="Its code (default: the parent's code plus a 3-digit number).")
@db_option
@user_errors
def region_add(name: str, parent: str, level: str, code: str | None, db_url: str | None) -> None:
    """Add a region under PARENT."""
    from targetboard.store.regions import add_region

    with _factory(db_url).begin() as s:
        r = add_region(s, name, parent, level=level, code=code)
        click.echo(f"added {r.name} ({r.code})")


@region_group.command("list")
@click.option("--parent", default=None, help="Only the children of this region.")
@db_option
@user_errors
def region_list(parent: str | None, db_url: str | None) -> None:
    """List regions with their codes."""
    from sqlalchemy import select

    from targetboard.store.models import Region
    from targetboard.store.regions import children, find_region

    with _factory(db_url)() as s:
        rows = children(s, find_region(s, parent)) if parent else list(s.scalars(select(Region).order_by(Region.code)))
        for r in rows:
            click.echo(f"{r.code}  {r.name}  {r.level}")


@click.group("unit")
def unit_group() -> None:
    """Responsible units (departments, township governments)."""


@unit_group.command("add")
@click.argument("name")
@click.option("--region", "region_ref", required=True, help="The region the unit belongs to.")
@click.option("--kind", type=click.Choice(["department", "township"]), default="department", show_default=True)
@db_option
@user_errors
def unit_add(name: str, region_ref: str, kind: str, db_url: str | None) -> None:
    """Add a unit to a region."""
    from targetboard.store.regions import add_unit

    with _factory(db_url).begin() as s:
        u = add_unit(s, name, region_ref, kind=kind)
        click.echo(f"added {u.name} ({u.region.name})")


@unit_group.command("list")
@click.option("--region", "region_ref", required=True)
@db_option
@user_errors
def unit_list(region_ref: str, db_url: str | None) -> None:
    """List a region's units."""
    from sqlalchemy import select

    from targetboard.store.models import Unit
    from targetboard.store.regions import find_region

    with _factory(db_url)() as s:
        region = find_region(s, region_ref)
        for u in s.scalars(select(Unit).where(Unit.region_id == region.id).order_by(Unit.name)):
            click.echo(f"{u.id}  {u.name}  {u.kind}")


@click.command("indicators")
@click.argument("query", required=False)
def indicators_cmd(query: str | None) -> None:
    """List the indicator catalog (optionally those whose name or synonyms contain QUERY)."""
    from targetboard.catalog import load_catalog

    for ind in load_catalog():
        if query and not any(query in x for x in (ind.id, ind.name, *ind.synonyms)):
            continue
        click.echo(f"{ind.id:40} {ind.name}  [{ind.unit}, {ind.kind}]")




@click.group("plan")
def plan_group() -> None:
    """Plans read from documents."""


@plan_group.command("import")
@click.argument("path")
@click.option("--region", "region_ref", required=True, help="The region the plan is for (name or code).")
@click.option("--year", type=int, required=True, help="The plan year.")
@db_option
@user_errors
def plan_import(path: str, region_ref: str, year: int, db_url: str | None) -> None:
    """Extract PATH and store the document and its plan tree (re-importing changes nothing)."""
    from targetboard.store.plans import import_plan
    from targetboard.store.regions import find_region
    from targetboard.text.readers import read_document

    doc = read_document(path)
    with _factory(db_url).begin() as s:
        result = import_plan(s, doc, find_region(s, region_ref), year)
        kinds: dict[str, int] = {}
        for it in result.plan.items:
            kinds[it.kind] = kinds.get(it.kind, 0) + 1
        verb = "imported" if result.created else "already imported, unchanged:"
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        click.echo(f"{verb} plan {result.plan.id} ({result.plan.region.name} {year}): {summary}")


def _status_text(st: Any) -> str:
    if st is None:
        return "（指标不在目录中，未跟踪）"
    return f"【{STATUS_ZH.get(st.status, st.status)}】{st.explanation}"


@plan_group.command("show")
@click.option("--region", "region_ref", default=None)
@click.option("--year", type=int, default=None)
@click.option("--as-of", default=None, metavar="PERIOD", help="Use only observations up to this period (2022M06).")
@db_option
@user_errors
def plan_show(region_ref: str | None, year: int | None, as_of: str | None, db_url: str | None) -> None:
    """Print stored plan trees with each target's live status and each ranking claim's check."""
    from targetboard.store.plans import find_plans
    from targetboard.store.regions import find_region
    from targetboard.store.tracking import check_claims, status_rows, target_statuses

    with _factory(db_url)() as s:
        region = find_region(s, region_ref) if region_ref else None
        plans = find_plans(s, region, year)
        if not plans:
            click.echo("no plans stored; import one with `targetboard plan import FILE --region R --year Y`")
            return
        statuses = target_statuses(status_rows(s, region=region, year=year, as_of=as_of))
        for plan in plans:
            checks = {row.item.id: row.check for row in check_claims(s, plan)}
            click.echo(render_plan_rows(plan, statuses, checks))


def render_plan_rows(plan: Any, statuses: dict[int, Any], checks: dict[int, Any]) -> str:
    """The stored tree as an outline; targets carry their status, rankings their check."""
    lines = [f"# 规划 {plan.id}: {plan.region.name} {plan.year}（{plan.document.name}）"]
    for it in plan.items:
        text = (it.text or "").replace("\n", " ")
        short = text if len(text) <= 60 else text[:59] + "…"
        unit = f" ⟶ {it.unit.name}" if it.unit else (f" （建议：{it.suggested_unit}）" if it.suggested_unit else "")
        if it.kind == "pillar":
            lines.append(f"■ {text or '(前言/其他)'}")
        elif it.kind == "objective":
            if it.text:
                lines.append(f"  ▶ {text}")
        elif it.kind == "target" and it.target is not None:
            lines.append(f"    ◆ [{it.id}] 目标 {short}{unit}")
            lines.append(f"        {_status_text(statuses.get(it.target.id))}")
        elif it.kind == "ranking":
            check = checks.get(it.id)
            verdict = VERDICT_ZH.get(check.verdict, "") if check else ""
            lines.append(f"    ◇ [{it.id}] 排名 {short}")
            if check is not None:
                lines.append(f"        【{verdict}】{check.explanation}")
        elif it.kind == "task":
            lines.append(f"    · [{it.id}] {short}{unit}")
    return "\n".join(lines) + "\n"


@click.command("assign")
@click.argument("item_id", type=int, required=False)
@click.argument("unit_name", required=False)
@click.option("--suggest", is_flag=True, help="List the rules' unconfirmed suggestions instead.")
@db_option
@user_errors
def assign_cmd(item_id: int | None, unit_name: str | None, suggest: bool, db_url: str | None) -> None:
    """Assign plan item ITEM_ID to UNIT_NAME (without UNIT_NAME: confirm the suggested unit)."""
    from sqlalchemy import select

    from targetboard.store.models import PlanItem
    from targetboard.store.plans import assign

    factory = _factory(db_url)
    if suggest or item_id is None:
        with factory() as s:
            q = (
                select(PlanItem)
                .where(PlanItem.suggested_unit.is_not(None), PlanItem.assignment_confirmed.is_(False))
                .order_by(PlanItem.id)
            )
            for it in s.scalars(q):
                text = (it.text or "")[:50]
                click.echo(f"{it.id}\t{it.suggested_unit}\t{text}")
        return
    with factory.begin() as s:
        item = assign(s, item_id, unit_name)
        click.echo(f"item {item.id} assigned to {item.unit.name if item.unit else '-'}")


@click.group("import")
def import_group() -> None:
    """Import data."""


@import_group.command("observations")
@click.argument("path")
@click.option("--region", "region_ref", default=None, help="Region for sheets that do not name one.")
@click.option("--period", default=None, help="Period for sheets that do not name one (2022M06).")
@click.option("--by", "entered_by", default="import", show_default=True, help="Who is entering the data.")
@db_option
@user_errors
def import_observations(
    path: str, region_ref: str | None, period: str | None, entered_by: str, db_url: str | None
) -> None:
    """Import observations from CSV or XLSX: validate everything first, then write all or nothing."""
    from targetboard.ingest import read_observations
    from targetboard.store.observations import write_observations
    from targetboard.store.regions import find_region, region_names

    factory = _factory(db_url)
    with factory() as s:
        names = region_names(s)
        default_region = find_region(s, region_ref).code if region_ref else None
    result = read_observations(path, regions=names, default_region=default_region, default_period=period)
    if not result.ok:
        for problem in result.problems:
            click.echo(f"targetboard: error: {problem}", err=True)
        click.echo(f"targetboard: {path}: {len(result.problems)} problem(s); nothing was imported", err=True)
        sys.exit(1)
    with factory.begin() as s:
        summary = write_observations(s, result.records, entered_by=entered_by)
    click.echo(f"{path}: {len(result.records)} rows: {summary}")


def _thresholds(path: str | None) -> Any:
    """The packaged thresholds, overlaid with a user's TOML file (keys as in analytics/thresholds.toml)."""
    from targetboard.analytics import load_thresholds

    try:
        return load_thresholds(path)
    except (OSError, ValueError) as e:
        raise StoreError(f"{path}: {e}") from None


@click.command("status")
@click.option("--region", "region_ref", default=None)
@click.option("--year", type=int, default=None, help="Plan year.")
@click.option("--period", "as_of", default=None, metavar="PERIOD", help="As of this period (2022M06).")
@click.option(
    "--thresholds",
    "thresholds_file",
    default=None,
    metavar="FILE",
    help="A TOML file overriding the status thresholds (see docs/analytics.md).",
)
@db_option
@user_errors
def status_cmd(
    region_ref: str | None, year: int | None, as_of: str | None, thresholds_file: str | None, db_url: str | None
) -> None:
    """Each stored target's latest actual, completion, year-end forecast and status."""
    from targetboard.store.regions import find_region
    from targetboard.store.tracking import status_rows

    thresholds = _thresholds(thresholds_file)
    with _factory(db_url)() as s:
        region = find_region(s, region_ref) if region_ref else None
        for row in status_rows(s, region=region, year=year, as_of=as_of, thresholds=thresholds):
            st = row.status
            label = STATUS_ZH.get(st.status, st.status) if st else "未跟踪"
            click.echo(
                f"[{row.target_id}] {row.region_name} {row.metric} {row.comparator} "
                f"{row.value:g}{row.unit or ''}：{label}"
            )
            click.echo(f"    {_status_text(st)}")


@click.command("rank")
@click.argument("indicator")
@click.option("--region", "region_ref", required=True)
@click.option("--period", required=True, help="Period code: 2022M06 (year to date), 2022.")
@click.option("--by", type=click.Choice(["level", "growth"]), default="level", show_default=True)
@click.option(
    "--forecast",
    is_flag=True,
    help="Rank the peers' year-end forecasts (from the figures up to PERIOD) instead of PERIOD's figures.",
)
@db_option
@user_errors
def rank_cmd(indicator: str, region_ref: str, period: str, by: str, forecast: bool, db_url: str | None) -> None:
    """Rank REGION among its peers (its parent's children) for INDICATOR in PERIOD."""
    from targetboard.model.period import Period
    from targetboard.store.regions import find_region
    from targetboard.store.tracking import forecast_year_end_rank, ranking

    with _factory(db_url)() as s:
        if forecast:
            p = Period.parse(period)
            _, r = forecast_year_end_rank(s, indicator, region_ref, p.year, as_of=p.code)
            click.echo(f"year-end forecast from figures up to {p.code}:")
        else:
            r = ranking(s, indicator, region_ref, period, by=by)
        me = find_region(s, region_ref).code
        click.echo(f"{r.indicator_id} {r.period} by {r.by}")
        for row in r.rows:
            mark = " ◀" if row.region_code == me else ""
            value = "—" if row.value is None else f"{row.value:g}"
            click.echo(f"  {row.rank if row.rank is not None else '-':>2}  {row.region_name}  {value}{mark}")


@click.command("audit")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@db_option
@user_errors
def audit_cmd(limit: int, db_url: str | None) -> None:
    """The audit trail, newest first: who imported, corrected or assigned what, and when."""
    from targetboard.store.audit import events

    with _factory(db_url)() as s:
        for e in events(s, limit=limit):
            target = f"{e.entity} {e.entity_id}" if e.entity_id else e.entity
            click.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}  {target}  {e.detail}")


COMMANDS = (
    audit_cmd,
    db_group,
    region_group,
    unit_group,
    indicators_cmd,
    plan_group,
    assign_cmd,
    import_group,
    status_cmd,
    rank_cmd,
)
