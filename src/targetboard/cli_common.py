"""What every command shares: the language, `--db` and `--by` options, and turning errors into lines.

Why here: each command is a thin caller of `targetboard.services`; the only things a command adds are
parsing its arguments and printing. Errors of `targetboard.errors` become one line in the chosen
language (``--lang``, else $TARGETBOARD_LANG, else Chinese), a hint line when there is advice for the
command line, and exit status 1 — never a traceback. A traceback means a bug.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from targetboard.errors import ImportRejected, Lang, TargetboardError
from targetboard.services.actors import Actor
from targetboard.store import Database

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    "db_url",
    default=None,
    metavar="URL",
    help="Database: a file path or sqlite:///PATH, or postgresql://USER@HOST/DB "
    "(default: $TARGETBOARD_DATABASE_URL, else ./targetboard.db).",
)
by_option = click.option(
    "--by",
    "by",
    default=None,
    metavar="NAME",
    help="Who is making the change, for the audit trail (default: $TARGETBOARD_USER, else the login name).",
)


def lang() -> Lang:
    """The output language: the group's --lang, else $TARGETBOARD_LANG, else zh."""
    ctx = click.get_current_context(silent=True)
    chosen = None
    while ctx is not None and chosen is None:
        chosen = (ctx.obj or {}).get("lang") if isinstance(ctx.obj, dict) else None
        ctx = ctx.parent
    value = chosen or os.environ.get("TARGETBOARD_LANG") or "zh"
    return "en" if value == "en" else "zh"


def t(zh: str, en: str) -> str:
    """Pick the message in the output language."""
    return en if lang() == "en" else zh


def echo_error(message: str) -> None:
    click.echo(f"targetboard: {t('错误', 'error')}: {message}", err=True)


def user_errors(fn: F) -> F:
    """Report any TargetboardError as one line (plus a hint, plus each import problem) and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ImportRejected as e:
            for problem in e.problems:
                echo_error(str(problem))
            echo_error(e.message(lang()))
            if e.hint:
                click.echo(f"targetboard: {t('提示', 'hint')}: {e.hint}", err=True)
            sys.exit(1)
        except TargetboardError as e:
            echo_error(e.message(lang()))
            if e.hint:
                click.echo(f"targetboard: {t('提示', 'hint')}: {e.hint}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def open_db(db_url: str | None) -> Database:
    """The database, refused unless its schema is current (only `db upgrade` migrates)."""
    from targetboard.services.schema import open_database

    return open_database(db_url)


def cli_actor(db: Database, by: str | None) -> Actor:
    """The person at the shell: --by, else $TARGETBOARD_USER, else the login name (with their account's role)."""
    from targetboard.services.users import actor_for

    return actor_for(db, by)


def nothing(zh: str, en: str) -> None:
    """Say that a command found nothing (rather than printing nothing)."""
    click.echo(t(zh, en))
