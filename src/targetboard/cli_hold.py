"""Hold-to-account commands: `ledger` (台账) and `report` (progress reports). Thin callers of the services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from targetboard.accountability.ledger import LIGHT_ZH, ledger_kinds
from targetboard.cli_common import by_option, cli_actor, db_option, nothing, open_db, t, user_errors
from targetboard.errors import Invalid
from targetboard.services import assessment, bulletin, ledgers, reminders, reports

KIND = click.Choice(sorted(ledger_kinds()))
kind_option = click.option("--kind", type=KIND, required=True,
                           help="rectification (整改), safety (安全隐患), project (重大项目), listing (企业上市).")
region_option = click.option("--region", "region_ref", required=True, help="The region whose ledger it is.")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"日期 {text!r} 应为 YYYY-MM-DD", f"date {text!r}: expected YYYY-MM-DD") from None


@click.group("ledger")
def ledger_group() -> None:
    """Ledgers (台账): rectification, safety, project and listing entries with deadlines and sign-off."""


@ledger_group.command("import")
@click.argument("path")
@kind_option
@region_option
@by_option
@db_option
@user_errors
def ledger_import(path: str, kind: str, region_ref: str, by: str | None, db_url: str | None) -> None:
    """Import a ledger sheet (CSV/XLSX: 序号, 问题, 责任单位, 完成时限, 整改进展 ...): all or nothing."""
    db = open_db(db_url)
    r = ledgers.import_ledger(db, cli_actor(db, by), path, kind=kind, region=region_ref)
    click.echo(t(f"{r.file}：新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}",
                 f"{r.file}: {r.created} new, {r.updated} updated, {r.unchanged} unchanged"))


@ledger_group.command("list")
@kind_option
@region_option
@click.option("--unit", default=None, help="Only this unit's entries.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="The day the lights are for (default: today).")
@db_option
@user_errors
def ledger_list(kind: str, region_ref: str, unit: str | None, today: str | None, db_url: str | None) -> None:
    """Entries with state and deadline light (红灯 overdue, 黄灯 due within 7 days)."""
    rows = ledgers.list_entries(open_db(db_url), region=region_ref, kind=kind, today=_day(today), unit=unit)
    if not rows:
        nothing("台账中没有事项", "the ledger has no entries")
    for e in rows:
        due = e.deadline.isoformat() if e.deadline else "—"
        click.echo(f"[{e.id}] {e.ref}  {LIGHT_ZH[e.light]}  {e.state_name}  {due}  {e.unit or '—'}  {e.title[:40]}")


@ledger_group.command("move")
@click.argument("entry_id", type=int)
@click.argument("action")
@click.option("--comment", default="", help="Why (required in practice for 退回).")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD",
              help="The day the step happened, when recorded later (default: today); count targets read it.")
@by_option
@db_option
@user_errors
def ledger_move(entry_id: int, action: str, comment: str, on: str | None, by: str | None, db_url: str | None) -> None:
    """Take ACTION on entry ENTRY_ID: start, submit, sign_off, return, reopen (projects: sign, start ...)."""
    db = open_db(db_url)
    e = ledgers.move(db, cli_actor(db, by), entry_id, action, comment=comment, on=_day(on))
    click.echo(t(f"事项 {e.ref}：{e.state_name}（{LIGHT_ZH[e.light]}）", f"entry {e.ref}: {e.state} ({e.light})"))


@ledger_group.command("export")
@kind_option
@region_option
@click.option("--out", "out", required=True, help="The .xlsx file to write.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="The day the lights are for (default: today).")
@db_option
@user_errors
def ledger_export(kind: str, region_ref: str, out: str, today: str | None, db_url: str | None) -> None:
    """Write the ledger as an .xlsx in the usual layout (it imports back unchanged)."""
    data = ledgers.export_ledger(open_db(db_url), region=region_ref, kind=kind, today=_day(today))
    Path(out).write_bytes(data)
    click.echo(t(f"已写入 {out}", f"wrote {out}"))


@ledger_group.command("link")
@click.option("--target", "target_id", type=int, required=True, help="The count target (its id in `status`).")
@kind_option
@click.option("--state", required=True, help="The state an entry must have reached: 开工, 已开工, started ...")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Only entries whose column matches: 责任单位=工信局, 总投资（亿元）>=30 (repeat: all must hold).")
@by_option
@db_option
@user_errors
def ledger_link(target_id: int, kind: str, state: str, filters: tuple[str, ...], by: str | None,
                db_url: str | None) -> None:
    """Let a count target's actual be the number of the region's entries that reached STATE."""
    db = open_db(db_url)
    v = ledgers.link_target(db, cli_actor(db, by), target_id, kind=kind, state=state, filters=filters)
    where = t(f"，筛选 {'、'.join(v.filters)}", f", filtered by {', '.join(v.filters)}") if v.filters else ""
    click.echo(t(f"目标 {v.target_id}（{v.metric}）的完成值取自{v.kind_name}中已达“{v.state_name}”的事项数{where}",
                 f"target {v.target_id} ({v.metric}) now counts {v.kind} entries that reached {v.state}{where}"))


@ledger_group.command("unlink")
@click.option("--target", "target_id", type=int, required=True, help="The target to take back to observations.")
@by_option
@db_option
@user_errors
def ledger_unlink(target_id: int, by: str | None, db_url: str | None) -> None:
    """Take a count target's actual from the observations again."""
    db = open_db(db_url)
    ledgers.unlink_target(db, cli_actor(db, by), target_id)
    click.echo(t(f"目标 {target_id} 已取消台账关联", f"target {target_id} is no longer linked to a ledger"))


