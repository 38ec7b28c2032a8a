"""The English explanation of a status: the same facts as the Chinese one, worded for the English pages.

Each case is one of test_analytics.py's Chinese cases (same targets and figures), with the English
sentence a person would write for it.
"""

from __future__ import annotations

import pytest

from targetboard.analytics import evaluate
from targetboard.analytics.explain_en import span_en
from test_analytics import HISTORY, UNEMP, growth_target, obs, sales_target, unemployment_target


@pytest.mark.parametrize(("target", "rows", "zh", "en"), [
    (sales_target(), [*HISTORY, obs("2022M05", 470), obs("2022M06", 580, 11.1)],
     "1-6月累计580亿元，按近三年同期占全年比重47.5%推算，全年约1221亿元，高于目标1200亿元",
     "Cumulative Jan–Jun: 580 亿元; extrapolated by the share of these months in the full year over the last "
     "three years (47.5%), about 1221 亿元 for the year, above the target of 1200 亿元"),
    (sales_target(), [obs("2022M12", 1190)], "全年1190亿元，低于目标1200亿元，未完成目标",
     "Full year: 1190 亿元, below the target of 1200 亿元; target missed"),
    (growth_target(), [obs("2022M05", 470, 9.0), obs("2022M06", 580, 8.2)], "1-6月累计同比增长8.2%，高于目标增速7%",
     "Up 8.2% year on year cumulative Jan–Jun, above the target growth of 7%"),
    (growth_target(), [obs("2022M06", growth=-3.1)], "1-6月累计同比下降3.1%，低于目标增速7%",
     "Down 3.1% year on year cumulative Jan–Jun, below the target growth of 7%"),
    (growth_target(comparator="range", value=6.0, value_high=6.5), [obs("2022M06", growth=6.2)],
     "1-6月累计同比增长6.2%，处于目标增速区间6%-6.5%之内",
     "Up 6.2% year on year cumulative Jan–Jun, within the target growth range 6%–6.5%"),
    (growth_target(comparator="~"), [obs("2022M06", growth=6.8)], "1-6月累计同比增长6.8%，符合目标增速7%左右",
     "Up 6.8% year on year cumulative Jan–Jun, in line with the target growth of about 7%"),
    (sales_target(), [obs("2022M06", 100, ytd=False)], "暂无2022年累计数据", "No 2022 cumulative figures yet"),
])
def test_english_says_what_the_chinese_says(target, rows, zh, en):
    status = evaluate(target, rows)
    assert status.explanation == zh
    assert status.explanation_en == en


@pytest.mark.parametrize(("period", "value", "zh", "en"), [
    ("2022M06", 4.8, "6月为4.8%，低于目标5.5%", "4.8% in Jun, below the target of 5.5%"),
    ("2022M12", 5.6, "12月为5.6%，高于目标5.5%，未完成目标", "5.6% in Dec, above the target of 5.5%; target missed"),
])
def test_a_rate_read_in_a_month(period, value, zh, en):
    status = evaluate(unemployment_target(), [obs(period, value, ytd=False, indicator=UNEMP)])
    assert (status.explanation, status.explanation_en) == (zh, en)


@pytest.mark.parametrize(("pos", "text"), [((6, 6), "Jan–Jun"), ((1, 1), "Jan"), ((12, 12), "the full year"),
                                           ((6, 1), "Jun"), ((9, 3), "Q3"), ((12, 6), "H2"), ((8, 2), "Jul–Aug")])
def test_spans(pos, text):
    assert span_en(pos) == text
