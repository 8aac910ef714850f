"""Everything people touch: access (accounts, privacy, audit), the shared reads (queries), the
HTTP service (api) and the command line (cli); chat, WeChat and the portal come next.

Importing `assistant` is cheap: `create_app` and `Settings` load on first use (PEP 562).

>>> from assistant import Settings, create_app
>>> app = create_app(Settings(environment="test"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from assistant.api.app import create_app
    from assistant.config import Settings

_WHERE = {"create_app": "assistant.api.app", "Settings": "assistant.config"}

__all__ = ["Settings", "create_app"]


__getattr__ = lazy_getattr(__name__, _WHERE)
