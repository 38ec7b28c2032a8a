"""Tests for the indicator catalog and metric matching.

Why: every target and outcome is filed under the id ``Catalog.match`` returns, so a wrong match silently
compares a target with the wrong statistics. These tests pin the data file's shape, the round trip of
every synonym, the near neighbours that must never be confused, and the rule that an unknown qualifier
before a synonym gives None instead of a guess.
"""

from __future__ import annotations

import time

import pytest

from targetboard.catalog import KINDS, Catalog, Indicator, load_catalog, match_indicator, normalise_metric


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _all_surfaces(catalog: Catalog) -> list[tuple[Indicator, str]]:
    return [(ind, s) for ind in catalog for s in ind.surfaces]


# --- the data file -----------------------------------------------------------------------------------


def test_catalog_size(catalog):
    assert len(catalog) >= 70
    assert len(list(catalog)) == len(catalog)


def test_ids_unique_and_gettable(catalog):
    ids = [ind.id for ind in catalog]
    assert len(ids) == len(set(ids))
    for ind in catalog:
        assert catalog.get(ind.id) is ind
        assert ind.id in catalog


def test_fields_valid(catalog):
    for ind in catalog:
        assert ind.kind in KINDS, ind.id
        assert ind.unit.strip(), ind.id
        assert ind.name.strip(), ind.id
        assert isinstance(ind.synonyms, tuple) and ind.synonyms, ind.id
        assert isinstance(ind.higher_is_better, bool), ind.id


def test_requested_ids_present(catalog):
    for indicator_id in [
        "gdp",
        "general_budget_revenue",
        "industrial_taxable_sales",
        "industrial_output_above_scale",
        "industrial_value_added_above_scale",
        "fixed_asset_investment",
        "retail_sales",
        "foreign_trade",
        "exports",
        "imports",
        "disposable_income_per_capita",
        "urban_disposable_income_per_capita",
        "rural_disposable_income_per_capita",
        "cpi",
        "new_urban_jobs",
        "urban_surveyed_unemployment_rate",
        "urban_registered_unemployment_rate",
        "energy_per_gdp",
        "pm25",
        "good_air_days_ratio",
        "grain_output",
    ]:
        assert indicator_id in catalog


def test_direction_of_ceiling_indicators(catalog):
    for indicator_id in [
        "urban_surveyed_unemployment_rate",
        "urban_registered_unemployment_rate",
        "energy_per_gdp",
        "pm25",
        "cpi",
    ]:
        assert catalog.get(indicator_id).higher_is_better is False
    for indicator_id in ["gdp", "general_budget_revenue", "good_air_days_ratio", "new_urban_jobs"]:
        assert catalog.get(indicator_id).higher_is_better is True


def test_get_unknown_raises(catalog):
    with pytest.raises(KeyError, match="no_such_indicator"):
        catalog.get("no_such_indicator")


def test_load_catalog_is_cached():
    assert load_catalog() is load_catalog()


# --- matching ------------------------------------------------------------------------------------------


def test_every_synonym_maps_back(catalog):
    for ind, surface in _all_surfaces(catalog):
        assert catalog.match(surface) is ind, surface


# Region, time and verb words that leave the concept unchanged.
SCOPES = "全市 全县 我市 今年 全年 2022年 1-9月 扬中市 江苏省镇江市 其中 年末全县".split()


@pytest.mark.parametrize("prefix", SCOPES)
def test_scope_prefix_keeps_every_synonym(catalog, prefix):
    for ind, surface in _all_surfaces(catalog):
        assert catalog.match(prefix + surface) is ind, prefix + surface


# Words that change the concept when put before a synonym (urban, per capita, new, registered, ...).
QUALIFIERS = "城镇 农村 城乡 人均 新增 户籍 人民币 高技术 现代 重点 民营 外资 全省重点 农村地区".split()


@pytest.mark.parametrize("qualifier", QUALIFIERS)
def test_unknown_qualifier_never_flips_silently(catalog, qualifier):
    """A qualifier before a synonym gives None unless a longer, explicitly listed synonym absorbs it."""
    for ind, surface in _all_surfaces(catalog):
        qualified = qualifier + surface
        found = catalog.match(qualified)
        if found is None:
            continue
        key = normalise_metric(qualified)
        own = normalise_metric(surface)
        absorbed = [s for s in map(normalise_metric, found.surfaces) if key.endswith(s) and len(s) > len(own)]
        assert absorbed, f"{qualified!r} matched {found.id!r} through {ind.id!r} ({surface!r})"


