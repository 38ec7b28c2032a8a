"""Research datasets: a folder of documents in, tidy `documents`, `items` and `links` tables out.

Why: researchers build panels of targets and outcomes from thousands of work reports and bulletins.
``extract_corpus`` reads a corpus into a dataset folder (Parquet, CSV or Stata; resumable, bounded
memory); ``link`` pairs each target with the outcomes other documents report for it. The readers
return pandas DataFrames (or pyarrow Tables with ``as_arrow=True``). docs/research.md walks through it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from targetboard.corpus.dataset import Dataset, DatasetError
from targetboard.corpus.link import link
from targetboard.corpus.run import CorpusError, RunSummary, extract_corpus

__all__ = [
    "CorpusError", "Dataset", "DatasetError", "RunSummary", "documents", "extract_corpus", "items", "link", "links",
    "read_table",
]


def read_table(dataset: str | Path, table: str, *, as_arrow: bool = False) -> pd.DataFrame | pa.Table:
    """One table of a dataset (`documents`, `items` or `links`) as a DataFrame, or an Arrow table."""
    t = Dataset.open(dataset).read(table)
    if as_arrow:
        return t
    # Nullable integers stay integers (a missing year is <NA>, not a float NaN).
    return t.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}.get)


def documents(dataset: str | Path, **kw: Any) -> pd.DataFrame | pa.Table:
    """The documents table: one row per file (read, unreadable or duplicate)."""
    return read_table(dataset, "documents", **kw)


def items(dataset: str | Path, **kw: Any) -> pd.DataFrame | pa.Table:
    """The items table: one row per extracted item, with its sentence and document id."""
    return read_table(dataset, "items", **kw)


def links(dataset: str | Path, **kw: Any) -> pd.DataFrame | pa.Table:
    """The links table written by `link` (targets paired with outcomes)."""
    return read_table(dataset, "links", **kw)
