"""`targetboard serve`: the web dashboard and REST API on uvicorn.

Why the checks come first: a missing secret key, a database whose schema is behind or an unreachable
server are reported as one line before anything listens, never as a traceback from the first request.

`--demo` serves the demo instead (it is what `scripts/demo.sh`, the README's first command, runs: the
whole demo printed, then the dashboard): the seed plan and the sample data in a demo database (a temporary
file unless `--db` names one, refused when it holds anything but demo data), one account per role with
passwords generated for this run, and a secret key generated for this run. It is the only way the
app starts without a configured secret key.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import click

from targetboard.cli_common import db_option, t, user_errors
from targetboard.errors import Conflict
from targetboard.settings import Settings
from targetboard.store import Database

#: The demo's accounts: (user name, role, display name). The unit editor acts for the unit the demo
#: makes lead of the seed's 工业应税销售 target (`demo.DEMO_LEADS`), so it has something of its own.
DEMO_ACCOUNTS = (("demo-admin", "admin", "演示管理员"), ("demo-supervisor", "supervisor", "演示督查室"),
                 ("demo-editor", "unit_editor", "演示填报员"), ("demo-viewer", "viewer", "演示领导"))
DEMO_METRIC = "工业应税销售"


def demo_accounts(db: Database) -> list[tuple[str, str, str]]:
    """Create (or on a re-run, reset the passwords of) the demo accounts; (name, role, password) each."""
    from targetboard.demo import DEMO_ACTOR, DEMO_LEADS, _meta
    from targetboard.services import users

    region = str(_meta()["region"])
    unit = DEMO_LEADS[DEMO_METRIC]
    out = []
    for name, role, display in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        try:
            users.add_user(db, DEMO_ACTOR, name, role=role, display_name=display, password=password,
                           region=region if role in ("supervisor", "unit_editor") else None,
                           units=[unit] if role == "unit_editor" else [])
        except Conflict:
            users.set_password(db, DEMO_ACTOR, name, password)
        out.append((name, role, password))
    return out


def _run(settings: Settings, db: Database | None = None, workers: int = 1) -> None:
    import uvicorn

    from targetboard.web import create_app

    click.echo(t(f"targetboard 网页服务：http://{settings.host}:{settings.port}/  （API 文档：/api/docs）",
                 f"targetboard web: http://{settings.host}:{settings.port}/  (API docs: /api/docs)"))
    if workers > 1:
        # Worker processes build their own app from the environment (uvicorn imports a factory by name),
        # so the settings this command resolved go to them as TARGETBOARD_* variables.
        assert settings.secret_key is not None  # create_app below refused otherwise
        create_app(settings, db=db)  # fail fast here, not in every worker
        os.environ.update(TARGETBOARD_DATABASE_URL=settings.database_url,
                          TARGETBOARD_SECRET_KEY=settings.secret_key.get_secret_value())
        uvicorn.run("targetboard.web.app:app_from_environment", factory=True, host=settings.host,
                    port=settings.port, workers=workers, log_level="info", proxy_headers=False)
        return
    app = create_app(settings, db=db)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", proxy_headers=False)


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: $TARGETBOARD_HOST, else 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: $TARGETBOARD_PORT, else 8000).")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Server processes (one per core; each keeps its own status cache and log-in throttle).")
@click.option("--demo", is_flag=True, help="Serve the demo: seed plan, sample data and demo accounts in a demo "
              "database (a temporary file unless --db), with a secret key generated for this run.")
@db_option
@user_errors
def serve(host: str | None, port: int | None, workers: int, demo: bool, db_url: str | None) -> None:
    """Run the web dashboard and the REST API (needs $TARGETBOARD_SECRET_KEY, at least 32 characters)."""
    if not demo:
        _run(Settings.load(host=host, port=port, database_url=db_url), workers=workers)
        return
    from targetboard.demo import read_part, track_part
    from targetboard.services.schema import open_database

    with tempfile.TemporaryDirectory() as tmp:
        path = db_url or str(Path(tmp) / "demo.db")
        settings = Settings.load(host=host, port=port, database_url=path, secret_key=secrets.token_urlsafe(32))
        click.echo(read_part() + track_part(settings.database_url), nl=False)
        db = open_database(settings=settings)
        accounts = demo_accounts(db)
        click.echo(t("\n== 演示账号（密码仅本次有效）==", "\n== demo accounts (passwords for this run only) =="))
        for name, role, password in accounts:
            click.echo(f"  {name:<16} {role:<12} {password}")
        _run(settings, db, workers)


COMMANDS = [serve]
