"""Observation import: CSV/XLSX files (the documented template or a statistics bureau's sheet) to records.

Pure parsing and validation, no database: :func:`read_observations` returns an :class:`ImportResult`
whose ``records`` the store writes, all or nothing, when ``ok``; otherwise ``problems`` says what to fix,
each naming file, sheet, row and column. The template is documented in ``docs/import-template.md``;
header spellings, year-to-date markers and unit magnitudes live in ``headers.toml``.
"""

from targetboard.ingest.problems import ImportResult, Problem
from targetboard.ingest.reader import read_observations

__all__ = ["ImportResult", "Problem", "read_observations"]
