#!/usr/bin/env python3
"""Accuracy benchmark: run the extractor over the dev corpus and score it with the shared scorer.

Why this shape:
- The extractor is called in-process (`targetboard.extract.extract`), not through the CLI, so the
  number measured is the library's accuracy and a crash shows a Python traceback, not a lost exit code.
- Scoring is delegated to `/work/shared/tools/score_extraction.py` (run as a subprocess with `--json`)
  so that this benchmark, CI and anyone else comparing figures use the one definition of a match in
  `extraction-spec.md`; nothing here re-implements matching.
- Each document is passed to `extract` exactly as stored (header lines included, bytes decoded without
  newline translation) because gold offsets count from the first character of the file.

Usage:
  .venv/bin/python bench/extraction_accuracy.py [--gold-dir DIR] [--out DIR] [--scorer PATH]
                                                [--verbose] [--min-f1 X]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ensure_importable  # bench/ is on sys.path when a script runs

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD_DIR = REPO_ROOT.parent / "shared/corpus/dev"
DEFAULT_SCORER = REPO_ROOT.parent / "shared/tools/score_extraction.py"
KINDS = ("target", "outcome", "ranking")

# Table headers, also checked by tests/test_bench_smoke.py.
SUMMARY_HEADER = f"{'kind':<8}  {'precision':>9}  {'recall':>7}  {'F1':>6}  {'matched':>7}  {'pred':>5}  {'gold':>5}"
DOCS_HEADER = f"{'document':<12}  {'matched':>7}  {'gold':>5}  {'pred':>5}  {'recall':>7}  {'ms':>8}"


@dataclass
class DocRun:
    """What happened when one document went through the extractor (before scoring)."""

    name: str
    chars: int
    seconds: float
    items: int
    error: str | None = None


def read_document(path: Path) -> str:
    """Decode the file exactly (no universal-newline translation): offsets are code points of the file."""
    return path.read_bytes().decode("utf-8")


def run_extractor(gold_dir: Path, out_dir: Path) -> list[DocRun]:
    """Write `<doc>.jsonl` for every `<doc>.txt`; a crash on a document is recorded, not fatal."""
    ensure_importable()
    from targetboard.extract import extract

    runs: list[DocRun] = []
    for path in sorted(gold_dir.glob("*.txt")):
        doc = path.stem
        text = read_document(path)
        error: str | None = None
        t0 = time.perf_counter()
        try:
            items = extract(text)
        except Exception:
            items = []
            error = traceback.format_exc()
        seconds = time.perf_counter() - t0
        with (out_dir / f"{doc}.jsonl").open("w", encoding="utf-8") as fh:
            for item in items:
                obj = {"document": path.name, **item.to_dict()}
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        runs.append(DocRun(doc, len(text), seconds, len(items), error))
    return runs


def run_scorer(scorer: Path, gold_dir: Path, pred_dir: Path, verbose: bool) -> tuple[dict[str, Any], str]:
    """Run the shared scorer; return its JSON summary and (with --verbose) its misses/spurious listing.

    With `--json --verbose` the scorer prints the listing first and the JSON object last; the object
    starts at the first line that is exactly `{` (listing lines are indented or start with `==`).
    """
    cmd = [sys.executable, str(scorer), str(gold_dir), str(pred_dir), "--json"]
    if verbose:
        cmd.append("--verbose")
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=False)
    if proc.returncode != 0:
        raise SystemExit(f"scorer failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr}{proc.stdout}")
    lines = proc.stdout.splitlines()
    try:
        first = lines.index("{")
    except ValueError:
        raise SystemExit(f"scorer printed no JSON object:\n{proc.stdout}") from None
    listing = "\n".join(lines[:first])
    return json.loads("\n".join(lines[first:])), listing


def format_summary(summary: dict[str, Any]) -> str:
    rows = [SUMMARY_HEADER, "-" * len(SUMMARY_HEADER)]
    for kind in (*KINDS, "overall"):
        s = summary[kind]
        rows.append(
            f"{kind:<8}  {s['precision']:>9.3f}  {s['recall']:>7.3f}  {s['f1']:>6.3f}  "
            f"{s['matched']:>7}  {s['predicted']:>5}  {s['gold']:>5}"
        )
    return "\n".join(rows)


def format_documents(per_doc: dict[str, Any], runs: list[DocRun]) -> str:
    by_name = {r.name: r for r in runs}
    rows = [DOCS_HEADER, "-" * len(DOCS_HEADER)]
    for doc, d in sorted(per_doc.items()):
        run = by_name.get(doc)
        recall = d["matched"] / d["gold"] if d["gold"] else 1.0
        ms = f"{run.seconds * 1000:8.1f}" if run else f"{'-':>8}"
        flag = "  EXTRACTOR ERROR" if run and run.error else ""
        rows.append(f"{doc:<12}  {d['matched']:>7}  {d['gold']:>5}  {d['pred']:>5}  {recall:>7.3f}  {ms}{flag}")
    return "\n".join(rows)


#: Confidence bands of the calibration table, highest first: (low, high) with low <= c < high.
BANDS: tuple[tuple[float, float], ...] = ((0.95, 1.01), (0.9, 0.95), (0.8, 0.9), (0.7, 0.8), (0.0, 0.7))
CALIBRATION_HEADER = f"{'confidence':<11}  {'items':>5}  {'share':>6}  {'correct':>7}  {'precision':>9}"


def _load_scorer(scorer: Path) -> Any:
    """The shared scorer as a module (standard library only), for per-item verdicts."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("targetboard_shared_scorer", scorer)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def item_verdicts(scorer: Path, gold_dir: Path, pred_dir: Path) -> list[tuple[float, bool]]:
    """(confidence, matched) for every scored prediction the scorer counts (ignore-span items dropped)."""
    sc = _load_scorer(scorer)
    out: list[tuple[float, bool]] = []
    for gold_path in sorted(gold_dir.glob("*.gold.jsonl")):
        doc = gold_path.name.removesuffix(".gold.jsonl")
        pred_path = pred_dir / f"{doc}.jsonl"
        gold = sc.read_jsonl(gold_path)
        pred = sc.read_jsonl(pred_path) if pred_path.exists() else []
        _gold, kept, hits, _missed, _spurious = sc.score_doc(gold, pred)
        matched = {id(p) for _, p in hits}
        for p in kept:
            conf = p.get("confidence")
            out.append((float(conf) if conf is not None else 0.0, id(p) in matched))
    return out


