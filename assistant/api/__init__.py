"""The HTTP service (FastAPI): `create_app(settings)`, deps, errors → HTTP, schemas, routes.

`create_app` loads on first use (PEP 562), so that the CLI can read `Settings` from
`assistant.api.config` without importing FastAPI.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.api.app import create_app
    from assistant.api.config import Settings

_WHERE = {"create_app": "assistant.api.app", "Settings": "assistant.api.config"}

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant.api' has no attribute {name!r}")
