"""`targetboard user ...`: accounts for the web dashboard and the API (admins only).

Passwords never appear on the command line (they would land in the shell history): they are asked
for with hidden input, or read from standard input with `--password-stdin`.
"""

from __future__ import annotations

import sys

import click

from targetboard.cli_common import by_option, cli_actor, db_option, nothing, open_db, t, user_errors
from targetboard.services import users
from targetboard.services.users import UserView

ROLE_CHOICE = click.Choice(["admin", "supervisor", "unit_editor", "viewer"])


def _password(from_stdin: bool, prompt: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if prompt:
        return str(click.prompt(t("密码", "Password"), hide_input=True, confirmation_prompt=True))
    return None


def _line(u: UserView) -> str:
    units = "、".join(u.units) or "-"
    state = "" if u.is_active else t("  （已停用）", "  (disabled)")
    pw = "" if u.has_password else t("  （未设密码）", "  (no password)")
    return f"{u.username}  {u.display_name}  {u.role}  {u.region_name or '-'}  {units}{state}{pw}"


@click.group("user")
def user_group() -> None:
    """Accounts: admin, supervisor, unit_editor (their units' items only), viewer."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: USERNAME).")
@click.option("--region", "region_ref", default=None, help="A supervisor's region, or the region of --unit.")
@click.option("--unit", "units", multiple=True, help="A unit the user acts for (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="Create without a password (cannot log in until one is set).")
@click.option("--email", default=None, help="Where the reminders of the user's units go.")
@by_option
@db_option
@user_errors
def user_add(username: str, role: str, display_name: str | None, region_ref: str | None, units: tuple[str, ...],
             password_stdin: bool, no_password: bool, email: str | None, by: str | None, db_url: str | None) -> None:
    """Create account USERNAME."""
    db = open_db(db_url)
    actor = cli_actor(db, by)
    password = _password(password_stdin, not no_password)
    u = users.add_user(db, actor, username, role=role, display_name=display_name, password=password,
                       region=region_ref, units=units, email=email)
    click.echo(t(f"已创建用户：{_line(u)}", f"created user: {_line(u)}"))


@user_group.command("list")
@by_option
@db_option
@user_errors
def user_list(by: str | None, db_url: str | None) -> None:
    """List accounts with role, region and units."""
    db = open_db(db_url)
    rows = users.list_users(db, cli_actor(db, by))
    if not rows:
        nothing("还没有用户；用 `targetboard user add` 创建", "no users yet; create one with `targetboard user add`")
    for u in rows:
        click.echo(_line(u))


@user_group.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
@by_option
@db_option
@user_errors
def user_set_role(username: str, role: str, by: str | None, db_url: str | None) -> None:
    """Change USERNAME's role."""
    db = open_db(db_url)
    click.echo(_line(users.set_role(db, cli_actor(db, by), username, role)))


@user_group.command("set-email")
@click.argument("username")
@click.argument("email")
@by_option
@db_option
@user_errors
def user_set_email(username: str, email: str, by: str | None, db_url: str | None) -> None:
    """Set USERNAME's e-mail address for reminders ("" clears it)."""
    db = open_db(db_url)
    u = users.set_email(db, cli_actor(db, by), username, email)
    click.echo(f"{_line(u)}  {u.email or t('（无邮箱）', '(no e-mail)')}")


@user_group.command("set-units")
@click.argument("username")
@click.option("--region", "region_ref", required=True)
@click.option("--unit", "units", multiple=True, required=True)
@by_option
@db_option
@user_errors
def user_set_units(username: str, region_ref: str, units: tuple[str, ...], by: str | None, db_url: str | None) -> None:
    """Replace the units USERNAME acts for."""
    db = open_db(db_url)
    click.echo(_line(users.set_units(db, cli_actor(db, by), username, region_ref, units)))


@user_group.command("disable")
@click.argument("username")
@by_option
@db_option
@user_errors
def user_disable(username: str, by: str | None, db_url: str | None) -> None:
    """Disable USERNAME (it can no longer log in; its history stays)."""
    db = open_db(db_url)
    click.echo(_line(users.set_active(db, cli_actor(db, by), username, False)))


@user_group.command("enable")
@click.argument("username")
@by_option
@db_option
@user_errors
def user_enable(username: str, by: str | None, db_url: str | None) -> None:
    """Enable USERNAME again."""
    db = open_db(db_url)
    click.echo(_line(users.set_active(db, cli_actor(db, by), username, True)))


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@by_option
@db_option
@user_errors
def user_passwd(username: str, password_stdin: bool, by: str | None, db_url: str | None) -> None:
    """Set USERNAME's password (admins)."""
    db = open_db(db_url)
    actor = cli_actor(db, by)
    password = _password(password_stdin, True)
    assert password is not None
    users.set_password(db, actor, username, password)
    click.echo(t(f"已设置 {username} 的密码", f"password set for {username}"))
