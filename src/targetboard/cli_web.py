"""`targetboard serve`: the web dashboard and REST API on uvicorn.

Why the checks come first: a missing secret key, a database whose schema is behind or an unreachable
server are reported as one line before anything listens, never as a traceback from the first request.
"""

from __future__ import annotations

import click

from targetboard.cli_common import db_option, t, user_errors
from targetboard.settings import Settings


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: $TARGETBOARD_HOST, else 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: $TARGETBOARD_PORT, else 8000).")
@db_option
@user_errors
def serve(host: str | None, port: int | None, db_url: str | None) -> None:
    """Run the web dashboard and the REST API (needs $TARGETBOARD_SECRET_KEY, at least 32 characters)."""
    import uvicorn

    from targetboard.web import create_app

    settings = Settings.load(host=host, port=port, database_url=db_url)
    app = create_app(settings)
    click.echo(t(f"targetboard 网页服务：http://{settings.host}:{settings.port}/  （API 文档：/api/docs）",
                 f"targetboard web: http://{settings.host}:{settings.port}/  (API docs: /api/docs)"))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", proxy_headers=False)


COMMANDS = [serve]
