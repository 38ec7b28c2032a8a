"""Extraction: policy text -> targets, outcomes, ranking claims, tasks and the plan tree."""

from targetboard.extract.engine import extract, extract_normalized

__all__ = ["extract", "extract_normalized"]
