"""Outcome items (constructed, and from extract() on written sentences) turned into observation records."""

from __future__ import annotations

from targetboard.extract import extract
from targetboard.ingest.from_items import observations_from_items
from targetboard.model.items import Item

YZ = "321182"
REGIONS = {"扬中市": YZ, "丹阳市": "321181"}

BULLETIN = (
    "2022年1-6月，全市实现地区生产总值2300.5亿元，同比增长5.1%。工业应税销售完成580.2亿元，增长12.3%。"
    "一般公共预算收入完成213000万元。居民消费价格上涨2.1%。金融机构本外币存款余额905.3亿元。"
    "研发投入占比提高0.2个百分点。工业开票销售超过100亿元。新增规上工业企业23家。"
)


def outcome(**fields: object) -> Item:
    base: dict[str, object] = {"kind": "outcome", "start": 0, "end": 10, "text": "……", "measure": "level",
                               "comparator": "=", "period": "2022"}
    base.update(fields)
    return Item(**base)  # type: ignore[arg-type]


def test_items_from_extract_become_records_with_document_spans() -> None:
    items = extract(BULLETIN, year=2022, context="bulletin")
    result = observations_from_items(items, region_code=YZ, document_id=7)
    recs = {r.key: r for r in result.records}
    gdp = recs[(YZ, "gdp", "2022M06", True)]
    level = next(i for i in items if i.indicator == "gdp" and i.measure == "level")
    growth = next(i for i in items if i.indicator == "gdp" and i.measure == "growth")
    assert (gdp.value, gdp.growth, gdp.source) == (2300.5, 5.1, f"document:7#{level.start}-{growth.end}")
    assert BULLETIN[level.start:growth.end].startswith("全市实现地区生产总值2300.5亿元")
    # the paragraph opens with 2022年1-6月: every figure in it is for the first half, year to date
    sales = recs[(YZ, "industrial_taxable_sales", "2022M06", True)]
    assert (sales.value, sales.growth) == (580.2, 12.3)
    assert recs[(YZ, "general_budget_revenue", "2022M06", True)].value == 21.3  # 万元 -> 亿元
    assert recs[(YZ, "cpi", "2022M06", True)].value == 2.1  # an index stores the percent change as its value
    assert recs[(YZ, "deposits_balance", "2022M06", False)].value == 905.3  # a stock is never year to date
    assert recs[(YZ, "new_industrial_enterprises_above_scale", "2022M06", True)].value == 23
    # not silently dropped: the change and the lower bound come back as problems, with their spans
    messages = [str(p) for p in result.problems]
    assert len(messages) == 2, messages
    change = next(i for i in items if i.measure == "change")
    assert messages[0].startswith(f"document:7#{change.start}-{change.end}: '研发投入占比提高0.2个百分点")
    assert "no catalog indicator for the metric '研发投入占比'" in messages[0]
    assert "not an exact figure (comparator >" in messages[1]
    assert not result.ok


def test_period_rules() -> None:
    items = [
        outcome(indicator="industrial_taxable_sales", value=580.2, unit="亿元", period="2022M01-M06"),
        outcome(indicator="industrial_taxable_sales", value=100.0, unit="亿元", period="2022M06"),
        outcome(indicator="deposits_balance", value=905.3, unit="亿元", period="2022M01-M06"),
        outcome(indicator="gdp", value=1200.0, unit="亿元", period="2022H1"),
        outcome(indicator="gdp", value=2600.0, unit="亿元", period=None),
    ]
    result = observations_from_items(items, region_code=YZ, document_id="d1", default_period="2022")
    assert result.ok, [str(p) for p in result.problems]
    assert [r.key[2:] for r in result.records] == [("2022M06", True), ("2022M06", False), ("2022M06", False),
                                                   ("2022H1", False), ("2022", False)]
    no_default = observations_from_items(items[-1:], region_code=YZ, document_id="d1")
    assert "no period: the text does not say" in no_default.problems[0].message


def test_unresolvable_items_are_problems_saying_why() -> None:
    items = [
        outcome(metric="工业开票户数", value=5.0, unit="家", start=3, end=12, text="工业开票户数5家"),
        outcome(indicator="industrial_taxable_sales", value=5.0, unit="吨"),
        outcome(indicator="industrial_taxable_sales", measure="growth", value=5.0, unit="亿元"),
        outcome(indicator="industrial_taxable_sales", value=5.0, unit="亿元", period="2021-2025"),
        outcome(indicator="industrial_taxable_sales", value=5.0, unit="亿元", period="2022M13"),
        outcome(indicator="industrial_taxable_sales", value=None, unit="亿元"),
        outcome(indicator="industrial_taxable_sales", value=5.0, unit="亿元", comparator="range", value_high=6.0),
        outcome(indicator="industrial_taxable_sales", value=5.0, unit="亿元", region="丹阳市"),
    ]
    result = observations_from_items(items, region_code=YZ, document_id=3, regions=REGIONS)
    assert result.records == []
    why = [p.message for p in result.problems]
    assert len(why) == len(items)
    assert str(result.problems[0]).startswith("document:3#3-12: '工业开票户数5家': no catalog indicator for the metric")
    assert "unit 吨 does not convert to 工业应税销售's unit 亿元" in why[1]
    assert "a growth rate in 亿元; expected a percent change" in why[2]
    assert "spans several years" in why[3]
    assert "2022M13" in why[4]
    assert "no figure" in why[5]
    assert "not an exact figure (comparator range" in why[6]
    assert "the item is about 丹阳市, not the document's region" in why[7]


def test_targets_are_not_observations_and_repeats_and_conflicts() -> None:
    target = outcome(kind="target", indicator="industrial_taxable_sales", value=1200.0, unit="亿元")
    first = outcome(indicator="industrial_taxable_sales", value=580.2, unit="亿元", start=0, end=10)
    again = outcome(indicator="industrial_taxable_sales", value=5802000.0, unit="万元", start=50, end=60)
    other = outcome(indicator="industrial_taxable_sales", value=590.0, unit="亿元", start=80, end=90)
    ok = observations_from_items([target, first, again], region_code=YZ, document_id=1)
    assert ok.ok and [(r.value, r.source) for r in ok.records] == [(580.2, "document:1#0-10")]
    clash = observations_from_items([first, other], region_code=YZ, document_id=1)
    assert [str(p) for p in clash.problems] == [
        "document:1#80-90: '……': conflict: different levels for 工业应税销售 2022: 580.2 at document:1#0-10 and 590 "
        "here; expected one figure (accept one of the items)"]
