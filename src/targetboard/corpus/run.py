"""A corpus run: find the files, skip what the dataset has, extract the rest in parallel, write in batches.

Why this shape: the main process only lists, hashes and writes; workers (local processes or Dask
workers) read and extract. At most a small window of tasks is in flight and results are written in
batches of a few hundred documents, so memory depends on the batch size, not on the corpus size.
Hashing happens in the main process before anything is submitted, so duplicates and documents
already in the dataset are decided deterministically (the first path in sorted order is the original).
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from targetboard.corpus.dataset import Dataset, DatasetError
from targetboard.corpus.worker import (
    Chunk,
    DocResult,
    chunk_of,
    document_id,
    duplicate_id,
    empty_document,
    file_sha256,
    process_chunk,
    row_only,
)
from targetboard.text.readers import SUPPORTED_SUFFIXES

ENGINES = ("local", "dask")
#: Most files per task. A task's round trip (pickling the paths and the Arrow tables back, and for Dask
#: the scheduler's bookkeeping) costs about as much as extracting a small document, so large corpora
#: send up to 32 files per task; small ones send fewer so that every worker gets some.
MAX_CHUNK = 32


def chunk_size(files: int, workers: int) -> int:
    """Files per task: at least 16 tasks per worker when there are enough files, at most MAX_CHUNK files."""
    return max(1, min(MAX_CHUNK, files // (16 * max(1, workers))))
#: How long to wait for a Dask scheduler before telling the user it cannot be reached.
CONNECT_TIMEOUT = "10s"


class CorpusError(Exception):
    """A user mistake (missing folder, bad option): one line, naming the thing."""


@dataclass
class RunSummary:
    """What a run did, for the closing line and for callers of the Python API."""

    dataset: Path
    found: int = 0
    skipped: int = 0
    extracted: int = 0
    unreadable: int = 0
    duplicates: int = 0
    items: int = 0
    characters: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = self.extracted / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.dataset}: {self.found} files, {self.extracted} extracted, {self.skipped} already in the "
                f"dataset, {self.duplicates} duplicates, {self.unreadable} unreadable; {self.items} items from "
                f"{self.characters:,} characters in {self.seconds:.1f} s ({rate:.1f} documents/s)")


def discover(dirs: Iterable[str | Path]) -> list[str]:
    """Every supported file under the folders, sorted (so runs and duplicate choice are reproducible)."""
    files: list[str] = []
    for d in dirs:
        p = Path(d)
        if not p.exists():
            raise CorpusError(f"{d}: no such folder")
        if p.is_file():
            files.append(str(p))
            continue
        files.extend(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                     and not f.name.startswith("."))
    if not files:
        raise CorpusError(f"{', '.join(map(str, dirs))}: no supported files ({', '.join(sorted(SUPPORTED_SUFFIXES))})")
    return sorted(dict.fromkeys(files))


def _plan(files: list[str], ds: Dataset, summary: RunSummary) -> tuple[list[tuple[str, str]], list[DocResult]]:
    """Split files into work to do and rows known without extraction (duplicates, unhashable files)."""
    by_hash, seen = ds.known_files()
    todo: list[tuple[str, str]] = []
    direct: list[DocResult] = []
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as e:
            row = empty_document(path, None, duplicate_id("", path))
            row["error"] = f"{path}: cannot read file ({e.strerror or e})"
            direct.append(row_only(row))
            continue
        if (path, sha) in seen:
            summary.skipped += 1
            continue
        if sha in by_hash:
            row = empty_document(path, sha, duplicate_id(sha, path))
            row["duplicate_of"] = by_hash[sha]
            direct.append(row_only(row))
            seen.add((path, sha))
            continue
        by_hash[sha] = document_id(sha)
        seen.add((path, sha))
        todo.append((path, sha))
    return todo, direct


def _local_results(chunks: list[list[tuple[str, str]]], jobs: int) -> Iterator[Chunk]:
    if jobs <= 1 or len(chunks) <= 1:
        for c in chunks:
            yield process_chunk(c)
        return
    window = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: set[Future[Chunk]] = set()
        it = iter(chunks)
        for c in it:
            pending.add(pool.submit(process_chunk, c))
            if len(pending) >= window:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(process_chunk, nxt))
                yield f.result()


def _dask_results(chunks: list[list[tuple[str, str]]], client: Any) -> Iterator[Chunk]:
    from distributed import as_completed

    window = max(4, 4 * sum(client.nthreads().values()))
    it = iter(chunks)
    first = [client.submit(process_chunk, c, pure=False) for c in itertools.islice(it, window)]
    ac = as_completed(first)
    for fut in ac:
        nxt = next(it, None)
        if nxt is not None:
            ac.add(client.submit(process_chunk, nxt, pure=False))
        yield fut.result()
        fut.release()


def _connect(scheduler: str | None) -> Any:
    if not scheduler:
        raise CorpusError("--engine dask needs --scheduler ADDR (for example tcp://127.0.0.1:8786)")
    from distributed import Client

    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as e:
        raise CorpusError(f"{scheduler}: cannot reach the Dask scheduler ({e})") from e


def extract_corpus(
    dirs: Iterable[str | Path],
    out: str | Path,
    *,
    fmt: str | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    batch_size: int = 200,
    progress: bool | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RunSummary:
    """Extract every supported file under `dirs` into the dataset at `out` (created or resumed).

    `engine` "local" uses `jobs` processes on this machine; "dask" uses a Dask cluster given as a
    scheduler address or an existing `client` (the workers must see the same paths). `fmt` is
    parquet (default for a new dataset), csv or dta; a resumed dataset keeps its format.
    `progress` None means: a bar on stderr when stderr is a terminal.
    """
    if engine not in ENGINES:
        raise CorpusError(f"{engine}: unknown engine (expected local or dask)")
    dirs = list(dirs)
    if not dirs:
        raise CorpusError("no folders given")
    files = discover(dirs)
    own_client = None
    if engine == "dask" and client is None:
        client = own_client = _connect(scheduler)
    try:
        ds = Dataset.open_or_create(out, fmt)
    except DatasetError as e:
        if own_client is not None:
            own_client.close()
        raise CorpusError(str(e)) from e
    t0 = time.perf_counter()
    summary = RunSummary(Path(out), found=len(files))
    todo, direct = _plan(files, ds, summary)
    workers = sum(client.nthreads().values()) if engine == "dask" else jobs
    size = chunk_size(len(todo), workers)
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm import tqdm

    bar = tqdm(total=len(todo) + len(direct), unit="doc", file=sys.stderr, disable=not show, smoothing=0.1)
    doc_parts: list[pa.Table] = []
    item_parts: list[pa.Table] = []
    pending = [0, 0]  # documents and items not yet written

    def take(chunk: Chunk) -> None:
        for d in chunk.documents.select(["duplicate_of", "error", "characters", "items"]).to_pylist():
            if d["duplicate_of"]:
                summary.duplicates += 1
            elif d["error"]:
                summary.unreadable += 1
                summary.errors.append(str(d["error"]))
            else:
                summary.extracted += 1
                summary.items += int(d["items"] or 0)
                summary.characters += int(d["characters"] or 0)
        doc_parts.append(chunk.documents)
        item_parts.append(chunk.items)
        pending[0] += chunk.documents.num_rows
        pending[1] += chunk.items.num_rows
        bar.update(chunk.documents.num_rows)
        bar.set_postfix(chars=f"{summary.characters:,}", items=summary.items, refresh=False)
        if pending[0] >= batch_size or pending[1] >= 50 * batch_size:
            flush()

    def flush() -> None:
        if pending[0]:
            ds.write_batch(doc_parts, item_parts)
            doc_parts.clear()
            item_parts.clear()
            pending[0] = pending[1] = 0
            if on_batch is not None:
                on_batch(len(ds.batches))

    try:
        if direct:
            take(chunk_of(direct))
        results = _dask_results(chunks, client) if engine == "dask" else _local_results(chunks, jobs)
        for res in results:
            take(res)
        flush()
    finally:
        bar.close()
        if own_client is not None:
            own_client.close()
    ds.write_combined()
    ds.write_codebook()
    summary.seconds = time.perf_counter() - t0
    return summary


def default_jobs() -> int:
    """A sensible --jobs default: the CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
