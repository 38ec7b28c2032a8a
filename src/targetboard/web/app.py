"""The application factory: settings in, a FastAPI app out, with sessions, error handlers and routes.

Why a factory: tests build an app per database, `targetboard serve` builds one from the settings, and
nothing reads the environment behind their back. The factory fails fast: without a secret key of at
least 32 characters (the settings check the length) there are no signed sessions, so it refuses to
build.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from targetboard.errors import Invalid, Where
from targetboard.services import status_cache, tracking
from targetboard.services.schema import open_database
from targetboard.settings import Settings
from targetboard.store import Database
from targetboard.web import (
    api,
    api_hold,
    api_review,
    api_units,
    errors,
    i18n,
    pages,
    pages_hold,
    pages_review,
    pages_units,
)
from targetboard.web.security import LoginThrottle

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "tb_session"
SESSION_MAX_AGE = 8 * 3600  # one working day
#: Scripts and styles only from this site (the vendored files); no framing; forms post only here.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
DOCS_URL = "/api/docs"


def create_app(settings: Settings, *, db: Database | None = None, throttle: LoginThrottle | None = None) -> FastAPI:
    """The web app for `settings` (database, secret key, language, thresholds).

    Refuses (Invalid) without a secret key; opens the database now, so a schema that is behind or an
    unreachable server is reported at start and not at the first request.
    """
    if settings.secret_key is None:
        raise Invalid("网页服务需要设置 secret_key（至少 32 个字符）以签名会话",
                      "the web app needs a secret key (at least 32 characters) to sign sessions",
                      hint="set $TARGETBOARD_SECRET_KEY, e.g. python -c 'import secrets; "
                           "print(secrets.token_urlsafe(32))'", where=Where(field="secret_key"))
    app = FastAPI(title="targetboard", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  swagger_ui_oauth2_redirect_url=None)
    app.state.settings = settings
    app.state.db = db if db is not None else open_database(settings=settings)
    app.state.default_lang = settings.lang
    app.state.thresholds = (tracking.thresholds_from(str(settings.thresholds_file))
                            if settings.thresholds_file else None)
    app.state.throttle = throttle or LoginThrottle()
    app.state.templates = make_templates()
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key.get_secret_value(),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE, same_site="lax", https_only=False)
    errors.install(app)
    _install_docs(app)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(ReadSnapshot)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(api_units.router)
    app.include_router(api_hold.router)
    app.include_router(pages.router)
    app.include_router(pages_units.router)
    app.include_router(pages_hold.router)
    app.include_router(api_review.router)
    app.include_router(pages_review.router)
    return app


class SecurityHeaders:
    """Security headers on every response, as a plain ASGI middleware (Starlette's `@app.middleware("http")`
    wraps every request in an extra task and stream, which costs a page a few milliseconds)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = scope.get("path") != DOCS_URL  # Swagger UI's page starts itself with an inline script

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if csp:
                    headers.setdefault("Content-Security-Policy", CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ReadSnapshot:
    """GET and HEAD requests read the data version once (`status_cache.one_version`): a target page asks
    five cached services, and each asked the database for the version. Such requests do not write what
    the statuses depend on, so one version per request is a consistent snapshot, not a stale one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        with status_cache.one_version():
            await self.app(scope, receive, send)


def app_from_environment() -> FastAPI:
    """The app of a `targetboard serve --workers N` worker process: settings from TARGETBOARD_* only."""
    return create_app(Settings.load())


def make_templates() -> Jinja2Templates:
    """The page templates with gettext (`_`, `{% trans %}`) in the request's language (`web.i18n`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(localize=i18n.localize, period_label=i18n.period_label, lang_names=i18n.LANG_NAMES,
                       langs=i18n.LANGS)
    return Jinja2Templates(env=env)


def _install_docs(app: FastAPI) -> None:
    """The OpenAPI page at /api/docs with the vendored Swagger UI: FastAPI's default loads it from a CDN,
    and an intranet dashboard must not reach out to the internet."""

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="targetboard API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg",
                                   swagger_ui_parameters={"validatorUrl": None})
