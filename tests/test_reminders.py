"""Reminders on SQLite and PostgreSQL: who sees which in the app, and e-mails through a real SMTP server
(aiosmtpd on a free loopback port): recipients, Chinese subject and body, once a day, SMTP failures."""

from __future__ import annotations

import email
import socket
from datetime import date
from email import policy

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from targetboard.cli import main
from targetboard.errors import Forbidden, Invalid, Unavailable
from targetboard.services import assignments, regions, reminders, reports, users
from targetboard.services.actors import Actor
from targetboard.settings import Settings
from targetboard.store import Database

OFFICE = Actor("督查室", "supervisor")
ROOT = Actor("root")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An SMTP handler keeping every message; `refuse` makes it refuse every recipient."""

    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


@pytest.fixture()
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, Settings.load(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_from="duchashi@example.org")
    controller.stop()


@pytest.fixture()
def units(tracked_url):
    """商务局 leads one seed item and has an account with an address; 财政局 leads another, no address."""
    db = Database(tracked_url)
    for unit in ("商务局", "财政局"):
        regions.add_unit(db, OFFICE, unit, "扬中市")
    suggested = assignments.suggestions(db)
    commerce = next(s for s in suggested if s.unit == "商务局").item_id
    finance = next(s.item_id for s in suggested if s.item_id != commerce)
    assignments.assign(db, OFFICE, commerce, "商务局")
    assignments.assign(db, OFFICE, finance, "财政局")
    users.add_user(db, ROOT, "shang", role="unit_editor", password="commerce-2022", region="扬中市",
                   units=["商务局"], email="shang@example.org")
    users.add_user(db, ROOT, "cai", role="unit_editor", password="finance-2022!", region="扬中市", units=["财政局"])
    return db, commerce, finance


def test_the_in_app_list_is_scoped_to_the_actor(units):
    db, commerce, finance = units
    shang = users.login(db, "shang", "commerce-2022")
    # January's reports are due by February 5: on the 3rd they are due, on the 6th overdue.
    mine = reminders.reminders_for(db, shang, today=date(2022, 2, 3))
    assert [(r.unit, r.item_id, r.period, r.reason, r.due) for r in mine] == [
        ("商务局", commerce, "2022M01", "due", date(2022, 2, 5))]
    assert [r.reason for r in reminders.reminders_for(db, shang, today=date(2022, 2, 6))] == ["overdue"]
    everyone = reminders.reminders_for(db, OFFICE, today=date(2022, 2, 6))
    assert sorted((r.unit, r.item_id) for r in everyone) == sorted([("商务局", commerce), ("财政局", finance)])
    with pytest.raises(Forbidden):
        reminders.reminders_for(db, Actor("看看", "viewer"), today=date(2022, 2, 6))


def test_one_mail_per_unit_once_a_day(units, smtp):
    db, commerce, _ = units
    inbox, settings = smtp
    r = reports.submit_report(db, OFFICE, commerce, "2022M01", text="一月", percent=5)
    reports.review_report(db, OFFICE, r.id, accept=False, comment="缺少签约合同")
    result = reminders.send_reminders(db, OFFICE, settings, region="扬中市", today=date(2022, 4, 3))
    assert result.no_address == ("财政局",) and [m.unit for m in result.mails] == ["商务局"]
    assert len(inbox.messages) == 1
    rcpt, msg = inbox.messages[0]
    assert rcpt == ["shang@example.org"] and msg["To"] == "shang@example.org"
    assert msg["From"] == "duchashi@example.org"
    assert msg["Subject"] == "【督查提醒】商务局：3份进度报告待报送（其中逾期或退回2份，2022年4月3日）"
    body = msg.get_content()
    assert "2022M01  退回待重报（退回意见：缺少签约合同）" in body
    assert "2022M02  逾期未报（应于2022年3月5日前报送）" in body
    assert "2022M03  待报送（请于2022年4月5日前报送）" in body  # March has ended; its grace days have not
    assert "2022M04" not in body
    # Again the same day: nothing new to say. The next day: reminded again.
    again = reminders.send_reminders(db, OFFICE, settings, region="扬中市", today=date(2022, 4, 3))
    assert (again.mails, again.already, len(inbox.messages)) == ((), 1, 1)
    assert len(reminders.send_reminders(db, OFFICE, settings, region="扬中市", today=date(2022, 4, 4)).mails) == 1
    assert len(inbox.messages) == 2
    from targetboard.services.audit import list_events

    assert [e.detail["unit"] for e in list_events(db, OFFICE, action="reminder.send")] == ["商务局", "商务局"]


def test_smtp_failures_are_unavailable_and_log_nothing(units, smtp):
    db, _, _ = units
    inbox, settings = smtp
    inbox.refuse = True
    with pytest.raises(Unavailable, match=r"127\.0\.0\.1"):
        reminders.send_reminders(db, OFFICE, settings, region="扬中市", today=date(2022, 3, 6))
    closed = Settings.load(smtp_host="127.0.0.1", smtp_port=free_port())
    with pytest.raises(Unavailable, match="邮件服务器"):
        reminders.send_reminders(db, OFFICE, closed, region="扬中市", today=date(2022, 3, 6))
    with pytest.raises(Unavailable, match="未配置"):
        reminders.send_reminders(db, OFFICE, Settings.load(), region="扬中市", today=date(2022, 3, 6))
    inbox.refuse = False
    assert len(reminders.send_reminders(db, OFFICE, settings, region="扬中市", today=date(2022, 3, 6)).mails) == 1
    with pytest.raises(Forbidden):
        reminders.send_reminders(db, users.login(db, "shang", "commerce-2022"), settings, region="扬中市",
                                 today=date(2022, 3, 6))


def test_commands_set_the_address_and_dry_run(units, monkeypatch):
    db, _, _ = units
    runner = CliRunner()
    monkeypatch.delenv("TARGETBOARD_SMTP_HOST", raising=False)
    r = runner.invoke(main, ["user", "set-email", "cai", "cai@example.org", "--db", db.url])
    assert r.exit_code == 0 and "cai@example.org" in r.output, r.output
    r = runner.invoke(main, ["user", "set-email", "cai", "not-an-address", "--db", db.url])
    assert r.exit_code == 1 and "格式不正确" in r.output
    r = runner.invoke(main, ["report", "remind", "--region", "扬中市", "--today", "2022-02-06", "--dry-run",
                             "--db", db.url])
    assert r.exit_code == 0, r.output
    assert "To: cai@example.org" in r.output and "To: shang@example.org" in r.output and "逾期未报" in r.output
    r = runner.invoke(main, ["report", "remind", "--region", "扬中市", "--today", "2022-02-06", "--db", db.url])
    assert r.exit_code == 1 and "TARGETBOARD_SMTP_HOST" in r.output


def test_settings_check_the_smtp_fields():
    with pytest.raises(Invalid, match="smtp_from"):
        Settings.load(smtp_from="nobody")
    with pytest.raises(Invalid, match="smtp_port"):
        Settings.load(smtp_port=0)
    s = Settings.load(smtp_host=" ", smtp_password="hunter2-pw")
    assert not s.smtp_enabled and "hunter2" not in repr(s)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback test server, no TLS
def test_smtp_login_with_the_configured_user(units):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"duchashi", b"right-pw-2022")
        return AuthResult(success=ok)

    db, _, _ = units
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=check,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        base = {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_user": "duchashi"}
        with pytest.raises(Unavailable, match="127"):
            reminders.send_reminders(db, OFFICE, Settings.load(**base, smtp_password="wrong-pw"), region="扬中市",
                                     today=date(2022, 3, 6))
        assert inbox.messages == []
        sent = reminders.send_reminders(db, OFFICE, Settings.load(**base, smtp_password="right-pw-2022"),
                                        region="扬中市", today=date(2022, 3, 6))
        assert [m.recipients for m in sent.mails] == [("shang@example.org",)] and len(inbox.messages) == 1
    finally:
        controller.stop()
