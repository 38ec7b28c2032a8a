"""Accounts: argon2 hashes, log-in with lock-out, roles and unit scope, the `user` commands, the CLI actor."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from targetboard.cli import main
from targetboard.errors import Conflict, Forbidden, Invalid
from targetboard.services import regions, users
from targetboard.services.actors import Actor
from targetboard.services.users import MAX_FAILED_LOGINS
from targetboard.store import Database
from targetboard.store.models import AuditEvent, User

ADMIN = Actor("root", "admin")
PASSWORD = "correct horse battery"


def test_passwords_are_argon2_and_login_locks_after_repeated_failures(db_url):
    db = Database(db_url)
    regions.add_unit(db, ADMIN, "商务局", "扬中市")
    u = users.add_user(db, ADMIN, "zhang", role="unit_editor", password=PASSWORD, region="扬中市", units=["商务局"])
    assert u.units == ("商务局",) and u.has_password
    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "zhang"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    actor = users.login(db, "zhang", PASSWORD)
    assert (actor.name, actor.role, len(actor.unit_ids)) == ("zhang", "unit_editor", 1)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(Forbidden):
            users.login(db, "zhang", "wrong password")
    with pytest.raises(Forbidden):  # locked now, even with the right password
        users.login(db, "zhang", PASSWORD)
    with pytest.raises(Forbidden):
        users.login(db, "nobody", PASSWORD)  # the same refusal for an unknown name
    with db.read() as s:
        assert "user.locked" in {e.action for e in s.scalars(select(AuditEvent))}


def test_roles_scope_what_an_actor_may_do(db_url):
    db = Database(db_url)
    users.add_user(db, ADMIN, "viewer1", role="viewer", password=PASSWORD)
    viewer = users.login(db, "viewer1", PASSWORD)
    with pytest.raises(Forbidden):
        regions.add_region(db, viewer, "三茅街道", "扬中市")
    with pytest.raises(Forbidden):
        users.add_user(db, Actor("sup", "supervisor"), "x1", role="viewer")
    with pytest.raises(Conflict):
        users.add_user(db, ADMIN, "viewer1", role="viewer")
    with pytest.raises(Invalid):
        users.add_user(db, ADMIN, "short", role="viewer", password="123")
    with pytest.raises(Invalid):
        users.add_user(db, ADMIN, "editor", role="unit_editor")  # an editor needs a unit
    users.set_active(db, ADMIN, "viewer1", False)
    with pytest.raises(Forbidden):
        users.login(db, "viewer1", PASSWORD)


def test_a_user_changes_their_own_password_with_the_old_one(db_url):
    db = Database(db_url)
    users.add_user(db, ADMIN, "li", role="supervisor", password=PASSWORD, region="扬中市")
    me = users.login(db, "li", PASSWORD)
    with pytest.raises(Forbidden):
        users.set_password(db, me, "li", "another long password", old_password="wrong")
    users.set_password(db, me, "li", "another long password", old_password=PASSWORD)
    assert users.login(db, "li", "another long password").role == "supervisor"


def test_user_commands_and_the_cli_actor(db_url):
    runner = CliRunner()
    out = runner.invoke(main, ["user", "add", "wang", "--role", "viewer", "--password-stdin", "--db", db_url],
                        input=PASSWORD + "\n")
    assert out.exit_code == 0, out.output
    listed = runner.invoke(main, ["user", "list", "--db", db_url]).output
    assert "wang" in listed and "viewer" in listed
    # --by names an account: its role applies, so a viewer cannot add a region from the shell either
    refused = runner.invoke(main, ["region", "add", "三茅街道", "--parent", "扬中市", "--by", "wang", "--db", db_url])
    assert refused.exit_code == 1 and "无权" in refused.output
    assert runner.invoke(main, ["user", "set-role", "wang", "supervisor", "--db", db_url]).exit_code == 0
    ok = runner.invoke(main, ["region", "add", "三茅街道", "--parent", "扬中市", "--by", "wang", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "停用" in runner.invoke(main, ["user", "disable", "wang", "--db", db_url]).output


def test_a_supervisor_acts_only_within_its_region(db_url):
    db = Database(db_url)
    users.add_user(db, ADMIN, "yz", role="supervisor", password=PASSWORD, region="扬中市")
    yz = users.login(db, "yz", PASSWORD)
    assert regions.add_region(db, yz, "三茅街道", "扬中市").code == "321182001"
    with pytest.raises(Forbidden, match="丹阳市"):
        regions.add_unit(db, yz, "商务局", "丹阳市")
    city = Actor("city", "supervisor")  # no region: a city-wide office
    assert regions.add_unit(db, city, "商务局", "丹阳市").region_name == "丹阳市"
