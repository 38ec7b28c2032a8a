"""Domain types shared by the extractor, the store and the CLI; pure data, no I/O."""

from targetboard.model.items import COMPARATORS, KINDS, MEASURES, MODALITIES, Item

__all__ = ["COMPARATORS", "KINDS", "MEASURES", "MODALITIES", "Item"]
