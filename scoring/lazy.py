"""Package names loaded on first use (PEP 562), so that importing a package stays cheap.

Each package keeps a table `name → module` and hands it here:

    __getattr__ = lazy_getattr(__name__, _WHERE)

A name is imported when first asked for and then kept in the package's namespace, so later
lookups do not come back here. `tests/test_packages.py` checks every table against its modules.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_getattr(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`, importing each name from the module `where` names."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


__all__ = ["lazy_getattr"]
