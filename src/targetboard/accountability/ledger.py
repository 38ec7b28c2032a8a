"""Ledger kinds, their legal transitions and deadline lights (红黄灯).

Why a table of transitions and not code per kind: offices run rectification, safety, project and
listing ledgers that differ only in their stages; `ledger_kinds.toml` says which step follows which and
who may take it, so a new kind of ledger is a data change. An illegal step is refused with a message
that says what the entry's state allows.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from targetboard.errors import Forbidden, Invalid, Where

Light = Literal["green", "yellow", "red", "done"]
LIGHT_ZH: dict[str, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已办结"}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    by: str  # "unit" or "supervisor"
    name: str


@dataclass(frozen=True)
class LedgerKind:
    id: str
    name: str
    states: dict[str, str]  # id -> Chinese name, in order
    closed: frozenset[str]
    transitions: tuple[Transition, ...]

    @property
    def initial(self) -> str:
        return next(iter(self.states))

    def allowed(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == state]

    def step(self, state: str, action: str, *, role: str) -> str:
        """The state after `action`, or Invalid / Forbidden with what is allowed instead."""
        if state not in self.states:
            raise Invalid(f"状态 {state!r} 不属于{self.name}", f"state {state!r} is not a state of {self.id}")
        for t in self.allowed(state):
            if t.action == action:
                if t.by == "supervisor" and role not in ("supervisor", "admin"):
                    raise Forbidden(f"“{t.name}”须由督查人员操作", f"{action!r} is for supervisors")
                return t.target
        options = "、".join(f"{t.name}（{t.action}）" for t in self.allowed(state)) or "无（已是最终状态）"
        raise Invalid(f"{self.name}中“{self.states[state]}”的事项不能“{action}”，可进行的操作：{options}",
                      f"a {self.id} entry in state {state!r} cannot {action!r}; allowed: "
                      f"{', '.join(t.action for t in self.allowed(state)) or 'none'}")


@cache
def ledger_kinds() -> dict[str, LedgerKind]:
    raw = tomllib.loads(resources.files("targetboard.accountability").joinpath("ledger_kinds.toml")
                        .read_text(encoding="utf-8"))
    out: dict[str, LedgerKind] = {}
    for kid, spec in raw.items():
        states = dict(spec["states"])
        transitions = tuple(Transition(t["from"], t["action"], t["to"], t["by"], t["name"])
                            for t in spec["transitions"])
        for t in transitions:
            if t.source not in states or t.target not in states or t.by not in ("unit", "supervisor"):
                raise ValueError(f"ledger_kinds.toml [{kid}]: bad transition {t}")
        out[kid] = LedgerKind(kid, spec["name"], states, frozenset(spec["closed"]), transitions)
    return out


def ledger_kind(kind: str) -> LedgerKind:
    kinds = ledger_kinds()
    if kind not in kinds:
        raise Invalid(f"台账类型 {kind!r} 无效，应为 {'/'.join(kinds)}", f"ledger kind {kind!r}: expected one of "
                      f"{', '.join(kinds)}")
    return kinds[kind]


def light(deadline: date | None, today: date, *, closed: bool, warn_days: int = 7) -> Light:
    """The deadline light: done when closed; red once the deadline has passed; yellow from `warn_days`
    days before it (the deadline day itself is yellow, not red); green otherwise or without a deadline."""
    if closed:
        return "done"
    if deadline is None:
        return "green"
    days_left = (deadline - today).days
    if days_left < 0:
        return "red"
    if days_left <= warn_days:
        return "yellow"
    return "green"


# --- Count targets fed by a ledger ------------------------------------------------------------------------

FILTER_OPS = (">=", "<=", "!=", "=", ">", "<")


@dataclass(frozen=True)
class LedgerFilter:
    """A condition on an entry's sheet column: 总投资（亿元）>=30, 责任单位=工信局.

    `=` and `!=` compare text; the others compare numbers (an entry whose cell is not a number fails).
    """

    field: str
    op: str
    value: str

    @classmethod
    def parse(cls, text: str) -> LedgerFilter:
        for op in FILTER_OPS:  # two-character operators first
            if op in text:
                name, value = (x.strip() for x in text.split(op, 1))
                if not name or not value:
                    break
                if op not in ("=", "!=") and _number(value) is None:
                    raise Invalid(f"筛选条件 {text!r}：{op} 右边应为数字", f"filter {text!r}: {op} needs a number",
                                  where=Where(field="filter"))
                return cls(name, op, value)
        raise Invalid(f"筛选条件 {text!r} 应形如 字段=值 或 字段>=数字", f"filter {text!r}: expected FIELD=VALUE or "
                      f"FIELD>=NUMBER (operators {' '.join(FILTER_OPS)})", where=Where(field="filter"))

    def matches(self, fields: dict[str, str]) -> bool:
        cell = fields.get(self.field)
        if cell is None:
            return False
        if self.op == "=":
            return cell.strip() == self.value
        if self.op == "!=":
            return cell.strip() != self.value
        have, want = _number(cell), _number(self.value)
        if have is None or want is None:
            return False
        return {">=": have >= want, "<=": have <= want, ">": have > want, "<": have < want}[self.op]

    def __str__(self) -> str:
        return f"{self.field}{self.op}{self.value}"


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


def resolve_state(kind: LedgerKind, text: str) -> str:
    """A state named by id (started), by its name (开工) or as people write it (已开工); Invalid otherwise."""
    t = text.strip()
    if t in kind.states:
        return t
    by_name = {name: sid for sid, name in kind.states.items()}
    for candidate in (t, t.removeprefix("已")):
        if candidate in by_name:
            return by_name[candidate]
    options = "、".join(kind.states.values())
    raise Invalid(f"{kind.name}没有状态 {text!r}，应为：{options}", f"{kind.id} has no state {text!r}; expected one "
                  f"of {', '.join(kind.states)}", where=Where(field="state"))


@dataclass(frozen=True)
class Step:
    """One recorded step of an entry: the state it led to and the day it took effect."""

    to_state: str
    on: date


def state_on(kind: LedgerKind, steps: list[Step], day: date) -> str:
    """The entry's state at the end of `day`: the state of its last step (in recorded order) that took
    effect by then; its kind's first state when none had."""
    state = kind.initial
    for s in steps:
        if s.on <= day:
            state = s.to_state
    return state


def reached(kind: LedgerKind, state: str, wanted: str) -> bool:
    """Whether `state` is `wanted` or a later stage of the kind (开工 is reached by 竣工 and 投产 too)."""
    order = list(kind.states)
    return order.index(state) >= order.index(wanted)