@click.group("report")
def report_group() -> None:
    """Progress reports: the lead unit reports each period; the supervisor accepts or returns."""


@report_group.command("submit")
@click.argument("item_id", type=int)
@click.argument("period")
@click.option("--text", required=True, help="What was done (进展情况).")
@click.option("--percent", type=click.IntRange(0, 100), required=True, help="Percent complete, 0-100.")
@click.option("--evidence", "evidence", multiple=True, help="A file (pdf, jpg, png, docx, xlsx; ≤ 10 MB); repeat.")
@by_option
@db_option
@user_errors
def report_submit(item_id: int, period: str, text: str, percent: int, evidence: tuple[str, ...], by: str | None,
                  db_url: str | None) -> None:
    """Report on plan item ITEM_ID for PERIOD (2022M06, or 2022Q2 for quarterly plans)."""
    files = []
    for path in evidence:
        try:
            files.append((Path(path).name, Path(path).read_bytes()))
        except OSError as e:
            raise Invalid(f"{path}：无法读取（{e.strerror}）", f"{path}: cannot read ({e.strerror})") from None
    db = open_db(db_url)
    r = reports.submit_report(db, cli_actor(db, by), item_id, period, text=text, percent=percent, evidence=files)
    click.echo(t(f"已提交报告 {r.id}（{r.unit}，{r.period}，{r.percent}%，佐证 {len(r.evidence)} 件）",
                 f"submitted report {r.id} ({r.unit}, {r.period}, {r.percent}%, {len(r.evidence)} files)"))


@report_group.command("accept")
@click.argument("report_id", type=int)
@by_option
@db_option
@user_errors
def report_accept(report_id: int, by: str | None, db_url: str | None) -> None:
    """Accept report REPORT_ID (supervisors)."""
    db = open_db(db_url)
    r = reports.review_report(db, cli_actor(db, by), report_id, accept=True)
    click.echo(t(f"报告 {r.id} 已通过", f"report {r.id} accepted"))


@report_group.command("return")
@click.argument("report_id", type=int)
@click.option("--comment", required=True, help="What is missing (the unit sees it).")
@by_option
@db_option
@user_errors
def report_return(report_id: int, comment: str, by: str | None, db_url: str | None) -> None:
    """Return report REPORT_ID to its unit with a comment (supervisors)."""
    db = open_db(db_url)
    r = reports.review_report(db, cli_actor(db, by), report_id, accept=False, comment=comment)
    click.echo(t(f"报告 {r.id} 已退回：{r.comment}", f"report {r.id} returned: {r.comment}"))


@report_group.command("due")
@region_option
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="The day to judge by (default: today).")
@db_option
@user_errors
def report_due(region_ref: str, today: str | None, db_url: str | None) -> None:
    """Reports owed in REGION's plans: overdue ones and returned ones, by unit."""
    rows = reports.reports_due(open_db(db_url), region=region_ref, today=_day(today) or date.today())
    if not rows:
        nothing("没有逾期或被退回的报告", "no overdue or returned reports")
    for d in rows:
        why = t("逾期未报" if d.reason == "overdue" else "被退回待重报", d.reason)
        click.echo(f"{d.unit}  {d.period}  {why}  [{d.item_id}] {d.item_text[:40]}")


