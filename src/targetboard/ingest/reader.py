"""``read_observations``: one file in, validated records and every problem out.

Why this is the only entry point: the store, the CLI and the web upload all need the same
behaviour (never raise for a user mistake, collect everything, all-or-nothing), and none of them
should know about sheet shapes. Pure: no database, no network; the caller writes ``records`` only
when ``ok``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from targetboard.catalog.indicators import Catalog, load_catalog
from targetboard.ingest.bureau import read_bureau
from targetboard.ingest.crosscounty import find_cross, read_cross
from targetboard.ingest.drafts import Context, Draft
from targetboard.ingest.headers import TemplateHeader, find_header
from targetboard.ingest.lookup import Lookup
from targetboard.ingest.periods import PeriodSpec, parse_period_text
from targetboard.ingest.problems import ImportResult, Location, Problem, Problems, RecordKey
from targetboard.ingest.rules import load_rules
from targetboard.ingest.tables import read_tables, read_tables_bytes
from targetboard.ingest.template import read_template
from targetboard.ingest.validate import finish
from targetboard.model.period import PeriodError

__all__ = ["read_observations"]

NO_HEADER = (
    "no header row found in the first {n} rows; expected the template columns 地区, 指标, 时期, 数值 "
    "(see docs/import-template.md) or a statistics-bureau table with 指标名称 and 本月/累计 columns"
)


def _defaults(
    default_region: str | None, default_period: str | None, lookup: Lookup, problems: Problems
) -> tuple[str | None, str | None, PeriodSpec | None]:
    """Check the caller's defaults once; a bad one is a problem like any other (with no location)."""
    region_code = region_label = None
    if default_region is not None:
        region_code = lookup.region(default_region)
        region_label = default_region.strip()
        if region_code is None:
            problems.add(None, None, None, f"default region {default_region!r} is not a known region; expected one of "
                         f"{lookup.some_region_names()}")
    spec = None
    if default_period is not None:
        try:
            spec = parse_period_text(default_period)
        except PeriodError as exc:
            problems.add(None, None, None, f"default {exc}")
    return region_code, region_label, spec


def read_observations(
    source: str | Path | bytes,
    *,
    regions: Mapping[str, str],
    filename: str | None = None,
    default_region: str | None = None,
    default_period: str | None = None,
    catalog: Catalog | None = None,
) -> ImportResult:
    """Read a CSV or XLSX file of observations (template, bureau sheet or cross-county sheet) and validate it.

    ``source`` is a path, or the file's content as bytes (an upload); with bytes, ``filename`` gives the
    name the messages use and whose suffix tells CSV from XLSX (default ``upload``, format sniffed). With
    a path, ``filename`` overrides the name shown in messages. Same behaviour either way.

    ``regions`` maps every accepted region name (and short forms) to its code; names in the file are
    folded (traditional -> simplified, spaces removed) before lookup, and a code is accepted too.
    ``default_region`` (a name or code) and ``default_period`` (``2022M06``, ``2022年1-6月``...) fill
    what a file leaves out. Values come back in each indicator's catalog unit. A record's ``value`` or
    ``growth`` of None means "no figure in this file: keep what is stored" (see :class:`ImportResult`).
    """
    if isinstance(source, bytes | bytearray):
        name = filename or "upload"
        data: bytes | None = bytes(source)
    else:
        path = Path(source)
        name = filename or path.name
        data = None
    problems = Problems(name)
    rules = load_rules()
    lookup = Lookup(regions, catalog if catalog is not None else load_catalog(), rules.growth_name_suffixes)
    region_code, region_label, spec = _defaults(default_region, default_period, lookup, problems)
    ctx = Context(name, problems, lookup, rules, region_code, region_label, spec)
    drafts: list[Draft] = []
    tables = read_tables_bytes(data, name, problems) if data is not None else read_tables(path, problems)
    for table in tables:
        if table.is_empty():
            continue  # only there to report its formula cells without a saved result
        header = find_header(table, rules, lookup.unit_bases)
        cross = find_cross(table, ctx)
        if cross is not None and not (isinstance(header, TemplateHeader) and header.row <= cross.first_row):
            drafts.extend(read_cross(table, cross, ctx))
        elif header is None:
            first = table.numbers()[0]
            problems.add(table.name, first, None, NO_HEADER.format(n=rules.header_search_rows))
        elif isinstance(header, TemplateHeader):
            drafts.extend(read_template(table, header, ctx))
        else:
            drafts.extend(read_bureau(table, header, ctx))
    records = finish(drafts, ctx)
    order = {t.name: i for i, t in enumerate(tables)}
    return ImportResult(records, sorted(problems.items, key=lambda p: _position(p, order)), _locations(drafts, name))


def _locations(drafts: list[Draft], file: str) -> dict[RecordKey, Location]:
    """Each record key's cells: the first draft's, completed by a growth-only draft of another row."""
    out: dict[RecordKey, Location] = {}
    for d in drafts:
        key = (d.region_code, d.indicator.id, d.period, d.ytd)
        loc = out.get(key)
        if loc is None:
            out[key] = Location(file, d.sheet, d.row, d.value_column if d.value is not None else None,
                                d.growth_column if d.growth is not None else None)
        elif loc.growth_column is None and d.growth is not None and d.value is None:
            out[key] = replace(loc, growth_column=d.growth_column, growth_row=d.row)
    return out


def _position(p: Problem, order: dict[str | None, int]) -> tuple[int, int]:
    """File-level problems first, then by sheet and row (a stable sort keeps each row's problems in column order)."""
    if p.sheet is None and p.row is None:
        return (-1, -1)
    return (order.get(p.sheet, -1), p.row or 0)
