"""Reading documents and extracting them: the one extract-and-tree path for the CLI, demo and imports.

Why one path: the flat list and the plan tree must agree on which sentences are tasks and which are
headings, and the CLI, the demo, `plan import` and the web upload must all see the same items. The
tree is built from the same extraction as the flat list, and the flat list is the tree's items.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from targetboard.extract import build_plan, extract_normalized
from targetboard.extract.plan import PlanTree
from targetboard.extract.region import region_from_path
from targetboard.model.items import Item
from targetboard.text.normalize import normalize
from targetboard.text.readers import SourceDocument, read_document, read_document_bytes

__all__ = ["ExtractedDocument", "extract_document", "read_source"]


@dataclass(frozen=True)
class ExtractedDocument:
    """A document with its items (spans into `source.text`) and its plan tree."""

    source: SourceDocument
    items: list[Item]
    tree: PlanTree

    @property
    def name(self) -> str:
        return self.source.name

    def quantified(self) -> list[Item]:
        """Targets, outcomes and rankings (everything but tasks)."""
        return [i for i in self.items if i.kind != "task"]


def read_source(source: str | Path | bytes, name: str | None = None) -> SourceDocument:
    """A file path, or the bytes of an upload with its file name; DocumentError names the file."""
    if isinstance(source, bytes):
        return read_document_bytes(source, name or "upload")
    return read_document(source)


def extract_document(source: SourceDocument, *, year: int | None = None, context: str | None = None,
                     region: str | None = None) -> ExtractedDocument:
    """Extract `source` once into items and plan tree (headings are not items; tasks are).

    `region` is the document's region when the caller knows it (a plan imported for 扬中市); otherwise
    the file's path may name one (`…/扬中市/2022年工作报告.txt`). Items that name their own region keep it.
    """
    nt = normalize(source.text)
    found = extract_normalized(nt, year=year, context=context, region=region or region_from_path(source.name))
    tree = build_plan(nt, found)
    placed = tree.items()
    seen = {id(i) for i in placed}
    # A task the tree did not place became a heading (an objective's title): it is not an item. A quantity
    # is never dropped, placed or not.
    unplaced = [i for i in found if id(i) not in seen and i.kind != "task"]
    items = sorted([*placed, *unplaced], key=lambda i: (i.start, i.end))
    return ExtractedDocument(source, items, tree)
