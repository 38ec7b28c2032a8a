"""The reminder e-mail's Chinese: subject and body listing what a unit owes.

Why pure and separate from the sending: the in-app list and the e-mail say the same thing, and the
wording is checked in tests without a mail server. Each line names the item, the period, why (逾期未报,
退回待重报 with the supervisor's comment, 待报送 with its due date) so a unit can act without logging in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

REASON_ZH = {"overdue": "逾期未报", "returned": "退回待重报", "due": "待报送"}


class Owed(Protocol):
    @property
    def item_id(self) -> int: ...
    @property
    def item_text(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def due(self) -> date | None: ...
    @property
    def comment(self) -> str: ...


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def subject(unit: str, items: Sequence[Owed], today: date) -> str:
    overdue = sum(1 for i in items if i.reason != "due")
    return f"【督查提醒】{unit}：{len(items)}份进度报告待报送（其中逾期或退回{overdue}份，{_day(today)}）"


def line(item: Owed) -> str:
    """One owed report: [item id] text, period, why (and the comment or the due day)."""
    why = REASON_ZH.get(item.reason, item.reason)
    if item.reason == "returned" and item.comment:
        why += f"（退回意见：{item.comment}）"
    elif item.reason == "due" and item.due is not None:
        why += f"（请于{_day(item.due)}前报送）"
    elif item.reason == "overdue" and item.due is not None:
        why += f"（应于{_day(item.due)}前报送）"
    return f"[{item.item_id}] {item.item_text}  {item.period}  {why}"


def body(unit: str, region: str, items: Sequence[Owed], today: date) -> str:
    lines = [f"{unit}：", "",
             f"截至{_day(today)}，贵单位在{region}重点工作中有以下进度报告需要报送或重新报送：", ""]
    lines += [f"{n}. {line(i)}" for n, i in enumerate(items, start=1)]
    lines += ["", "请登录 targetboard 填报进度（报告内容、完成百分比及佐证材料），或使用命令：",
              "targetboard report submit 事项编号 报告期 --text 进展 --percent 百分比", "",
              "此邮件由 targetboard 自动发送，同一事项每天最多提醒一次。"]
    return "\n".join(lines) + "\n"
