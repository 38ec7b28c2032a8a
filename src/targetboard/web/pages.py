"""Server-rendered pages (Jinja2, simplified Chinese): log-in, password, plan tree, target, audit.

Why server-rendered: the offices use whatever browser the intranet has; a page that works without a
script framework is the safest default, and every string a template shows is auto-escaped (an
extracted sentence or an uploaded cell holding ``<script>`` is shown as text). Routes here call the
services and shape their results for display (filters, counts, highlighting); they hold no rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlparse

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from targetboard.errors import Forbidden, ImportRejected, Invalid, NotFound, TargetboardError, Where
from targetboard.services import audit, observations, plans, status_cache, tracking, users, web_support
from targetboard.services.actors import ROLE_NAMES_ZH, Actor
from targetboard.services.plans import NodeView, PlanSummary
from targetboard.store import Database
from targetboard.web.deps import ActorDep, DbDep, MaybeActorDep, csrf_protect
from targetboard.web.errors import TooManyAttempts, page_lang
from targetboard.web.i18n import COOKIE, HTML_LANG, N_, gettext, message_in, parse_lang, period_label, set_lang
from targetboard.web.security import csrf_token, start_session

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])

#: Badge colour of each status: 绿 achieved/on track, 黄 at risk, 红 off track, 灰 no data.
BADGE = {"achieved": "green", "on_track": "green", "at_risk": "yellow", "off_track": "red", "no_data": "grey"}
BADGE_ZH = {"green": N_("绿"), "yellow": N_("黄"), "red": N_("红"), "grey": N_("灰")}
HEADING_KINDS = ("pillar", "objective")
#: Status and claim-verdict labels (`analytics.STATUS_ZH`, `VERDICT_ZH`) and plan states, for the catalogue.
STATUS_LABELS = (N_("已完成"), N_("进度正常"), N_("有风险"), N_("难以完成"), N_("暂无数据"), N_("未跟踪"),
                 N_("属实"), N_("不符"), N_("数据不全"))
PLAN_STATUS_ZH = {"draft": N_("草稿"), "reviewed": N_("已审核"), "published": N_("已发布")}
#: The role names of `services.actors.ROLE_NAMES_ZH`, marked for the catalogue (the template translates).
ROLE_LABELS = (N_("管理员"), N_("督查人员"), N_("单位填报员"), N_("只读用户"))
KIND_ZH = {"pillar": N_("板块"), "objective": N_("目标"), "task": N_("任务"), "target": N_("指标目标"),
           "outcome": N_("成果"), "ranking": N_("排位")}


def render(request: Request, name: str, context: dict[str, Any], actor: Actor | None = None,
           status_code: int = 200) -> Response:
    """A template with what every page needs: the user, their role's name and the CSRF token."""
    lang = page_lang(request)
    set_lang(lang)
    base = {"actor": actor, "role_zh": ROLE_NAMES_ZH.get(actor.role, actor.role) if actor else None,
            "lang": lang, "html_lang": HTML_LANG[lang], "path_qs": _path_qs(request),
            "display_name": getattr(request.state, "display_name", actor.name if actor else None),
            "csrf": csrf_token(request.session), "kind_zh": KIND_ZH, "badge_zh": BADGE_ZH,
            "plan_status_zh": PLAN_STATUS_ZH}
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _t(request: Request, message: str) -> str:
    """`message` (a catalogue id) in the page's language, for text a route builds before rendering."""
    set_lang(page_lang(request))
    return gettext(message)


def _error_text(request: Request, err: TargetboardError) -> str:
    """A service's error message in the page's language."""
    return message_in(err.message("zh"), err.message("en"), page_lang(request))


def _path_qs(request: Request) -> str:
    """This page's path and query without ``lang`` (where the language switch returns to)."""
    query = "&".join(f"{k}={quote(v)}" for k, v in request.query_params.multi_items() if k != "lang")
    return request.url.path + (f"?{query}" if query else "")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //): an open redirect would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/plans"
    parsed = urlparse(target)
    return target if not parsed.scheme and not parsed.netloc else "/plans"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def refresh_password_stamp(request: Request, db: Database, actor: Actor) -> None:
    """After one's own password change, keep this session (others end: their stamp no longer matches)."""
    if actor.user_id is None:
        return
    account = web_support.session_account(db, actor.user_id)
    if account is not None:
        start_session(request.session, actor.user_id, account.password_changed_at)


