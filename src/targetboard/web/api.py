"""REST API under /api/v1: every route parses its input, calls one service, and returns JSON.

Why no logic here: permissions and rules live in the services (`Actor.require`), so the API, the pages
and the CLI refuse the same things. Lists are paginated with `limit`/`offset` and wrapped as
``{"items": [...], "limit", "offset", "total"}`` (`total` is null when the service does not count).
Errors are the one shape of `TargetboardError.to_dict` (see errors.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field

from targetboard.analytics.status import TargetStatus
from targetboard.services import (
    assignments,
    audit,
    observations,
    plans,
    regions,
    status_cache,
    tracking,
    users,
    web_support,
)
from targetboard.services.plans import NodeView
from targetboard.web.deps import MAX_ID, NO_NUL, ActorDep, DbDep, LangDep, RowId, csrf_protect
from targetboard.web.errors import API_ERRORS
from targetboard.web.security import csrf_token

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(csrf_protect)], responses=API_ERRORS)

Id = RowId
UserName = Annotated[str, Path(max_length=64, pattern=NO_NUL)]
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="items to skip")]
Year = Annotated[int | None, Query(ge=1000, le=9999, description="plan year")]
Name = Annotated[str | None, Query(max_length=64, pattern=NO_NUL)]
Period = Annotated[str | None, Query(max_length=32, pattern=NO_NUL, description="e.g. 2022M06, 2022年1-6月")]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable_encoder(dataclasses.asdict(value))
    return jsonable_encoder(value)


def _page(items: Sequence[Any], limit: int, offset: int, *, total: int | None = None,
          sliced: bool = False) -> dict[str, Any]:
    """A page of `items`; `sliced` when the service already applied limit/offset."""
    if not sliced:
        total = len(items)
        items = items[offset:offset + limit]
    return {"items": [_json(i) for i in items], "limit": limit, "offset": offset, "total": total}


class StatusPublic(BaseModel):
    """A target's live status as the API shows it (`analytics.TargetStatus` without its internals)."""

    target_id: str
    status: Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
    latest_period: str | None
    latest_value: float | None
    latest_growth: float | None
    completion: float | None = Field(description="actual / target for level targets")
    forecast: float | None = Field(description="the compared quantity for the full year")
    forecast_method: str | None
    share: float | None
    explanation: str = Field(description="in Chinese: the figures and how the forecast was made")


STATUS_FIELDS = ("target_id", "status", "latest_period", "latest_value", "latest_growth", "completion", "forecast",
                 "forecast_method", "share")


def _status(status: TargetStatus | None) -> dict[str, Any] | None:
    """A status's public fields and its explanation.

    Not `dataclasses.asdict`: that deep-copied the status's wording basis (the whole target spec and
    reading, most of a 330 KB answer for 336 targets, and about 80 % of the status API's CPU time) and
    left the explanation out, because it is only built when first read.
    """
    if status is None:
        return None
    out = {f: getattr(status, f) for f in STATUS_FIELDS}
    out["explanation"] = status.explanation
    return out


class TargetPublic(BaseModel):
    target_id: int
    plan_id: int
    item_id: int
    region_name: str
    item_text: str | None
    metric: str
    comparator: str
    value: float
    unit: str | None
    status: StatusPublic | None = Field(description="None: the metric is not in the catalog (not tracked)")
    label: str = Field(description="the status in Chinese, 未跟踪 when not tracked")


class TargetPage(BaseModel):
    items: list[TargetPublic]
    limit: int
    offset: int
    total: int | None


def _node(n: NodeView) -> dict[str, Any]:
    out: dict[str, Any] = _json(dataclasses.replace(n, status=None))
    out["status"] = _status(n.status)
    out["status_label"] = n.status_label
    out["verdict_label"] = n.verdict_label
    return out


# --- who am I -------------------------------------------------------------------------------------

@router.get("/me", summary="The logged-in account, and the CSRF token for cookie-authenticated writes")
def me(request: Request, actor: ActorDep) -> dict[str, Any]:
    return {"name": actor.name, "role": actor.role, "user_id": actor.user_id, "unit_ids": sorted(actor.unit_ids),
            "region_id": actor.region_id, "csrf_token": csrf_token(request.session)}


class PasswordChange(BaseModel):
    old_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


