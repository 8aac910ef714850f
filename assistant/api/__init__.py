"""The HTTP service (FastAPI): `create_app(settings)`, deps, errors → HTTP, schemas, routes.

`create_app` loads on first use (PEP 562), so that importing a sibling module does not import
FastAPI.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        return import_module("assistant.api.app").create_app
    raise AttributeError(f"module 'assistant.api' has no attribute {name!r}")
