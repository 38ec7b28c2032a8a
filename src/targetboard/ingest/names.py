"""The one name-folding function of the importer, and Excel's column letters.

Why one function: headers, keywords, region names, units and indicator names from a sheet are all
compared with words from ``headers.toml`` and from the caller's region mapping. If the two sides were
normalised by different functions (one lower-casing, one not; one removing spaces, one not) a name would
match in one place and not in another. Everything in :mod:`targetboard.ingest` folds with :func:`fold`.
(The indicator catalog has its own, stricter ``targetboard.catalog.indicators.normalise_metric``, which
:meth:`Catalog.match` applies to whatever it is given; the importer never calls it directly.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from targetboard.text.normalize import to_simplified

__all__ = ["column_letter", "fold"]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The comparison form of a header, keyword or name: simplified, NFKC, no spaces, ASCII lower-cased.

    ``揚 中 市`` and ``扬中市`` fold alike, and so do ``YTD`` and ``ytd``. Memoised: the same few region,
    indicator, period and unit spellings repeat on every row.
    """
    return re.sub(r"\s+", "", to_simplified(text)).lower()


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: how Excel names a column, for messages about cells without a header."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
