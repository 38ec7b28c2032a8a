"""SAMPLE DATA (generated, not real): monthly year-to-date figures for 镇江's six county-level units.

The demo needs figures to track the seed's targets against, and no real monthly series ship with
targetboard. This module generates a deterministic, plausible data set for 2019-2022 (the same every
run) and writes it in the documented import template, so the demo goes through the real importer.
Every row carries the source ``样例数据（生成，非真实）`` and every screen that shows it says so.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SOURCE = "样例数据（生成，非真实）"
SAMPLE_LABEL = "以下数据为生成的样例数据，并非真实统计数据"
YEARS = (2019, 2020, 2021, 2022)
REGIONS = ("京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市")

#: Share of the annual total reached by the end of each month (cumulative), before noise.
_SEASON = (0.055, 0.115, 0.205, 0.285, 0.375, 0.475, 0.555, 0.64, 0.73, 0.815, 0.905, 1.0)


@dataclass(frozen=True)
class _Series:
    indicator: str  # catalog name, as a statistics bureau would write it
    unit: str
    months: tuple[int, ...]  # months reported (year to date)
    base_2018: dict[str, float]  # annual level per region in 2018
    growth: dict[str, tuple[float, float, float, float]]  # annual growth 2019..2022 per region (fraction)


_FLOW_MONTHS = tuple(range(2, 13))  # January is usually merged into 1-2月
_SERIES = (
    _Series(
        "工业应税销售",
        "亿元",
        _FLOW_MONTHS,
        {"京口区": 380, "润州区": 240, "丹徒区": 470, "丹阳市": 1180, "扬中市": 790, "句容市": 540},
        {
            "京口区": (0.06, 0.02, 0.09, 0.05),
            "润州区": (0.05, -0.01, 0.08, 0.04),
            "丹徒区": (0.07, 0.03, 0.10, 0.06),
            "丹阳市": (0.06, 0.02, 0.11, 0.07),
            "扬中市": (0.07, 0.06, 0.21, 0.12),
            "句容市": (0.05, 0.01, 0.09, 0.05),
        },
    ),
    _Series(
        "规上工业总产值",
        "亿元",
        _FLOW_MONTHS,
        {"京口区": 520, "润州区": 300, "丹徒区": 640, "丹阳市": 1650, "扬中市": 1050, "句容市": 700},
        {
            "京口区": (0.05, 0.01, 0.10, 0.06),
            "润州区": (0.04, -0.02, 0.07, 0.03),
            "丹徒区": (0.06, 0.02, 0.11, 0.07),
            "丹阳市": (0.07, 0.03, 0.12, 0.08),
            "扬中市": (0.08, 0.05, 0.20, 0.13),
            "句容市": (0.06, 0.02, 0.08, 0.05),
        },
    ),
    _Series(
        "一般公共预算收入",
        "亿元",
        _FLOW_MONTHS,
        {"京口区": 21, "润州区": 13, "丹徒区": 18, "丹阳市": 55, "扬中市": 31, "句容市": 33},
        {
            "京口区": (0.04, 0.01, 0.08, 0.03),
            "润州区": (0.03, -0.02, 0.06, 0.02),
            "丹徒区": (0.05, 0.02, 0.07, 0.04),
            "丹阳市": (0.05, 0.02, 0.08, 0.04),
            "扬中市": (0.06, 0.05, 0.09, 0.02),
            "句容市": (0.04, 0.01, 0.07, 0.03),
        },
    ),
    _Series(
        "地区生产总值",
        "亿元",
        (3, 6, 9, 12),
        {"京口区": 560, "润州区": 420, "丹徒区": 390, "丹阳市": 1280, "扬中市": 560, "句容市": 620},
        {
            "京口区": (0.06, 0.03, 0.08, 0.04),
            "润州区": (0.05, 0.02, 0.07, 0.03),
            "丹徒区": (0.07, 0.03, 0.09, 0.05),
            "丹阳市": (0.07, 0.04, 0.09, 0.05),
            "扬中市": (0.08, 0.05, 0.11, 0.08),
            "句容市": (0.06, 0.03, 0.08, 0.04),
        },
    ),
)
#: A count (stock), reported at mid-year and year end: 百亿级企业 (sales over 10 billion yuan).
_COUNTS = {
    "京口区": (0, 0, 0, 0),
    "润州区": (0, 0, 0, 0),
    "丹徒区": (1, 1, 1, 1),
    "丹阳市": (3, 3, 4, 4),
    "扬中市": (1, 1, 2, 2),
    "句容市": (0, 1, 1, 1),
}


@dataclass(frozen=True)
class SampleRow:
    region: str
    indicator: str
    period: str
    ytd: bool
    value: float
    unit: str
    growth: float | None


def _shares(rng: random.Random) -> list[float]:
    """Cumulative monthly shares with a little noise, still increasing and ending at 1."""
    noisy = [s * (1 + rng.uniform(-0.012, 0.012)) for s in _SEASON[:-1]] + [1.0]
    for i in range(1, 12):
        noisy[i] = max(noisy[i], noisy[i - 1] + 0.01)
    return [min(s, 1.0) for s in noisy]


def sample_rows() -> Iterator[SampleRow]:
    """The whole sample data set, deterministic."""
    for series in _SERIES:
        for region in REGIONS:
            rng = random.Random(f"{series.indicator}/{region}")
            level = series.base_2018[region]
            previous = [level * s for s in _shares(rng)]  # 2018, only to compute 2019's growth
            for year, g in zip(YEARS, series.growth[region], strict=True):
                level *= 1 + g
                ytd = [level * s for s in _shares(rng)]
                for m in series.months:
                    value = round(ytd[m - 1], 2)
                    growth = round((ytd[m - 1] / previous[m - 1] - 1) * 100, 1)
                    yield SampleRow(region, series.indicator, f"{year}M{m:02d}", True, value, series.unit, growth)
                previous = ytd
    for region, counts in _COUNTS.items():
        for year, n in zip(YEARS, counts, strict=True):
            for m in (6, 12):
                yield SampleRow(region, "百亿级企业", f"{year}M{m:02d}", False, float(n), "家", None)


def write_sample_csv(path: Path) -> Path:
    """Write the sample in the import template (docs/import-template.md)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["地区", "指标", "时期", "累计", "数值", "单位", "同比增长%", "来源"])
        for r in sample_rows():
            w.writerow(
                [
                    r.region,
                    r.indicator,
                    r.period,
                    "是" if r.ytd else "否",
                    f"{r.value:g}",
                    r.unit,
                    "" if r.growth is None else f"{r.growth:g}",
                    SAMPLE_SOURCE,
                ]
            )
    return path


