"""Property tests for the extractor and the normaliser (hypothesis).

Why: the extractor is fed scraped government pages — mixed scripts, pinyin glosses, full-width digits,
mojibake, page furniture — so example tests cannot cover what it will meet. These properties pin down
the contract every input must satisfy: no exceptions, spans that point back into the input as given,
the same answer for a simplified text and its traditional rendering, and a normaliser whose offset map
lets every span be traced back to the original characters.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import unicodedata

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targetboard.extract import clauses, engine, extract, quantities
from targetboard.model.items import COMPARATORS, KINDS, MEASURES, MODALITIES
from targetboard.text import normalize

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")

# --- strategies -------------------------------------------------------------------------------------

HEADERS = (
    "SOURCE: http://example.org/a.htm\nTYPE: A\nREGION: 江苏省镇江市\nYEAR: 2022\n\n",
    "SOURCE: x\nTYPE: B\nREGION: 全国 (国务院)\nYEAR: 2023\n\n",
    "SOURCE: x\nTYPE: A\nREGION: unknown\nYEAR: unknown (early 2000s)\n\n",
    "SOURCE:\nTYPE:\nREGION:\nYEAR:\n\n",
    "YEAR: 99999999999999999999\n",
    "TYPE: Z\n",
)

# Whitespace-separated so the lists stay readable; fragments containing spaces or control characters
# are listed separately below.
VOCABULARY = """
    地区生产总值 國內生產總值 GDP 一般公共预算收入 一般公共預算收入 工业应税销售 工業應稅銷售 社会消费品零售总额
    城镇调查失业率 城鎮調查失業率 居民消费价格 CPI 固定资产投资 规模以上工业增加值 新增城镇就业 单位国内生产总值能耗
    粮食产量 进出口总额 人均 全市 全省 经济 项目 企业
    力争 確保 确保 争取 预期 預計 预计 目标是： 增长 增長 增速 增幅 涨幅 下降 降低 减少 增加 提高 达到 達到 突破 超过
    超 高于 低于 控制在 实现 完成 为 以上 以内 以下 左右 约 近 不低于 不超过 多 分别 和 与上年持平 比上年
    列 位居 首位 第1位 第一 镇江 六区两县
    5 6.5 1200 1,200 2,345.6 １２００ ６．５ 0 00000 . 1·8 6-6.5 6%-6.5% 5至6 一千二百 百分之六 三成 翻一番 两位数
    一半 3.2倍 10.4:48.6:41.0 1e999 ٣ ① ½ % ％ ‰ 亿元 億元 万元 元 万人 万亿斤 个百分点 個百分點 百分点 家 个 公顷 倍
    2023年 2035年 十四五 “十一五”末 第九版 三年行动计划 第13次
    ， 。 ； ： 、 , ; : ( ) （ ） “ ” 《 》 | - — ~ (guó) (nèi) (zhǎng) (chǎn) (zh 𠀀 😀 a é
"""
FRAGMENTS = (
    *VOCABULARY.split(),
    *("回复: 0", "签到天数: 733 天", " | ", "\ufffd", "\n", "\n\n", "\r\n", " ", "\u3000", "\t", "\ufeff", "\u200b"),
)

fragment = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f"{f:g}"),
    st.text(max_size=3),
)

policy_text = st.builds(
    lambda header, parts: header + "".join(parts),
    st.one_of(st.just(""), st.sampled_from(HEADERS)),
    st.lists(fragment, max_size=60),
)

any_text = st.text()  # hypothesis' default alphabet already excludes surrogates (category Cs)

METRICS = tuple(
    """
    地区生产总值 国内生产总值 一般公共预算收入 工业应税销售 社会消费品零售总额 城镇调查失业率 固定资产投资 进出口总额
    城乡居民人均可支配收入 粮食产量 单位国内生产总值能耗 规模以上工业增加值 居民消费价格涨幅 新增城镇就业
    """.split()
)
PREFIXES = ("", "力争", "确保", "预计", "全年", "今年", "2023年", "全市", "预期目标是：", "争取")
VERBS = ("", "增长", "达到", "突破", "下降", "控制在", "实现", "提高", "完成", "减少", "超过", "增加")
UNITS = ("%", "亿元", "万元", "元", "万人", "个百分点", "万吨", "公顷", "家", "个")
QUALIFIERS = ("", "左右", "以上", "以内", "以下")
PEERS = ("全省", "全市", "镇江", "六区两县")
ENDS = ("。", "；", "，", "\n")

number = st.one_of(
    st.integers(min_value=0, max_value=99999).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 9999), st.integers(0, 99)),
)

target_sentence = st.builds(
    lambda p, m, v, n, u, q, e: f"{p}{m}{v}{n}{u}{q}{e}",
    st.sampled_from(PREFIXES),
    st.sampled_from(METRICS),
    st.sampled_from(VERBS),
    number,
    st.sampled_from(UNITS),
    st.sampled_from(QUALIFIERS),
    st.sampled_from(ENDS),
)
outcome_sentence = st.builds(
    lambda m, n, u, g, e: f"{m}{n}{u}，比上年增长{g}%{e}",
    st.sampled_from(METRICS),
    number,
    st.sampled_from(UNITS),
    number,
    st.sampled_from(ENDS),
)
ranking_sentence = st.builds(
    lambda m, peer, k, e: f"{m}增幅列{peer}第{k}位{e}",
    st.sampled_from(METRICS),
    st.sampled_from(PEERS),
    st.integers(1, 20),
    st.sampled_from(ENDS),
)
range_sentence = st.builds(
    lambda m, a, b, e: f"{m}增长{a}%-{b}%{e}",
    st.sampled_from(METRICS),
    st.integers(1, 9),
    st.integers(10, 19),
    st.sampled_from(ENDS),
)

simplified_text = st.builds(
    lambda header, parts: header + "".join(parts),
    st.sampled_from(("", HEADERS[0], HEADERS[1])),
    st.lists(st.one_of(target_sentence, outcome_sentence, ranking_sentence, range_sentence), min_size=1, max_size=6),
)

# Correct pinyin for characters the templates produce in traditional script, so a gloss-removal that
# checks the reading still applies.
PINYIN = {
    word[0]: word[1:]
    for word in """
    國guó 內nèi 產chǎn 總zǒng 長zhǎng 區qū 億yì 業yè 額é 萬wàn 預yù 計jì 確què 達dá 實shí 現xiàn
    爭zhēng 資zī 稅shuì 銷xiāo 增zēng 生shēng 值zhí
    """.split()
}


# --- helpers ----------------------------------------------------------------------------------------


def check_items(text: str, items: list) -> None:
    """The invariants every extraction result must satisfy, whatever the input."""
    for item in items:
        assert 0 <= item.start <= item.end <= len(text), (item.start, item.end, len(text))
        assert item.text == text[item.start : item.end]
        assert item.kind in KINDS
        assert item.measure is None or item.measure in MEASURES
        assert item.comparator is None or item.comparator in COMPARATORS
        assert item.modality is None or item.modality in MODALITIES
        for value in (item.value, item.value_high):
            assert value is None or math.isfinite(value), value  # JSON has no NaN/inf
        d = item.to_dict()
        assert d["text"] == item.text and d["start"] == item.start and d["end"] == item.end
        json.dumps(d, ensure_ascii=False, allow_nan=False)


def comparable(items: list, with_metric: bool) -> list[tuple]:
    keys = []
    for it in items:
        key = (it.kind, it.start, it.end, it.measure, it.value, it.value_high, it.unit, it.comparator, it.rank)
        if with_metric:
            key += (it.metric, it.peer_group)
        keys.append(key)
    return sorted(keys, key=repr)


def add_glosses(text: str, mask: list[bool]) -> str:
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch in PINYIN and mask[i % len(mask)]:
            out.append(f"({PINYIN[ch]})")
    return "".join(out)


# --- (a) + (b): never raises, spans point into the input ---------------------------------------------


@SETTINGS
@given(any_text)
def test_extract_never_raises_on_arbitrary_unicode(text: str) -> None:
    check_items(text, extract(text))


@SETTINGS
@given(policy_text, st.one_of(st.none(), st.integers(min_value=1949, max_value=2100)))
def test_extract_never_raises_on_policy_like_text(text: str, year: int | None) -> None:
    check_items(text, extract(text, year=year))


@SETTINGS
@given(simplified_text)
def test_spans_are_slices_of_template_input(text: str) -> None:
    check_items(text, extract(text))


# --- (c): simplified and traditional script give the same items ---------------------------------------


def test_templates_are_not_vacuous() -> None:
    """Property (c) only means something if the templates produce items at all."""
    simp = "力争地区生产总值增长6.5%左右。一般公共预算收入38亿元，比上年增长8%。"
    assert extract(simp), "no items from canonical target/outcome sentences"
    assert extract(S2T.convert(simp))


@SETTINGS
@given(simplified_text)
def test_traditional_script_gives_same_items(simp: str) -> None:
    trad = S2T.convert(simp)
    if len(trad) != len(simp):
        return  # spans are only comparable when the conversion keeps code-point positions
    s_items, t_items = extract(simp), extract(trad)
    check_items(trad, t_items)
    # metrics and peer groups are reported in simplified script, so they must agree too whenever the
    # script round trip is exact (it is not for a few ambiguous characters)
    exact = T2S.convert(trad) == simp
    assert comparable(t_items, exact) == comparable(s_items, exact)


# --- (d): normalisation --------------------------------------------------------------------------------


@SETTINGS
@given(simplified_text, st.lists(st.booleans(), min_size=1, max_size=8), st.booleans())
def test_normalize_leaves_no_traditional_characters(simp: str, gloss_mask: list[bool], fullwidth: bool) -> None:
    trad = S2T.convert(simp)
    if len(trad) != len(simp):
        return
    traditional_only = {t for s, t in zip(simp, trad, strict=True) if s != t}
    source = add_glosses(trad, gloss_mask)
    if fullwidth:
        source = source.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789%."})
    norm = normalize(source)
    assert norm.original == source
    left = traditional_only & set(norm.text)
    assert not left, f"traditional characters left after normalize: {sorted(left)} in {norm.text!r}"


def test_normalize_removes_pinyin_glosses() -> None:
    """The spec's own example of a damaged copy normalises like the undamaged one."""
    glossed, plain = "國(guó)內(nèi)生產(chǎn)總值增長(zhǎng)5%", "國內生產總值增長5%"
    assert normalize(glossed).text == normalize(plain).text


def check_offset_map(source: str) -> None:
    norm = normalize(source)
    assert norm.original == source
    n = len(norm.text)
    a0, b0 = norm.to_original(0, n)
    assert 0 <= a0 <= b0 <= len(source)
    prev_a = prev_b = 0
    for i, ch in enumerate(norm.text):
        a, b = norm.to_original(i, i + 1)
        assert 0 <= a <= b <= len(source), (i, ch, a, b, len(source))
        assert a >= prev_a and b >= prev_b, f"offset map not monotone at {i}: {(prev_a, prev_b)} -> {(a, b)}"
        assert a0 <= a and b <= b0
        if ch.isascii() and ch.isdigit():
            # a digit must come from characters that are (compatibly) that digit: `５` -> `5`
            assert ch in unicodedata.normalize("NFKC", source[a:b]), (ch, source[a:b])
        prev_a, prev_b = a, b


@SETTINGS
@given(policy_text)
def test_offset_map_monotone_on_damaged_text(source: str) -> None:
    check_offset_map(source)


@SETTINGS
@given(any_text)
def test_offset_map_monotone_on_arbitrary_unicode(source: str) -> None:
    check_offset_map(source)


# --- speed rewrites agree with the forms they replace ------------------------------------------------
# Issue 10's speed work rewrote some patterns so the regex engine can skip ahead (one character class
# first), and put cheap substring gates before others. Each must find exactly what the plain form found;
# the plain forms are kept here as the reference.

# `targetboard.text.normalize` is also the function's name in `targetboard.text`: fetch the module itself.
normalize_module = importlib.import_module("targetboard.text.normalize")

_PIECES = st.sampled_from(
    [
        *"國內()（）guóa1234１２,，·•・.\ufffd\u200b\x01 \t\n\u3000年第首前强十百成番半关一万亿、和与-",
        *("SOURCE:", "TYPE: A", "百分之", "一半", "大关", "首位", "榜首", "前三", "5强", "分之"),
    ]
)
_PIECE_TEXT = st.lists(_PIECES, max_size=24).map("".join)

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_REF_EDITS = re.compile(
    rf"(?P<gloss>[(（][a-z{_TONED}]{{0,7}}[)）])"
    r"|(?P<junk>[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff])"
    r"|(?P<sep>[,，](?=[0-9０-９]{3}(?![0-9０-９])))"
    r"|(?P<dot>[·•・․](?=[0-9０-９]))"
)


def _reference_edit_spans(text: str) -> list[tuple[int, int]]:
    """The edits as the single alternation plus host checks in Python found them before issue 10."""
    out = []
    for m in _REF_EDITS.finditer(text):
        s = m.start()
        if m.lastgroup != "junk":
            before = text[s - 1] if s else ""
            host = r"[\u3400-\u9fff\uf900-\ufaff]" if m.lastgroup == "gloss" else "[0-9０-９]"
            if not before or not re.match(host, before):
                continue
        out.append(m.span())
    return out


@SETTINGS
@given(_PIECE_TEXT)
def test_edit_pattern_finds_what_the_reference_alternation_found(text: str) -> None:
    found = []
    for c in normalize_module._EDIT_AT.finditer(text):
        s = c.start()
        g = normalize_module._GLOSS.match(text, s) if text[s] in "(（" else None
        found.append((s, g.end() if g else s + 1))
    assert found == _reference_edit_spans(text)


@SETTINGS
@given(_PIECE_TEXT)
def test_rewritten_patterns_and_gates_agree_with_plain_forms(text: str) -> None:
    assert [m.span() for m in engine._LINE_BREAK.finditer(text)] == [
        m.span() for m in re.finditer(r"[ \t]*\n\s*", text)
    ]
    header = re.compile(r"^SOURCE:[^\n]*\n(?:[A-Z]+:[^\n]*\n)*\n", re.MULTILINE)
    assert engine._header_starts(text) == [m.start() for m in header.finditer(text)]
    assert bool(clauses._COORD_ONLY_SPACED.fullmatch(text)) == bool(
        re.fullmatch(r"[、和及与-]*", re.sub(r"\s+", "", text))
    )
    if quantities._patterns().special.search(text):
        assert quantities._may_hold_special(text)
    rank = re.search(r"第|首位|榜首|前[一二三四五六七八九十\d]|[十\d]强", text) is not None
    assert rank == ("第" in text or (any(c in text for c in "首前强") and clauses._RANK_QUICK.search(text) is not None))
