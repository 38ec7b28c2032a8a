"""`load_series(..., series=...)`: the narrowed read a status uses gives the same statuses as reading every
month, on SQLite and PostgreSQL.

Why: with `series`, the plan year is read from its latest month only, and earlier months only for the
series that month does not settle (issue 6, to make a province-wide recompute fast). A series that is
late, or whose latest row lacks a growth rate or a value, must still be judged on the months it has,
exactly as before; these tests build such series and compare both reads.
"""

from __future__ import annotations

from sqlalchemy import select

from targetboard.analytics import TargetSpec, evaluate_many
from targetboard.model.observation import ObservationRecord
from targetboard.store import Database
from targetboard.store.models import Region
from targetboard.store.observations import load_series, write_observations

COUNTIES = ("321181", "321182", "321183")  # 丹阳市, 扬中市, 句容市


def _records() -> list[ObservationRecord]:
    out: list[ObservationRecord] = []

    def add(region: str, period: str, value: float | None, growth: float | None) -> None:
        out.append(ObservationRecord(region, "gdp", period, True, value, growth, "test"))

    for region in COUNTIES:
        for year in (2020, 2021):
            for m in range(1, 13):
                add(region, f"{year}M{m:02d}", 100.0 * m * (1 + (year - 2020) * 0.05), 5.0)
    for m in range(1, 7):  # 丹阳: complete up to June (settled there)
        add(COUNTIES[0], f"2022M{m:02d}", 110.0 * m, 6.0 + m / 10)
    for m in range(1, 6):  # 扬中: late, nothing for June yet
        add(COUNTIES[1], f"2022M{m:02d}", 112.0 * m, 7.0)
    for m in range(1, 6):  # 句容: June has a value but no growth rate yet
        add(COUNTIES[2], f"2022M{m:02d}", 108.0 * m, 4.0 + m / 10)
    add(COUNTIES[2], "2022M06", 650.0, None)
    return out


def _specs(codes: dict[str, int]) -> list[TargetSpec]:
    specs = []
    for region in COUNTIES:
        for measure, value in (("level", 1300.0), ("growth", 6.5), ("change", 50.0)):
            specs.append(TargetSpec(
                target_id=f"{region}-{measure}", region_code=region, indicator_id="gdp", indicator_name="地区生产总值",
                unit="亿元", kind="flow_ytd", measure=measure, comparator=">=", value=value, value_high=None,
                year=2022, higher_is_better=True,
            ))
    return specs


def test_narrowed_read_gives_the_same_statuses(db_url):
    db = Database(db_url)
    with db.write("observations") as s:
        write_observations(s, _records(), entered_by="test")
    with db.read() as s:
        codes = {code: rid for code, rid in s.execute(select(Region.code, Region.id).where(Region.code.in_(COUNTIES)))}
        ids = [codes[c] for c in COUNTIES]
        full = load_series(s, ids, ["gdp"], first_year=2019, last_year=2022, as_of="2022M06")
        narrow = load_series(s, ids, ["gdp"], first_year=2019, last_year=2022, as_of="2022M06",
                             series=[(i, "gdp") for i in ids])
    # The settled series read June only for 2022; the late and the incomplete ones every month.
    assert sorted(r.period for r in narrow[(COUNTIES[0], "gdp")] if r.period.startswith("2022")) == ["2022M06"]
    assert len([r for r in narrow[(COUNTIES[1], "gdp")] if r.period.startswith("2022")]) == 5
    assert len([r for r in narrow[(COUNTIES[2], "gdp")] if r.period.startswith("2022")]) == 6
    specs = _specs(codes)
    a = evaluate_many(specs, full, as_of="2022M06")
    b = evaluate_many(specs, narrow, as_of="2022M06")
    assert [(x.status, x.latest_period, x.forecast, x.forecast_method, x.explanation) for x in a] == [
        (x.status, x.latest_period, x.forecast, x.forecast_method, x.explanation) for x in b
    ]
    by_id = {x.target_id: x for x in b}
    assert by_id[f"{COUNTIES[1]}-level"].latest_period == "2022M05"  # the late county falls back to May
    assert by_id[f"{COUNTIES[2]}-growth"].explanation.endswith("（据数值推算），低于目标增速6.5%")  # from the levels
    assert all(r.ytd is True for rows in narrow.values() for r in rows)  # a bool, also on SQLite


def test_growth_targets_skip_the_history_unless_their_growth_must_be_derived(db_url):
    """`history=` empty (only growth targets): a series settled this year reads no earlier year, one whose
    latest growth rate is missing still gets last year's level to derive it from."""
    db = Database(db_url)
    with db.write("observations") as s:
        write_observations(s, _records(), entered_by="test")
    with db.read() as s:
        codes = {code: rid for code, rid in s.execute(select(Region.code, Region.id).where(Region.code.in_(COUNTIES)))}
        ids = [codes[c] for c in COUNTIES]
        full = load_series(s, ids, ["gdp"], first_year=2019, last_year=2022, as_of="2022M06")
        narrow = load_series(s, ids, ["gdp"], first_year=2019, last_year=2022, as_of="2022M06",
                             series=[(i, "gdp") for i in ids], history=[])
    assert [r.period for r in narrow[(COUNTIES[0], "gdp")]] == ["2022M06"]
    assert any(r.period == "2021M06" for r in narrow[(COUNTIES[2], "gdp")])
    growth = [sp for sp in _specs(codes) if sp.measure == "growth"]
    a = evaluate_many(growth, full, as_of="2022M06")
    b = evaluate_many(growth, narrow, as_of="2022M06")
    assert [(x.status, x.latest_period, x.forecast, x.explanation) for x in a] == [
        (x.status, x.latest_period, x.forecast, x.explanation) for x in b
    ]
