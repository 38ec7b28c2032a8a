"""One place that turns errors into responses: JSON (the `to_dict` shape) for the API, a page for people.

Why one handler: routes only call services and let `TargetboardError` escape; the kind decides the HTTP
status, so a permission refused deep in a service is a 403 on every route without each route knowing.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from targetboard.errors import ImportRejected, Lang, TargetboardError
from targetboard.web.i18n import COOKIE, N_, UiLang, error_lang, localize, parse_lang, set_lang

STATUS = {"invalid": 400, "not_found": 404, "conflict": 409, "forbidden": 403, "unavailable": 503}


class ErrorWhere(BaseModel):
    """Where in the input the problem is (`errors.Where`, only its known parts)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None


class ErrorBody(BaseModel):
    """The one error shape of the API, as the handlers below write it: declared in the schema so that a
    client (and schemathesis) knows what a 4xx carries."""

    kind: Literal["invalid", "not_found", "conflict", "forbidden", "unavailable", "unauthenticated", "throttled"]
    message: str
    where: ErrorWhere | None = None
    problems: list[str] | None = None  # an import refused as a whole: every problem found


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: The error responses every API route may give (the router declares them once). Validation errors are
#: 400 with this shape, not FastAPI's 422 (see `install`, which drops the 422 FastAPI lists by itself).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("invalid input: a parameter, body field or uploaded file is wrong"),
    401: _error("no valid session or API token"),
    403: _error("the account's role or units do not allow this, or a cookie write lacks its CSRF token"),
    404: _error("the region, unit, plan, item, indicator, token or account named does not exist"),
    409: _error("the request clashes with what is stored (a duplicate, a change made meanwhile)"),
    503: _error("the database is unavailable"),
}


class NotAuthenticated(Exception):
    """No valid session or token: 401 for the API, a redirect to the log-in page for pages."""


class CsrfRefused(Exception):
    """A cookie-authenticated write without the session's CSRF token."""


class TooManyAttempts(Exception):
    """Too many failed log-ins from one address: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(retry_after)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def page_lang(request: Request) -> UiLang:
    """The request's language: ?lang=, else the language switch's cookie, else the settings' language."""
    chosen = parse_lang(request.query_params.get("lang")) or parse_lang(request.cookies.get(COOKIE))
    if chosen is not None:
        return chosen
    return parse_lang(getattr(request.app.state, "default_lang", None)) or "zh-Hans"


def request_lang(request: Request) -> Lang:
    """The language of error messages for this request (Chinese for both Chinese scripts)."""
    return error_lang(page_lang(request))


def error_body(err: TargetboardError, lang: Lang) -> dict[str, Any]:
    body = err.to_dict(lang)
    if isinstance(err, ImportRejected):
        body["problems"] = [str(p) for p in err.problems]
    return body


def _page(request: Request, status: int, title: str, message: str, problems: list[str] | None = None,
          headers: dict[str, str] | None = None, *, en: str | None = None) -> Response:
    """The error page; `title` is a catalogue id, `message` Chinese (converted for 繁體), `en` its English."""
    lang = page_lang(request)
    set_lang(lang)
    shown = en if en is not None and lang == "en" else localize(message)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"title": title, "message": shown,
                                                              "problems": problems or []},
                                      status_code=status, headers=headers)



def _without_422(app: FastAPI) -> None:
    """Make the schema say what the API answers: FastAPI lists 422 (its validation-error shape) on every
    route with parameters, but `_validation` below answers 400 with `ErrorBody`."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    if isinstance(operation, dict):
                        operation.get("responses", {}).pop("422", None)
            components = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    """Register the handlers on `app`, and make its schema list the errors as they are answered."""
    _without_422(app)

    @app.exception_handler(TargetboardError)
    async def _targetboard(request: Request, exc: TargetboardError) -> Response:
        lang = request_lang(request)
        status = STATUS.get(exc.kind, 400)
        if is_api(request):
            return JSONResponse(error_body(exc, lang), status_code=status)
        problems = [str(p) for p in exc.problems] if isinstance(exc, ImportRejected) else []
        return _page(request, status, N_("出错了"), exc.message("zh"), problems, en=exc.message("en"))

    @app.exception_handler(NotAuthenticated)
    async def _anonymous(request: Request, exc: NotAuthenticated) -> Response:
        if is_api(request):
            lang = request_lang(request)
            msg = "请先登录或提供有效的 API 令牌" if lang == "zh" else "log in or give a valid API token"
            return JSONResponse({"kind": "unauthenticated", "message": msg}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        zh, en = "请求缺少有效的 CSRF 令牌，请刷新页面后重试", "missing or wrong CSRF token; reload the page and retry"
        if is_api(request):
            lang = request_lang(request)
            return JSONResponse({"kind": "forbidden", "message": zh if lang == "zh" else en}, status_code=403)
        return _page(request, 403, N_("请求被拒绝"), zh, en=en)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        zh = f"登录失败次数过多，请 {exc.retry_after} 秒后再试"
        en = f"too many failed log-ins; try again in {exc.retry_after} s"
        headers = {"Retry-After": str(exc.retry_after)}
        if is_api(request):
            lang = request_lang(request)
            return JSONResponse({"kind": "throttled", "message": zh if lang == "zh" else en}, status_code=429,
                                headers=headers)
        return _page(request, 429, N_("请稍后再试"), zh, headers=headers, en=en)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "form"))
            parts.append(f"{loc}: {e.get('msg', '')}" if loc else str(e.get("msg", "")))
        message = "；".join(parts)
        if is_api(request):
            lang = request_lang(request)
            prefix = "请求参数无效：" if lang == "zh" else "invalid request: "
            return JSONResponse({"kind": "invalid", "message": prefix + message}, status_code=400)
        return _page(request, 400, N_("请求无效"), "请求参数无效：" + message, en="invalid request: " + message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        kind = {404: "not_found", 405: "invalid", 403: "forbidden"}.get(exc.status_code, "invalid")
        zh = {404: "页面或资源不存在", 405: "不支持此请求方法"}.get(exc.status_code, str(exc.detail))
        if is_api(request):
            lang = request_lang(request)
            return JSONResponse({"kind": kind, "message": zh if lang == "zh" else str(exc.detail)},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return _page(request, exc.status_code, N_("出错了"), zh, en=str(exc.detail))
