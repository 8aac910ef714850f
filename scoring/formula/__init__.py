"""The formula language: a whitelisted expression tree (`expr`) and exact tie-breaking (`exact`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from scoring.formula import exact, expr
    from scoring.formula.expr import Expression, evaluate, parse

_WHERE = {
    "Expression": "scoring.formula.expr",
    "evaluate": "scoring.formula.expr",
    "parse": "scoring.formula.expr",
}

__all__ = ["Expression", "evaluate", "exact", "expr", "parse"]


__getattr__ = lazy_getattr(__name__, _WHERE)