CASES: list[tuple[str | None, str | None]] = [
    # examples from the brief
    ("全市地区生产总值", "gdp"),
    ("工业应税销售", "industrial_taxable_sales"),
    ("规模以上工业增加值", "industrial_value_added_above_scale"),
    ("一般公共预算收入", "general_budget_revenue"),
    ("城镇居民人均可支配收入", "urban_disposable_income_per_capita"),
    ("居民消费价格指数", "cpi"),
    ("GDP", "gdp"),
    ("单位国内生产总值能耗", "energy_per_gdp"),
    ("新增城镇就业", "new_urban_jobs"),
    ("全县生产总值", "gdp"),
    ("进出口总额", "foreign_trade"),
    ("社会消费品零售总额", "retail_sales"),
    ("第一产业增加值", "primary_industry_value_added"),
    ("粮食总产量", "grain_output"),
    ("PM2.5平均浓度", "pm25"),
    # not in the catalog
    ("食品烟酒类价格", None),
    ("亿元以上项目", None),
    ("美科太阳能", None),
    ("经济", None),
    ("", None),
    (None, None),
    ("百亿级企业", "enterprises_10bn_sales"),  # a count Jiangsu county plans track (百亿级企业达3家以上)
    ("消费品价格", None),
    ("服务项目价格", None),
    ("夏粮总产量", None),
    ("城镇消费品零售额", None),
    ("高端装备制造产业集群应税销售", None),
    ("空气质量优良天数", None),
    # near neighbours
    ("居民人均可支配收入", "disposable_income_per_capita"),
    ("农村居民人均可支配收入", "rural_disposable_income_per_capita"),
    ("城镇常住居民人均可支配收入", "urban_disposable_income_per_capita"),
    ("农民人均纯收入", "rural_net_income_per_capita"),
    ("城乡居民人均可支配收入", None),
    ("规上工业增加值", "industrial_value_added_above_scale"),
    ("规上工业总产值", "industrial_output_above_scale"),
    ("规模以上工业总产值", "industrial_output_above_scale"),
    ("全部工业增加值", "industrial_value_added"),
    ("出口总额", "exports"),
    ("进口总额", "imports"),
    ("外贸进出口总额", "foreign_trade"),
    ("一般公共预算支出", "general_budget_expenditure"),
    ("财政总收入", "fiscal_revenue_total"),
    ("人均地区生产总值", "gdp_per_capita"),
    ("人均GDP", "gdp_per_capita"),
    ("户籍人均生产总值", None),
    ("城镇调查失业率", "urban_surveyed_unemployment_rate"),
    ("城镇登记失业率", "urban_registered_unemployment_rate"),
    ("常住人口", "resident_population"),
    ("户籍人口", "registered_population"),
    ("常住人口城镇化率", "urbanization_rate"),
    ("户籍人口城镇化率", "registered_urbanization_rate"),
    ("高技术制造业增加值", "high_tech_manufacturing_value_added"),
    ("高新技术产业产值", "high_tech_industry_output"),
    ("高新技术产业产值占比", "high_tech_industry_output_share"),
    ("研发经费投入", "rd_expenditure"),
    ("研究与试验发展经费支出占生产总值比重", "rd_intensity"),
    ("R&D经费支出占GDP比重", "rd_intensity"),
    ("税收收入", "tax_revenue"),
    ("税收占比", "tax_share_of_budget_revenue"),
    ("金融机构人民币存款余额", None),
    ("金融机构本外币存款余额", "deposits_balance"),
    ("金融机构本外币贷款余额", "loans_balance"),
    ("服务业增加值", "tertiary_industry_value_added"),
    ("服务业增加值占GDP比重", "tertiary_industry_share"),
    ("现代服务业增加值", None),
    ("民营经济占GDP的比重", "private_economy_share"),
    ("规模以上工业企业", "industrial_enterprises_above_scale"),
    ("新增规上工业企业", "new_industrial_enterprises_above_scale"),
    ("优良天数比率", "good_air_days_ratio"),
    ("细颗粒物(PM2.5)平均浓度", "pm25"),
    ("PM10平均浓度", "pm10"),
    ("全社会用电量", "power_consumption"),
    ("工业用电量", "industrial_power_consumption"),
    ("居民生活用电量", None),
    ("旅游总收入", "tourism_revenue"),
    ("接待游客", "tourist_visits"),
    ("实际使用外资", "foreign_capital_actual_use"),
    ("人均消费支出", "consumption_expenditure_per_capita"),
    ("粮食产量", "grain_output"),
    # region, time and measure words around a synonym
    ("扬中市地区生产总值", "gdp"),
    ("通道侗族自治县地区生产总值", "gdp"),
    ("我市GDP增速", "gdp"),
    ("2022年1-9月规上工业增加值", "industrial_value_added_above_scale"),
    ("年末全市金融机构本外币存款余额", "deposits_balance"),
    ("居民消费价格涨幅", "cpi"),
    ("全社会固定资产投资", "fixed_asset_investment"),
    ("固定资产投资(不含农户)", "fixed_asset_investment"),
    ("经济增长", None),
    ("人口自然增长率", "natural_population_growth_rate"),
    ("农村地区生产总值", None),
    ("贫困县农民人均纯收入", None),
    ("农村生活污水处理率", None),
    # damaged or wide input
    ("ＧＤＰ", "gdp"),
    (" 地区 生产总值 ", "gdp"),
    ("pm2.5浓度", "pm25"),
    ("地表水达到或好于Ⅲ类水体比例", "surface_water_good_ratio"),
]