@router.post("/me/password", summary="Change one's own password (the old one is required)")
def change_password(request: Request, body: PasswordChange, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    users.set_password(db, actor, actor.name, body.new_password, old_password=body.old_password)
    from targetboard.web.pages import refresh_password_stamp

    refresh_password_stamp(request, db, actor)
    return {"ok": True}


# --- API tokens ----------------------------------------------------------------------------------

@router.get("/tokens", summary="One's own API tokens (never their secrets)")
def list_tokens(db: DbDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return _page(web_support.list_tokens(db, actor), limit, offset)


class NewToken(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NO_NUL,
                      description="what the token is for, e.g. 月报上传脚本")


@router.post("/tokens", status_code=201,
             summary="Create an API token for one's own account; the secret is in this response only")
def create_token(body: NewToken, db: DbDep, actor: ActorDep) -> dict[str, Any]:
    view, secret = web_support.create_token(db, actor, body.name)
    out: dict[str, Any] = _json(view)
    out["token"] = secret
    return out


@router.delete("/tokens/{token_id}", summary="Revoke one of one's own API tokens (admins: anyone's)")
def revoke_token(token_id: Id, db: DbDep, actor: ActorDep) -> Any:
    return _json(web_support.revoke_token(db, actor, token_id))


# --- regions and units ----------------------------------------------------------------------------

@router.get("/regions", summary="Regions (all, or the children of `parent`)")
def list_regions(db: DbDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0,
                 parent: Name = None) -> dict[str, Any]:
    return _page(regions.list_regions(db, parent), limit, offset)


class NewRegion(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    parent: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    level: Literal["county", "township"] = "township"


@router.post("/regions", status_code=201, summary="Add a region (supervisors)")
def add_region(body: NewRegion, db: DbDep, actor: ActorDep) -> Any:
    return _json(regions.add_region(db, actor, body.name, body.parent, level=body.level))


@router.get("/units", summary="Units (departments, townships) of a region")
def list_units(db: DbDep, actor: ActorDep, region: Annotated[str, Query(max_length=64, pattern=NO_NUL)],
               limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return _page(regions.list_units(db, region), limit, offset)


class NewUnit(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    region: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    kind: Literal["department", "township"] = "department"


@router.post("/units", status_code=201, summary="Add a unit (supervisors)")
def add_unit(body: NewUnit, db: DbDep, actor: ActorDep) -> Any:
    return _json(regions.add_unit(db, actor, body.name, body.region, kind=body.kind))


# --- plans, targets, rankings ---------------------------------------------------------------------

@router.get("/plans", summary="Stored plans with status and counts")
def list_plans(db: DbDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0, region: Name = None,
               year: Year = None) -> dict[str, Any]:
    return _page(plans.list_plans(db, region=region, year=year), limit, offset)


@router.get("/plans/{plan_id}/tree", summary="One plan as a tree, targets with live status as of `as_of`")
def plan_tree(request: Request, plan_id: Id, db: DbDep, actor: ActorDep, as_of: Period = None
              ) -> dict[str, Any]:
    view = web_support.show_plan(db, plan_id, as_of=as_of, thresholds=request.app.state.thresholds)
    return {"summary": _json(view.summary), "nodes": [_node(n) for n in view.nodes]}


class PlanStatus(BaseModel):
    status: Literal["draft", "reviewed", "published"]


@router.post("/plans/{plan_id}/status", summary="Move a plan draft → reviewed → published (supervisors)")
def set_plan_status(plan_id: Id, body: PlanStatus, db: DbDep, actor: ActorDep) -> Any:
    return _json(plans.set_plan_status(db, actor, plan_id, body.status))


@router.get("/targets", summary="Stored targets with their live status", response_model=TargetPage)
def list_targets(request: Request, db: DbDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0,
                 region: Name = None, year: Year = None, as_of: Period = None) -> Response:
    """The page is validated and serialised once per change of the data and shared by every request
    (`services.status_cache`): checking 300 statuses against the response model on every call was most
    of this endpoint's time, and dashboards poll it."""
    thresholds = request.app.state.thresholds

    def build() -> bytes:
        rows = tracking.target_statuses(db, region=region, year=year, as_of=as_of, thresholds=thresholds)
        items = [{"target_id": r.target_id, "plan_id": r.plan_id, "item_id": r.item_id,
                  "region_name": r.region_name, "item_text": r.item_text, "metric": r.metric,
                  "comparator": r.comparator, "value": r.value, "unit": r.unit, "status": _status(r.status),
                  "label": r.label} for r in rows[offset:offset + limit]]
        page = {"items": items, "limit": limit, "offset": offset, "total": len(rows)}
        return TargetPage.model_validate(page).model_dump_json().encode()

    body = status_cache.cached(db, ("web.api.targets", region, year, as_of, limit, offset, repr(thresholds)),
                               build)
    return Response(body, media_type="application/json")


@router.get("/rankings/{indicator}", summary="A region among its peers for an indicator and period")
def ranking(indicator: Annotated[str, Path(max_length=64, pattern=NO_NUL)], db: DbDep, actor: ActorDep,
            region: Annotated[str, Query(max_length=64, pattern=NO_NUL)],
            period: Annotated[str, Query(max_length=32, pattern=NO_NUL)],
            by: Literal["level", "growth"] = "level", forecast: bool = False) -> Any:
    return _json(tracking.rank_indicator(db, indicator, region=region, period=period, by=by, forecast=forecast))


class NewAssignment(BaseModel):
    item_id: int = Field(ge=1, le=MAX_ID)
    unit: str | None = Field(default=None, max_length=64, pattern=NO_NUL,
                             description="None: confirm the suggested unit")
    role: Literal["lead", "support"] = "lead"
    deadline: date | None = None


@router.post("/assignments", status_code=201, summary="Assign a plan item to a unit (supervisors)")
def assign(body: NewAssignment, db: DbDep, actor: ActorDep) -> Any:
    return _json(assignments.assign(db, actor, body.item_id, body.unit, role=body.role, deadline=body.deadline))


# --- observations and imports ---------------------------------------------------------------------

@router.get("/observations", summary="Stored figures with their source and who entered them")
def list_observations(db: DbDep, actor: ActorDep, limit: Limit = 200, offset: Offset = 0, region: Name = None,
                      indicator: Name = None, period: Period = None) -> dict[str, Any]:
    rows = observations.list_observations(db, region=region, indicator=indicator, period=period, limit=limit,
                                          offset=offset)
    return _page(rows, limit, offset, sliced=True)


async def read_upload(file: UploadFile) -> tuple[bytes, str]:
    """The upload's bytes and a safe file name (the path part a browser may send is dropped)."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        from targetboard.errors import Invalid

        raise Invalid(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB", "the file is too large")
    name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    return data, name


@router.post("/observations/import", status_code=201,
             summary="Upload a CSV/XLSX of observations: validated whole, then stored all or nothing")
async def import_observations(db: DbDep, actor: ActorDep, lang: LangDep, file: Annotated[UploadFile, File()],
                              region: Annotated[str | None, Form(max_length=64, pattern=NO_NUL)] = None,
                              period: Annotated[str | None, Form(max_length=32, pattern=NO_NUL)] = None,
                              force: Annotated[bool, Form()] = False) -> dict[str, Any]:
    data, name = await read_upload(file)
    from starlette.concurrency import run_in_threadpool

    view = await run_in_threadpool(observations.import_observations, db, actor, data, filename=name,
                                   region=region, period=period, force=force)
    out: dict[str, Any] = _json(view)
    out["summary"] = view.zh() if lang == "zh" else view.en()
    return out


@router.get("/imports", summary="Observation imports, newest first")
def list_imports(db: DbDep, actor: ActorDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return _page(observations.list_imports(db, limit=offset + limit)[offset:], limit, offset, sliced=True)


@router.post("/imports/{import_id}/undo", summary="Undo one import exactly (supervisors)")
def undo_import(import_id: Id, db: DbDep, actor: ActorDep) -> Any:
    return _json(observations.undo_import(db, actor, import_id))


# --- audit and users ------------------------------------------------------------------------------

@router.get("/audit", summary="The audit trail, newest first (admins and supervisors)")
def list_audit(db: DbDep, actor: ActorDep, limit: Limit = 50, offset: Offset = 0, who: Name = None,
               action: Name = None, entity: Name = None) -> dict[str, Any]:
    rows = audit.list_events(db, actor, limit=offset + limit, actor=who, action=action, entity=entity)
    return _page(rows[offset:], limit, offset, sliced=True)


@router.get("/users", summary="Accounts (admins and supervisors)")
def list_users(db: DbDep, actor: ActorDep, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return _page(users.list_users(db, actor), limit, offset)


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    role: Literal["admin", "supervisor", "unit_editor", "viewer"]
    password: str | None = Field(default=None, max_length=1024)
    display_name: str | None = Field(default=None, max_length=64, pattern=NO_NUL)
    region: str | None = Field(default=None, max_length=64, pattern=NO_NUL)
    units: list[Annotated[str, Field(max_length=64, pattern=NO_NUL)]] = Field(default_factory=list, max_length=50)


@router.post("/users", status_code=201, summary="Create an account (admins)")
def add_user(body: NewUser, db: DbDep, actor: ActorDep) -> Any:
    return _json(users.add_user(db, actor, body.username, role=body.role, display_name=body.display_name,
                                password=body.password, region=body.region, units=body.units))


class RoleChange(BaseModel):
    role: Literal["admin", "supervisor", "unit_editor", "viewer"]


@router.post("/users/{username}/role", summary="Change an account's role (admins)")
def set_role(username: UserName, body: RoleChange, db: DbDep, actor: ActorDep) -> Any:
    return _json(users.set_role(db, actor, username, body.role))


class ActiveChange(BaseModel):
    active: bool


@router.post("/users/{username}/active", summary="Enable or disable an account (admins)")
def set_active(username: UserName, body: ActiveChange, db: DbDep, actor: ActorDep) -> Any:
    return _json(users.set_active(db, actor, username, body.active))


