"""Everything people touch: access (accounts, privacy, audit), the shared reads (queries), the
HTTP service (api) and the command line (cli); chat, WeChat and the portal come next.

Importing `assistant` is cheap: `create_app` and `Settings` load on first use (PEP 562).

>>> from assistant import Settings, create_app
>>> app = create_app(Settings(environment="test"))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.api.app import create_app
    from assistant.config import Settings

_WHERE = {"create_app": "assistant.api.app", "Settings": "assistant.config"}

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
