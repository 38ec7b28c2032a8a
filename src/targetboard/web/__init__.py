"""The web dashboard and the REST API: FastAPI routes that call `targetboard.services` and nothing else.

`create_app(settings)` builds the application; `targetboard serve` runs it on uvicorn. See docs/web.md.
"""

from __future__ import annotations

from targetboard.web.app import create_app

__all__ = ["create_app"]
