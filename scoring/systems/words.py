"""Indicator systems in words for officials: numbers, value ranges, formulas and conditions.

`rd_expense / revenue` reads "研发费用总额 ÷ 营业收入", `[0.05, inf)` on a percentage reads
"≥ 5 %", `growth(revenue) >= 0.1` reads "营业收入较上年增长率 ≥ 10 %". Formulas are worded from
their Python-like source (`ast`), not from the checked tree of `scoring.formula.expr`, because
the tree has already expanded `growth(x)` into `x / x[-1] - 1`. A formula this module cannot
word (nothing the loader accepts, but a stored file may be older) is shown as written.

Numbers: points with 2 decimals ("1.50"); other figures as a person writes them, at most 2
decimals, no trailing zeros ("12.5"); a share as a percentage with a space ("12.5 %"); missing
as 缺失, an unbounded edge as 不限.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.systems.schema import FieldDef

MISSING = "缺失"
UNLIMITED = "不限"
# Units of whole things: a range of them reads "1–2人" rather than "≥ 1人 且 < 3人".
COUNT_UNITS = frozenset({"件", "项", "人", "个", "篇", "家", "次", "档", "级"})


# ----------------------------------------------------------------------------- numbers
def _finite(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def number(x: object, *, decimals: int = 2) -> str:
    """A figure as a person writes it: `12.5`, `20000`, `0.33`; 缺失 for missing, 不限 for inf."""
    f = _finite(x)
    if f is None:
        return MISSING
    if math.isinf(f):
        return UNLIMITED
    text = f"{f:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{f:.0f}"
    return "0" if text in ("-0", "") else text


def points(x: object) -> str:
    """Points with exactly 2 decimals: `1.50`, `48.75`; 缺失 for missing."""
    f = _finite(x)
    if f is None:
        return MISSING
    text = f"{f:.2f}"
    return "0.00" if text == "-0.00" else text


def percent(share: object, *, decimals: int = 2) -> str:
    """A share (0.125) as a percentage for people: `12.5 %`."""
    f = _finite(share)
    return MISSING if f is None else f"{number(f * 100, decimals=decimals)} %"


def quantity(x: object, unit: str) -> str:
    """A value with its unit: `55 %` for a share (unit "%"), `20000万元`, `3人`."""
    if _finite(x) is None:
        return MISSING
    if unit == "%":
        return percent(x)
    return f"{number(x)}{unit}"


# ----------------------------------------------------------------------------- ranges
def range_words(
    lo: Fraction | float | None,
    hi: Fraction | float | None,
    *,
    lo_closed: bool,
    hi_closed: bool,
    unit: str = "",
) -> str:
    """A value range in words: `≥ 5 %`, `< 3 %`, `≥ 5 % 且 < 10 %`, `1–2人`; never `inf`."""
    def show(v: Fraction | float) -> str:
        return quantity(float(v), unit)

    if lo is None and hi is None:
        return "任意值"
    if lo is None:
        assert hi is not None
        return f"{'≤' if hi_closed else '<'} {show(hi)}"
    if hi is None:
        return f"{'≥' if lo_closed else '>'} {show(lo)}"
    if unit in COUNT_UNITS and Fraction(lo).denominator == 1 and Fraction(hi).denominator == 1:
        first = int(lo) + (0 if lo_closed else 1)
        last = int(hi) - (0 if hi_closed else 1)
        if first == last:
            return f"{first}{unit}"
        if first < last:
            return f"{first}–{last}{unit}"
    if lo == hi:
        return f"= {show(lo)}"
    return f"{'≥' if lo_closed else '>'} {show(lo)} 且 {'≤' if hi_closed else '<'} {show(hi)}"


# ----------------------------------------------------------------------------- formulas
_CMP = {ast.Eq: "=", ast.NotEq: "≠", ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}
_SPECIAL = {"total": "总分", "stage": "阶段", "true": "是", "false": "否"}
_DOTTED = {"val": "{}的数值", "pts": "{}得分", "cat": "{}得分", "verdict": "{}"}
_LAGS = {1: "上年", 2: "前年"}
# Precedence of a worded part: parts of lower precedence are wrapped when nested.
_OR, _AND, _NOT, _CMP_P, _ADD, _MUL, _ATOM = range(7)
_OPS = {ast.Add: ("+", _ADD), ast.Sub: ("−", _ADD), ast.Mult: ("×", _MUL), ast.Div: ("÷", _MUL)}


class _Unworded(Exception):
    """A construct this module does not word (the formula is then shown as written)."""


def formula_words(
    text: str, *, fields: Mapping[str, FieldDef], names: Mapping[str, str] | None = None
) -> str:
    """A formula or condition in Chinese with the fields' names.

    `names` words the dotted names of verdict conditions (`val.IN02`, `cat.input`): code → name.

    >>> from scoring.systems.fields import default_fields
    >>> formula_words("rd_expense / revenue", fields=default_fields())
    '研发费用总额 ÷ 营业收入'
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _Worder(fields, names or {}).word(tree.body)[0]
    except (SyntaxError, _Unworded, RecursionError):
        return text


