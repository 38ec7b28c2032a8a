"""Accounts: roles, unit memberships, argon2 password hashes, log-in with lock-out.

Why here and not in the web layer: `targetboard user add` on a shell and the admin page create the
same accounts, and the CLI's `--by NAME` acts with that account's role when one exists, so a
permission is checked the same way whichever door a change comes through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from targetboard.errors import Conflict, Forbidden, Invalid, NotFound, Where
from targetboard.services.actors import Actor
from targetboard.settings import default_actor
from targetboard.store import Database
from targetboard.store.audit import record
from targetboard.store.models import ROLES, Membership, Region, Unit, User, utcnow
from targetboard.store.regions import find_region, find_unit

#: Failed log-ins in a row before the account is locked, and for how long.
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    region_name: str | None
    units: tuple[str, ...]
    is_active: bool
    has_password: bool
    email: str | None = None  # where the unit's reminders go


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
                      f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def check_email(email: str | None) -> str | None:
    """An e-mail address as stored (trimmed), None for none; Invalid for what cannot be one."""
    if email is None or not email.strip():
        return None
    value = email.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise Invalid(f"电子邮箱 {value!r} 格式不正确", f"e-mail address {value!r} is not valid",
                      where=Where(field="email"))
    return value


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"角色 {role!r} 无效，应为 {'/'.join(ROLES)}",
                      f"role {role!r}: expected one of {', '.join(ROLES)}")


def _get(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise NotFound(f"用户 {username} 不存在", f"user {username!r}: not found", hint="see `targetboard user list`")
    return user


def _unit_ids(s: Session, user: User) -> frozenset[int]:
    return frozenset(s.scalars(select(Membership.unit_id).where(Membership.user_id == user.id)))


def _view(s: Session, user: User) -> UserView:
    units = tuple(s.scalars(select(Unit.name).join(Membership, Membership.unit_id == Unit.id)
                            .where(Membership.user_id == user.id).order_by(Unit.name)))
    region = s.get(Region, user.region_id) if user.region_id else None
    return UserView(user.id, user.username, user.display_name, user.role, region.name if region else None, units,
                    user.is_active, user.password_hash is not None, user.email)


def _actor(s: Session, user: User) -> Actor:
    return Actor(user.username, user.role, user.id, _unit_ids(s, user), user.region_id)


def add_user(db: Database, actor: Actor, username: str, *, role: str, display_name: str | None = None,
             password: str | None = None, region: str | None = None, units: Sequence[str] = (),
             email: str | None = None) -> UserView:
    """Create an account; a unit editor needs a region and at least one of its units."""
    actor.require()  # admins only
    _check_role(role)
    address = check_email(email)
    name = username.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise Invalid("用户名不能为空、不能含空格、最多 64 个字符", "username: 1-64 characters, no spaces")
    if password is not None:
        _check_password(password)
    if units and not region:
        raise Invalid("指定单位时必须同时指定地区", "units need --region (units belong to a region)")
    if role == "unit_editor" and not units:
        raise Invalid("单位填报员至少要属于一个单位", "a unit editor needs at least one unit (--unit)")
    with db.write("users") as s:
        if s.scalar(select(User.id).where(User.username == name)) is not None:
            raise Conflict(f"用户 {name} 已存在", f"user {name!r} already exists")
        reg = find_region(s, region) if region else None
        user = User(username=name, display_name=(display_name or name)[:64], role=role,
                    region_id=reg.id if reg else None, is_active=True, failed_logins=0,
                    password_hash=_hasher.hash(password) if password else None,
                    password_changed_at=utcnow() if password else None, email=address)
        s.add(user)
        s.flush()
        for unit_name in units:
            assert reg is not None
            s.add(Membership(user_id=user.id, unit_id=find_unit(s, unit_name, reg).id))
        s.flush()
        record(s, "user.add", "user", user.username, actor=actor.name, role=role,
               region=reg.name if reg else None, units=list(units), email=address)
        return _view(s, user)


def list_users(db: Database, actor: Actor) -> list[UserView]:
    actor.require("supervisor")
    with db.read() as s:
        return [_view(s, u) for u in s.scalars(select(User).order_by(User.username))]


def set_role(db: Database, actor: Actor, username: str, role: str) -> UserView:
    actor.require()
    _check_role(role)
    with db.write("users") as s:
        user = _get(s, username)
        old, user.role = user.role, role
        record(s, "user.role", "user", user.username, actor=actor.name, old=old, new=role)
        return _view(s, user)


def set_active(db: Database, actor: Actor, username: str, active: bool) -> UserView:
    actor.require()
    with db.write("users") as s:
        user = _get(s, username)
        if user.username == actor.name and not active:
            raise Invalid("不能停用自己的账号", "you cannot disable your own account")
        user.is_active = active
        record(s, "user.enable" if active else "user.disable", "user", user.username, actor=actor.name)
        return _view(s, user)


def set_email(db: Database, actor: Actor, username: str, email: str | None) -> UserView:
    """Set (or, with None or "", clear) the address a user's unit reminders go to; admins, or the user."""
    address = check_email(email)
    if actor.name != username.strip() or actor.user_id is None:
        actor.require()
    with db.write("users") as s:
        user = _get(s, username)
        old, user.email = user.email, address
        record(s, "user.email", "user", user.username, actor=actor.name, old=old, new=address)
        return _view(s, user)


