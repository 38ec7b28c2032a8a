"""The columns of a research dataset: names, types, meanings and allowed values, in one place.

Why one table of columns: the Parquet/CSV/Stata writers, the readers and the codebook must agree on
every column, and researchers cite the codebook, so it is generated from the same definitions the
writers use instead of being written by hand next to them.

Item columns are open-ended: the extractor's spec dict is copied field by field, so a field the
extractor gains later (``confidence``, ``rule``, ``region``...) becomes a column without a change
here. Fields listed below get a fixed type and a description; any other field is typed from its
values and described as "extractor field (not in the codebook's list)".
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from targetboard.model.items import COMPARATORS, KINDS, MEASURES, MODALITIES, SPEC_FIELDS

SCHEMA_VERSION = 1

GENRES: tuple[str, ...] = ("work_report", "plan", "midyear_report", "bulletin", "other")
FORMATS: tuple[str, ...] = ("parquet", "csv", "dta")


@dataclass(frozen=True)
class Column:
    """One column: its Arrow type, what it means, and (for categorical columns) its allowed values."""

    name: str
    type: pa.DataType
    description: str
    values: tuple[str, ...] | None = None


DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("document_id", pa.string(), "Stable id: the first 16 hex digits of the file's SHA-256 (a duplicate "
           "file gets an id of its own and names the original in duplicate_of)."),
    Column("path", pa.string(), "The file's path as found under the folders given to `corpus extract`."),
    Column("sha256", pa.string(), "SHA-256 of the file's bytes, hex; resumed runs skip files whose hash is known."),
    Column("format", pa.string(), "How the file was read.", ("txt", "docx", "html", "pdf")),
    Column("encoding", pa.string(), "Detected text encoding (txt and html); null for docx and pdf."),
    Column("characters", pa.int64(), "Length of the decoded text in characters (code points)."),
    Column("genre", pa.string(), "Kind of document: work_report (政府工作报告, review and plan parts), plan "
           "(规划/纲要/计划), midyear_report (上半年/半年 reports), bulletin (统计公报 and data releases), other.",
           GENRES),
    Column("region", pa.string(), "The region the document is about, in simplified Chinese as found (parenthetical "
           "notes dropped), or null."),
    Column("region_code", pa.string(), "GB/T 2260 code of `region` where it resolves against the shipped division "
           "list (Jiangsu down to county level), else null."),
    Column("region_source", pa.string(), "Where `region` came from: the REGION: header, the document's opening "
           "lines, or the file's path.", ("header", "text", "path")),
    Column("year", pa.int64(), "The document's year (YEAR: header, else the first year in its opening lines, else a "
           "year in the file name); a work report's review part is about year - 1. Parquet partition key."),
    Column("items", pa.int64(), "Number of rows this document has in `items` (all kinds, tasks included)."),
    Column("error", pa.string(), "Why the file could not be read (one line), else null. Such documents have no items."),
    Column("duplicate_of", pa.string(), "For a file whose bytes equal an earlier document's: that document's id. "
           "Duplicates have no items of their own."),
)

_SPEC_DESCRIPTIONS: dict[str, Column] = {
    "kind": Column("kind", pa.string(), "target (promised), outcome (reported), ranking (rank among peers) or task "
                   "(a commitment with no number).", KINDS),
    "start": Column("start", pa.int64(), "Start of the item's clause in the document's decoded text (code points)."),
    "end": Column("end", pa.int64(), "End (exclusive) of the clause; text == document_text[start:end]."),
    "text": Column("text", pa.string(), "The clause the item comes from, exactly as in the source."),
    "metric": Column("metric", pa.string(), "What is measured, simplified Chinese, without number, verb or qualifier."),
    "indicator": Column("indicator", pa.string(), "Indicator-catalog id when the catalog knows the metric "
                        "(gdp, general_budget_revenue, ...), else null."),
    "measure": Column("measure", pa.string(), "level (the amount or rate), growth (percent change on the previous "
                      "period) or change (absolute change).", MEASURES),
    "value": Column("value", pa.float64(), "The number in the stated unit, signed (a decline is negative)."),
    "value_high": Column("value_high", pa.float64(), "Upper bound when comparator is range, else null."),
    "unit": Column("unit", pa.string(), "Unit as stated, simplified, magnitude included (亿元, %, 个百分点, 万人)."),
    "comparator": Column("comparator", pa.string(), "What the statement asserts about the signed value.", COMPARATORS),
    "period": Column("period", pa.string(), "Period the figure is about: 2022, 2022H1, 2022Q3, 2022M01-M09, "
                     "2021-2025."),
    "modality": Column("modality", pa.string(), "strive (力争), ensure (确保), expect (预期), or null.", MODALITIES),
    "rank": Column("rank", pa.int64(), "Ranking items: the rank (首位 -> 1)."),
    "peer_group": Column("peer_group", pa.string(), "Ranking items: among whom (镇江, 全省, 六区两县)."),
    "region": Column("region", pa.string(), "The region the item itself names, else null (see documents.region)."),
    "region_code": Column("region_code", pa.string(), "GB/T 2260 code of the item's `region` where the shipped "
                          "divisions resolve it (Jiangsu), else null."),
    "rule": Column("rule", pa.string(), "Which extractor rule produced the item (for reviewers)."),
    "table": Column("table", pa.bool_(), "True when the item comes from a text-form table row."),
    "confidence": Column("confidence", pa.float64(), "The extractor's confidence in the item (0-1); null when the "
                         "extractor that built the dataset gave none."),
}

#: Item columns that precede the spec fields.
ITEM_KEY_COLUMNS: tuple[Column, ...] = (
    Column("document_id", pa.string(), "The document the item comes from (documents.document_id)."),
    Column("item_no", pa.int64(), "Position of the item in its document (0, 1, ...), in order of `start`."),
    Column("year", pa.int64(), "The document's year (documents.year); Parquet partition key. The figure's own "
           "year is `period`."),
)
#: Item columns that follow the spec fields: where in the document the item stands.
ITEM_SENTENCE_COLUMNS: tuple[Column, ...] = (
    Column("sentence", pa.string(), "The whole sentence the clause stands in, exactly as in the source (up to the "
           "surrounding 。！？；, or a blank line)."),
    Column("sentence_start", pa.int64(), "Start of `sentence` in the document's decoded text."),
    Column("sentence_end", pa.int64(), "End (exclusive) of `sentence`."),
)
#: Fields always present as columns (typed), whether or not the extractor gives them.
ITEM_FIXED_FIELDS: tuple[str, ...] = (*SPEC_FIELDS, "region_code", "rule", "table", "confidence")


def item_columns(extra_fields: list[str] | tuple[str, ...] = ()) -> tuple[Column, ...]:
    """Item columns in order: keys, spec fields, rule/table/confidence, extra extractor fields, sentence."""
    spec = tuple(_SPEC_DESCRIPTIONS[f] for f in ITEM_FIXED_FIELDS)
    extras = tuple(
        Column(f, pa.string(), "Extractor field (not in the codebook's list): copied as the extractor gives it.")
        for f in extra_fields if f not in ITEM_FIXED_FIELDS
    )
    return (*ITEM_KEY_COLUMNS, *spec, *extras, *ITEM_SENTENCE_COLUMNS)


LINK_COLUMNS: tuple[Column, ...] = (
    Column("target_document_id", pa.string(), "Document of the target."),
    Column("target_item_no", pa.int64(), "items.item_no of the target."),
    Column("target_start", pa.int64(), "Span of the target's clause in its document."),
    Column("target_end", pa.int64(), "End (exclusive) of the target's clause."),
    Column("target_text", pa.string(), "The target's clause."),
    Column("target_year", pa.int64(), "The target document's year."),
    Column("region", pa.string(), "The region both items are about (the item's own region, else its document's)."),
    Column("region_code", pa.string(), "GB/T 2260 code of `region` where known."),
    Column("metric", pa.string(), "The target's metric as extracted."),
    Column("indicator", pa.string(), "The target's catalog id, or null."),
    Column("metric_key", pa.string(), "What counted as the same metric: `indicator:<id>` or "
           "`metric:<normalised text>`."),
    Column("measure", pa.string(), "level, growth or change (target and outcome agree).", MEASURES),
    Column("period", pa.string(), "The period both items are about."),
    Column("target_value", pa.float64(), "The target's value, in target_unit."),
    Column("target_value_high", pa.float64(), "Upper bound of a range target."),
    Column("target_comparator", pa.string(), "The target's comparator.", COMPARATORS),
    Column("target_unit", pa.string(), "The target's unit."),
    Column("target_modality", pa.string(), "strive, ensure, expect or null.", MODALITIES),
    Column("outcome_document_id", pa.string(), "Document of the outcome, null when none was found."),
    Column("outcome_item_no", pa.int64(), "items.item_no of the outcome."),
    Column("outcome_start", pa.int64(), "Span of the outcome's clause in its document."),
    Column("outcome_end", pa.int64(), "End (exclusive) of the outcome's clause."),
    Column("outcome_text", pa.string(), "The outcome's clause."),
    Column("outcome_year", pa.int64(), "The outcome document's year."),
    Column("outcome_value", pa.float64(), "The outcome's value converted to target_unit (亿元 <-> 万元 and the like)."),
    Column("outcome_unit", pa.string(), "The outcome's unit as stated."),
    Column("outcome_comparator", pa.string(), "The outcome's comparator (预计增长10%以上 is >=); `met` reads the value "
           "as a point.", COMPARATORS),
    Column("met", pa.bool_(), "Whether the outcome meets the target (rules in docs/research.md); null "
           "without an outcome."),
    Column("gap", pa.float64(), "outcome_value minus the target's binding bound, in target_unit; positive = above."),
    Column("higher_is_better", pa.bool_(), "Direction used for = and ~ targets: the catalog's, else value >= 0."),
    Column("n_outcomes", pa.int64(), "How many outcomes were found for this target (rows sharing the target)."),
    Column("ambiguity", pa.string(), "Null when all outcomes agree; `revised` when documents of different years give "
           "different values; `conflicting` when documents of the same year do.", ("revised", "conflicting")),
    Column("is_latest", pa.bool_(), "True for the outcome(s) from the latest document among this target's outcomes."),
    Column("status", pa.string(), "linked; no_outcome (none found); no_region or no_period (the target cannot be "
           "keyed).", ("linked", "no_outcome", "no_region", "no_period")),
)


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    """The Arrow schema of a tuple of columns."""
    return pa.schema([pa.field(c.name, c.type) for c in columns])


def type_name(t: pa.DataType) -> str:
    """A researcher-facing type name (the codebook's `type`)."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_boolean(t):
        return "boolean"
    return str(t)
