"""Text handling: normalisation with an offset map, and document readers."""

from targetboard.text.normalize import NormalizedText, normalize, to_simplified
from targetboard.text.readers import DocumentError, SourceDocument, read_document, read_text_bytes

__all__ = [
    "DocumentError", "NormalizedText", "SourceDocument", "normalize", "read_document", "read_text_bytes",
    "to_simplified",
]
