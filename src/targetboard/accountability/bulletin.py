"""The monthly supervision bulletin (督查通报) as plain data: what the services gather, what the writers print.

Why a data type of its own: the .docx, the .xlsx, the web page and the tests all show the same tables
and the same summary; gathering once (`services.bulletin.build_bulletin`) and printing from this one
value keeps them identical. Everything is plain text, numbers and dates: the writers never reach the
store, and the same data gives the same document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Status colours, as the dashboard shows them: 绿 achieved / on track, 黄 at risk, 红 off track, 灰 no data.
COLOUR_OF_STATUS = {"achieved": "green", "on_track": "green", "at_risk": "yellow", "off_track": "red",
                    "no_data": "grey"}
COLOUR_ZH = {"green": "绿", "yellow": "黄", "red": "红", "grey": "灰"}
#: The order targets are listed in: the ones needing attention first.
COLOUR_ORDER = ("red", "yellow", "grey", "green")


@dataclass(frozen=True)
class TargetLine:
    """A tracked target with its status of the period."""

    item_id: int
    text: str
    metric: str
    goal: str  # "> 1200亿元"
    lead_unit: str | None
    colour: str  # green, yellow, red, grey
    status: str  # 进度正常, 有风险 ... (未跟踪 when the metric is not tracked)
    explanation: str


@dataclass(frozen=True)
class ReportLine:
    """A progress report a unit owes: overdue, or returned and not yet redone."""

    unit: str
    item_id: int
    item_text: str
    period: str
    reason: str  # overdue, returned
    comment: str = ""  # the supervisor's comment on a returned report


@dataclass(frozen=True)
class LedgerLine:
    """A ledger entry with a red or yellow light on the bulletin's day."""

    ledger: str  # 整改台账 ...
    entry_id: int
    ref: str
    title: str
    unit: str | None
    deadline: date | None
    state: str  # the state's Chinese name
    light: str  # red, yellow
    progress: str


@dataclass(frozen=True)
class LeagueLine:
    rank: int
    name: str
    total: str  # decimal text, two places
    movement: int | None  # places gained since the previous published run; None: not ranked then
    vetoed: bool = False


@dataclass(frozen=True)
class League:
    """The league table shown: a published run (its snapshot) or a fresh, unpublished run."""

    scheme: str
    period: str
    snapshot_id: int | None  # None: computed for this bulletin, not published
    rows: tuple[LeagueLine, ...]


@dataclass(frozen=True)
class Bulletin:
    region: str
    period: str  # 2022M06
    period_label: str  # 2022年6月
    as_of_day: date  # the day lights and overdue reports are judged on
    targets: tuple[TargetLine, ...]
    reports: tuple[ReportLine, ...]
    ledgers: tuple[LedgerLine, ...]
    league: League | None
    ledger_counts: tuple[tuple[str, int, int], ...] = ()  # (ledger name, red, yellow) of every kind kept

    @property
    def title(self) -> str:
        return f"{self.region}{self.period_label}重点工作督查通报"

    def colour_counts(self) -> dict[str, int]:
        """Targets per colour, every colour present (0 when none)."""
        counts = dict.fromkeys(("green", "yellow", "red", "grey"), 0)
        for t in self.targets:
            counts[t.colour] += 1
        return counts
