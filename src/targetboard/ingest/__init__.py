"""Observation import: CSV/XLSX files (the template, a bureau sheet, a cross-county sheet) to records.

Pure parsing and validation, no database: :func:`read_observations` (a path, or bytes plus a file name)
returns an :class:`ImportResult` whose ``records`` the store writes, all or nothing, when ``ok``;
otherwise ``problems`` says what to fix, each naming file, sheet, row and column. A record's ``value``
or ``growth`` of None means "no figure in this file": the store keeps what it holds
(:func:`merged_figures`). Before writing, the caller fetches the stored values :func:`comparison_keys`
names and asks :func:`magnitude_flags` for figures that jump by orders of magnitude (forceable).
:func:`observations_from_items` turns accepted outcome items of a document into records.

The formats are documented in ``docs/import-template.md``; header spellings, year-to-date markers,
totals and unit magnitudes live in ``headers.toml``, plausibility thresholds in ``plausibility.toml``.
"""

from targetboard.ingest.from_items import observations_from_items
from targetboard.ingest.merge import changes_stored, merged_figures
from targetboard.ingest.plausibility import comparison_keys, magnitude_flags
from targetboard.ingest.problems import ImportResult, Location, Problem, RecordKey
from targetboard.ingest.reader import read_observations

__all__ = [
    "ImportResult",
    "Location",
    "Problem",
    "RecordKey",
    "changes_stored",
    "comparison_keys",
    "magnitude_flags",
    "merged_figures",
    "observations_from_items",
    "read_observations",
]