# --- log-in, log-out, password --------------------------------------------------------------------

@router.get("/")
def home() -> Response:
    return RedirectResponse("/plans", status_code=303)


@router.get("/lang")
def choose_language(to: str, next: str | None = None) -> Response:
    """The language switch: remember the choice in a cookie (a year) and go back to the page."""
    lang = parse_lang(to)
    if lang is None:
        raise Invalid(f"不支持的语言：{to}", f"unsupported language: {to}", where=Where(field="to"),
                      hint="zh-Hans, zh-Hant or en")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


@router.get("/login")
def login_page(request: Request, actor: MaybeActorDep, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None, "username": ""}, actor)


@router.post("/login")
def login(request: Request, db: DbDep, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)],
          next: Annotated[str | None, Form()] = None) -> Response:
    throttle = request.app.state.throttle
    client = _client(request)
    wait = throttle.retry_after(client)
    if wait:
        raise TooManyAttempts(wait)
    try:
        actor = users.login(db, username, password)
    except Forbidden as e:
        throttle.failed(client)
        return render(request, "login.html", {"next": _safe_next(next), "error": _error_text(request, e),
                                              "username": username}, None, status_code=401)
    assert actor.user_id is not None
    account = web_support.session_account(db, actor.user_id)
    start_session(request.session, actor.user_id, account.password_changed_at if account else None)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/password")
def password_page(request: Request, actor: ActorDep) -> Response:
    return render(request, "password.html", {"error": None, "done": False}, actor)


@router.post("/password")
def change_password(request: Request, db: DbDep, actor: ActorDep,
                    old_password: Annotated[str, Form(max_length=1024)],
                    new_password: Annotated[str, Form(max_length=1024)],
                    confirm_password: Annotated[str, Form(max_length=1024)]) -> Response:
    if new_password != confirm_password:
        mismatch = _t(request, "两次输入的新密码不一致")
        return render(request, "password.html", {"error": mismatch, "done": False}, actor, 400)
    try:
        users.set_password(db, actor, actor.name, new_password, old_password=old_password)
    except TargetboardError as e:
        status = 403 if e.kind == "forbidden" else 400
        return render(request, "password.html", {"error": _error_text(request, e), "done": False}, actor, status)
    refresh_password_stamp(request, db, actor)
    return render(request, "password.html", {"error": None, "done": True}, actor)


# --- plan tree ------------------------------------------------------------------------------------

def badge(node: NodeView) -> str:
    return BADGE.get(node.status.status, "grey") if node.status else "grey"


@dataclass(frozen=True)
class Row:
    """One line of the tree with its labels already in the page's language: a plan of 500 items would
    otherwise call gettext a few thousand times while rendering (half the page's time, bench/web.py)."""

    node: NodeView
    depth: int
    badge: str | None  # None: not a target (no status)
    kind_label: str = ""
    badge_label: str = ""
    status_label: str = ""
    verdict_label: str = ""


def _labelled(rows: list[Row]) -> list[Row]:
    """`rows` with their labels translated once per distinct label (the caller has set the language)."""
    memo: dict[str, str] = {}

    def tr(text: str | None) -> str:
        if not text:
            return ""
        if text not in memo:
            memo[text] = gettext(text)
        return memo[text]

    return [Row(r.node, r.depth, r.badge, tr(KIND_ZH.get(r.node.kind, r.node.kind)),
                tr(BADGE_ZH[r.badge]) if r.badge else "", tr(r.node.status_label),
                tr(r.node.verdict_label)) for r in rows]


@dataclass(frozen=True)
class PlanTree:
    """What the plan page shows of one plan under one filter: the tree's rows as HTML, the colour counts,
    and the choices of the unit and pillar filters."""

    summary: PlanSummary
    html: Markup
    counts: dict[str, int]
    units: list[str]
    pillars: list[NodeView]


def plan_tree(request: Request, db: Database, chosen: int, *, unit: str | None, status: str | None,
              pillar: int | None, as_of: str | None) -> PlanTree:
    """The plan page's tree, rendered once per change of the data, filter and language and then shared by
    every request (`services.status_cache`): 500 rows are most of the page's time (bench/web.py), and a
    county's departments all open the same plan. Nothing in it depends on who asks: the plan is readable
    by every role, and the controls that do depend on the account are outside it."""
    lang = page_lang(request)
    thresholds = request.app.state.thresholds
    return status_cache.cached(db, ("web.plan_tree", chosen, unit, status, pillar, as_of, lang, repr(thresholds)),
                               lambda: _plan_tree(request, db, chosen, unit=unit, status=status, pillar=pillar,
                                                  as_of=as_of))


