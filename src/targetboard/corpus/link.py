"""Target–outcome links: each target paired with the outcomes other documents report for it.

Why explicit rules: whether a target was met is the quantity researchers study, so what counts as
"the same thing" must be stated and checkable, and doubtful cases must stay visible. The rules:

1. A target and an outcome are about the same thing when they have the same region, metric, measure
   and period, and come from different documents.
   - region: the item's own region when it names one, else its document's; compared by GB/T 2260 code
     when both resolve, else by name. A target whose region is unknown is not linked (status no_region).
   - metric: catalog id first (both items have one: the ids must be equal); otherwise the normalised
     metric text (catalog normalisation, scope words such as 全市/全年 stripped) must be equal.
   - units must be commensurable: same unit, or the same base with another magnitude (亿元 and 万元);
     `%` and `个百分点` never match. The outcome's value is converted to the target's unit.
2. Every matching outcome gives one row; none are dropped. When they disagree the rows are flagged:
   `revised` when documents of different years give different values (a later report revising an
   estimate), `conflicting` when documents of the same year do. `is_latest` marks the outcomes from
   the latest document, which is the usual choice, but the choice is left to the researcher.
3. met: >=, > , <=, < compare the outcome with the target's value; = and ~ (a point target, 左右) are met
   when the outcome reaches the value in the good direction (the catalog's higher_is_better, else
   higher is better for a non-negative value and lower for a decline target); a range is met when
   the outcome reaches its bound in the good direction. The gap is outcome minus that bound.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from targetboard.catalog import load_catalog, normalise_metric
from targetboard.corpus.dataset import Dataset, write_links
from targetboard.corpus.regions import clean_region, region_code

#: Magnitude prefixes of units (longest first), as the extraction spec defines them.
_MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12), ("千万", 1e7), ("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2),
)
#: Units that start with a magnitude character but are units of their own.
_WHOLE_UNITS = frozenset({"千分点", "个千分点", "百分点", "个百分点", "千米", "千克", "千瓦", "千瓦时", "万分之"})
_SCOPE_PREFIX = re.compile(r"^(?:全国|全省|全市|全县|全区|我国|我省|我市|我县|我区|本市|本县|全年|今年|当年|年末)+")
_ITEM_COLUMNS = ["document_id", "item_no", "kind", "start", "end", "text", "metric", "indicator", "measure", "value",
                 "value_high", "unit", "comparator", "period", "modality", "region", "confidence"]


@dataclass
class LinkSummary:
    """What `link` did, for the closing line."""

    path: Path
    targets: int
    linked: int
    ambiguous: int
    rows: int

    def line(self) -> str:
        return (f"{self.path}: {self.targets} targets, {self.linked} with an outcome, {self.ambiguous} ambiguous; "
                f"{self.rows} rows")


def split_unit(unit: str | None) -> tuple[float, str | None]:
    """(magnitude, base unit): 亿元 -> (1e8, 元); % -> (1, %); None -> (1, None)."""
    if not unit or unit in _WHOLE_UNITS:
        return 1.0, unit
    for prefix, mag in _MAGNITUDES:
        if (unit.startswith(prefix) and len(unit) > len(prefix)) or unit == prefix:
            return mag, unit[len(prefix):] or ""
    return 1.0, unit


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float | None:
    """`value` in `from_unit` expressed in `to_unit`, or None when the units are not commensurable."""
    if from_unit == to_unit:
        return value
    fm, fb = split_unit(from_unit)
    tm, tb = split_unit(to_unit)
    if fb != tb:
        return None
    return value * fm / tm


def metric_key(indicator: str | None, metric: str | None) -> str | None:
    """`indicator:<id>` when the catalog knows the metric, else `metric:<normalised text>`, else None."""
    if indicator:
        return f"indicator:{indicator}"
    if not metric:
        return None
    norm = _SCOPE_PREFIX.sub("", normalise_metric(metric))
    return f"metric:{norm}" if norm else None


def _region_key(name: str | None, code: str | None) -> str | None:
    return f"code:{code}" if code else (f"name:{name}" if name else None)


def _higher_is_better(indicator: str | None, value: float) -> bool:
    if indicator:
        try:
            return load_catalog().get(indicator).higher_is_better
        except KeyError:
            pass
    return value >= 0


def judge(comparator: str | None, value: float, value_high: float | None, outcome: float,
          higher: bool) -> tuple[bool, float]:
    """(met, gap) for an outcome against a target, by the rules in the module docstring."""
    if comparator in (">=", ">"):
        return (outcome >= value if comparator == ">=" else outcome > value), outcome - value
    if comparator in ("<=", "<"):
        return (outcome <= value if comparator == "<=" else outcome < value), outcome - value
    if comparator == "range" and value_high is not None:
        bound = value if higher else value_high
    else:
        bound = value
    return (outcome >= bound if higher else outcome <= bound), outcome - bound


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def link(dataset: str | Path, *, min_confidence: float | None = None) -> LinkSummary:
    """Build the `links` table of a dataset (replacing an earlier one) and return what it holds."""
    ds = Dataset.open(dataset)
    docs = {d["document_id"]: d for d in ds.read("documents", ["document_id", "region", "region_code", "year",
                                                              "duplicate_of", "error"]).to_pylist()}
    targets: list[dict[str, Any]] = []
    outcomes: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    no_confidence = False
    for t in ds.iter_tables("items", _ITEM_COLUMNS):
        for it in t.to_pylist():
            if it["kind"] not in ("target", "outcome") or it.get("value") is None:
                continue
            if min_confidence is not None:
                conf = it.get("confidence")
                if conf is None:
                    no_confidence = True
                elif conf < min_confidence:
                    continue
            doc = docs.get(it["document_id"], {})
            own = clean_region(it.get("region"))
            name = own or doc.get("region")
            code = region_code(own) if own else doc.get("region_code")
            it["_region"], it["_region_code"] = name, code
            it["_rkey"] = _region_key(name, code)
            it["_mkey"] = metric_key(it.get("indicator"), it.get("metric"))
            it["_year"] = doc.get("year")
            if it["kind"] == "target":
                targets.append(it)
            elif it["_rkey"] and it["_mkey"] and it.get("period") and it.get("measure"):
                outcomes[(it["_rkey"], it["_mkey"], it["measure"], it["period"])].append(it)
    if no_confidence:
        print("targetboard: note: some items have no confidence; they are kept (--min-confidence applies to the "
              "others)", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    linked = ambiguous = 0
    for tg in sorted(targets, key=lambda x: (x["document_id"], x["item_no"])):
        value = float(tg["value"])
        base = {
            "target_document_id": tg["document_id"], "target_item_no": tg["item_no"], "target_start": tg["start"],
            "target_end": tg["end"], "target_text": tg["text"], "target_year": tg["_year"],
            "region": tg["_region"], "region_code": tg["_region_code"], "metric": tg.get("metric"),
            "indicator": tg.get("indicator"), "metric_key": tg["_mkey"], "measure": tg.get("measure"),
            "period": tg.get("period"), "target_value": value, "target_value_high": tg.get("value_high"),
            "target_comparator": tg.get("comparator"), "target_unit": tg.get("unit"),
            "target_modality": tg.get("modality"), "n_outcomes": 0,
        }
        if not tg["_rkey"]:
            rows.append({**base, "status": "no_region"})
            continue
        if not tg.get("period"):
            rows.append({**base, "status": "no_period"})
            continue
        higher = _higher_is_better(tg.get("indicator"), value)
        found: list[tuple[dict[str, Any], float]] = []
        for oc in outcomes.get((tg["_rkey"], tg["_mkey"], tg.get("measure") or "", tg["period"]), []):
            if oc["document_id"] == tg["document_id"]:
                continue
            conv = convert(float(oc["value"]), oc.get("unit"), tg.get("unit"))
            if conv is not None:
                found.append((oc, conv))
        if not found:
            rows.append({**base, "status": "no_outcome", "higher_is_better": higher})
            continue
        linked += 1
        distinct: list[float] = []
        for _, v in found:
            if not any(_same(v, d) for d in distinct):
                distinct.append(v)
        years = {oc["_year"] for oc, _ in found}
        flag = None
        if len(distinct) > 1:
            ambiguous += 1
            flag = "revised" if len(years) > 1 else "conflicting"
        latest = max((y for y in years if y is not None), default=None)
        for oc, conv in sorted(found, key=lambda p: (p[0]["document_id"], p[0]["item_no"])):
            met, gap = judge(tg.get("comparator"), value, tg.get("value_high"), conv, higher)
            rows.append({
                **base, "outcome_document_id": oc["document_id"], "outcome_item_no": oc["item_no"],
                "outcome_start": oc["start"], "outcome_end": oc["end"], "outcome_text": oc["text"],
                "outcome_year": oc["_year"], "outcome_value": conv, "outcome_unit": oc.get("unit"),
                "outcome_comparator": oc.get("comparator"), "met": met, "gap": round(gap, 10),
                "higher_is_better": higher, "n_outcomes": len(found), "ambiguity": flag,
                "is_latest": oc["_year"] == latest, "status": "linked",
            })
    path = write_links(ds, rows)
    return LinkSummary(path, len(targets), linked, ambiguous, len(rows))