@report_group.command("remind")
@region_option
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="The day to judge by (default: today).")
@click.option("--dry-run", is_flag=True, help="Print the e-mails instead of sending them (nothing is logged).")
@by_option
@db_option
@user_errors
def report_remind(region_ref: str, today: str | None, dry_run: bool, by: str | None, db_url: str | None) -> None:
    """E-mail each unit of REGION the reports it owes (SMTP from $TARGETBOARD_SMTP_*; once a day per item)."""
    from targetboard.settings import Settings

    db = open_db(db_url)
    result = reminders.send_reminders(db, cli_actor(db, by), Settings.load(), region=region_ref,
                                      today=_day(today), dry_run=dry_run)
    for mail in result.mails:
        if dry_run:
            click.echo(f"To: {', '.join(mail.recipients)}\nSubject: {mail.subject}\n\n{mail.body}")
        else:
            click.echo(t(f"已发送：{mail.unit} → {', '.join(mail.recipients)}（{len(mail.items)} 项）",
                         f"sent: {mail.unit} -> {', '.join(mail.recipients)} ({len(mail.items)} items)"))
    for unit in result.no_address:
        click.echo(t(f"未发送：{unit} 没有填写邮箱的账号（targetboard user set-email）",
                     f"not sent: {unit} has no account with an e-mail address (targetboard user set-email)"))
    if result.already:
        click.echo(t(f"{result.already} 个单位今天已提醒过，未重复发送",
                     f"{result.already} unit(s) already reminded today; not sent again"))
    if not result.mails and not result.no_address and not result.already:
        nothing("没有需要提醒的报告", "no reports to remind of")


@report_group.command("bulletin")
@region_option
@click.option("--period", required=True, help="The month (or quarter) of the bulletin: 2022M06, 2022年6月.")
@click.option("--out", "out_dir", default=".", show_default=True, help="The folder to write the .docx and .xlsx to.")
@click.option("--day", default=None, metavar="YYYY-MM-DD",
              help="The day lights and overdue reports are judged on (default: 6 days after the period's end).")
@click.option("--scheme", "scheme_file", default=None,
              help="A scheme file to run when no assessment was published for the period (not published).")
@by_option
@db_option
@user_errors
def report_bulletin(region_ref: str, period: str, out_dir: str, day: str | None, scheme_file: str | None,
                    by: str | None, db_url: str | None) -> None:
    """Write the monthly supervision bulletin (督查通报) of REGION as a .docx and an .xlsx."""
    from targetboard.bulletin import write_docx, write_xlsx

    out = Path(out_dir)
    if not out.is_dir():
        raise Invalid(f"输出文件夹 {out_dir} 不存在", f"output folder {out_dir} does not exist")
    db = open_db(db_url)
    b = bulletin.build_bulletin(db, cli_actor(db, by), region=region_ref, period=period, day=_day(day),
                                scheme_file=scheme_file)
    docx, xlsx = write_docx(b), write_xlsx(b)
    for suffix, data in ((".docx", docx), (".xlsx", xlsx)):
        path = out / f"{b.title}{suffix}"
        path.write_bytes(data)
        click.echo(t(f"已写入 {path}", f"wrote {path}"))
    counts = b.colour_counts()
    click.echo(t(f"目标 绿{counts['green']} 黄{counts['yellow']} 红{counts['red']} 灰{counts['grey']}；"
                 f"逾期或退回报告 {len(b.reports)} 项；台账红黄灯 {len(b.ledgers)} 项",
                 f"targets green {counts['green']} yellow {counts['yellow']} red {counts['red']} grey "
                 f"{counts['grey']}; {len(b.reports)} reports owed; {len(b.ledgers)} ledger entries lit"))


@click.group("assess")
def assess_group() -> None:
    """Assessment runs (考核): score a region's units with a scheme file; publish the league table."""


@assess_group.command("run")
@click.argument("scheme_file")
@region_option
@click.option("--year", type=int, required=True, help="The plan year whose targets are scored.")
@click.option("--period", required=True, help="Figures up to this period (2022M06, 2022年1-6月).")
@click.option("--day", default=None, metavar="YYYY-MM-DD", help="The day ledger lights are judged on (default: today).")
@click.option("--events", "events_file", default=None,
              help="CSV of bonus/penalty/veto events: 单位, 考核项, 次数, 依据.")
@click.option("--publish", is_flag=True, help="Freeze the run as a snapshot (later corrections do not move it).")
@by_option
@db_option
@user_errors
def assess_run(scheme_file: str, region_ref: str, year: int, period: str, day: str | None, events_file: str | None,
               publish: bool, by: str | None, db_url: str | None) -> None:
    """Score REGION's units with SCHEME_FILE and print the league table (every point traced)."""
    from targetboard.accountability.scoring import league_rows
    from targetboard.services.tracking import parse_period

    db = open_db(db_url)
    view = assessment.run_assessment(db, cli_actor(db, by), scheme_file, region=region_ref, year=year,
                                     as_of=parse_period(period).code, day=_day(day) or date.today(),
                                     events_file=events_file, publish=publish)
    for place, name, total, movement in league_rows(view.result):
        click.echo(f"{place:>2}  {name}  {total}  {movement}")
    if view.snapshot_id is not None:
        click.echo(t(f"已发布为快照 {view.snapshot_id}", f"published as snapshot {view.snapshot_id}"))


COMMANDS = (ledger_group, report_group, assess_group)