def _plan_tree(request: Request, db: Database, chosen: int, *, unit: str | None, status: str | None,
               pillar: int | None, as_of: str | None) -> PlanTree:
    view = web_support.show_plan(db, chosen, as_of=as_of or None, thresholds=request.app.state.thresholds)
    counts = {"green": 0, "yellow": 0, "red": 0, "grey": 0}
    units: set[str] = set()
    pillars: list[NodeView] = []
    rows: list[Row] = []
    current_pillar: int | None = None
    for n in view.nodes:  # in document order: a pillar comes before everything under it
        units.update(u for u in (n.lead_unit, *n.support_units) if u)
        if n.kind == "pillar":
            current_pillar = n.id
            if n.text:
                pillars.append(n)
        if pillar is not None and current_pillar != pillar:
            continue
        if n.kind in HEADING_KINDS:
            if n.text:
                rows.append(Row(n, 0 if n.kind == "pillar" else 1, None))
            continue
        if unit and unit not in (n.lead_unit, *n.support_units):
            continue
        colour = badge(n) if n.kind == "target" else None
        if colour:
            counts[colour] += 1
        if status and colour != status:
            continue
        rows.append(Row(n, 2, colour))
    set_lang(page_lang(request))
    templates: Jinja2Templates = request.app.state.templates
    html = templates.env.get_template("_plan_tree.html").render(rows=_labelled(rows), as_of=as_of)
    return PlanTree(view.summary, Markup(html), counts, sorted(units), pillars)


@router.get("/plans")
def plan_page(request: Request, db: DbDep, actor: ActorDep, plan: int | None = None, unit: str | None = None,
              status: str | None = None, pillar: int | None = None, as_of: str | None = None) -> Response:
    """The plan tree; filters by unit, pillar and status colour. Counts are of the targets the unit and
    pillar filters leave, so that they answer "how is this department / this pillar doing"."""
    summaries = plans.list_plans(db)
    if not summaries:
        return render(request, "plans.html", {"summaries": [], "summary": None, "tree": None, "counts": {}, "units": [],
                                              "pillars": [], "unit": unit, "status": status, "pillar": pillar,
                                              "as_of": as_of}, actor)
    chosen = plan if plan is not None else summaries[-1].id
    tree = plan_tree(request, db, chosen, unit=unit, status=status, pillar=pillar, as_of=as_of)
    return render(request, "plans.html", {"summaries": summaries, "summary": tree.summary, "tree": tree.html,
                                          "counts": tree.counts, "units": tree.units, "pillars": tree.pillars,
                                          "unit": unit,
                                          "status": status, "pillar": pillar, "as_of": as_of, "chosen": chosen},
                  actor)


# --- target ---------------------------------------------------------------------------------------

def _excerpt(text: str, start: int, end: int, around: int = 200) -> tuple[str, str, str]:
    """The paragraph around [start, end) split as before / the span / after (escaped by the template)."""
    lo = text.rfind("\n", 0, max(0, start - around))
    lo = max(0, start - around) if lo < 0 else lo + 1
    hi = text.find("\n", min(len(text), end + around))
    hi = len(text) if hi < 0 else hi
    return text[lo:start], text[start:end], text[end:hi]


def _chart(db: Database, source: web_support.ItemSource, node: NodeView, as_of: str | None,
           thresholds: Any) -> dict[str, Any] | None:
    """The series a level target's chart shows: this year's cumulative actual by month, last year's for
    comparison, the target line and the year-end forecast. None when there is nothing to draw (a growth
    or count target's comparison is in the explanation and the table)."""
    if not node.metric or node.status is None or node.status.completion is None:
        return None
    target = next((t for t in tracking.target_statuses(db, region=source.region_name, year=source.year,
                                                       as_of=as_of, thresholds=thresholds)
                   if t.item_id == node.id), None)
    if target is None:
        return None
    try:
        rows = observations.indicator_series(db, region=source.region_name, indicator=node.metric)
    except TargetboardError:
        return None
    months = [period_label(f"{source.year}M{m:02d}").removeprefix(f"{source.year}年").removesuffix(f" {source.year}")
              for m in range(1, 13)]

    def series(year: int) -> list[float | None]:
        values: list[float | None] = [None] * 12
        for r in rows:
            if r.ytd and r.value is not None and r.period.startswith(f"{year}M"):
                values[int(r.period[5:]) - 1] = r.value
        return values

    actual = series(source.year)
    if not any(v is not None for v in actual):
        return None
    return {"months": months, "actual": actual, "previous": series(source.year - 1), "target": target.value,
            "forecast": node.status.forecast, "unit": target.unit or "", "year": source.year,
            "title": node.metric,
            "labels": {"actual": gettext("%(year)s年累计") % {"year": source.year},
                       "previous": gettext("%(year)s年累计") % {"year": source.year - 1},
                       "target": gettext("目标"), "forecast": gettext("全年预测")}}


