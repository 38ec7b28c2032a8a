"""Accountability rules with hand-computed expectations: ledger transitions and lights, scheme checks,
scoring per rule, ties, vetoes, movement and byte-identical re-runs."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

import pytest

from targetboard.accountability.ledger import ledger_kind, ledger_kinds, light
from targetboard.accountability.scheme import load_scheme, parse_scheme
from targetboard.accountability.scoring import Evidence, ItemInput, league_rows, run_scheme
from targetboard.errors import Forbidden, Invalid

SCHEME_FILE = resources.files("targetboard").joinpath("data/scheme_yangzhong_townships.toml")


# -- ledgers -------------------------------------------------------------------------------------------------

def test_a_rectification_entry_walks_its_states_and_refuses_illegal_steps():
    k = ledger_kind("rectification")
    assert k.initial == "not_started"
    state = k.step("not_started", "start", role="unit_editor")
    state = k.step(state, "submit", role="unit_editor")
    assert k.step(state, "return", role="supervisor") == "in_progress"  # 退回
    assert k.step(state, "sign_off", role="supervisor") == "closed"  # 销号
    with pytest.raises(Forbidden, match="督查"):
        k.step(state, "sign_off", role="unit_editor")  # only the supervisor signs off
    with pytest.raises(Invalid, match="开始整改") as info:
        k.step("not_started", "sign_off", role="supervisor")
    assert "allowed: start" in info.value.message("en")
    with pytest.raises(Invalid):
        k.step("closed", "submit", role="admin")
    with pytest.raises(Invalid, match="台账类型"):
        ledger_kind("rumours")


@pytest.mark.parametrize("kind", sorted(ledger_kinds()))
def test_every_transition_of_every_kind_is_legal_and_every_other_pair_is_refused(kind):
    k = ledger_kind(kind)
    for state in k.states:
        allowed = {t.action: t for t in k.allowed(state)}
        for action in {t.action for t in k.transitions}:
            if action in allowed:
                assert k.step(state, action, role="admin") == allowed[action].target
            else:
                with pytest.raises(Invalid):
                    k.step(state, action, role="admin")
    # every state but the first is reachable
    reachable = {k.initial}
    for _ in k.states:
        reachable |= {t.target for t in k.transitions if t.source in reachable}
    assert reachable == set(k.states)


@pytest.mark.parametrize(("deadline", "today", "expected"), [
    (date(2022, 1, 31), date(2022, 1, 23), "green"),  # 8 days before a month end
    (date(2022, 1, 31), date(2022, 1, 24), "yellow"),  # 7 days before
    (date(2022, 1, 31), date(2022, 1, 31), "yellow"),  # the deadline day itself is not late
    (date(2022, 1, 31), date(2022, 2, 1), "red"),  # the day after
    (date(2024, 2, 29), date(2024, 2, 22), "yellow"),  # leap day: 7 days before
    (date(2024, 2, 29), date(2024, 3, 1), "red"),
    (date(2023, 3, 1), date(2023, 2, 22), "yellow"),  # across February of a common year: 7 days
    (date(2023, 3, 1), date(2023, 2, 21), "green"),
    (None, date(2023, 2, 21), "green"),
])
def test_deadline_lights_around_month_ends_and_leap_years(deadline, today, expected):
    assert light(deadline, today, closed=False) == expected
    assert light(deadline, today, closed=True) == "done"


def test_the_warning_window_is_configurable():
    assert light(date(2022, 6, 30), date(2022, 6, 15), closed=False, warn_days=15) == "yellow"
    assert light(date(2022, 6, 30), date(2022, 6, 15), closed=False, warn_days=14) == "green"


# -- schemes -------------------------------------------------------------------------------------------------

def test_the_sample_scheme_loads():
    scheme = load_scheme(str(SCHEME_FILE))
    assert (scheme.id, scheme.version, scheme.subjects) == ("yangzhong-townships", "2022.1", "township")
    assert [c.weight for c in scheme.categories] == [60, 40, 0]
    assert [i.rule for _, i in scheme.items()] == ["linear", "rank", "step", "ledger", "ledger", "bonus", "penalty",
                                                   "veto"]


def _raw() -> dict:
    return tomllib.loads(SCHEME_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("edit", "field", "fragment"), [
    (lambda d: d["category"][0].update(weight=55), "category[0].weight", "55"),
    (lambda d: d["category"][0]["item"][0].update(rule="lottery"), "category[0].item[0].rule", "lottery"),
    (lambda d: d["category"][1]["item"][0].update(id="taxable_sales"), "category[1].item[0].id", "taxable_sales"),
    (lambda d: d["category"][0]["item"][1].update(points="twenty"), "category[0].item[1].points", "数字"),
    (lambda d: d["category"][0]["item"][0].update(cap=0.5), "category[0].item[0].cap", "1"),
    (lambda d: d["scheme"].update(subjects="planets"), "scheme.subjects", "township"),
    (lambda d: d.pop("scheme"), "scheme", "[scheme]"),
])
def test_scheme_mistakes_name_the_field(edit, field, fragment):
    data = _raw()
    edit(data)
    with pytest.raises(Invalid) as info:
        parse_scheme(data, "scheme.toml")
    assert info.value.where is not None and info.value.where.field == field
    assert info.value.where.file == "scheme.toml" and fragment in info.value.message("zh")


def test_a_broken_file_is_one_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scheme\nid = 1", encoding="utf-8")
    with pytest.raises(Invalid, match="TOML"):
        load_scheme(bad)
    with pytest.raises(Invalid, match="不存在"):
        load_scheme(tmp_path / "none.toml")


# -- scoring -------------------------------------------------------------------------------------------------

SUBJECTS = {"A": "三茅街道", "B": "新坝镇", "C": "油坊镇"}


def _inputs(veto_b: bool = False) -> dict[tuple[str, str], ItemInput]:
    obs = (Evidence("observation", "1201", "1-12月累计130亿元"),)
    return {
        ("A", "taxable_sales"): ItemInput(actual=130, target=100, evidence=obs),
        ("B", "taxable_sales"): ItemInput(actual=95, target=100),
        ("C", "taxable_sales"): ItemInput(actual=50, target=80),
        ("A", "investment_rank"): ItemInput(rank=2),
        ("B", "investment_rank"): ItemInput(rank=1),
        ("C", "investment_rank"): ItemInput(rank=3),
        ("A", "revenue"): ItemInput(actual=5, target=4),
        ("B", "revenue"): ItemInput(actual=3.9, target=4),
        ("C", "revenue"): ItemInput(actual=4, target=4),
        ("A", "rectification"): ItemInput(overdue=1, returned=1, evidence=(Evidence("ledger", "17"),)),
        ("C", "rectification"): ItemInput(overdue=6),
        ("B", "safety"): ItemInput(overdue=1),
        ("C", "safety"): ItemInput(returned=1),
        ("A", "honours"): ItemInput(events=5),
        ("C", "honours"): ItemInput(events=1),
        ("B", "complaints"): ItemInput(events=3),
        ("B", "major_accident"): ItemInput(events=1 if veto_b else 0),
    }


def test_each_rule_by_hand():
    scheme = load_scheme(str(SCHEME_FILE))
    result = run_scheme(scheme, period="2022", subjects=SUBJECTS, inputs=_inputs(), previous_ranks={"A": 2, "B": 1,
                                                                                                   "C": 3})
    by = {s.subject: s for s in result.table}
    points = {s: {i.item_id: i.points for i in by[s].items} for s in by}
    # linear, capped at 120%: 30 x 1.2 = 36; 30 x 0.95 = 28.5; 30 x 50/80 = 18.75
    assert [points[s]["taxable_sales"] for s in "ABC"] == ["36.00", "28.50", "18.75"]
    # rank: 20 for first, minus 2 a place
    assert [points[s]["investment_rank"] for s in "ABC"] == ["18.00", "20.00", "16.00"]
    # step: full when met (4 = 4 is met), nothing otherwise
    assert [points[s]["revenue"] for s in "ABC"] == ["10.00", "0.00", "10.00"]
    # ledger: 20 - 4 per overdue - 2 per returned, never below 0; safety: 20 - 5 / - 2
    assert [points[s]["rectification"] for s in "ABC"] == ["14.00", "20.00", "0.00"]
    assert [points[s]["safety"] for s in "ABC"] == ["20.00", "15.00", "18.00"]
    # bonus capped at 3; penalty 0.5 each
    assert [points[s]["honours"] for s in "ABC"] == ["3.00", "0.00", "1.00"]
    assert [points[s]["complaints"] for s in "ABC"] == ["0.00", "-1.50", "0.00"]
    assert [(s.subject, s.total, s.rank, s.movement) for s in result.table] == [
        ("A", "101.00", 1, 1), ("B", "82.00", 2, -1), ("C", "63.75", 3, 0)]
    sales = next(i for i in by["A"].items if i.item_id == "taxable_sales")
    assert "完成率130%（已封顶）" in sales.explanation and sales.evidence[0].ref == "1201"
    assert league_rows(result)[0] == (1, "三茅街道", "101.00", "进位1")


def test_a_veto_zeroes_the_total_and_ranks_last():
    result = run_scheme(load_scheme(str(SCHEME_FILE)), period="2022", subjects=SUBJECTS, inputs=_inputs(True))
    assert [(s.subject, s.total, s.rank, s.vetoed) for s in result.table] == [
        ("A", "101.00", 1, False), ("C", "63.75", 2, False), ("B", "0", 3, True)]
    assert league_rows(result)[2][1] == "新坝镇（一票否决）"


def test_ties_share_a_place_and_missing_inputs_score_nothing():
    scheme = load_scheme(str(SCHEME_FILE))
    same = {(s, "revenue"): ItemInput(actual=1, target=1) for s in SUBJECTS}
    result = run_scheme(scheme, period="2022", subjects=SUBJECTS, inputs=same)
    assert [s.rank for s in result.table] == [1, 1, 1]
    first = result.table[0]
    assert first.total == "50.00"  # the step item's 10, and both ledgers' full 20: no overdue entries
    assert next(i for i in first.items if i.item_id == "taxable_sales").explanation.startswith("暂无")
    with pytest.raises(Invalid, match="lottery"):
        run_scheme(scheme, period="2022", subjects=SUBJECTS, inputs={("A", "lottery"): ItemInput()})


def test_lower_is_better_inverts_the_completion_ratio():
    scheme = parse_scheme({"scheme": {"id": "x", "name": "x", "version": "1", "subjects": "department"},
                           "category": [{"id": "c", "name": "能耗", "weight": 10, "item": [
                               {"id": "energy", "rule": "linear", "points": 10, "cap": 1.1}]}]})
    result = run_scheme(scheme, period="2022", subjects={"D": "发改委"},
                        inputs={("D", "energy"): ItemInput(actual=0.8, target=1.0, higher_is_better=False)})
    assert result.table[0].total == "11.00"  # 1.0 / 0.8 = 125%, counted at the 110% cap: 10 x 1.1
    result = run_scheme(scheme, period="2022", subjects={"D": "发改委"},
                        inputs={("D", "energy"): ItemInput(actual=1.25, target=1.0, higher_is_better=False)})
    assert result.table[0].total == "8.00"  # 1.0 / 1.25 = 80%


def test_the_same_run_gives_byte_identical_output():
    scheme = load_scheme(str(SCHEME_FILE))
    a = run_scheme(scheme, period="2022", subjects=SUBJECTS, inputs=_inputs(), previous_ranks={"A": 2})
    b = run_scheme(scheme, period="2022", subjects=dict(reversed(list(SUBJECTS.items()))),
                   inputs=dict(reversed(list(_inputs().items()))), previous_ranks={"A": 2})
    assert a.to_json().encode() == b.to_json().encode()