def set_units(db: Database, actor: Actor, username: str, region: str, units: Sequence[str]) -> UserView:
    """Replace a user's unit memberships (and region scope)."""
    actor.require()
    with db.write("users") as s:
        user = _get(s, username)
        reg = find_region(s, region)
        ids = [find_unit(s, u, reg).id for u in units]
        s.execute(delete(Membership).where(Membership.user_id == user.id))
        for uid in ids:
            s.add(Membership(user_id=user.id, unit_id=uid))
        user.region_id = reg.id
        s.flush()
        record(s, "user.units", "user", user.username, actor=actor.name, region=reg.name, units=list(units))
        return _view(s, user)


def set_password(db: Database, actor: Actor, username: str, new_password: str, *,
                 old_password: str | None = None) -> None:
    """An admin sets anyone's password; a user changes their own by giving the old one."""
    _check_password(new_password)
    with db.write("users") as s:
        user = _get(s, username)
        if actor.name != user.username or actor.user_id is None:
            actor.require()
        elif not _verify(user, old_password or ""):
            raise Forbidden("原密码不正确", "the current password is wrong")
        user.password_hash = _hasher.hash(new_password)
        user.password_changed_at = utcnow()
        user.failed_logins, user.locked_until = 0, None
        record(s, "user.password", "user", user.username, actor=actor.name)


def _verify(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login(db: Database, username: str, password: str) -> Actor:
    """The account's actor if the password is right; Forbidden (one message for every failure) otherwise.

    After MAX_FAILED_LOGINS wrong passwords in a row the account is locked for LOCK_MINUTES.
    """
    refused = Forbidden("用户名或密码不正确，或账号已停用/锁定", "wrong username or password, or the account is "
                        "disabled or locked")
    with db.write("users") as s:
        user = s.scalar(select(User).where(User.username == username.strip()))
        if user is None or not user.is_active:
            _hasher.hash(password)  # the same work as a real check: no timing hint that the name is unknown
            raise refused
        now = utcnow()
        locked = user.locked_until
        if locked is not None and locked.tzinfo is None:
            locked = locked.replace(tzinfo=UTC)
        if locked is not None and locked > now:
            raise refused
        if not _verify(user, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                record(s, "user.locked", "user", user.username, actor=user.username, failed=user.failed_logins)
            s.flush()
            failed = refused
        else:
            if _hasher.check_needs_rehash(user.password_hash or ""):
                user.password_hash = _hasher.hash(password)
            user.failed_logins, user.locked_until = 0, None
            return _actor(s, user)
    raise failed  # after the commit, so the failed count is kept


def actor_for(db: Database, name: str | None = None) -> Actor:
    """The command line's actor: `name` (--by), else $TARGETBOARD_USER, else the login name.

    When an active account has that name, the actor has its role and units; otherwise it acts as the
    database's owner at a shell (admin), recorded under that name.
    """
    who = default_actor(name)
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == who))
        if user is not None:
            if not user.is_active:
                raise Forbidden(f"账号 {who} 已停用", f"account {who!r} is disabled")
            return _actor(s, user)
    return Actor(who, "admin")
