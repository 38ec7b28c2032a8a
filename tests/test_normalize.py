"""Normalisation: what the matcher sees, and spans that always map back to the original input."""

from __future__ import annotations

import pytest

from targetboard.text import normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("國(guó)內(nèi)生產(chǎn)總值增長(zhǎng)5%左右", "国内生产总值增长5%左右"),  # pinyin glosses
        ("工業應稅銷售突破１２００億元", "工业应税销售突破1200亿元"),  # full-width digits, t2s
        ("增长１２％，达到2,345.6亿元", "增长12%,达到2345.6亿元"),  # NFKC punctuation, thousands separator
        ("增速1·8%", "增速1.8%"),  # odd decimal mark
        ("收入\ufffd38亿元", "收入38亿元"),  # mojibake debris
        ("衣著類上漲3.1%", "衣着类上涨3.1%"),  # phrase OpenCC leaves alone
        ("面积120㎡", "面积120m2"),  # NFKC that changes length
        ("GDP(国内生产总值)增长", "GDP(国内生产总值)增长"),  # a real parenthesis stays
        ("1,2,3项", "1,2,3项"),  # a list is not a thousands separator
    ],
)
def test_normalised_text(original, expected):
    assert normalize(original).text == expected


def test_spans_map_back_to_original():
    original = "國(guó)內(nèi)生產(chǎn)總值１２００億元，面积120㎡。"
    nt = normalize(original)
    i = nt.text.index("生产总值")
    s, e = nt.to_original(i, i + 4)
    assert original[s:e] == "生產(chǎn)總值"
    j = nt.text.index("1200亿元")
    s, e = nt.to_original(j, j + len("1200亿元"))
    assert original[s:e] == "１２００億元"
    k = nt.text.index("m2")
    assert nt.to_original(k, k + 2) == (original.index("㎡"), original.index("㎡") + 1)
    assert nt.to_original(0, 1) == (0, 1)
    assert nt.to_original(len(nt.text), len(nt.text)) == (len(original), len(original))


def test_plain_simplified_text_is_unchanged_and_identity_mapped():
    original = "今年全市地区生产总值增长5%左右。"
    nt = normalize(original)
    assert nt.text == original
    assert all(nt.to_original(i, i + 1) == (i, i + 1) for i in range(len(original)))


def test_empty_input():
    nt = normalize("")
    assert nt.text == "" and nt.to_original(0, 0) == (0, 0)
