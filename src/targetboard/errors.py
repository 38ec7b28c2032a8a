"""One error hierarchy for everything a user or the environment can get wrong.

Why one: the CLI, the web pages, the REST API and the demo all call the same services, and each must
turn a mistake into a message (one line on a terminal, a JSON body with an HTTP status, a red box in a
page) without knowing which module raised it. So every expected failure is a :class:`TargetboardError`
with

- a ``kind`` the callers map to their own vocabulary (exit code, HTTP status): ``invalid``,
  ``not_found``, ``conflict``, ``forbidden``, ``unavailable``;
- a message in Chinese (``zh``, the default) and English (``en``) that names the file, row and field
  where there is one (:class:`Where`);
- a separate ``hint`` with what to do next on the command line (``run `targetboard db upgrade```):
  the web layer leaves it out, so CLI advice never leaks into a page.

Anything else that escapes is a bug and keeps its traceback. Database driver errors are turned into
these at the boundary by :func:`from_database_error`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

Kind = Literal["invalid", "not_found", "conflict", "forbidden", "unavailable"]
Lang = Literal["zh", "en"]

__all__ = [
    "Conflict",
    "Forbidden",
    "ImportRejected",
    "Invalid",
    "Kind",
    "Lang",
    "NotFound",
    "TargetboardError",
    "Unavailable",
    "Where",
    "from_database_error",
]


@dataclass(frozen=True)
class Where:
    """Where in the user's input the problem is: a file, a sheet, a row or line, a field or column."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None

    def render(self, lang: Lang = "zh") -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"工作表 {self.sheet}" if lang == "zh" else f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang == "zh" else f"row {self.row}")
        if self.field:
            parts.append(f"字段 {self.field}" if lang == "zh" else f"field {self.field}")
        return ", ".join(parts)


class TargetboardError(Exception):
    """A failure the user or the environment caused: shown as a message, never as a traceback."""

    kind: ClassVar[Kind] = "invalid"

    def __init__(self, zh: str, en: str | None = None, *, hint: str | None = None, where: Where | None = None) -> None:
        self.zh = zh
        self.en = en if en is not None else zh
        self.hint = hint
        self.where = where
        super().__init__(self.message("zh"))

    def message(self, lang: Lang = "zh") -> str:
        """The message in `lang`, prefixed with the location when there is one."""
        text = self.zh if lang == "zh" else self.en
        place = self.where.render(lang) if self.where else ""
        return f"{place}: {text}" if place else text

    def to_dict(self, lang: Lang = "zh") -> dict[str, object]:
        """The one error shape of the API: kind, message, and the location's parts."""
        out: dict[str, object] = {"kind": self.kind, "message": self.message(lang)}
        if self.where is not None:
            out["where"] = {k: v for k, v in vars(self.where).items() if v is not None}
        return out


class Invalid(TargetboardError):
    """The input is wrong: a bad argument, file, cell or setting."""

    kind = "invalid"


class NotFound(TargetboardError):
    """Something named does not exist (a region, a unit, a plan item, a file)."""

    kind = "not_found"


class Conflict(TargetboardError):
    """The request clashes with what is stored (a duplicate name, a change made meanwhile)."""

    kind = "conflict"


class Forbidden(TargetboardError):
    """The actor may not do this."""

    kind = "forbidden"


class Unavailable(TargetboardError):
    """The environment is not ready: database unreachable, locked, or its schema behind."""

    kind = "unavailable"


class ImportRejected(Invalid):
    """A file was rejected whole; ``problems`` lists every problem found (each with its location)."""

    def __init__(self, file: str, problems: Sequence[object], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(f"{n} 个问题，未导入任何数据", f"{n} problem(s); nothing was imported",
                         hint=hint, where=Where(file=file))


def from_database_error(exc: BaseException, url: str | None = None) -> TargetboardError:
    """A database driver's exception as one of ours (connection, lock, not a database, integrity).

    Returns an :class:`Unavailable` for anything environmental; callers re-raise it ``from None``.
    """
    from sqlalchemy import exc as sa_exc

    where = f"数据库 {url}" if url else "数据库"
    where_en = f"database {url}" if url else "the database"
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    if isinstance(exc, sa_exc.IntegrityError):
        return Conflict(f"与已存储的数据冲突：{text}", f"conflicts with stored data: {text}")
    if "database is locked" in low or "database is busy" in low:
        return Unavailable(f"{where}被另一个进程锁定，请稍后重试",
                           f"{where_en} is locked by another process; try again",
                           hint="another targetboard command is writing; wait for it to finish")
    if "file is not a database" in low or "not a database" in low:
        return Invalid(f"{where}不是 SQLite 数据库文件", f"{where_en} is not an SQLite database file",
                       hint="point --db at a targetboard database, or at a new file name")
    if "unable to open database file" in low:
        return Unavailable(f"{where}无法打开（文件夹不存在或无权限）",
                           f"{where_en} cannot be opened (missing folder or no permission)")
    if "read-only" in low or "readonly" in low:
        return Unavailable(f"{where}是只读的", f"{where_en} is read-only")
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return Unavailable(f"无法连接{where}：{text}", f"cannot reach {where_en}: {text}",
                           hint="check the URL and that the server is running")
    return Unavailable(f"{where}出错：{text}", f"{where_en} failed: {text}")
