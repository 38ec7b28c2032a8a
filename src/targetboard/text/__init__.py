"""Text handling: normalisation with an offset map, and document readers."""

from targetboard.text.normalize import NormalizedText, normalize, to_simplified

__all__ = ["NormalizedText", "normalize", "to_simplified"]