def format_calibration(verdicts: list[tuple[float, bool]]) -> str:
    rows = [CALIBRATION_HEADER, "-" * len(CALIBRATION_HEADER)]
    total = len(verdicts) or 1
    for lo, hi in BANDS:
        band = [ok for c, ok in verdicts if lo <= c < hi]
        label = f"{lo:.2f}-{min(hi, 1.0):.2f}"
        prec = f"{sum(band) / len(band):>9.3f}" if band else f"{'-':>9}"
        rows.append(f"{label:<11}  {len(band):>5}  {len(band) / total:>6.1%}  {sum(band):>7}  {prec}")
    high = [ok for c, ok in verdicts if c >= 0.9]
    if high:
        share, prec = len(high) / total, sum(high) / len(high)
        rows.append(f"{'>= 0.90':<11}  {len(high):>5}  {share:>6.1%}  {sum(high):>7}  {prec:>9.3f}")
    return "\n".join(rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR, help=f"default: {DEFAULT_GOLD_DIR}")
    ap.add_argument("--out", type=Path, default=None, help="keep predictions here (default: a temp dir)")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER, help=f"default: {DEFAULT_SCORER}")
    ap.add_argument("--verbose", action="store_true", help="print the scorer's misses/spurious listing")
    ap.add_argument("--min-f1", type=float, default=None, help="exit 1 when overall F1 is below this floor")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    gold_dir: Path = args.gold_dir.resolve()
    if not gold_dir.is_dir():
        print(f"gold dir not found: {gold_dir}", file=sys.stderr)
        return 2
    if not args.scorer.is_file():
        print(f"scorer not found: {args.scorer}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="targetboard-acc-") as tmp:
        out_dir = args.out.resolve() if args.out else Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        runs = run_extractor(gold_dir, out_dir)
        result, listing = run_scorer(args.scorer, gold_dir, out_dir, args.verbose)
        verdicts = item_verdicts(args.scorer, gold_dir, out_dir)

    summary, per_doc = result["summary"], result["documents"]
    total_chars = sum(r.chars for r in runs)
    total_s = sum(r.seconds for r in runs)
    print(f"gold dir: {gold_dir}  ({len(runs)} documents, {total_chars:,} chars, extract {total_s:.3f} s)")
    if args.out:
        print(f"predictions: {out_dir}")
    if listing:
        print(listing)
        print()
    print(format_summary(summary))
    period = summary.get("period")
    if period:
        print(f"period accuracy (matched items): {period['accuracy']:.3f} ({period['right']} of {period['checked']})")
    print()
    print(format_calibration(verdicts))
    print()
    print(format_documents(per_doc, runs))
    unscored = sorted(r.name for r in runs if r.name not in per_doc)
    if unscored:
        print(f"(no gold file, not scored: {', '.join(unscored)})")

    status = 0
    errors = [r for r in runs if r.error]
    if errors:
        print(f"\n{len(errors)} document(s) crashed the extractor:", file=sys.stderr)
        for r in errors:
            print(f"--- {r.name}\n{r.error}", file=sys.stderr)
        status = 1
    f1 = summary["overall"]["f1"]
    print(f"\nF1 {f1:.3f}")
    if args.min_f1 is not None and f1 < args.min_f1:
        print(f"FAIL: overall F1 {f1:.3f} < --min-f1 {args.min_f1}", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