@pytest.mark.parametrize(("metric", "expected"), CASES)
def test_match_table(catalog, metric, expected):
    found = catalog.match(metric)
    assert (None if found is None else found.id) == expected
    assert match_indicator(metric) == expected


def test_match_table_is_large_enough():
    assert len(CASES) >= 40
    assert sum(1 for _, expected in CASES if expected is None) >= 10


def test_repeated_calls_agree(catalog):
    for metric, expected in CASES[:20]:
        first = catalog.match(metric)
        assert catalog.match(metric) is first
        assert (None if first is None else first.id) == expected


# --- construction and validation --------------------------------------------------------------------


def _indicator(indicator_id: str, synonyms: tuple[str, ...], kind: str = "flow_ytd") -> Indicator:
    return Indicator(
        id=indicator_id, name=synonyms[0], synonyms=synonyms, unit="亿元", kind=kind, higher_is_better=True
    )


def test_shared_synonym_is_refused():
    with pytest.raises(ValueError, match="already a synonym"):
        Catalog([_indicator("a", ("地区生产总值",)), _indicator("b", ("GDP",))])  # equal after normalisation


def test_duplicate_id_is_refused():
    with pytest.raises(ValueError, match="duplicate"):
        Catalog([_indicator("a", ("甲",)), _indicator("a", ("乙",))])


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "flow"), ("id", "GDP"), ("unit", ""), ("name", " "), ("higher_is_better", 1), ("synonyms", ["甲"])],
)
def test_invalid_indicator_is_refused(field, value):
    fields = {"id": "a", "name": "甲", "synonyms": ("甲",), "unit": "亿元", "kind": "stock", "higher_is_better": True}
    fields[field] = value
    with pytest.raises(ValueError):
        Indicator(**fields)


def test_toml_unknown_field_is_refused():
    text = (
        '[[indicator]]\nid = "a"\nname = "甲"\nsynonyms = ["甲"]\nunit = "元"\nkind = "stock"\n'
        'higher_is_better = true\nnote = "typo"\n'
    )
    with pytest.raises(ValueError, match="note"):
        Catalog.from_toml(text)


def test_toml_round_trip():
    text = (
        '[[indicator]]\nid = "a"\nname = "甲"\nsynonyms = ["甲", "甲乙", "甲"]\nunit = "元"\nkind = "stock"\n'
        "higher_is_better = false\n"
    )
    cat = Catalog.from_toml(text)
    assert len(cat) == 1
    assert cat.get("a").synonyms == ("甲", "甲乙")
    assert cat.match("全市甲乙") is cat.get("a")


# --- speed ---------------------------------------------------------------------------------------------


def test_match_is_fast_without_the_memo(catalog):
    """The extractor calls match once per item; the uncached path alone must manage thousands per second."""
    fresh = Catalog(catalog)
    prefixes = ["", "全市", "扬中市", "2022年", "城镇", "其中"]
    suffixes = ["", "增长", "增速"]
    metrics = [p + s + q for _, s in _all_surfaces(catalog) for p in prefixes for q in suffixes]
    metrics += [m for m, _ in CASES if m]
    start = time.perf_counter()
    for m in metrics:
        fresh.match(m)
    rate = len(metrics) / (time.perf_counter() - start)
    assert rate > 5_000, f"{rate:.0f} matches/s"


def test_one_vocabulary_of_magnitudes_serves_the_extractor_and_the_importer():
    """Both readers take their magnitude words from catalog/units.toml, and agree on every factor."""
    from targetboard.catalog.units import magnitudes, sheet_magnitudes, text_magnitudes
    from targetboard.extract import extract
    from targetboard.ingest.rules import load_rules
    from targetboard.ingest.units import parse_unit

    words = {m.word: m for m in magnitudes()}
    assert {k for k, _ in load_rules().magnitudes} == set(sheet_magnitudes())
    for word, factor in sheet_magnitudes().items():
        assert parse_unit(f"{word}元").factor == factor == words[word].factor
    for word in text_magnitudes():  # each is read after a number and kept in the unit
        items = [i for i in extract(f"力争全年固定资产投资达到12{word}元。", context="plan") if i.kind == "target"]
        assert items and items[0].unit == f"{word}元", word
    assert "百" not in sheet_magnitudes() and parse_unit("百分比").base == "%"  # a percent, not 100 x 分比
