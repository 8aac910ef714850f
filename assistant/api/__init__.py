"""The HTTP service (FastAPI): `create_app(settings)`, deps, errors → HTTP, schemas, routes.

`create_app` loads on first use (PEP 562), so that importing a sibling module does not import
FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from assistant.api.app import create_app

__all__ = ["create_app"]

__getattr__ = lazy_getattr(__name__, {"create_app": "assistant.api.app"})
