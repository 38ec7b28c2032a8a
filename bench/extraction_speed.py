#!/usr/bin/env python3
"""Speed benchmark: single-process throughput of `normalize` and `extract`, in chars/s.

Why this shape:
- Normalisation (NFKC, traditional->simplified via OpenCC, pinyin-gloss removal, offset map) is a
  floor every extraction pays, so it is measured alone in the same run; the ratio extract/normalise
  says how much the rules cost on top of it, independent of how fast this machine is.
- The workload is the dev corpus repeated until it reaches `--chars` (2,000,000 by default): real
  text with real damage (pinyin glosses, full-width digits, tables), not synthetic sentences.
- Two modes, reported side by side: one call per document over the repeated list (what the CLI does,
  the realistic case) and one call on the whole concatenation (shows anything superlinear in text
  length, e.g. quadratic rescans or per-call context over a huge text).
- Best of `--repeats` runs after one warm-up pass over the distinct documents, so lazy set-up (rule
  compilation, OpenCC dictionaries) is excluded and scheduler noise on a 2-core machine is damped.
- Every copy of a document gets a distinct tag on its `SOURCE:` header line (different per repeat too),
  so a cache keyed on the input text cannot turn repeats into lookups; the text itself is unchanged.

Goal: extract >= 500,000 chars/s. The verdict is PASS only when both modes reach it; `--strict` turns a
FAIL into a non-zero exit.

Usage:
  .venv/bin/python bench/extraction_speed.py [--chars N] [--repeats N] [--corpus DIR] [--strict]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import ensure_importable  # bench/ is on sys.path when a script runs

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared/corpus/dev"
GOAL_CHARS_PER_S = 500_000

# Table header, also checked by tests/test_bench_smoke.py.
RATES_HEADER = f"{'measurement':<28}  {'chars/s':>12}  {'best s':>8}  {'median s':>8}  {'items':>7}"


@dataclass
class Timing:
    """Best-of-N wall time for one measurement over `chars` characters."""

    label: str
    chars: int
    times: list[float]
    items: int | None = None

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def rate(self) -> float:
        return self.chars / self.best if self.best > 0 else float("inf")


def load_documents(corpus: Path) -> list[str]:
    """The corpus documents as given (exact decode, header included), in a stable order."""
    docs = [p.read_bytes().decode("utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not docs:
        raise SystemExit(f"no *.txt documents in {corpus}")
    return docs


def _tag(doc: str, tag: str) -> str:
    """Make a copy unique by tagging its first line (the `SOURCE:` header), leaving the body intact."""
    first, nl, rest = doc.partition("\n")
    return f"{first} #{tag}{nl}{rest}"


def build_workload(docs: Sequence[str], min_chars: int, repeat_id: int) -> list[str]:
    """Repeat the corpus (whole documents) until the total reaches `min_chars`; copies are tagged."""
    out: list[str] = []
    total = 0
    copy = 0
    while total < min_chars:
        for doc in docs:
            tagged = _tag(doc, f"r{repeat_id}c{copy}")
            out.append(tagged)
            total += len(tagged)
            if total >= min_chars:
                break
        copy += 1
    return out


def time_runs(
    label: str,
    inputs_per_repeat: list[list[str]],
    fn: Callable[[str], object],
    count: Callable[[object], int] | None = None,
) -> Timing:
    """Time `fn` over each repeat's inputs; keep every wall time (the report uses the best).

    GC stays enabled (unlike `timeit`): allocation churn is part of what extraction really costs.
    """
    times: list[float] = []
    items: int | None = None
    chars = sum(len(t) for t in inputs_per_repeat[0])
    for inputs in inputs_per_repeat:
        gc.collect()
        n = 0
        t0 = time.perf_counter()
        for text in inputs:
            result = fn(text)
            if count is not None:
                n += count(result)
        times.append(time.perf_counter() - t0)
        items = n if count is not None else None
        print(f"  {label}: {times[-1]:.3f} s", file=sys.stderr, flush=True)
    return Timing(label, chars, times, items)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=2_000_000, help="minimum workload size (default 2,000,000)")
    ap.add_argument("--repeats", type=int, default=3, help="best-of-N repeats per measurement (default 3)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    ap.add_argument("--strict", action="store_true", help="exit 1 when the throughput goal is not met")
    args = ap.parse_args(argv)
    if args.repeats < 1 or args.chars < 1:
        ap.error("--repeats and --chars must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_importable()
    from targetboard.extract import extract
    from targetboard.text import normalize

    docs = load_documents(args.corpus)
    per_doc = [build_workload(docs, args.chars, r) for r in range(args.repeats)]
    whole = [["\n\n".join(w)] for w in per_doc]
    n_chars = sum(len(t) for t in per_doc[0])

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; single process")
    print(
        f"workload: {len(docs)} corpus documents ({sum(map(len, docs)):,} chars) repeated to "
        f"{len(per_doc[0])} documents, {n_chars:,} chars; one-text mode {len(whole[0][0]):,} chars; "
        f"best of {args.repeats} after one warm-up"
    )

    for doc in docs:  # warm-up: lazy rule compilation, OpenCC dictionaries, first-call costs
        normalize(doc)
        extract(doc)

    timings = [
        time_runs("normalize, per document", per_doc, normalize),
        time_runs("extract, per document", per_doc, extract, len),
        time_runs("normalize, one text", whole, normalize),
        time_runs("extract, one text", whole, extract, len),
    ]
    norm_doc, ext_doc, norm_one, ext_one = timings

    print()
    print(RATES_HEADER)
    print("-" * len(RATES_HEADER))
    for t in timings:
        items = "-" if t.items is None else f"{t.items:,}"
        print(f"{t.label:<28}  {t.rate:>12,.0f}  {t.best:>8.3f}  {statistics.median(t.times):>8.3f}  {items:>7}")
    print()
    for mode, norm, ext in (("per document", norm_doc, ext_doc), ("one text", norm_one, ext_one)):
        ratio = ext.best / norm.best if norm.best > 0 else float("inf")
        print(f"ratio extract/normalize time ({mode}): {ratio:.2f}x")
    if ext_doc.items != ext_one.items:
        print(f"note: item count differs between modes ({ext_doc.items} per document vs {ext_one.items} one text)")

    print()
    ok = True
    for t in (ext_doc, ext_one):
        passed = t.rate >= GOAL_CHARS_PER_S
        ok &= passed
        print(
            f"goal extract >= {GOAL_CHARS_PER_S:,} chars/s ({t.label}): {'PASS' if passed else 'FAIL'} ({t.rate:,.0f})"
        )
    print(f"verdict: {'PASS' if ok else 'FAIL'}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
