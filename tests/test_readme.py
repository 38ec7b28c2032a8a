"""The README's usage lines are real: each one parses against the command it shows, every command and
subcommand appears in it, and each has help text."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from targetboard.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PREFIXES = ("$tb ", ".venv/bin/targetboard ", "targetboard ")


def usage_lines() -> list[str]:
    """Every `targetboard ...` invocation in the README's shell blocks (`a ; b` counts as two)."""
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for raw in block.splitlines():
            code = raw.split("  #")[0].strip()
            for part in code.split(" ; "):
                part = part.strip()
                if part.startswith("cat ") and "| " in part:
                    part = part.split("| ", 1)[1]
                for prefix in PREFIXES:
                    if part.startswith(prefix):
                        lines.append(part[len(prefix):])
    return lines


def test_the_readme_shows_many_usage_lines():
    assert len(usage_lines()) >= 30


def resolve(line: str) -> tuple[click.Command, str, list[str]]:
    """The command a usage line runs (through its groups), its name and its own arguments."""
    args = shlex.split(line)
    if args[:1] == ["--lang"]:
        main.make_context("targetboard", [*args[:2], "--help"], resilient_parsing=True)
        args = args[2:]
    command: click.Command = main
    name = "targetboard"
    while isinstance(command, click.Group):
        assert args, f"{line!r} stops at the group {name!r}"
        name, args = args[0], args[1:]
        assert name in command.commands, f"{line!r}: no command {name!r}"
        command = command.commands[name]
    return command, name, args


@pytest.mark.parametrize("line", usage_lines())
def test_each_usage_line_parses(line):
    """click itself checks the line's options, choices, types and required arguments."""
    command, name, args = resolve(line)
    command.make_context(name, args, resilient_parsing=False)


def test_every_command_has_help_and_appears_in_the_readme():
    shown: set[str] = set()
    for line in usage_lines():
        words = [w for w in shlex.split(line) if w not in ("--lang", "en")]
        shown |= {words[0], " ".join(words[:2])}
    from click.testing import CliRunner

    runner = CliRunner()
    for name, command in main.commands.items():
        assert (command.help or "").strip(), f"{name} has no help text"
        assert runner.invoke(main, [name, "--help"]).exit_code == 0
        subs = getattr(command, "commands", {})
        if not subs:
            assert name in shown or name == "indicators", f"README shows no `targetboard {name}` line"
        for sub, subcommand in subs.items():
            assert (subcommand.help or "").strip(), f"{name} {sub} has no help text"
            assert runner.invoke(main, [name, sub, "--help"]).exit_code == 0
            if (name, sub) not in {("user", "enable"), ("user", "passwd"), ("user", "set-units")}:
                assert f"{name} {sub}" in shown, f"README shows no `targetboard {name} {sub}` line"