@lru_cache(maxsize=4096)
def default_formula_words(text: str) -> str:
    """`formula_words` with this checkout's field registry, cached (explanations word the same
    121 formulas for every portrait)."""
    from scoring.systems.fields import default_fields

    return formula_words(text, fields=default_fields())


class _Worder:
    def __init__(self, fields: Mapping[str, FieldDef], names: Mapping[str, str]) -> None:
        self.fields = fields
        self.names = names

    def word(self, node: ast.AST) -> tuple[str, int]:
        method: Callable[[Any], tuple[str, int]] | None = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise _Unworded(type(node).__name__)
        return method(node)

    def wrapped(self, node: ast.AST, at_least: int) -> str:
        text, prec = self.word(node)
        return f"({text})" if prec < at_least else text

    # -- leaves
    def _Constant(self, node: ast.Constant) -> tuple[str, int]:
        if isinstance(node.value, bool):
            return ("是" if node.value else "否"), _ATOM
        if isinstance(node.value, str):
            return f"“{node.value}”", _ATOM
        if isinstance(node.value, (int, float)):
            return number(node.value, decimals=6), _ATOM
        raise _Unworded(repr(node.value))

    def _Name(self, node: ast.Name) -> tuple[str, int]:
        if node.id in self.fields:
            return self.fields[node.id].name, _ATOM
        if node.id in _SPECIAL:
            return _SPECIAL[node.id], _ATOM
        raise _Unworded(node.id)

    def _Attribute(self, node: ast.Attribute) -> tuple[str, int]:
        if not isinstance(node.value, ast.Name) or node.value.id not in _DOTTED:
            raise _Unworded("attribute")
        key = f"{node.value.id}.{node.attr}"
        return _DOTTED[node.value.id].format(self.names.get(key, node.attr)), _ATOM

    def _Subscript(self, node: ast.Subscript) -> tuple[str, int]:
        lag = _lag(node.slice)
        base, _ = self.word(node.value)
        return f"{_LAGS.get(lag, f'{lag}年前')}{base}", _ATOM

    # -- arithmetic and logic
    def _BinOp(self, node: ast.BinOp) -> tuple[str, int]:
        if type(node.op) not in _OPS:
            raise _Unworded("operator")
        sign, prec = _OPS[type(node.op)]
        left = self.wrapped(node.left, prec)
        right = self.wrapped(node.right, prec + 1)  # a − (b − c), a ÷ (b × c)
        return f"{left} {sign} {right}", prec

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[str, int]:
        if isinstance(node.op, ast.USub):
            return f"−{self.wrapped(node.operand, _ATOM)}", _ATOM
        if isinstance(node.op, ast.Not):
            return f"并非{self.wrapped(node.operand, _ATOM)}", _NOT
        raise _Unworded("unary")

    def _BoolOp(self, node: ast.BoolOp) -> tuple[str, int]:
        prec = _AND if isinstance(node.op, ast.And) else _OR
        joiner = " 且 " if prec == _AND else " 或 "
        # "a 或 (b 且 c)": people do not know that 且 binds tighter, so mixed logic is bracketed.
        return joiner.join(self.wrapped(v, _NOT) for v in node.values), prec

    def _Compare(self, node: ast.Compare) -> tuple[str, int]:
        if len(node.ops) == 1:
            special = self._is(node.left, node.ops[0], node.comparators[0])
            if special:
                return special, _CMP_P
        parts = [self.wrapped(node.left, _ADD)]
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _CMP:
                raise _Unworded("comparison")
            parts += [_CMP[type(op)], self._operand(right, beside=left)]
            left = right
        return " ".join(parts), _CMP_P

    def _is(self, left: ast.AST, op: ast.cmpop, right: ast.AST) -> str | None:
        """`flag == 1` → X为“是”; `text == "A"` → X为“A”."""
        if not isinstance(op, (ast.Eq, ast.NotEq)) or not isinstance(left, ast.Name):
            return None
        spec = self.fields.get(left.id)
        if spec is None or not isinstance(right, ast.Constant):
            return None
        verb = "为" if isinstance(op, ast.Eq) else "不为"
        if spec.type == "flag" and right.value in (0, 1):
            return f"{spec.name}{verb}“{'是' if right.value == 1 else '否'}”"
        if isinstance(right.value, str):
            return f"{spec.name}{verb}“{right.value}”"
        return None

    def _operand(self, node: ast.AST, *, beside: ast.AST) -> str:
        """A number compared with a field or a share carries the field's unit (or %)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if self._is_share(beside):
                return percent(node.value, decimals=4)
            if isinstance(beside, (ast.Name, ast.Subscript)):
                name = beside.id if isinstance(beside, ast.Name) else getattr(beside.value, "id", "")
                spec = self.fields.get(name)
                if spec is not None:
                    return f"{number(node.value, decimals=6)}{'' if spec.unit == '%' else spec.unit}"
        return self.wrapped(node, _ADD)

    def _is_share(self, node: ast.AST) -> bool:
        """A ratio of two like quantities, or a growth rate: compared against a percentage."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in ("growth", "avg_growth")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            units = {self._unit(node.left), self._unit(node.right)}
            return len(units) == 1 and None not in units
        return False

    def _unit(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Subscript):
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.fields:
            return self.fields[node.id].unit
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            units = {self._unit(node.left), self._unit(node.right)} - {""}
            return units.pop() if len(units) == 1 else None
        if isinstance(node, ast.IfExp):  # `x[-1] if age_years >= 1 else 0`
            units = {self._unit(node.body), self._unit(node.orelse)} - {""}
            return units.pop() if len(units) == 1 else None
        if _is_zero(node):
            return ""
        return None

    def _IfExp(self, node: ast.IfExp) -> tuple[str, int]:
        cases = []
        current: ast.AST = node
        while isinstance(current, ast.IfExp):
            cases.append(f"当 {self.word(current.test)[0]} 时取 {self.word(current.body)[0]}")
            current = current.orelse
        return f"[{'，'.join(cases)}，否则取 {self.word(current)[0]}]", _ATOM

    def _Call(self, node: ast.Call) -> tuple[str, int]:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise _Unworded("call")
        name, args = node.func.id, node.args
        words = [self.wrapped(a, _ATOM) for a in args if not isinstance(a, ast.Constant) or name != "avg_growth"]
        if name == "growth" and len(args) == 1:
            return f"{words[0]}较上年增长率", _ATOM
        if name == "avg_growth" and len(args) == 2 and isinstance(args[1], ast.Constant):
            return f"{words[0]}近 {args[1].value!s} 年平均增长率", _ATOM
        if name == "max" and len(args) == 2 and _is_zero(args[1]):
            return f"{words[0]}（低于 0 按 0 计）", _ATOM
        if name in ("min", "max"):
            return f"{'、'.join(words)}中的{'较小' if name == 'min' else '较大'}者", _ATOM
        if name == "abs" and len(args) == 1:
            return f"{words[0]}的绝对值", _ATOM
        if name == "coalesce" and args:
            return f"{words[0]}（缺失时取{'，再缺失取'.join(words[1:])}）", _ATOM
        if name == "is_missing" and len(args) == 1:
            return f"{words[0]}缺失", _CMP_P
        if name == "in_list" and args:
            choices = "、".join(f"“{a.value!s}”" for a in args[1:] if isinstance(a, ast.Constant))
            return f"{words[0]}属于{choices}之一", _CMP_P
        raise _Unworded(name)


def _lag(node: ast.AST) -> int:
    operand = node.operand if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else None
    if isinstance(operand, ast.Constant) and isinstance(operand.value, int):
        return operand.value
    raise _Unworded("subscript")


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and not isinstance(node.value, bool)
