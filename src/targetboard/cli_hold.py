"""Hold-to-account commands: `ledger` (台账). Thin callers of `targetboard.services.ledgers`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from targetboard.accountability.ledger import LIGHT_ZH, ledger_kinds
from targetboard.cli_common import by_option, cli_actor, db_option, nothing, open_db, t, user_errors
from targetboard.errors import Invalid
from targetboard.services import ledgers

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
@by_option
@db_option
@user_errors
def ledger_move(entry_id: int, action: str, comment: str, by: str | None, db_url: str | None) -> None:
    """Take ACTION on entry ENTRY_ID: start, submit, sign_off, return, reopen (projects: sign, start ...)."""
    db = open_db(db_url)
    e = ledgers.move(db, cli_actor(db, by), entry_id, action, comment=comment)
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


COMMANDS = (ledger_group,)
