"""Every user or environment mistake is one line naming what is wrong, never a traceback.

Each CLI command is run with bad arguments, a bad database URL, a missing file, a file that is not a
database, a folder that does not exist, a schema that is behind and a locked SQLite file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from targetboard.cli import main
from targetboard.errors import Conflict, ImportRejected, Invalid, NotFound, TargetboardError, Unavailable, Where
from targetboard.settings import Settings, resolve_database_url


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def one_line_failure(result, *fragments: str) -> str:
    out = result.output
    assert result.exit_code == 1, out
    assert ("Traceback" not in out and result.exception is None) or isinstance(result.exception, SystemExit), out
    errors = [line for line in out.splitlines() if line.startswith("targetboard: 错误") or
              line.startswith("targetboard: error")]
    assert errors, out
    for fragment in fragments:
        assert fragment in out, (fragment, out)
    return out


# -- the hierarchy -----------------------------------------------------------------------------------------

def test_each_kind_has_a_bilingual_message_a_location_and_an_api_shape():
    e = Invalid("数值不是数字", "the value is not a number", hint="fix cell E7",
                where=Where(file="a.xlsx", sheet="1-6月", row=7, field="数值"))
    assert e.message("zh") == "a.xlsx, 工作表 1-6月, 第 7 行, 字段 数值: 数值不是数字"
    assert e.message("en") == "a.xlsx, sheet 1-6月, row 7, field 数值: the value is not a number"
    assert e.to_dict("en") == {"kind": "invalid", "message": e.message("en"),
                               "where": {"file": "a.xlsx", "sheet": "1-6月", "row": 7, "field": "数值"}}
    assert "fix cell" not in e.message("zh")  # CLI advice stays out of the message
    kinds = {cls("x").kind for cls in (Invalid, NotFound, Conflict, Unavailable)}
    assert kinds == {"invalid", "not_found", "conflict", "unavailable"}
    assert ImportRejected("f.csv", ["p1", "p2"]).message("en") == "f.csv: 2 problem(s); nothing was imported"


def test_settings_fail_fast_with_the_setting_named(tmp_path, monkeypatch):
    assert resolve_database_url(str(tmp_path / "work.db")) == f"sqlite:///{tmp_path / 'work.db'}"
    assert resolve_database_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    with pytest.raises(Invalid, match="mysql"):
        resolve_database_url("mysql://x@localhost/db")
    with pytest.raises(Invalid, match="不存在"):
        resolve_database_url(str(tmp_path / "missing" / "work.db"))
    monkeypatch.setenv("TARGETBOARD_SECRET_KEY", "short")
    with pytest.raises(Invalid, match="secret_key") as info:
        Settings.load()
    assert "32" in info.value.message("en")
    monkeypatch.delenv("TARGETBOARD_SECRET_KEY")
    with pytest.raises(Invalid, match="thresholds_file"):
        Settings.load(thresholds_file=str(tmp_path / "none.toml"))
    assert Settings.load(database_url=str(tmp_path / "x.db")).database_url.endswith("x.db")


# -- the CLI -------------------------------------------------------------------------------------------------

@pytest.fixture()
def fresh(tmp_path) -> str:
    """A migrated SQLite file, given as a plain path (which is accepted)."""
    path = str(tmp_path / "work.db")
    result = run("db", "upgrade", "--db", path)
    assert result.exit_code == 0, result.output
    return path


COMMANDS_ON_A_DATABASE = [
    ["status"], ["plan", "show"], ["plan", "list"], ["region", "list"], ["unit", "list", "--region", "扬中市"],
    ["assign", "--suggest"], ["audit"], ["import", "list"], ["observations", "list"], ["user", "list"],
    ["rank", "gdp", "--region", "扬中市", "--period", "2022M06"],
]


@pytest.mark.parametrize("args", COMMANDS_ON_A_DATABASE, ids=lambda a: " ".join(a[:2]))
def test_bad_database_urls_are_one_line(tmp_path, args):
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("this is not a database\n" * 50, encoding="utf-8")
    one_line_failure(run(*args, "--db", "mysql://x@localhost/db"), "mysql")
    one_line_failure(run(*args, "--db", str(tmp_path / "missing" / "x.db")), "不存在")
    one_line_failure(run(*args, "--db", str(not_a_db)), "不是 SQLite")
    one_line_failure(run(*args, "--db", str(tmp_path / "new.db")), "db upgrade")  # no schema yet
    one_line_failure(run(*args, "--db", "postgresql://nobody@127.0.0.1:9/none"), "无法连接")


def test_a_schema_behind_is_refused_until_db_upgrade(tmp_path):
    from targetboard.store import Database

    path = str(tmp_path / "old.db")
    Database(path).upgrade("0002")
    out = one_line_failure(run("status", "--db", path), "0002", "落后")
    assert "targetboard db upgrade" in out
    assert run("db", "upgrade", "--db", path).exit_code == 0
    assert run("status", "--db", path).exit_code == 0


def test_a_locked_sqlite_file_is_reported_not_raised(fresh, monkeypatch):
    import targetboard.store.db as dbmod

    monkeypatch.setattr(dbmod, "SQLITE_BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(fresh, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        one_line_failure(run("region", "add", "三茅街道", "--parent", "扬中市", "--db", fresh), "锁定")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run("region", "add", "三茅街道", "--parent", "扬中市", "--db", fresh).exit_code == 0


@pytest.mark.parametrize(("args", "fragments"), [
    (["plan", "import", "missing.txt", "--region", "扬中市", "--year", "2022"], ["missing.txt"]),
    (["plan", "import", "{seed}", "--region", "火星市", "--year", "2022"], ["火星市"]),
    (["plan", "import", "{seed}", "--region", "扬中市", "--year", "1800"], ["1800"]),
    (["import", "observations", "missing.csv"], ["missing.csv"]),
    (["import", "undo", "99"], ["99"]),
    (["status", "--period", "2022M13"], ["2022M13"]),
    (["status", "--thresholds", "none.toml"], ["none.toml"]),
    (["plan", "show", "--as-of", "2022年13月"], ["2022年13月"]),
    (["rank", "火星产值", "--region", "扬中市", "--period", "2022M06"], ["火星产值"]),
    (["rank", "gdp", "--region", "鼓楼区", "--period", "2022M06"], ["鼓楼区"]),
    (["assign", "99999", "商务局"], ["99999"]),
    (["assign", "1", "商务局", "--deadline", "next week"], ["next week"]),
    (["plan", "status", "42", "published"], ["42"]),
    (["region", "add", "三茅街道", "--parent", "火星市"], ["火星市"]),
    (["unit", "add", "商务局", "--region", "火星市"], ["火星市"]),
    (["user", "set-role", "nobody", "viewer"], ["nobody"]),
    (["observations", "list", "--indicator", "火星产值"], ["火星产值"]),
])
def test_bad_arguments_are_one_line(fresh, tmp_path, args, fragments):
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_e84110f20f91e93f.txt"
    args = [str(seed) if a == "{seed}" else a for a in args]
    one_line_failure(run(*args, "--db", fresh), *fragments)


def test_english_messages_with_lang(fresh):
    out = one_line_failure(run("--lang", "en", "status", "--period", "2022M13", "--db", fresh), "2022M13")
    assert "targetboard: error:" in out
    out = one_line_failure(run("status", "--db", fresh + ".x", env={"TARGETBOARD_LANG": "en"}), "db upgrade")
    assert "has no schema" in out


def test_concurrent_first_commands_on_a_new_file_do_not_race(tmp_path):
    """Two `db upgrade` on the same new SQLite file at once: both succeed, one migrates."""
    path = str(tmp_path / "race.db")
    results: list[int] = []

    def upgrade() -> None:
        results.append(run("db", "upgrade", "--db", path).exit_code)

    threads = [threading.Thread(target=upgrade) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [0, 0, 0]
    assert run("region", "list", "--parent", "镇江市", "--db", path).exit_code == 0


def test_user_errors_are_targetboard_errors():
    from targetboard.model.period import Period, PeriodError
    from targetboard.text.readers import DocumentError, read_document_bytes

    with pytest.raises(TargetboardError):
        Period.parse("2022M13")
    with pytest.raises(PeriodError):
        Period.parse("2022M13")
    with pytest.raises(DocumentError) as info:
        read_document_bytes(b"", "empty.txt")
    assert info.value.kind == "invalid" and "empty.txt" in str(info.value)
