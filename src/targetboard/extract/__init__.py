"""Extraction: policy text -> targets, outcomes, ranking claims, tasks and the plan tree.

`extract(text)` gives the flat list of items the spec defines; `extract_plan(text)` arranges them
into pillars -> objectives -> items. Both are pure: text in, records out.
"""

from targetboard.extract.engine import extract, extract_normalized, filter_confidence
from targetboard.extract.plan import PlanTree, build_plan, extract_plan

__all__ = ["PlanTree", "build_plan", "extract", "extract_normalized", "extract_plan", "filter_confidence"]
