"""targetboard: read Chinese local-government plans into trackable targets, outcomes and rankings.

The library comes first; the CLI (`targetboard.cli`) is a thin layer over these calls::

    from targetboard import extract, extract_plan, read_document
    items = extract(read_document("plan.docx").text)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("targetboard")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

from targetboard.extract import extract
from targetboard.extract.plan import extract_plan
from targetboard.text.readers import read_document

__all__ = ["__version__", "extract", "extract_plan", "read_document"]
