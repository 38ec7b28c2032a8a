"""What a record does to a stored observation: None keeps the stored figure, a number replaces it.

Why a function here: the importer decides what None means ("this file gives no such figure", from an
empty cell, a ``—`` marker, a missing column or an empty formula result), so the importer also states
how a record combines with what is stored. The store (``targetboard.store`` / the observation service)
calls these instead of writing ``record.value`` and ``record.growth`` as they are, which turned every
blank 同比增长% cell into a NULL and a "correction" (issue 6, defect 8).
"""

from __future__ import annotations

from targetboard.model.observation import ObservationRecord

__all__ = ["changes_stored", "merged_figures"]


def merged_figures(record: ObservationRecord, stored_value: float | None,
                   stored_growth: float | None) -> tuple[float | None, float | None]:
    """(value, growth) to store: each of the record's figures, or the stored one where the record has None."""
    return (stored_value if record.value is None else record.value,
            stored_growth if record.growth is None else record.growth)


def changes_stored(record: ObservationRecord, stored_value: float | None, stored_growth: float | None,
                   tolerance: float = 1e-9) -> bool:
    """Whether writing the record changes what is stored (a correction, to be recorded old -> new).

    A None in the record never counts as a change; numbers equal within ``tolerance`` (relative) do not either.
    """
    value, growth = merged_figures(record, stored_value, stored_growth)
    return not (_same(value, stored_value, tolerance) and _same(growth, stored_growth, tolerance))


def _same(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))
