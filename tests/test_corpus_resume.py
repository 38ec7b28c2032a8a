"""A corpus run killed with SIGKILL leaves a dataset that loads, holds only whole documents, and resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import targetboard.corpus as corpus
from targetboard.corpus.dataset import MANIFEST

_RUN = """
import sys, time
from targetboard.corpus import extract_corpus
# A pause after each batch makes the kill land in the middle of the run rather than after it.
extract_corpus([sys.argv[1]], sys.argv[2], jobs=2, batch_size=3, on_batch=lambda n: time.sleep(0.05))
"""


def _write_corpus(root: Path, n: int) -> None:
    """n distinct work reports: each county-year gets its own figures, so every file has its own hash."""
    root.mkdir(parents=True)
    for i in range(n):
        year = 2015 + i % 8
        text = (
            f"SOURCE: test {i}\nTYPE: A\nREGION: 测试{i}县\nYEAR: {year}\n\n"
            "一、过去一年工作回顾\n"
            f"全县地区生产总值增长{5 + i % 5}.{i % 10}%，一般公共预算收入完成{10 + i}亿元。\n"
            "二、今年主要预期目标\n"
            f"今年经济社会发展的主要预期目标是：地区生产总值增长{6 + i % 3}%左右，固定资产投资增长{8 + i % 4}%以上。\n"
        )
        (root / f"county{i:03d}.txt").write_text(text, encoding="utf-8")


def _consistent(ds: Path) -> tuple[int, int]:
    docs = corpus.documents(ds)
    items = corpus.items(ds)
    assert docs["document_id"].is_unique
    counts = items.groupby("document_id").size().to_dict()
    for doc_id, n in zip(docs["document_id"], docs["items"], strict=True):
        assert counts.get(doc_id, 0) == n, doc_id  # a document is in the dataset whole, or not at all
    assert set(items["document_id"]) <= set(docs["document_id"])
    return len(docs), len(items)


def test_kill_9_mid_run_then_resume(tmp_path):
    root = tmp_path / "docs"
    _write_corpus(root, 60)
    ds = tmp_path / "ds"
    proc = subprocess.Popen([sys.executable, "-c", _RUN, str(root), str(ds)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                batches = json.loads((ds / MANIFEST).read_text(encoding="utf-8"))["batches"]
            except (OSError, ValueError):
                batches = []
            if len(batches) >= 4:
                break
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes, mid-run
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    n_docs, _ = _consistent(ds)
    assert 0 < n_docs < 60, "the kill should land mid-run"

    summary = corpus.extract_corpus([root], ds, jobs=1)
    assert summary.skipped == n_docs and summary.extracted == 60 - n_docs
    n_docs, n_items = _consistent(ds)
    clean = tmp_path / "clean"
    corpus.extract_corpus([root], clean, jobs=1)
    assert (n_docs, n_items) == _consistent(clean) == (60, 60 * 4)
    a = corpus.items(ds).sort_values(["document_id", "item_no"]).reset_index(drop=True)
    b = corpus.items(clean).sort_values(["document_id", "item_no"]).reset_index(drop=True)
    assert a.equals(b)
