"""Reminders: the progress reports a unit owes, in the app for each user and by e-mail to each unit.

Why both: the month-end scramble is offices chasing units by phone; a list on each unit editor's page
and one e-mail per unit (to the addresses of its accounts) say the same thing without anyone calling.
`reminder_log` records every address reminded of every report each day, so running `report remind`
again the same day (a cron job and a person, say) sends nothing new. SMTP failures are `Unavailable`
naming the server; the mails sent before a failure stay logged, so a re-run sends only the rest.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from targetboard.accountability import reminder_text
from targetboard.errors import Unavailable
from targetboard.services.actors import Actor, require_region
from targetboard.services.reports import DueReport, owed_reports
from targetboard.settings import Settings
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import Membership, Region, ReminderLog, Unit, User, utcnow
from targetboard.store.regions import find_region

#: An owed report, as the in-app list shows it (unit, item, period, why, due day, the return comment).
Reminder = DueReport


def _below(s: Session, region_id: int) -> list[int]:
    """`region_id` and every region under it."""
    children: dict[int | None, list[int]] = {}
    for rid, parent in s.execute(select(Region.id, Region.parent_id)).all():
        children.setdefault(parent, []).append(rid)
    out, todo = [], [region_id]
    while todo:
        rid = todo.pop()
        out.append(rid)
        todo.extend(children.get(rid, []))
    return out


def reminders_for(db: Database, actor: Actor, *, today: date | None = None) -> list[Reminder]:
    """What `actor` should see as reminders: a unit editor its units' owed reports; a supervisor its
    region's (everywhere when it has none); an admin every one. Viewers owe nothing and are refused."""
    actor.require("supervisor", "unit_editor")
    day = today or date.today()
    with db.read() as s:
        if actor.role == "unit_editor":
            return owed_reports(s, today=day, unit_ids=actor.unit_ids, upcoming=True)
        if actor.role == "supervisor" and actor.region_id is not None:
            return owed_reports(s, today=day, region_ids=_below(s, actor.region_id), upcoming=True)
        return owed_reports(s, today=day, upcoming=True)


@dataclass(frozen=True)
class ReminderMail:
    unit: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    items: tuple[Reminder, ...]
    sent: bool  # False on a dry run


@dataclass(frozen=True)
class RemindResult:
    mails: tuple[ReminderMail, ...]
    no_address: tuple[str, ...]  # units that owe reports but have no account with an e-mail address
    already: int  # units skipped: every address already reminded of every item today


def _message(settings: Settings, mail: ReminderMail) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(mail.recipients)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain=settings.smtp_from.rsplit("@", 1)[-1])
    msg.set_content(mail.body)
    return msg


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host is not None
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20)
    if settings.smtp_starttls:
        smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        smtp.login(settings.smtp_user, password)
    return smtp


def _unavailable(settings: Settings, e: BaseException) -> Unavailable:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    text = str(e) or type(e).__name__
    return Unavailable(f"邮件服务器 {where} 无法发送提醒：{text}", f"the mail server {where} could not send: {text}",
                       hint="check TARGETBOARD_SMTP_HOST / _PORT / _USER / _PASSWORD / _STARTTLS")


def send_reminders(db: Database, actor: Actor, settings: Settings, *, region: str, today: date | None = None,
                   dry_run: bool = False) -> RemindResult:
    """One e-mail per unit of `region` that owes reports, to its members' addresses (supervisors).

    A unit is mailed when some address of it has not yet been reminded today of some item it owes; the
    mail lists everything the unit owes. With `dry_run` nothing is sent or logged (and SMTP may be off).
    """
    actor.require("supervisor")
    day = today or date.today()
    if not dry_run and not settings.smtp_enabled:
        raise Unavailable("未配置邮件服务器，无法发送提醒", "no SMTP server is configured; reminders cannot be mailed",
                          hint="set TARGETBOARD_SMTP_HOST (and _PORT, _FROM ...), or use --dry-run")
    with db.read() as s:
        reg = find_region(s, region)
        require_region(actor, reg)
        owed = owed_reports(s, today=day, region_ids=[reg.id], upcoming=True)
        unit_ids = sorted({o.unit_id for o in owed if o.unit_id is not None})
        addresses: dict[int, list[str]] = {}
        for unit_id, email in s.execute(
                select(Membership.unit_id, User.email).join(User, User.id == Membership.user_id)
                .where(Membership.unit_id.in_(unit_ids), User.is_active.is_(True), User.email.is_not(None))
                .order_by(User.email)).all():
            if email and email not in addresses.setdefault(unit_id, []):
                addresses[unit_id].append(email)
        logged = {(r, i, p, why) for r, i, p, why in s.execute(
            select(ReminderLog.recipient, ReminderLog.plan_item_id, ReminderLog.period, ReminderLog.reason)
            .where(ReminderLog.day == day, ReminderLog.unit_id.in_(unit_ids))).all()}
        names = dict(s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
        region_name = reg.name
    mails: list[ReminderMail] = []
    no_address: list[str] = []
    already = 0
    for unit_id in sorted(unit_ids, key=lambda u: names[u]):
        items = tuple(o for o in owed if o.unit_id == unit_id)
        to = tuple(addresses.get(unit_id, ()))
        if not to:
            no_address.append(names[unit_id])
            continue
        fresh = tuple(a for a in to if any((a, i.item_id, i.period, i.reason) not in logged for i in items))
        if not fresh:
            already += 1
            continue
        mails.append(ReminderMail(names[unit_id], fresh, reminder_text.subject(names[unit_id], items, day),
                                  reminder_text.body(names[unit_id], region_name, items, day), items, False))
    if dry_run or not mails:
        return RemindResult(tuple(mails), tuple(no_address), already)
    sent: list[ReminderMail] = []
    try:
        smtp = _connect(settings)
    except (smtplib.SMTPException, OSError) as e:
        raise _unavailable(settings, e) from None
    try:
        for mail in mails:
            try:
                refused = smtp.send_message(_message(settings, mail), settings.smtp_from, list(mail.recipients))
            except (smtplib.SMTPException, OSError) as e:
                raise _unavailable(settings, e) from None
            accepted = tuple(a for a in mail.recipients if a not in refused)
            _log(db, actor, mail, accepted, day)
            sent.append(ReminderMail(mail.unit, accepted, mail.subject, mail.body, mail.items, True))
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return RemindResult(tuple(sent), tuple(no_address), already)


def _log(db: Database, actor: Actor, mail: ReminderMail, recipients: Sequence[str], day: date) -> None:
    """Record each address reminded of each item today (skipping what is already logged)."""
    with db.write("reminders") as s:
        unit_id = mail.items[0].unit_id
        assert unit_id is not None
        have = {(r, i, p, why) for r, i, p, why in s.execute(
            select(ReminderLog.recipient, ReminderLog.plan_item_id, ReminderLog.period, ReminderLog.reason)
            .where(ReminderLog.day == day, ReminderLog.unit_id == unit_id)).all()}
        now = utcnow()
        for address in recipients:
            for item in mail.items:
                if (address, item.item_id, item.period, item.reason) not in have:
                    s.add(ReminderLog(unit_id=unit_id, plan_item_id=item.item_id, period=item.period,
                                      reason=item.reason, recipient=address, day=day, sent_by=actor.name,
                                      sent_at=now))
        s.flush()
        record(s, "reminder.send", "unit", unit_id, actor=actor.name, unit=mail.unit, recipients=list(recipients),
               items=len(mail.items), day=day.isoformat())
