"""REST API for what the unit and ranking pages do: a unit's items, a typed figure, the ranking page.

Same conventions as `web.api` (one service call per route, the one error shape, CSRF for cookie writes);
the responses have explicit models so the OpenAPI schema says what a script gets back.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from targetboard.services import observations, rankings, units
from targetboard.services.plans import NodeView
from targetboard.web.api import Period
from targetboard.web.deps import NO_NUL, ActorDep, DbDep, RowId, csrf_protect
from targetboard.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(csrf_protect)],
                   responses=API_ERRORS)


class UnitPublic(BaseModel):
    id: int
    name: str
    kind: str
    region_code: str
    region_name: str


class UnitItemPublic(BaseModel):
    id: int
    kind: str
    text: str | None
    metric: str | None
    lead_unit: str | None
    support_units: list[str]
    deadline: str | None
    status: str | None = Field(description="achieved, on_track, at_risk, off_track, no_data; None: not a target")
    status_label: str | None
    latest_period: str | None
    explanation: str | None


class EntryIndicatorPublic(BaseModel):
    name: str
    unit: str
    cumulative: bool


class UnitWorkPublic(BaseModel):
    unit: UnitPublic
    plan_id: int | None
    items: list[UnitItemPublic]
    indicators: list[EntryIndicatorPublic]


def _item(n: NodeView) -> UnitItemPublic:
    return UnitItemPublic(id=n.id, kind=n.kind, text=n.text, metric=n.metric, lead_unit=n.lead_unit,
                          support_units=list(n.support_units), deadline=n.deadline,
                          status=n.status.status if n.status else None, status_label=n.status_label,
                          latest_period=n.status.latest_period if n.status else None,
                          explanation=n.status.explanation if n.status else None)


@router.get("/units/{unit_id}/items", response_model=UnitWorkPublic,
            summary="A unit's targets and tasks with live status, and the indicators it may enter")
def unit_items(request: Request, unit_id: RowId, db: DbDep, actor: ActorDep, as_of: Period = None
               ) -> UnitWorkPublic:
    work = units.unit_work(db, actor, unit_id, as_of=as_of, thresholds=request.app.state.thresholds)
    u = work.unit
    return UnitWorkPublic(unit=UnitPublic(id=u.id, name=u.name, kind=u.kind, region_code=u.region_code,
                                          region_name=u.region_name),
                          plan_id=work.plan.id if work.plan else None, items=[_item(n) for n in work.items],
                          indicators=[EntryIndicatorPublic(name=i.name, unit=i.unit, cumulative=i.cumulative)
                                      for i in work.indicators])


class NewValue(BaseModel):
    region: Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
    indicator: Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
    period: Annotated[str, Field(min_length=4, max_length=32, pattern=NO_NUL, description="2022M07, 2022年1-7月 ...")]
    value: Annotated[str, Field(min_length=1, max_length=32, pattern=NO_NUL, description="as typed: 580.2")]
    unit: Annotated[str | None, Field(max_length=16, pattern=NO_NUL)] = None
    ytd: bool | None = Field(default=None, description="year to date; None: the indicator's default")
    growth: Annotated[str | None, Field(max_length=16, pattern=NO_NUL)] = None
    force: bool = Field(default=False, description="the figure was checked: import despite a magnitude jump")


class ImportPublic(BaseModel):
    import_id: int | None
    file: str
    rows: int
    inserted: int
    corrected: int
    unchanged: int


@router.post("/observations/value", status_code=201, response_model=ImportPublic,
             summary="One figure, checked and stored exactly like a one-row import file")
def enter_value(body: NewValue, db: DbDep, actor: ActorDep) -> ImportPublic:
    r = observations.enter_value(db, actor, region=body.region, indicator=body.indicator, period=body.period,
                                 value=body.value, unit=body.unit, ytd=body.ytd, growth=body.growth, force=body.force)
    return ImportPublic(import_id=r.import_id, file=r.file, rows=r.rows, inserted=r.inserted, corrected=r.corrected,
                        unchanged=r.unchanged)


class RankRowPublic(BaseModel):
    rank: int | None
    region_code: str
    region_name: str
    value: float | None
    is_self: bool


class RankingPagePublic(BaseModel):
    region_name: str
    indicator_name: str
    unit: str
    period: str
    by: str
    rank_now: int | None
    rank_forecast: int | None
    now: list[RankRowPublic]
    forecast: list[RankRowPublic] | None
    forecast_error: str | None


@router.get("/rankings/{indicator}/outlook", response_model=RankingPagePublic,
            summary="The ranking page: the latest (or given) period's ranking beside the year-end forecast ranking")
def ranking_outlook(indicator: Annotated[str, Path(max_length=64, pattern=NO_NUL)], db: DbDep, actor: ActorDep,
                    region: Annotated[str, Query(max_length=64, pattern=NO_NUL)], period: Period = None,
                    by: Literal["level", "growth"] = "level") -> RankingPagePublic:
    p = rankings.ranking_page(db, indicator, region=region, period=period, by=by)

    def rows(view: object) -> list[RankRowPublic]:
        return [RankRowPublic(rank=r.rank, region_code=r.region_code, region_name=r.region_name, value=r.value,
                              is_self=r.is_self) for r in getattr(view, "rows", [])]

    return RankingPagePublic(region_name=p.region_name, indicator_name=p.indicator_name, unit=p.now.unit,
                             period=p.period, by=p.by, rank_now=p.rank_now, rank_forecast=p.rank_forecast,
                             now=rows(p.now), forecast=rows(p.forecast) if p.forecast else None,
                             forecast_error=p.forecast_error)
