"""The dev corpus gold run, scored with the shared scorer exactly as the benchmark does, with floors.

The floors sit a little under the figures measured when they were set (README / bench/README.md), so
a regression fails CI while a one-item wobble from a deliberate, more general rule does not.
"""

from __future__ import annotations

import json

import pytest

from targetboard.extract import extract

FLOOR_F1 = 0.97
FLOOR_PRECISION = 0.97


@pytest.fixture(scope="module")
def scored(dev_dir, scorer):
    totals = {k: [0, 0, 0] for k in scorer.SCORED}
    per_doc = {}
    for gold_path in sorted(dev_dir.glob("*.gold.jsonl")):
        doc = gold_path.name[: -len(".gold.jsonl")]
        text = (dev_dir / f"{doc}.txt").read_text(encoding="utf-8")
        pred = [it.to_dict() for it in extract(text)]
        pred = json.loads(json.dumps(pred))  # exactly what --format jsonl would print
        gold, kept, hits, _missed, spurious = scorer.score_doc(scorer.read_jsonl(gold_path), pred)
        for k in scorer.SCORED:
            totals[k][0] += sum(1 for g, _ in hits if g["kind"] == k)
            totals[k][1] += sum(1 for p in kept if p["kind"] == k)
            totals[k][2] += sum(1 for g in gold if g["kind"] == k)
        per_doc[doc] = (len(hits), len(gold), len(spurious))
    return totals, per_doc, scorer


def test_overall_floor(scored):
    totals, _, scorer = scored
    tp = sum(t[0] for t in totals.values())
    npred = sum(t[1] for t in totals.values())
    ngold = sum(t[2] for t in totals.values())
    p, r, f = scorer.prf(tp, npred, ngold)
    assert p >= FLOOR_PRECISION, f"precision {p:.3f}"
    assert f >= FLOOR_F1, f"F1 {f:.3f} (P {p:.3f} R {r:.3f})"


@pytest.mark.parametrize("kind", ["target", "outcome", "ranking"])
def test_per_kind_floor(scored, kind):
    totals, _, scorer = scored
    p, r, f = scorer.prf(*totals[kind])
    assert f >= 0.9, f"{kind}: P {p:.3f} R {r:.3f} F1 {f:.3f}"


def test_every_document_mostly_right(scored):
    _, per_doc, _ = scored
    bad = {d: v for d, v in per_doc.items() if v[1] and v[0] / v[1] < 0.8}
    assert not bad, bad


def test_seed_items_match_seed_gold_exactly(dev_dir, scorer):
    text = (dev_dir / "seed.txt").read_text(encoding="utf-8")
    gold_rows = scorer.read_jsonl(dev_dir / "seed.gold.jsonl")
    pred = [it.to_dict() for it in extract(text)]
    gold, _kept, hits, missed, spurious = scorer.score_doc(gold_rows, pred)
    assert not missed, missed
    assert not spurious, spurious
    assert len(hits) == len(gold) == 6
    # The fields the scorer does not look at are right too.
    by_metric = {p["metric"]: p for p in pred if p["kind"] == "target"}
    assert by_metric["工业应税销售"]["modality"] == "strive"
    assert by_metric["工业应税销售"]["period"] == "2022"
    assert by_metric["工业应税销售"]["indicator"] == "industrial_taxable_sales"
    rankings = [p for p in pred if p["kind"] == "ranking"]
    assert {(r["peer_group"], r["period"], r["measure"]) for r in rankings} == {("镇江", "2022H1", "growth")}


def test_spans_are_original_text(dev_dir):
    for path in sorted(dev_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for it in extract(text):
            assert text[it.start : it.end] == it.text, (path.name, it)


# --- dev-b: the excerpts of the genres the extractor was weakest on (issue 10) -----------------

DEV_B_FLOOR_F1 = 0.96
DEV_B_FLOOR_PRECISION = 0.97
PERIOD_FLOOR = 0.95


def _score_dir(directory, scorer):
    tp = npred = ngold = right = checked = 0
    for gold_path in sorted(directory.glob("*.gold.jsonl")):
        doc = gold_path.name[: -len(".gold.jsonl")]
        text = (directory / f"{doc}.txt").read_bytes().decode("utf-8")
        pred = json.loads(json.dumps([it.to_dict() for it in extract(text)]))
        gold, kept, hits, _missed, _spurious = scorer.score_doc(scorer.read_jsonl(gold_path), pred)
        tp += len(hits)
        npred += len(kept)
        ngold += len(gold)
        for g, p in hits:
            if g.get("period") is not None:
                checked += 1
                right += g.get("period") == p.get("period")
    return tp, npred, ngold, right, checked


def test_dev_b_floor(dev_dir, scorer):
    dev_b = dev_dir.parent / "dev-b"
    if not dev_b.is_dir():
        pytest.skip(f"no dev-b corpus at {dev_b}")
    tp, npred, ngold, right, checked = _score_dir(dev_b, scorer)
    p, r, f = scorer.prf(tp, npred, ngold)
    assert p >= DEV_B_FLOOR_PRECISION, f"dev-b precision {p:.3f}"
    assert f >= DEV_B_FLOOR_F1, f"dev-b F1 {f:.3f} (P {p:.3f} R {r:.3f})"
    assert checked and right / checked >= PERIOD_FLOOR, f"dev-b period accuracy {right}/{checked}"


def test_dev_period_floor(dev_dir, scorer):
    *_, right, checked = _score_dir(dev_dir, scorer)
    assert checked and right / checked >= PERIOD_FLOOR, f"dev period accuracy {right}/{checked}"
