"""The one settings object: read from arguments, then ``TARGETBOARD_*`` environment variables, validated
at start.

Why fail fast: a mistyped database URL or a missing thresholds file found in the middle of an import
(or by the first web request) leaves a user guessing; found at start it is one line naming the
setting and what was expected. Every entry point (CLI, demo, web) builds a :class:`Settings` with
:meth:`Settings.load` and passes it on; nothing else reads the environment.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from targetboard.errors import Invalid, Where

DEFAULT_DB_FILE = "targetboard.db"
URL_EXPECTED_ZH = "应为 SQLite 文件路径（work.db、sqlite:///路径）或 postgresql://用户@主机/库"
URL_EXPECTED_EN = "expected an SQLite file path (work.db, sqlite:///PATH) or postgresql://USER@HOST/DB"

__all__ = ["Settings", "default_actor", "resolve_database_url"]


def resolve_database_url(value: str | None) -> str:
    """A database URL SQLAlchemy can open: plain paths become SQLite URLs, PostgreSQL gets psycopg 3.

    Refuses, naming the value: other databases, and an SQLite file whose folder does not exist (SQLite
    would report "unable to open database file" only at the first query).
    """
    raw = (value or "").strip() or DEFAULT_DB_FILE
    if "://" not in raw:  # a plain path: work.db, ./data/tb.sqlite, /srv/tb.db
        raw = f"sqlite:///{Path(raw).expanduser().resolve()}"
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise Invalid(f"数据库地址 {raw!r} 无法识别；{URL_EXPECTED_ZH}", f"database URL {raw!r} is not a URL; "
                      f"{URL_EXPECTED_EN}", where=Where(field="database_url")) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            folder = Path(db).expanduser().resolve().parent
            if not folder.is_dir():
                raise Invalid(f"数据库文件夹 {folder} 不存在", f"database folder {folder} does not exist",
                              hint="create the folder first, or give another path", where=Where(field="database_url"))
        return parsed.render_as_string(hide_password=False)
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    raise Invalid(f"数据库地址 {raw!r}：不支持 {backend!r}；{URL_EXPECTED_ZH}",
                  f"database URL {raw!r}: unsupported database {backend!r}; {URL_EXPECTED_EN}",
                  where=Where(field="database_url"))


def default_actor(explicit: str | None = None) -> str:
    """Who a command-line change is by: ``--by``, else $TARGETBOARD_USER, else the login name."""
    if explicit and explicit.strip():
        return explicit.strip()
    env = os.environ.get("TARGETBOARD_USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


class Settings(BaseSettings):
    """Everything configurable, with its environment variable (``TARGETBOARD_`` + the field name)."""

    model_config = SettingsConfigDict(env_prefix="TARGETBOARD_", extra="ignore", validate_default=True)

    database_url: str = Field(default=DEFAULT_DB_FILE, description="SQLite path or URL, or a PostgreSQL URL")
    secret_key: SecretStr | None = Field(default=None, description="signs web sessions; ≥ 32 characters")
    thresholds_file: Path | None = Field(default=None, description="TOML overriding the status thresholds")
    lang: Literal["zh", "en"] = "zh"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # E-mail reminders (`targetboard report remind`): off while smtp_host is unset.
    smtp_host: str | None = Field(default=None, description="SMTP server for reminders; unset: no e-mail")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = Field(default="targetboard@localhost", description="the reminders' From address")
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=False, description="upgrade the connection with STARTTLS before logging in")

    @field_validator("database_url", mode="before")
    @classmethod
    def _url(cls, v: Any) -> str:
        return resolve_database_url(None if v is None else str(v))

    @field_validator("thresholds_file")
    @classmethod
    def _thresholds(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"no such file: {v}")
        return v

    @field_validator("secret_key")
    @classmethod
    def _secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and len(v.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (e.g. `python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))'`)")
        return v

    @field_validator("smtp_from")
    @classmethod
    def _from(cls, v: str) -> str:
        if "@" not in v or any(c.isspace() for c in v.strip()):
            raise ValueError(f"{v!r} is not an e-mail address")
        return v.strip()

    @field_validator("smtp_host")
    @classmethod
    def _host(cls, v: str | None) -> str | None:
        return (v or "").strip() or None

    @property
    def smtp_enabled(self) -> bool:
        """Whether reminders can be e-mailed (an SMTP host is set)."""
        return self.smtp_host is not None

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Settings from the environment with `overrides` (None values are ignored), or :class:`Invalid`."""
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**given)
        except ValidationError as e:
            err = e.errors()[0]
            field = ".".join(str(x) for x in err["loc"]) or "settings"
            ctx = err.get("ctx") or {}
            inner = ctx.get("error")
            if isinstance(inner, Invalid):
                raise inner from None
            msg = str(inner) if inner is not None else err["msg"]
            raise Invalid(f"设置 {field} 无效：{msg}", f"setting {field} is invalid: {msg}",
                          hint=f"check --{field.replace('_', '-')} or $TARGETBOARD_{field.upper()}",
                          where=Where(field=field)) from None
