"""The formula language: a whitelisted expression tree (`expr`) and exact tie-breaking (`exact`)."""

from scoring.formula import exact, expr
from scoring.formula.expr import Expression, evaluate, parse

__all__ = ["Expression", "evaluate", "exact", "expr", "parse"]
