"""targetboard: read Chinese local-government plans into trackable targets, outcomes and rankings.

The library comes first; the CLI (`targetboard.cli`) is a thin layer over these calls::

    from targetboard.extract import extract, extract_plan
    from targetboard.text import read_document

    items = extract(read_document("plan.docx").text)

(`targetboard.extract` is the extractor package; the top-level module deliberately does not re-export
a function of the same name, so ``import targetboard.extract.engine`` keeps working.)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("targetboard")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
