"""`targetboard review`: the review screen's decisions on the command line. Thin callers of services.review.

Why a CLI too: an office importing plans by script reviews the few uncertain items without opening a
browser, and the golden cases are wanted as a file next to the test suite.
"""

from __future__ import annotations

from pathlib import Path

import click

from targetboard.cli_common import by_option, cli_actor, db_option, lang, nothing, open_db, t, user_errors
from targetboard.services import review
from targetboard.services.review import FIELD_NAMES, ReviewItem

STATE_ZH = {"pending": "待审核", "accepted": "已采纳", "edited": "已修改", "rejected": "已驳回", "added": "人工添加"}


def _line(i: ReviewItem) -> str:
    f = i.fields
    conf = f"{i.confidence:.2f}" if i.confidence is not None else " -  "
    state = STATE_ZH[i.state] if lang() == "zh" else i.state
    what = " ".join(str(x) for x in (f.metric, f.comparator, f.value, f.unit) if x is not None)
    if f.rank is not None:
        what += f" #{f.rank}"
    return f"{i.id:>6}  {conf}  {f.kind:<8} {state:<6} {f.start}-{f.end}  {f.text[:40]}  {what}"


def _fields_option(fn: click.decorators.FC) -> click.decorators.FC:
    for name in reversed(("kind", "start", "end", *FIELD_NAMES)):
        fn = click.option(f"--{name.replace('_', '-')}", name, default=None,
                          help=f"The item's {name} (an empty value clears it).")(fn)
    return fn


def _changes(values: dict[str, str | None]) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None}


@click.group("review")
def review_group() -> None:
    """Review a plan's extracted items: only accepted items become targets and claims."""


@review_group.command("list")
@click.argument("plan_id", type=int)
@click.option("--state", type=click.Choice(review.STATES), default=None, help="Only items in this state.")
@by_option
@db_option
@user_errors
def review_list(plan_id: int, state: str | None, by: str | None, db_url: str | None) -> None:
    """The items of plan PLAN_ID, lowest confidence first: id, confidence, kind, state, span, text, fields."""
    db = open_db(db_url)
    sheet = review.review_sheet(db, cli_actor(db, by), plan_id)
    items = [i for i in sheet.items if state is None or i.state == state]
    if not items:
        nothing("没有符合条件的条目", "no items match")
        return
    for i in items:
        click.echo(_line(i))


def _decide(name: str, zh: str, en: str) -> click.Command:
    @click.argument("item_ids", type=int, nargs=-1, required=True)
    @by_option
    @db_option
    @user_errors
    def command(item_ids: tuple[int, ...], by: str | None, db_url: str | None) -> None:
        db = open_db(db_url)
        actor = cli_actor(db, by)
        for item_id in item_ids:
            click.echo(_line(getattr(review, name)(db, actor, item_id)))

    command.__doc__ = f"{en} (ITEM_IDS: the numbers `review list` shows). {zh}"
    return review_group.command(name)(command)


_decide("accept", "采纳", "Accept items as extracted")
_decide("reject", "驳回", "Reject items: they stay stored but are never tracked")
_decide("reopen", "撤销决定", "Put items back to pending review")


@review_group.command("edit")
@click.argument("item_id", type=int)
@_fields_option
@by_option
@db_option
@user_errors
def review_edit(item_id: int, by: str | None, db_url: str | None, **values: str | None) -> None:
    """Correct an item's fields or span and accept it (the old values are kept as a revision)."""
    db = open_db(db_url)
    click.echo(_line(review.edit(db, cli_actor(db, by), item_id, _changes(values))))


@review_group.command("add")
@click.argument("plan_id", type=int)
@_fields_option
@by_option
@db_option
@user_errors
def review_add(plan_id: int, by: str | None, db_url: str | None, **values: str | None) -> None:
    """Add an item the extractor missed: --kind, --start, --end (offsets in the document text) and fields."""
    db = open_db(db_url)
    click.echo(_line(review.add(db, cli_actor(db, by), plan_id, _changes(values))))


@review_group.command("export-golden")
@click.argument("plan_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the cases to this file (default: standard output).")
@by_option
@db_option
@user_errors
def review_export_golden(plan_id: int, out: Path | None, by: str | None, db_url: str | None) -> None:
    """Every correction of plan PLAN_ID (edit, reject, add) as golden extraction cases (TOML)."""
    db = open_db(db_url)
    exported = review.export_golden(db, cli_actor(db, by), plan_id)
    if out is None:
        click.echo(exported.toml, nl=False)
        return
    out.write_text(exported.toml, encoding="utf-8")
    click.echo(t(f"已写出 {exported.cases} 个用例：{out}", f"{exported.cases} cases written to {out}"))


COMMANDS = (review_group,)
