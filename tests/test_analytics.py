"""Tests for the analytics layer: target status, forecasts, thresholds, rankings and claim checks.

Why: a status is what a leader acts on and an explanation is what the bulletin prints, so every rule
in ``docs/analytics.md`` is pinned here on small series computed by hand (the arithmetic is in the
comments), including the exact Chinese wording.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from targetboard.analytics import (
    Ranking,
    TargetSpec,
    Thresholds,
    build_series,
    check_claim,
    evaluate,
    evaluate_many,
    evaluate_series,
    forecast_rank,
    load_thresholds,
    rank,
    rank_of,
)
from targetboard.analytics.compare import Goal, classify, goal_for, meets
from targetboard.analytics.explain import approx, num, period_phrase, share_phrase, span_phrase, years_phrase
from targetboard.analytics.series import FULL_YEAR
from targetboard.model.observation import ObservationRecord

YZ = "321182"  # 扬中市
SALES = "industrial_taxable_sales"
UNEMP = "urban_surveyed_unemployment_rate"


def obs(period: str, value: float | None = None, growth: float | None = None, *, ytd: bool = True,
        region: str = YZ, indicator: str = SALES) -> ObservationRecord:
    return ObservationRecord(region, indicator, period, ytd, value, growth, "test")


def sales_target(**changes) -> TargetSpec:
    """力争全年工业应税销售突破1200亿元 (扬中, 2022)."""
    fields = dict(
        target_id="t-sales", region_code=YZ, indicator_id=SALES, indicator_name="工业应税销售", unit="亿元",
        kind="flow_ytd", measure="level", comparator=">", value=1200.0, value_high=None, year=2022,
        higher_is_better=True,
    )
    fields.update(changes)
    return TargetSpec(**fields)


def growth_target(**changes) -> TargetSpec:
    """工业应税销售增长7% (a bare number: comparator =)."""
    return sales_target(**{"target_id": "t-growth", "measure": "growth", "comparator": "=", "value": 7.0, "unit": "%",
                           **changes})


def unemployment_target(**changes) -> TargetSpec:
    """城镇调查失业率控制在5.5%以内."""
    fields = dict(
        target_id="t-unemp", region_code=YZ, indicator_id=UNEMP, indicator_name="城镇调查失业率", unit="%",
        kind="rate", measure="level", comparator="<=", value=5.5, value_high=None, year=2022,
        higher_is_better=False,
    )
    fields.update(changes)
    return TargetSpec(**fields)


# Three earlier years whose June year-to-date share of the full year is 0.47, 0.48 and 0.475:
#   2019: 423 / 900 = 0.47 (annual code)   2020: 480 / 1000 = 0.48 (December ytd)   2021: 522.5 / 1100 = 0.475
# mean share 0.475; 2018 (share 0.1) is a fourth year and must be ignored.
HISTORY = [
    obs("2018M06", 100), obs("2018", 1000, ytd=False),
    obs("2019M06", 423), obs("2019", 900, ytd=False),
    obs("2020M06", 480), obs("2020M12", 1000),
    obs("2021M06", 522.5), obs("2021", 1100, 10.0, ytd=False),
]


# --- level targets on flows: seasonal share ----------------------------------------------------------


def test_seasonal_share_forecast_on_track():
    # 580 / 0.475 = 1221.05 > 1200
    status = evaluate(sales_target(), [*HISTORY, obs("2022M05", 470), obs("2022M06", 580, 11.1)])
    assert status.status == "on_track"
    assert status.forecast_method == "seasonal_share"
    assert status.share == pytest.approx(0.475)
    assert status.forecast == pytest.approx(1221.0526, abs=1e-3)
    assert status.latest_period == "2022M06"
    assert status.latest_value == 580
    assert status.latest_growth == 11.1
    assert status.completion == pytest.approx(580 / 1200)
    assert status.explanation == "1-6月累计580亿元，按近三年同期占全年比重47.5%推算，全年约1221亿元，高于目标1200亿元"


def test_explanation_is_worded_on_first_read_and_kept():
    """A bulk recompute must not pay for 20,000 sentences nobody reads (issue 6): the text is built on
    first read of `explanation`, then kept, and is the same sentence an eager build gave."""
    status = evaluate(sales_target(), [*HISTORY, obs("2022M05", 470), obs("2022M06", 580, 11.1)])
    assert status.text is None
    first = status.explanation
    assert first == "1-6月累计580亿元，按近三年同期占全年比重47.5%推算，全年约1221亿元，高于目标1200亿元"
    assert status.text == first
    assert status.explanation is first


def test_seasonal_share_names_the_years_used():
    two = [o for o in HISTORY if not o.period.startswith(("2018", "2019"))]
    status = evaluate(sales_target(), [*two, obs("2022M06", 580)])
    # (0.48 + 0.475) / 2 = 0.4775; 580 / 0.4775 = 1214.66
    assert status.share == pytest.approx(0.4775)
    assert "按近两年同期占全年比重47.8%推算，全年约1215亿元" in status.explanation

    one = [obs("2021M06", 522.5), obs("2021", 1100, ytd=False), obs("2022M06", 580)]
    assert "按上年同期占全年比重47.5%推算" in evaluate(sales_target(), one).explanation

    # 2020 has no June figure: the two most recent years with both figures are 2021 and 2019
    gap = [o for o in HISTORY if o.period not in ("2020M06", "2018M06", "2018")]
    text = evaluate(sales_target(), [*gap, obs("2022M06", 580)]).explanation
    assert "按2019、2021年同期占全年比重47.3%推算" in text  # (0.47 + 0.475) / 2 = 0.4725


def test_linear_pace_fallback_without_history():
    # 580 * 12 / 6 = 1160: 40 short of 1200, 3.3 % < 5 %: at risk
    status = evaluate(sales_target(), [obs("2022M06", 580)])
    assert status.forecast_method == "linear_pace"
    assert status.forecast == pytest.approx(1160)
    assert status.share is None
    assert status.status == "at_risk"
    assert status.explanation == "1-6月累计580亿元，按时序进度推算，全年约1160亿元，低于目标1200亿元"
    # 500 * 2 = 1000: 16.7 % short: off track
    assert evaluate(sales_target(), [obs("2022M06", 500)]).status == "off_track"


def test_history_without_the_latest_month_falls_back_to_linear():
    # Earlier years have June and full-year figures, but 2022's latest month is September.
    status = evaluate(sales_target(), [*HISTORY, obs("2022M09", 900)])
    assert status.forecast_method == "linear_pace"
    assert status.forecast == pytest.approx(1200)  # 900 * 12 / 9
    assert status.status == "at_risk"  # ">" 1200 is not met by exactly 1200
    assert evaluate(sales_target(comparator=">="), [obs("2022M09", 900)]).status == "on_track"


def test_quarter_and_half_year_codes_are_year_to_date_months():
    # 2022H1 ytd is the June ytd figure; 2022Q1 covers January to March and is year to date by itself.
    status = evaluate(sales_target(), [*HISTORY, obs("2022Q1", 270, ytd=False), obs("2022H1", 580)])
    assert status.latest_period == "2022H1"
    assert status.forecast_method == "seasonal_share"
    assert status.forecast == pytest.approx(580 / 0.475)


def test_monthly_figures_alone_are_not_year_to_date():
    status = evaluate(sales_target(), [obs("2022M06", 100, ytd=False)])
    assert status.status == "no_data"
    assert status.explanation == "暂无2022年累计数据"


# --- complete years ------------------------------------------------------------------------------------


def test_complete_year_is_judged_exactly():
    achieved = evaluate(sales_target(), [*HISTORY, obs("2022M06", 580), obs("2022", 1250, 13.6, ytd=False)])
    assert achieved.status == "achieved"
    assert achieved.forecast == 1250
    assert achieved.forecast_method == "latest"
    assert achieved.latest_period == "2022"
    assert achieved.completion == pytest.approx(1250 / 1200)
    assert achieved.explanation == "全年1250亿元，高于目标1200亿元，已完成目标"

    # 1190 is within 5 % of 1200, but a finished year is not "at risk": it missed.
    missed = evaluate(sales_target(), [obs("2022M12", 1190)])
    assert missed.status == "off_track"
    assert missed.explanation == "全年1190亿元，低于目标1200亿元，未完成目标"


def test_annual_and_december_figures_merge():
    # The annual figure wins; the growth only the December ytd row carries fills its gap.
    status = evaluate(sales_target(), [obs("2022M12", 1199, 12.0), obs("2022", 1210, ytd=False)])
    assert status.latest_value == 1210
    assert status.latest_growth == 12.0
    assert status.status == "achieved"
    reversed_order = evaluate(sales_target(), [obs("2022", 1210, ytd=False), obs("2022M12", 1199, 12.0)])
    assert reversed_order == status


# --- growth targets ------------------------------------------------------------------------------------


def test_growth_target_uses_ytd_growth():
    status = evaluate(growth_target(), [obs("2022M05", 470, 9.0), obs("2022M06", 580, 8.2)])
    assert status.status == "on_track"
    assert status.forecast == 8.2
    assert status.forecast_method == "ytd_growth"
    assert status.latest_growth == 8.2
    assert status.completion is None
    assert status.share is None
    assert status.explanation == "1-6月累计同比增长8.2%，高于目标增速7%"


def test_growth_margins_are_percentage_points():
    assert evaluate(growth_target(), [obs("2022M06", growth=6.5)]).status == "at_risk"  # 0.5 point short
    assert evaluate(growth_target(), [obs("2022M06", growth=6.0)]).status == "at_risk"  # 1 point: the edge
    off = evaluate(growth_target(), [obs("2022M06", growth=-3.1)])
    assert off.status == "off_track"
    assert off.explanation == "1-6月累计同比下降3.1%，低于目标增速7%"


def test_growth_derived_from_levels_when_not_reported():
    # 540 / 500 - 1 = 8 %
    status = evaluate(growth_target(), [obs("2021M06", 500), obs("2022M06", 540)])
    assert status.forecast == pytest.approx(8.0)
    assert status.latest_growth == pytest.approx(8.0)
    assert status.explanation == "1-6月累计同比增长8%（据数值推算），高于目标增速7%"


def test_growth_target_complete_year():
    status = evaluate(growth_target(), [obs("2022M06", growth=8.0), obs("2022", 1200, 6.5, ytd=False)])
    assert status.status == "off_track"
    assert status.forecast_method == "latest"
    assert status.explanation == "全年同比增长6.5%，低于目标增速7%，未完成目标"


def test_growth_range_and_about():
    low_high = dict(comparator="range", value=6.0, value_high=6.5)
    inside = evaluate(growth_target(**low_high), [obs("2022M06", growth=6.2)])
    assert (inside.status, inside.explanation) == ("on_track", "1-6月累计同比增长6.2%，处于目标增速区间6%-6.5%之内")
    above = evaluate(growth_target(**low_high), [obs("2022M06", growth=7.0)])
    assert (above.status, above.explanation) == ("on_track", "1-6月累计同比增长7%，高于目标增速区间6%-6.5%")
    assert evaluate(growth_target(**low_high), [obs("2022M06", growth=5.5)]).status == "at_risk"

    # "7%左右": within 0.25 point counts as meeting it
    about = evaluate(growth_target(comparator="~"), [obs("2022M06", growth=6.8)])
    assert (about.status, about.explanation) == ("on_track", "1-6月累计同比增长6.8%，符合目标增速7%左右")
    assert evaluate(growth_target(comparator="~"), [obs("2022M06", growth=6.7)]).status == "at_risk"


def test_price_index_level_in_percent_is_a_growth_target():
    # 居民消费价格涨幅控制在3%左右: kind index, lower is better; the 1-6月 rise is 2.1 %.
    cpi = TargetSpec("t-cpi", YZ, "cpi", "居民消费价格", "%", "index", "level", "~", 3.0, None, 2022, False)
    status = evaluate(cpi, [obs("2022M06", 102.1, 2.1, indicator="cpi")])
    assert status.status == "on_track"
    assert status.forecast == 2.1
    assert status.forecast_method == "ytd_growth"
    assert status.explanation == "1-6月同比上涨2.1%，低于目标涨幅3%左右"
    # 3.4 > 3 + 0.25: misses by 0.15 point: at risk
    assert evaluate(cpi, [obs("2022M06", 103.4, 3.4, indicator="cpi")]).status == "at_risk"


# --- stocks, rates, counts: the latest value -----------------------------------------------------------


def test_lower_is_better_rate():
    target = unemployment_target()
    ok = evaluate(target, [obs("2022M05", 5.6, ytd=False, indicator=UNEMP), obs("2022M06", 5.2, ytd=False,
                                                                                indicator=UNEMP)])
    assert (ok.status, ok.forecast_method, ok.forecast) == ("on_track", "latest", 5.2)
    assert ok.explanation == "6月为5.2%，低于目标5.5%"
    # 5.6 is 0.1 above 5.5: 1.8 % of the target, within 5 %
    risk = evaluate(target, [obs("2022M06", 5.6, ytd=False, indicator=UNEMP)])
    assert (risk.status, risk.explanation) == ("at_risk", "6月为5.6%，高于目标5.5%")
    assert evaluate(target, [obs("2022M06", 6.0, ytd=False, indicator=UNEMP)]).status == "off_track"  # 9 %
    done = evaluate(target, [obs("2022M06", 5.8, ytd=False, indicator=UNEMP), obs("2022", 5.4, indicator=UNEMP)])
    assert (done.status, done.explanation) == ("achieved", "全年为5.4%，低于目标5.5%，已完成目标")


def test_rate_prefers_year_to_date_average_at_the_same_month():
    target = unemployment_target()
    status = evaluate(target, [obs("2022M06", 5.7, ytd=False, indicator=UNEMP), obs("2022M06", 5.3, indicator=UNEMP)])
    assert status.forecast == 5.3
    assert status.explanation == "1-6月为5.3%，低于目标5.5%"


def test_stock_level_target():
    target = TargetSpec("t-dep", YZ, "deposits_balance", "金融机构本外币存款余额", "亿元", "stock", "level", ">=",
                        800.0, None, 2022, True)
    status = evaluate(target, [obs("2022M03", 760, ytd=False, indicator="deposits_balance"),
                               obs("2022M06", 820.5, 9.1, ytd=False, indicator="deposits_balance")])
    assert (status.status, status.forecast_method) == ("on_track", "latest")
    assert status.completion == pytest.approx(820.5 / 800)
    assert status.explanation == "6月末为820.5亿元，高于目标800亿元"


# --- change targets --------------------------------------------------------------------------------------


def test_change_target_on_a_flow():
    # 比上年增加100亿元: forecast 1221.05 - 1100 (2021) = 121.05
    target = sales_target(measure="change", comparator=">=", value=100.0)
    status = evaluate(target, [*HISTORY, obs("2022M06", 580)])
    assert status.forecast == pytest.approx(121.0526, abs=1e-3)
    assert status.status == "on_track"
    assert status.completion is None
    assert status.explanation == (
        "1-6月累计580亿元，按近三年同期占全年比重47.5%推算，全年约1221亿元，比上年增加约121亿元，高于目标增量100亿元"
    )
    no_base = evaluate(target, [obs("2022M06", 580)])
    assert (no_base.status, no_base.explanation) == ("no_data", "暂无2021年全年数据，无法推算比上年增减")


# --- no data, as_of --------------------------------------------------------------------------------------


def test_no_data():
    status = evaluate(sales_target(), HISTORY)
    assert status.status == "no_data"
    assert status.explanation == "暂无2022年数据"
    assert (status.latest_period, status.forecast, status.forecast_method, status.completion) == (None,) * 4
    assert evaluate(sales_target(), []).status == "no_data"
    growth_only_levels = evaluate(growth_target(), [obs("2022M06", 580)])
    assert growth_only_levels.explanation == "暂无2022年同比增速数据"


def test_other_regions_and_indicators_are_ignored():
    noise = [obs("2022M06", 9999, region="321181"), obs("2022M06", 9999, indicator="gdp")]
    assert evaluate(sales_target(), [*noise, obs("2022M06", 580)]).forecast == pytest.approx(1160)
    assert evaluate(sales_target(), noise).status == "no_data"


def test_as_of_cut_off():
    data = [*HISTORY, obs("2022M06", 580), obs("2022M09", 800), obs("2022", 1250, ytd=False)]
    assert evaluate(sales_target(), data).status == "achieved"
    june = evaluate(sales_target(), data, as_of="2022M06")
    assert (june.latest_period, june.forecast_method) == ("2022M06", "seasonal_share")
    assert evaluate(sales_target(), data, as_of="2022Q2") == june
    autumn = evaluate(sales_target(), data, as_of="2022M11")
    assert (autumn.latest_period, autumn.forecast_method) == ("2022M09", "linear_pace")
    before = evaluate(sales_target(), data, as_of="2021M12")
    assert (before.status, before.explanation) == ("no_data", "暂无2022年数据")


# --- comparators and thresholds --------------------------------------------------------------------------


def test_goal_for_comparators():
    assert goal_for(">", 10, None, higher_is_better=True, tolerance=0) == Goal(10, floor=True, strict=True)
    assert goal_for("<=", 10, None, higher_is_better=True, tolerance=0) == Goal(10, floor=False)
    assert goal_for("=", 10, None, higher_is_better=False, tolerance=0) == Goal(10, floor=False)
    assert goal_for("~", 10, None, higher_is_better=True, tolerance=0.5) == Goal(9.5, floor=True)
    assert goal_for("~", 10, None, higher_is_better=False, tolerance=0.5) == Goal(10.5, floor=False)
    assert goal_for("range", 6, 6.5, higher_is_better=True, tolerance=0) == Goal(6, floor=True)
    assert goal_for("range", 3, 3.5, higher_is_better=False, tolerance=0) == Goal(3.5, floor=False)
    with pytest.raises(ValueError):
        goal_for("!=", 1, None, higher_is_better=True, tolerance=0)
    assert not meets(Goal(10, floor=True, strict=True), 10)
    assert meets(Goal(10, floor=True), 10)
    assert meets(Goal(10, floor=False, strict=True), 9.99)


def test_classify_margins():
    goal = Goal(100, floor=True)
    assert classify(goal, 101, complete=False, on_track=0, at_risk=5) == "on_track"
    assert classify(goal, 101, complete=False, on_track=2, at_risk=5) == "at_risk"  # meets, but not by 2
    assert classify(goal, 95, complete=False, on_track=0, at_risk=5) == "at_risk"
    assert classify(goal, 94.9, complete=False, on_track=0, at_risk=5) == "off_track"
    assert classify(goal, 99, complete=True, on_track=0, at_risk=5) == "off_track"
    assert classify(goal, 100, complete=True, on_track=0, at_risk=5) == "achieved"


def test_about_level_target():
    # 约1200亿元: ±0.5 % = ±6; the linear forecast is 1196
    status = evaluate(sales_target(comparator="~"), [obs("2022M06", 598)])
    assert status.status == "on_track"
    assert status.explanation == "1-6月累计598亿元，按时序进度推算，全年约1196亿元，符合目标1200亿元左右"


def test_slightly_below_when_the_printed_numbers_agree():
    # 1199.6 prints as 1200: the wording must still say which side it is on
    status = evaluate(sales_target(comparator=">="), [obs("2022M06", 599.8)])
    assert status.explanation.endswith("全年约1200亿元，略低于目标1200亿元")
    assert status.status == "at_risk"


def test_packaged_thresholds_equal_the_defaults():
    assert load_thresholds() == Thresholds()


def test_user_thresholds_file(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text("on_track_margin = 0.02\nat_risk_margin = 0.1\n", encoding="utf-8")
    th = load_thresholds(path)
    assert (th.on_track_margin, th.at_risk_margin, th.growth_at_risk_points) == (0.02, 0.1, 1.0)
    data = [*HISTORY, obs("2022M06", 580)]
    # 1221.05 clears 1200 by 1.75 %, less than the 2 % on-track margin
    assert evaluate(sales_target(), data, thresholds=th).status == "at_risk"
    # 500 * 2 = 1000 is 16.7 % short even of a 10 % band
    assert evaluate(sales_target(), [obs("2022M06", 500)], thresholds=th).status == "off_track"
    # 550 * 2 = 1100 is 8.3 % short: at risk with a 10 % band, off track with the default 5 %
    assert evaluate(sales_target(), [obs("2022M06", 550)], thresholds=th).status == "at_risk"
    assert evaluate(sales_target(), [obs("2022M06", 550)]).status == "off_track"


def test_bad_thresholds_are_refused(tmp_path: Path):
    typo = tmp_path / "typo.toml"
    typo.write_text("at_risk_margn = 0.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="at_risk_margn"):
        load_thresholds(typo)
    with pytest.raises(ValueError, match="at_risk_margin"):
        Thresholds(at_risk_margin=-0.1)
    text = tmp_path / "text.toml"
    text.write_text('at_risk_margin = "5%"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="number"):
        load_thresholds(text)


def test_target_spec_validation():
    with pytest.raises(ValueError, match="comparator"):
        sales_target(comparator="≥")
    with pytest.raises(ValueError, match="measure"):
        sales_target(measure="share")
    with pytest.raises(ValueError, match="kind"):
        sales_target(kind="flow")


# --- many targets ----------------------------------------------------------------------------------------


def test_evaluate_many_matches_evaluate():
    sales = [*HISTORY, obs("2022M06", 580, 8.2)]
    unemp = [obs("2022M06", 5.6, ytd=False, indicator=UNEMP)]
    targets = [sales_target(), growth_target(), unemployment_target(), sales_target(target_id="t-other",
                                                                                   region_code="321181")]
    grouped = {(YZ, SALES): sales, (YZ, UNEMP): unemp}
    many = evaluate_many(targets, grouped, as_of="2022M06")
    assert [s.target_id for s in many] == ["t-sales", "t-growth", "t-unemp", "t-other"]
    assert [s.status for s in many] == ["on_track", "on_track", "at_risk", "no_data"]
    every = sales + unemp
    assert many[:3] == [evaluate(t, every, as_of="2022M06") for t in targets[:3]]
    series = build_series(sales)
    assert evaluate_series(sales_target(), series) == many[0]


def test_evaluate_many_restores_the_garbage_collector():
    assert gc.isenabled()
    evaluate_many([sales_target()], {})
    assert gc.isenabled()
    gc.disable()
    try:
        evaluate_many([sales_target()], {})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_series_positions():
    series = build_series([obs("2022H1", 580), obs("2022Q3", 300, ytd=False), obs("2022", 1250, ytd=False),
                           obs("2021-2025", 5000, ytd=False)])
    cells = series.cells(2022)
    assert set(cells) == {(6, 6), (9, 3), FULL_YEAR}
    assert set(series.cells(2022, (2022, 9))) == {(6, 6), (9, 3)}
    assert series.cells(2022, (2021, 12)) == {}
    assert len(series) == 3


# --- wording ------------------------------------------------------------------------------------------


def test_number_wording():
    assert num(580.0) == "580"
    assert num(63.440) == "63.44"
    assert num(8.2) == "8.2"
    assert num(1234.567) == "1234.57"
    assert num(-0.001) == "0"
    assert approx(1221.0526) == "1221"
    assert approx(45.26) == "45.3"
    assert approx(4.567) == "4.57"
    assert share_phrase(0.48) == "48.0%"
    assert share_phrase(0.475) == "47.5%"
    assert share_phrase((0.47 + 0.475) / 2) == "47.3%"  # 47.2499999... in binary, 47.25 by hand
    assert num(2.675) == "2.68"


def test_period_wording():
    assert span_phrase((6, 6)) == "1-6月"
    assert span_phrase((1, 1)) == "1月"
    assert span_phrase(FULL_YEAR) == "全年"
    assert span_phrase((9, 3)) == "三季度"
    assert span_phrase((12, 6)) == "下半年"
    assert span_phrase((6, 1)) == "6月"
    assert period_phrase(2022, (6, 6)) == "2022年1-6月"
    assert period_phrase(2022, FULL_YEAR) == "2022年"
    assert years_phrase(2022, [2021, 2020, 2019]) == "近三年"
    assert years_phrase(2022, [2021, 2020]) == "近两年"
    assert years_phrase(2022, [2021]) == "上年"
    assert years_phrase(2022, [2020]) == "2020年"
    assert years_phrase(2022, [2021, 2019]) == "2019、2021年"


# --- ranking ---------------------------------------------------------------------------------------------

ZHENJIANG = {
    "321102": "京口区", "321111": "润州区", "321112": "丹徒区",
    "321181": "丹阳市", "321182": "扬中市", "321183": "句容市",
}
# 1-6月 growth: 扬中 8.2, 丹阳 7.5, 句容 7.5, 京口 6.0, 丹徒 5.1; 润州 has no figure.
RANKING_DATA = [
    obs("2022M06", 580, 8.2, region="321182"),
    obs("2022M06", 1480, 7.5, region="321181"),
    obs("2022M06", 600, 7.5, region="321183"),
    obs("2022M06", 300, 6.0, region="321102"),
    obs("2022M06", 210, 5.1, region="321112"),
    obs("2022M06", None, 3.0, region="321111", indicator="gdp"),  # another indicator
    obs("2022M05", 200, 20.0, region="321111"),  # another period
    obs("2022M06", 9000, 9.9, region="320100"),  # not a peer (南京)
]
CLAIM = "增幅列镇江首位"
GROUP = "镇江6个县(市、区)"


def test_rank_with_ties_and_missing_data():
    ranking = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06", by="growth")
    assert isinstance(ranking, Ranking)
    assert (ranking.indicator_id, ranking.period, ranking.by) == (SALES, "2022M06", "growth")
    assert [(r.region_name, r.value, r.rank) for r in ranking.rows] == [
        ("扬中市", 8.2, 1), ("丹阳市", 7.5, 2), ("句容市", 7.5, 2), ("京口区", 6.0, 4), ("丹徒区", 5.1, 5),
        ("润州区", None, None),
    ]
    assert rank_of(ranking, "321183") == 2
    assert rank_of(ranking, "321111") is None
    assert rank_of(ranking, "999999") is None


def test_rank_by_level_and_direction():
    by_level = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06")
    assert [r.region_code for r in by_level.rows][:2] == ["321181", "321183"]
    lowest_first = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06", higher_is_better=False)
    assert [r.rank for r in lowest_first.rows] == [1, 2, 3, 4, 5, None]
    assert lowest_first.rows[0].region_name == "丹徒区"


def test_rank_period_codes_are_calendar_positions():
    half = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022H1", by="growth")
    month = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06", by="growth")
    assert half.rows == month.rows
    # June alone (not year to date) is a different figure: nobody has it
    alone = rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06", by="growth", ytd=False)
    assert all(r.rank is None for r in alone.rows)
    with pytest.raises(ValueError):
        rank(RANKING_DATA, peers=ZHENJIANG, indicator_id=SALES, period="2022M06", by="share")


def test_claim_true():
    complete = [*RANKING_DATA, obs("2022M06", 250, 4.0, region="321111")]  # every peer has a figure
    check = check_claim(complete, peers=ZHENJIANG, region_code=YZ, indicator_id=SALES, period="2022M06",
                        by="growth", claimed_rank=1, claim_text=CLAIM, peer_group_name=GROUP)
    assert (check.verdict, check.claimed_rank, check.actual_rank) == ("true", 1, 1)
    assert check.explanation == "2022年1-6月工业应税销售同比增速8.2%，列镇江6个县(市、区)第1位，与“增幅列镇江首位”相符"
    assert rank_of(check.ranking, "321181") == 2


def test_claim_incomplete_while_a_peer_has_no_figure():
    """润州区 has no figure: first among five is not first among six, so the claim is not confirmed."""
    check = check_claim(RANKING_DATA, peers=ZHENJIANG, region_code=YZ, indicator_id=SALES, period="2022M06",
                        by="growth", claimed_rank=1, claim_text=CLAIM, peer_group_name=GROUP)
    assert (check.verdict, check.claimed_rank, check.actual_rank) == ("incomplete", 1, 1)
    assert check.explanation == ("2022年1-6月工业应税销售同比增速8.2%，在镇江6个县(市、区)中有数据的5个地区里列第1位；"
                                 "另有1个地区暂无数据，无法核实“增幅列镇江首位”")


def test_claim_false_with_a_tie():
    check = check_claim(RANKING_DATA, peers=ZHENJIANG, region_code="321183", indicator_id=SALES, period="2022M06",
                        by="growth", claimed_rank=1, claim_text=CLAIM, peer_group_name=GROUP)
    assert (check.verdict, check.actual_rank) == ("false", 2)
    assert check.explanation == (
        "2022年1-6月工业应税销售同比增速7.5%，列镇江6个县(市、区)并列第2位，与“增幅列镇江首位”不符"
    )


def test_claim_defaults_from_the_catalog():
    complete = [*RANKING_DATA, obs("2022M06", 250, 4.0, region="321111")]
    check = check_claim(complete, peers=ZHENJIANG, region_code="321181", indicator_id=SALES, period="2022M06",
                        by="level", claimed_rank=1)
    assert check.verdict == "true"
    assert check.explanation == "2022年1-6月工业应税销售1480亿元，列6个地区第1位，与所称第1位相符"


def test_claim_no_data():
    missing = check_claim(RANKING_DATA, peers=ZHENJIANG, region_code="321111", indicator_id=SALES,
                          period="2022M06", by="growth", claimed_rank=1, claim_text=CLAIM)
    assert (missing.verdict, missing.actual_rank) == ("no_data", None)
    assert missing.explanation == "2022年1-6月润州区工业应税销售暂无数据，无法核实“增幅列镇江首位”"

    alone = check_claim(RANKING_DATA[:1], peers=ZHENJIANG, region_code=YZ, indicator_id=SALES, period="2022M06",
                        by="growth", claimed_rank=1)
    assert alone.verdict == "no_data"
    assert alone.explanation == "2022年1-6月工业应税销售仅1个地区有数据，无法核实所称第1位"

    with pytest.raises(ValueError, match="peers"):
        check_claim(RANKING_DATA, peers=ZHENJIANG, region_code="320100", indicator_id=SALES, period="2022M06",
                    by="growth", claimed_rank=1)


def test_forecast_rank():
    forecasts = {"321182": 1221.05, "321181": 2900.0, "321183": 1221.05, "321102": 640.0, "321112": None}
    place, ranking = forecast_rank(forecasts, peers=ZHENJIANG, region_code=YZ, indicator_id=SALES, period="2022")
    assert place == 2
    assert [(r.region_code, r.rank) for r in ranking.rows] == [
        ("321181", 1), ("321182", 2), ("321183", 2), ("321102", 4), ("321111", None), ("321112", None),
    ]
    assert forecast_rank(forecasts, peers=ZHENJIANG, region_code="321112")[0] is None
    # a lower-is-better indicator ranks the smallest forecast first
    assert forecast_rank(forecasts, peers=ZHENJIANG, region_code="321102", higher_is_better=False)[0] == 1