#: SAMPLE units of 扬中市 for the accountability part of the demo (names of real kinds of offices).
SAMPLE_DEPARTMENTS = ("工信局", "财政局", "商务局", "生态环境局", "应急管理局", "发改委")

#: SAMPLE ledgers (generated, not real): (kind, file name, header, rows). Deadlines sit around mid-2022
#: so that the lights of 2022-07-01 show every colour.
SAMPLE_LEDGERS: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    ("rectification", "环保督察反馈问题整改台账（样例）.csv",
     ("序号", "反馈问题", "整改目标", "整改措施", "责任单位", "完成时限", "整改进展"),
     (("1", "沿江化工企业VOCs无组织排放（样例）", "达标排放", "安装在线监测、LDAR检测", "生态环境局", "2022-06-30",
       "监测设备已安装"),
      ("2", "城区河道黑臭水体反弹（样例）", "消除黑臭", "截污纳管、清淤", "生态环境局", "2022-07-05", "清淤完成70%"),
      ("3", "长江岸线违规堆场（样例）", "全部清理复绿", "拆除、复绿", "发改委", "2022-12-31", "已拆除2处"),
      ("4", "工业园区固废贮存不规范（样例）", "规范贮存", "建设贮存库", "工信局", "2022-09-30", "方案编制中"))),
    ("safety", "安全生产专项整治台账（样例）.csv",
     ("序号", "隐患", "隐患等级", "地点", "责任单位", "整改时限", "整改进展"),
     (("1", "自建房违规改建经营（样例）", "重大", "三茅街道", "应急管理局", "2022-06-15", "已停业整改"),
      ("2", "危化品仓库防火间距不足（样例）", "较大", "新坝镇", "应急管理局", "2022-08-31", "搬迁选址中"),
      ("3", "道路运输企业动态监控缺失（样例）", "一般", "油坊镇", "商务局", "2022-07-10", "设备采购中"))),
    ("project", "重大项目推进台账（样例）.csv",
     ("序号", "项目名称", "总投资（亿元）", "形象进度", "责任单位", "完成时限", "整改进展"),
     (("1", "新能源装备产业园（样例）", "35", "主体结构施工", "工信局", "2022-12-31", "已开工"),
      ("2", "智能电气产业基地（样例）", "32", "土地摘牌", "商务局", "2022-09-30", "已签约"),
      ("3", "港口物流中心（样例）", "30", "前期手续", "发改委", "2022-06-30", "谋划中"))),
)


def write_sample_ledger(path: Path, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> Path:
    """One SAMPLE ledger sheet as an office would keep it (CSV, UTF-8 with BOM for Excel)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
