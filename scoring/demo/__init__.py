"""The deterministic demo zone: names, the firm model, source files. Not imported by the rest."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.demo.build import Demo, build_demo
    from scoring.demo.files import import_demo_files, write_demo_files

_WHERE = {
    "Demo": "scoring.demo.build",
    "build_demo": "scoring.demo.build",
    "import_demo_files": "scoring.demo.files",
    "write_demo_files": "scoring.demo.files",
}

__all__ = [
    "Demo",
    "build_demo",
    "import_demo_files",
    "write_demo_files",
]


def __getattr__(name: str) -> Any:
    # PEP 562: a name is imported on first use, so importing the package stays cheap.
    if name not in _WHERE:
        raise AttributeError(f"module 'scoring.demo' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
