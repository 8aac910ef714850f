"""The deterministic demo zone: names, the firm model, source files. Not imported by the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

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


__getattr__ = lazy_getattr(__name__, _WHERE)
