"""The formula language: a whitelisted expression tree (`expr`) and exact tie-breaking (`exact`)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.formula import exact, expr
    from scoring.formula.expr import Expression, evaluate, parse

_WHERE = {
    "Expression": "scoring.formula.expr",
    "evaluate": "scoring.formula.expr",
    "parse": "scoring.formula.expr",
}

__all__ = ["Expression", "evaluate", "exact", "expr", "parse"]


def __getattr__(name: str) -> Any:
    # PEP 562: pandas and numpy load on first use, so importing the package stays cheap.
    if name in ("exact", "expr"):
        return import_module(f"{__name__}.{name}")
    if name not in _WHERE:
        raise AttributeError(f"module 'scoring.formula' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
