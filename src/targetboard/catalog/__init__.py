"""Indicator catalog: the statistical concepts targets and observations are filed under.

``match_indicator`` is the one call the extractor needs: metric surface in, catalog id (or None) out.
"""

from __future__ import annotations

from targetboard.catalog.indicators import KINDS, Catalog, Indicator, load_catalog, normalise_metric

__all__ = ["KINDS", "Catalog", "Indicator", "load_catalog", "match_indicator", "normalise_metric"]


def match_indicator(metric: str | None) -> str | None:
    """The catalog id for a metric surface (``全市地区生产总值`` -> ``gdp``), or None when unknown or unsure."""
    found = load_catalog().match(metric)
    return None if found is None else found.id
