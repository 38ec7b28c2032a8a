"""The `targetboard` command: a thin layer over the library (`targetboard.services`, `.render`).

User mistakes (a missing, empty, binary or unreadable file) are reported as one line naming the file;
the other inputs are still processed and the exit status is 1. Tracebacks are for bugs only.
`--lang en` (or $TARGETBOARD_LANG=en) switches messages from Chinese to English.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import click

from targetboard import __version__
from targetboard.cli_common import user_errors
from targetboard.extract import filter_confidence
from targetboard.extract.plan import PlanTree
from targetboard.model.items import Item
from targetboard.render import item_record, render_plan_text, render_table, to_csv, to_jsonl
from targetboard.services.documents import extract_document
from targetboard.text.readers import SUPPORTED_SUFFIXES, DocumentError, SourceDocument, read_document, read_text_bytes

FORMATS = ("table", "jsonl", "json", "csv")


@dataclass
class Result:
    """What one input produced: items and (with --plan) its tree, or an error line."""

    name: str
    encoding: str | None = None
    format: str | None = None
    items: list[Item] | None = None
    tree: PlanTree | None = None
    error: str | None = None


def _run(doc: SourceDocument, plan: bool, year: int | None, context: str | None) -> Result:
    """One document through the one extract-and-tree path (`services.documents.extract_document`)."""
    extracted = extract_document(doc, year=year, context=context)
    return Result(doc.name, doc.encoding, doc.format, extracted.items, extracted.tree if plan else None)


def _process_path(args: tuple[str, bool, int | None, str | None]) -> Result:
    """Worker entry point (top-level so it pickles for --jobs)."""
    path, plan, year, context = args
    try:
        doc = read_document(path)
    except DocumentError as e:
        return Result(path, error=str(e))
    return _run(doc, plan, year, context)


def _expand(paths: tuple[str, ...]) -> Iterator[str]:
    """Files as given; a directory means every supported file in it (recursively, sorted)."""
    for p in paths:
        if p != "-" and os.path.isdir(p):
            found = sorted(
                str(f) for f in Path(p).rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                yield f"\0{p}: directory has no supported files ({', '.join(sorted(SUPPORTED_SUFFIXES))})"
            yield from found
        else:
            yield p


def _results(
    inputs: list[str], plan: bool, year: int | None, context: str | None, jobs: int, progress: bool
) -> Iterator[Result]:
    from tqdm import tqdm

    bar = tqdm(total=len(inputs), unit="doc", file=sys.stderr, disable=not progress, leave=False)
    try:
        file_args = [(p, plan, year, context) for p in inputs if p != "-" and not p.startswith("\0")]
        pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and len(file_args) > 1 else None
        try:
            mapped = iter(pool.map(_process_path, file_args, chunksize=4)) if pool else None
            for p in inputs:
                if p.startswith("\0"):
                    yield Result(p[1:].split(":")[0], error=p[1:])
                elif p == "-":
                    data = sys.stdin.buffer.read()
                    try:
                        yield _run(read_text_bytes(data, "<stdin>"), plan, year, context)
                    except DocumentError as e:
                        yield Result("<stdin>", error=str(e))
                else:
                    yield next(mapped) if mapped is not None else _process_path((p, plan, year, context))
                bar.update(1)
        finally:
            if pool:
                pool.shutdown()
    finally:
        bar.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="targetboard")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of messages (default: $TARGETBOARD_LANG, else zh).")
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """targetboard: read Chinese government plans into targets, outcomes, rankings and tasks."""
    ctx.obj = {"lang": lang}


@main.command("extract")
@click.argument("paths", nargs=-1, metavar="[PATH ...|-]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for people; jsonl/json/csv give the spec's objects with a `document` field.")
@click.option("--plan", is_flag=True, help="Print the plan tree (pillars → objectives → items) instead of a flat list.")
@click.option("--year", type=int, default=None, help="Document year, when neither a YEAR: header nor the text says.")
@click.option("--context", type=click.Choice(["plan", "review", "bulletin"]), default=None,
              help="Force the whole text into one section (e.g. a single sentence from a work report's plan part).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Spread many inputs over N processes.")
@click.option("--verbose", "-v", is_flag=True, help="Report each input's detected format and encoding on stderr.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, metavar="X",
              help="Keep only items whose confidence is at least X (0-1; 0.9 keeps the calibrated high band).")
def extract_cmd(
    paths: tuple[str, ...], fmt: str, plan: bool, year: int | None, context: str | None, jobs: int, verbose: bool,
    min_confidence: float | None,
) -> None:
    """Extract targets, outcomes, ranking claims and tasks from policy texts.

    PATH may be .txt (UTF-8, UTF-8 with BOM, GB18030 or Big5), .docx, .html or a PDF with a text
    layer; a directory means every supported file in it; `-` (or no PATH) reads standard input.
    Offsets (`start`, `end`) always refer to the text as decoded from the input.
    """
    inputs = list(_expand(paths or ("-",)))
    progress = sys.stderr.isatty() and len(inputs) > 1
    failed = 0
    json_out: list[object] = []
    first_csv = True
    table_rows: list[tuple[str | None, Item]] = []
    for res in _results(inputs, plan, year, context, jobs, progress):
        if res.error:
            failed += 1
            click.echo(f"targetboard: error: {res.error}", err=True)
            continue
        assert res.items is not None
        res.items = filter_confidence(res.items, min_confidence)
        res.tree = res.tree.filtered(min_confidence) if res.tree is not None else None
        if verbose:
            click.echo(f"targetboard: {res.name}: {res.format}, encoding {res.encoding or 'n/a'}, "
                       f"{sum(1 for i in res.items if i.kind != 'task')} items", err=True)
        if plan and res.tree is not None:
            if fmt == "json":
                json_out.append(res.tree.to_dict(res.name))
            elif fmt == "jsonl":
                click.echo(json.dumps(res.tree.to_dict(res.name), ensure_ascii=False))
            elif fmt == "csv":
                click.echo(to_csv((item_record(i, res.name) for i in res.tree.items()), header=first_csv), nl=False)
                first_csv = False
            else:
                click.echo(render_plan_text(res.tree, document=res.name if len(inputs) > 1 else None))
            continue
        records = [item_record(i, res.name) for i in res.items]
        if fmt == "jsonl":
            click.echo(to_jsonl(records), nl=False)
        elif fmt == "json":
            json_out.extend(records)
        elif fmt == "csv":
            click.echo(to_csv(records, header=first_csv), nl=False)
            first_csv = False
        else:
            table_rows.extend((res.name, i) for i in res.items)
    if fmt == "json":
        payload = json_out[0] if plan and len(json_out) == 1 else json_out
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    elif fmt == "table" and not plan:
        click.echo(render_table(table_rows, show_document=len(inputs) > 1), nl=False)
    if failed:
        sys.exit(1)


@main.command("demo")
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Keep the demo database here: a new file, or one an earlier demo made (default: a temporary "
              "SQLite file). A database holding anything but demo data is refused.")
@user_errors
def demo_cmd(db_url: str | None) -> None:
    """Read the bundled seed (揚中市, 2022), store it, and track it against SAMPLE data (generated, not real)."""
    from targetboard.demo import run_demo

    click.echo(run_demo(db_url), nl=False)


def _register() -> None:
    from targetboard.cli_hold import COMMANDS as HOLD
    from targetboard.cli_review import COMMANDS as REVIEW
    from targetboard.cli_track import COMMANDS
    from targetboard.cli_users import user_group
    from targetboard.cli_web import COMMANDS as WEB_COMMANDS

    for command in (*COMMANDS, *HOLD, *REVIEW, *WEB_COMMANDS, user_group):
        main.add_command(command)


_register()
from targetboard.cli_corpus import corpus  # noqa: E402  (the research-dataset commands)

main.add_command(corpus)

if __name__ == "__main__":  # pragma: no cover
    main()
