"""Tracking benchmark, workload generation (never measured): regions, indicators, observations, targets.

Why a module of its own: the workload defines what the figures mean (a province: 100 counties x 200
indicators x 10 years x 12 months, 20,000 targets), so it changes for other reasons than the timed
steps. One seeded `random.Random` generates everything, once per process, for every backend.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Any

SEED = 20221231
YEARS = tuple(range(2013, 2023))
PLAN_YEAR = 2022
AS_OF = "2022M06"
HISTORY_FIRST = 2019  # status_rows reads PLAN_YEAR - HISTORY_YEARS (3) .. PLAN_YEAR
FULL_COUNTIES = 100
FULL_INDICATORS = 200
COUNTIES_PER_CITY = 10
CHUNK = 50_000
SOURCE = "bench/tracking.py"


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    name: str
    unit: str
    kind: str
    higher_is_better: bool
    synthetic: bool


@dataclass(frozen=True)
class TargetSpecRow:
    """One generated target, before it has database ids."""

    county_code: str
    indicator: IndicatorSpec
    measure: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    modality: str | None
    text: str


@dataclass
class Workload:
    scale: float
    seed: int
    cities: list[tuple[str, str]]  # (code, name)
    counties: list[tuple[str, str, str]]  # (code, name, city code)
    indicators: list[IndicatorSpec]
    records: list[Any]  # ObservationRecord, ordered by county, indicator, year, month
    targets: list[TargetSpecRow]
    next_month: list[Any]  # 2023M01 records for every series (the "monthly update" extra)
    corrections: list[Any]  # the first chunk again with every 20th value revised (the "corrections" extra)
    seconds: float

    @property
    def synthetic_count(self) -> int:
        return sum(1 for i in self.indicators if i.synthetic)

    @property
    def ranking_indicator(self) -> IndicatorSpec:
        flows = [i for i in self.indicators if i.kind == "flow_ytd" and not i.synthetic]
        for i in flows:
            if i.id == "gdp":
                return i
        return (flows or self.indicators)[0]


def _indicator_pool(n: int) -> list[IndicatorSpec]:
    """Catalog flow_ytd/stock/rate indicators in catalog order, then synthetic ones up to max(n, 200)."""
    from targetboard.catalog import load_catalog

    pool = [IndicatorSpec(i.id, i.name, i.unit, i.kind, i.higher_is_better, False)
            for i in load_catalog() if i.kind in ("flow_ytd", "stock", "rate")]
    k = 0
    while len(pool) < max(n, FULL_INDICATORS):
        k += 1
        pool.append(IndicatorSpec(f"synthetic_{k:03d}", f"合成指标{k:03d}", "亿元", "flow_ytd", True, True))
    return pool


def _base_level(rng: random.Random, unit: str) -> float:
    """A plausible county-scale level for the unit (only the order of magnitude matters)."""
    if unit == "%":
        return rng.uniform(5.0, 60.0)
    if unit == "元":
        return rng.uniform(2e4, 1.5e5)
    if unit == "亿元":
        return rng.lognormvariate(math.log(120.0), 0.8)
    return rng.lognormvariate(math.log(200.0), 1.0)


def _comparator_text(comparator: str, value: float, high: float | None, unit: str, measure: str) -> str:
    verb = "增长" if measure == "growth" else "达到"
    v = f"{value:g}{unit}"
    return {
        ">=": f"{verb}{v}以上", ">": f"{verb}超过{v}", "=": f"{verb}{v}", "~": f"{verb}{v}左右",
        "<=": f"控制在{v}以内", "<": f"低于{v}", "range": f"{verb}{value:g}-{(high or value):g}{unit}",
    }[comparator]


def generate(scale: float, seed: int) -> Workload:
    """Regions, indicators, 2.4 M x scale observations and the targets, from one seeded generator.

    Flows: an annual level growing by a per-series trend plus noise, spread over the months by a
    back-loaded seasonal profile per indicator (noisy per year), reported year to date with the growth
    on the same months a year earlier. Stocks and rates: a point reading drifting through the year.
    Targets sit around what the trend gives for 2022, so the statuses come out mixed.
    """
    from targetboard.model.observation import ObservationRecord

    t0 = time.perf_counter()
    rng = random.Random(seed)
    factor = math.sqrt(scale)
    n_counties = max(2, round(FULL_COUNTIES * factor))
    n_indicators = max(2, round(FULL_INDICATORS * factor))
    pool = _indicator_pool(n_indicators)
    if n_indicators >= len(pool):
        indicators = pool
    else:  # a seeded sample keeps the mix of kinds and of synthetic rows at small scales
        chosen = set(rng.sample(range(len(pool)), n_indicators))
        indicators = [ind for k, ind in enumerate(pool) if k in chosen]
    cities = [(f"39{c:02d}00", f"基准{c:02d}市") for c in range(1, math.ceil(n_counties / COUNTIES_PER_CITY) + 1)]
    counties = []
    for k in range(n_counties):
        c, n = divmod(k, COUNTIES_PER_CITY)
        counties.append((f"39{c + 1:02d}{n + 1:02d}", f"基准{c + 1:02d}{n + 1:02d}县", cities[c][0]))

    periods = {(y, m): f"{y}M{m:02d}" for y in (*YEARS, YEARS[-1] + 1) for m in range(1, 13)}
    profiles = {}
    for ind in indicators:
        slope = rng.uniform(-0.1, 0.5)
        profiles[ind.id] = [max(0.2, 1.0 + slope * (m - 6.5) / 5.5 + rng.gauss(0.0, 0.08)) for m in range(1, 13)]

    records: list[Any] = []
    next_month: list[Any] = []
    history: dict[tuple[str, str], tuple[float, float]] = {}  # (county, indicator) -> (2021 level, trend)
    append = records.append
    gauss = rng.gauss
    for code, _name, _city in counties:
        for ind in indicators:
            trend = rng.uniform(0.02, 0.09)
            level = _base_level(rng, ind.unit)
            profile = profiles[ind.id]
            flow = ind.kind == "flow_ytd"
            percent = ind.unit == "%"

            def year_values(annual: float, profile: list[float] = profile, flow: bool = flow) -> list[float]:
                if flow:
                    weights = [w * (1.0 + gauss(0.0, 0.03)) for w in profile]
                    total = sum(weights)
                    run = 0.0
                    out = []
                    for w in weights:
                        run += w
                        out.append(annual * run / total)
                    return out
                return [annual * (1.0 + gauss(0.0, 0.004)) * (0.97 + 0.03 * m / 12) for m in range(1, 13)]

            prev = year_values(level)
            level_2021 = level
            for y in YEARS:
                level *= 1.0 + trend + gauss(0.0, 0.02)
                if percent:
                    level = min(level, 99.0)
                cur = year_values(level)
                for m in range(12):
                    v = cur[m]
                    append(ObservationRecord(code, ind.id, periods[(y, m + 1)], True, round(v, 4),
                                             round((v / prev[m] - 1.0) * 100.0, 1), SOURCE))
                if y == PLAN_YEAR - 1:
                    level_2021 = cur[11]
                prev = cur
            history[(code, ind.id)] = (level_2021, trend)
            v = prev[0] * (1.0 + trend + gauss(0.0, 0.02))
            next_month.append(ObservationRecord(code, ind.id, periods[(YEARS[-1] + 1, 1)], True, round(v, 4),
                                                round((v / prev[0] - 1.0) * 100.0, 1), SOURCE))

    corrections = [r if k % 20 else ObservationRecord(r.region_code, r.indicator_id, r.period, r.ytd,
                                                        round((r.value or 0.0) * 1.01, 4), r.growth, "corrected")
                   for k, r in enumerate(records[:CHUNK])]

    targets: list[TargetSpecRow] = []
    modalities = (None, "expect", "strive", "ensure")
    for code, _name, _city in counties:
        for ind in indicators:
            level_2021, trend = history[(code, ind.id)]
            growth = rng.random() < 0.4
            comparators = (">=", ">", "=", "~", "range") if ind.higher_is_better else ("<=", "<", "=", "~", "range")
            comparator = rng.choices(comparators, weights=(4, 1, 3, 2, 1))[0]
            if growth:
                value = round(trend * 100.0 + rng.gauss(0.0, 1.5), 1)
                high = round(value + 0.5, 1) if comparator == "range" else None
                unit = "%"
            else:
                value = level_2021 * (1.0 + trend + rng.gauss(0.0, 0.03))
                unit = ind.unit
                if unit == "亿元" and rng.random() < 0.2:  # stated in 万元: the unit conversion runs too
                    value, unit = value * 1e4, "万元"
                value = round(value, 2)
                high = round(value * 1.05, 2) if comparator == "range" else None
            measure = "growth" if growth else "level"
            text = ind.name + _comparator_text(comparator, value, high, unit, measure)
            targets.append(TargetSpecRow(code, ind, measure, comparator, value, high, unit,
                                         rng.choice(modalities), text))
    return Workload(scale, seed, cities, counties, indicators, records, targets, next_month, corrections,
                    time.perf_counter() - t0)
