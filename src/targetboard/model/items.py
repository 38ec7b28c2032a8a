"""The extracted item: one target, outcome, ranking claim or task, as `extraction-spec.md` defines it.

Every item keeps its span in the *original* input (`text == input[start:end]`), so a reviewer can
always jump from a number in the dashboard back to the sentence that promised it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["target", "outcome", "ranking", "task"]
Measure = Literal["level", "growth", "change"]
Comparator = Literal[">", ">=", "<", "<=", "~", "=", "range"]
Modality = Literal["strive", "ensure", "expect"]

KINDS: tuple[str, ...] = ("target", "outcome", "ranking", "task")
MEASURES: tuple[str, ...] = ("level", "growth", "change")
COMPARATORS: tuple[str, ...] = (">", ">=", "<", "<=", "~", "=", "range")
MODALITIES: tuple[str, ...] = ("strive", "ensure", "expect")

#: The spec's fields, in the order `--format jsonl` and `csv` print them.
SPEC_FIELDS: tuple[str, ...] = (
    "kind", "start", "end", "text", "metric", "indicator", "measure", "value", "value_high", "unit",
    "comparator", "period", "modality", "rank", "peer_group", "region",
)


@dataclass(slots=True)
class Item:
    """One extracted statement. Numbers are in the stated unit (magnitude kept in `unit`)."""

    kind: str
    start: int
    end: int
    text: str
    metric: str | None = None
    indicator: str | None = None
    measure: str | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    comparator: str | None = None
    period: str | None = None
    modality: str | None = None
    rank: int | None = None
    peer_group: str | None = None
    region: str | None = None
    #: GB/T 2260 code of `region` when the catalog resolves it (`targetboard.catalog.regions`).
    region_code: str | None = None
    #: Which rule produced the item (`quantity`, `quantity.carried`, `table`, `ranking.move`, ...).
    rule: str | None = None
    #: How sure the extractor is, 0–1 (calibrated: items at >= 0.9 have precision >= 0.98 on dev/dev-b).
    confidence: float | None = None
    #: True when the item comes from a text-form table row.
    table: bool = False
    #: Further fields a caller attaches (printed after the spec's); None rather than {} keeps items cheap.
    extra: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The spec's JSON object: spec fields first, then `region_code`, `confidence`, `rule`, `table` when set."""
        d = asdict(self)
        out: dict[str, Any] = {k: d[k] for k in SPEC_FIELDS}
        if isinstance(out["value"], float) and out["value"].is_integer():
            out["value"] = int(out["value"])
        if isinstance(out["value_high"], float) and out["value_high"].is_integer():
            out["value_high"] = int(out["value_high"])
        if self.region_code:
            out["region_code"] = self.region_code
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 2)
        if self.rule:
            out["rule"] = self.rule
        if self.table:
            out["table"] = True
        if self.extra:
            out.update(self.extra)
        return out
