"""`targetboard corpus ...`: research datasets from folders of documents (a thin layer over targetboard.corpus).

User mistakes (a missing folder, an unknown format, a dataset in another format, an unreachable
scheduler) print one line naming the thing and exit 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import sys

import click

# Kept here rather than imported: importing targetboard.corpus loads pandas and pyarrow, which every other
# `targetboard` command would then pay for at start-up. tests/test_corpus.py checks they agree.
FORMATS = ("parquet", "csv", "dta")
ENGINES = ("local", "dask")


def _fail(message: str) -> None:
    click.echo(f"targetboard: error: {message}", err=True)
    sys.exit(1)


@click.group("corpus", context_settings={"help_option_names": ["-h", "--help"]})
def corpus() -> None:
    """Build research datasets: documents and items from a corpus, target–outcome links."""


@corpus.command("extract")
@click.argument("dirs", nargs=-1, metavar="DIR...")
@click.option("--out", "out", required=True, metavar="DATASET", help="Dataset folder (created, or resumed).")
@click.option("--format", "fmt", default=None, metavar="|".join(FORMATS),
              help="parquet (default; partitioned by year), csv (UTF-8 with BOM) or dta (Stata 118).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes (default: the CPUs).")
@click.option("--engine", default="local", show_default=True, metavar="|".join(ENGINES),
              help="local processes, or an existing Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDR", help="Dask scheduler address (with --engine dask).")
@click.option("--batch-size", type=click.IntRange(min=1), default=200, show_default=True,
              help="Documents per written batch (the unit of resumption and of memory use).")
def extract_cmd(dirs: tuple[str, ...], out: str, fmt: str | None, jobs: int | None, engine: str,
                scheduler: str | None, batch_size: int) -> None:
    """Extract every supported file under DIR... into the dataset DATASET.

    Writes `documents` (one row per file), `items` (one row per item, with its sentence) and a
    codebook. Re-running skips files already in the dataset and adds new ones.
    """
    if not dirs:
        _fail("no folder given (usage: targetboard corpus extract DIR... --out DATASET)")
    if fmt is not None and fmt not in FORMATS:
        _fail(f"{fmt}: unknown format (expected one of {', '.join(FORMATS)})")
    if engine not in ENGINES:
        _fail(f"{engine}: unknown engine (expected one of {', '.join(ENGINES)})")
    from targetboard.corpus.dataset import DatasetError
    from targetboard.corpus.run import CorpusError, default_jobs, extract_corpus

    try:
        summary = extract_corpus(dirs, out, fmt=fmt, jobs=jobs or default_jobs(), engine=engine,
                                 scheduler=scheduler, batch_size=batch_size)
    except (CorpusError, DatasetError) as e:
        _fail(str(e))
        return
    for err in summary.errors:
        click.echo(f"targetboard: unreadable: {err}", err=True)
    click.echo(summary.line(), err=True)


@corpus.command("link")
@click.argument("dataset", metavar="DATASET")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Use only items whose confidence is at least this (items without one are kept).")
def link_cmd(dataset: str, min_confidence: float | None) -> None:
    """Pair each target with the outcomes other documents report for it; write `links`."""
    from targetboard.corpus.dataset import DatasetError
    from targetboard.corpus.link import link
    from targetboard.corpus.run import CorpusError

    try:
        result = link(dataset, min_confidence=min_confidence)
    except (CorpusError, DatasetError) as e:
        _fail(str(e))
        return
    click.echo(result.line(), err=True)
