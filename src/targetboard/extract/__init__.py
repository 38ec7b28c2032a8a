"""Extraction: policy text -> targets, outcomes, ranking claims, tasks and the plan tree.

`extract(text)` gives the flat list of items the spec defines; `extract_plan(text)` arranges them
into pillars -> objectives -> items; `plan_from_task_table(rows)` reads a task-decomposition table
into the same tree, its objectives carrying lead/co-responsible units and deadlines. All are pure:
text (or rows) in, records out.
"""

from targetboard.extract.engine import extract, extract_normalized, filter_confidence
from targetboard.extract.plan import Assignment, Objective, PlanTree, build_plan, extract_plan
from targetboard.extract.task_table import TaskTableError, plan_from_task_table

__all__ = [
    "Assignment",
    "Objective",
    "PlanTree",
    "TaskTableError",
    "build_plan",
    "extract",
    "extract_normalized",
    "extract_plan",
    "filter_confidence",
    "plan_from_task_table",
]
