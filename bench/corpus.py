#!/usr/bin/env python3
"""Corpus benchmark: `targetboard corpus extract` throughput and peak memory on a large generated corpus.

Why this shape:
- The corpus is the dev documents varied into `--docs` files (20,000 by default) in a temporary
  folder that is deleted afterwards. It is never committed, since the dev texts are third-party. Each copy gets
  its own SOURCE tag, region number and shifted percentage digits, so every file has its own hash and
  its own items: no cache or duplicate check can make a copy free.
- The same corpus is extracted three times into fresh datasets (Parquet): 1 local job, 2 local jobs, and a
  Dask LocalCluster of 2 single-threaded worker processes (cluster start-up not timed). This is the
  library call the CLI makes, `targetboard.corpus.extract_corpus`, with its default batch size.
- Peak memory is the largest sum of RSS over this process and all its children (workers, Dask
  processes), sampled every 50 ms during each run by a thread. That is the figure that has to stay below
  1 GiB however large the corpus. RSS double-counts pages shared after fork, so it is an upper bound.
- The machine is shared: `uptime`'s load averages are printed before and after, and belong with the
  figures.

Goals: speed-up 2 jobs / 1 job >= 1.8; peak RSS < 1 GiB in every run.

Usage:
  .venv/bin/python bench/corpus.py [--docs N] [--corpus DIR] [--skip-dask] [--strict]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ensure_importable  # bench/ is on sys.path when a script runs

REPO_ROOT = Path(__file__).resolve().parents[1]
GiB = 1024**3


class PeakRSS:
    """Samples RSS of this process plus all descendants in a thread; `peak` is the largest sum seen.

    It also keeps the last CPU time (user + system) seen for each process, so `cpu` is the CPU time
    the run obtained, which on a shared machine says how much of the wall time was spent waiting for a core.
    """

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = 0
        self._cpu: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for p in [self._proc, *self._proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
                t = p.cpu_times()
                self._cpu[p.pid] = t.user + t.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self._interval)

    @property
    def cpu(self) -> float:
        return sum(self._cpu.values()) - self._cpu0

    def __enter__(self) -> PeakRSS:
        self.peak = self._sample()
        self._cpu0 = sum(self._cpu.values())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def make_corpus(src: Path, dest: Path, n: int) -> tuple[int, int]:
    """Write `n` distinct variants of the dev documents into `dest`; returns (files, characters)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(src.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"{src}: no .txt documents")
    chars = 0
    for i in range(n):
        base = texts[i % len(texts)]
        k = i // len(texts)
        text = re.sub(r"^SOURCE:[^\n]*", f"SOURCE: bench copy {i}", base, count=1, flags=re.MULTILINE)
        text = re.sub(r"^REGION:([^\n]*)", rf"REGION:\1第{k}号", text, count=1, flags=re.MULTILINE)
        # Shift the last digit before each % so the items differ between copies, not only the header.
        text = re.sub(r"(\d)(?=%)", lambda m, k=k: str((int(m.group(1)) + k) % 10), text)
        sub = dest / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return n, chars


def load() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def run_once(label: str, corpus: Path, work: Path, **kw: object) -> dict[str, float | str | int]:
    print(f"{label}: running (load averages {load()})", flush=True)
    from targetboard.corpus import extract_corpus

    out = work / f"ds-{label.replace(' ', '-')}"
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        summary = extract_corpus([corpus], out, progress=False, **kw)  # type: ignore[arg-type]
        seconds = time.perf_counter() - t0
    shutil.rmtree(out)
    print(f"{label}: {seconds:.1f} s, peak RSS {rss.peak / 2**20:.0f} MiB, CPU {rss.cpu:.0f} s "
          f"(load averages {load()})", flush=True)
    return {"label": label, "docs": summary.extracted, "chars": summary.characters, "items": summary.items,
            "seconds": seconds, "docs_s": summary.extracted / seconds, "chars_s": summary.characters / seconds,
            "peak": rss.peak, "cpu": rss.cpu}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000, help="documents to generate (default 20000)")
    ap.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpus" / "dev")
    ap.add_argument("--skip-dask", action="store_true", help="local runs only")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args()
    ensure_importable()

    print(f"machine: {os.cpu_count()} CPUs; load averages before: {load()}")
    with tempfile.TemporaryDirectory(prefix="tb-corpus-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        t0 = time.perf_counter()
        n, chars = make_corpus(args.corpus, corpus, args.docs)
        print(f"corpus: {n:,} documents, {chars:,} characters (generated in {time.perf_counter() - t0:.1f} s)",
              flush=True)
        results = [run_once("1 job", corpus, work, jobs=1), run_once("2 jobs", corpus, work, jobs=2)]
        if not args.skip_dask:
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=40) as cluster, Client(cluster) as client:
                results.append(run_once("dask 2 workers", corpus, work, engine="dask", client=client))
    print(f"load averages after: {load()}")
    print()
    print("| run | documents | items | seconds | documents/s | characters/s | peak RSS (MiB) | CPU s | CPUs obtained |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['label']} | {r['docs']:,} | {r['items']:,} | {r['seconds']:.1f} | {r['docs_s']:.0f} | "
              f"{r['chars_s']:,.0f} | {int(r['peak']) / 2**20:.0f} | {r['cpu']:.0f} | "
              f"{float(r['cpu']) / float(r['seconds']):.2f} |")
    speedup = float(results[0]["seconds"]) / float(results[1]["seconds"])
    peak = max(int(r["peak"]) for r in results)
    ok_speed, ok_mem = speedup >= 1.8, peak < GiB
    print()
    print(f"speed-up 1 -> 2 jobs: {speedup:.2f}x (goal >= 1.8: {'PASS' if ok_speed else 'FAIL'})")
    # CPU time per document barely depends on contention: its ratio says what parallelism costs in work.
    work_ratio = float(results[1]["cpu"]) / float(results[0]["cpu"])
    print(f"CPU time 2 jobs / 1 job: {work_ratio:.2f} (1.00 = no parallel overhead; the speed-up an idle "
          f"2-core machine allows is about {2 / work_ratio:.2f}x)")
    print(f"peak RSS: {peak / 2**20:.0f} MiB (goal < 1024 MiB: {'PASS' if ok_mem else 'FAIL'})")
    if len(results) > 2:
        print(f"dask / 1 job: {float(results[0]['seconds']) / float(results[2]['seconds']):.2f}x")
    return 1 if args.strict and not (ok_speed and ok_mem) else 0


if __name__ == "__main__":
    sys.exit(main())