@router.get("/targets/{item_id}")
def target_page(request: Request, item_id: int, db: DbDep, actor: ActorDep, as_of: str | None = None) -> Response:
    source = web_support.item_source(db, item_id)
    view = web_support.show_plan(db, source.plan_id, as_of=as_of or None, thresholds=request.app.state.thresholds)
    node = next((n for n in view.nodes if n.id == item_id), None)
    if node is None:  # pragma: no cover - the item was just read
        raise NotFound(f"规划事项 {item_id} 不存在", f"plan item {item_id}: not found")
    ranking = None
    ranking_error = None
    period = node.status.latest_period if node.status else None
    if node.metric and period:
        try:
            ranking = tracking.rank_indicator(db, node.metric, region=source.region_name, period=period)
        except TargetboardError as e:
            ranking_error = _error_text(request, e)
    set_lang(page_lang(request))  # the chart's labels
    chart = _chart(db, source, node, as_of or None, request.app.state.thresholds)
    ranking_chart = ({"regions": [r.region_name for r in ranking.rows], "values": [r.value for r in ranking.rows],
                      "self": [r.is_self for r in ranking.rows], "unit": ranking.unit, "period": ranking.period}
                     if ranking is not None and ranking.with_data else None)
    before, span, after = _excerpt(source.document_text, source.start, source.end)
    full = (source.document_text[:source.start], source.document_text[source.start:source.end],
            source.document_text[source.end:])
    return render(request, "target.html", {"source": source, "node": node, "badge": badge(node),
                                           "ranking": ranking, "ranking_error": ranking_error,
                                           "excerpt": (before, span, after), "full": full, "as_of": as_of,
                                           "chart": chart, "ranking_chart": ranking_chart}, actor)


# --- upload --------------------------------------------------------------------------------------

@router.get("/upload")
def upload_page(request: Request, actor: ActorDep) -> Response:
    return render(request, "upload.html", {"result": None, "error": None, "problems": []}, actor)


@router.post("/upload")
async def upload(request: Request, db: DbDep, actor: ActorDep, file: Annotated[UploadFile, File()],
                 region: Annotated[str | None, Form(max_length=64)] = None,
                 period: Annotated[str | None, Form(max_length=32)] = None,
                 force: Annotated[bool, Form()] = False) -> Response:
    """The same importer as the CLI and the API; the validation report is shown in the page."""
    from starlette.concurrency import run_in_threadpool

    from targetboard.web.api import read_upload

    try:
        data, name = await read_upload(file)
        result = await run_in_threadpool(observations.import_observations, db, actor, data, filename=name,
                                         region=region or None, period=period or None, force=force)
    except ImportRejected as e:
        return render(request, "upload.html", {"result": None, "error": _error_text(request, e),
                                               "problems": [str(p) for p in e.problems]}, actor, 400)
    except TargetboardError as e:
        status = {"forbidden": 403, "not_found": 404, "conflict": 409, "unavailable": 503}.get(e.kind, 400)
        return render(request, "upload.html", {"result": None, "error": _error_text(request, e), "problems": []}, actor,
                      status)
    return render(request, "upload.html", {"result": result, "error": None, "problems": []}, actor)


# --- audit ----------------------------------------------------------------------------------------

@router.get("/audit")
def audit_page(request: Request, db: DbDep, actor: ActorDep, who: str | None = None, action: str | None = None,
               limit: int = 200) -> Response:
    events = audit.list_events(db, actor, limit=max(1, min(limit, 1000)), actor=who or None, action=action or None)
    return render(request, "audit.html", {"events": events, "who": who or "", "action": action or ""}, actor)
