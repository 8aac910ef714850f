"""The expression language of indicator-system files: parse, check, evaluate.

Formulas and conditions are written in a Python-like syntax so that officials can read them, but
file content is never executed: `ast.parse` only builds a tree, which is converted node by node
into the small immutable tree below; anything outside the whitelist is refused.

Evaluation is vectorized over all enterprises (numpy float64; text fields are object arrays).
Missing is NaN (None for text) and propagates; logic is three-valued (Kleene), with booleans as
1.0 / 0.0 / NaN.

Exactness. Inputs are decimals; float64 cannot hold 0.1. Comparisons therefore run in two steps:
float64 decides every row whose two sides are clearly apart (relative gap above `NEAR`, far
larger than any rounding error a formula of this size can make); rows that are near a tie are
re-evaluated exactly as fractions of the decimals the inputs were read from (`scoring.formula.exact`). A node that
is a raw value or a constant is compared as is: float rounding of decimals is monotonic, so such a
comparison is already exact.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

import numpy as np
import pandas as pd

from scoring.errors import ExpressionError

# Relative gap under which float64 is not trusted to order two sides.
NEAR = 1e-9
MAX_LAG = 5



# ----------------------------------------------------------------------------- the tree
@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Field:
    name: str
    lag: int = 0  # 0 = the scored year, 1 = the year before, ...


@dataclass(frozen=True)
class Unary:
    op: str  # "-" | "not"
    operand: Node


@dataclass(frozen=True)
class Bin:
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Cmp:
    op: str  # < <= > >= == !=
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    values: tuple[Node, ...]


@dataclass(frozen=True)
class IfElse:
    cond: Node
    then: Node
    other: Node


@dataclass(frozen=True)
class Call:
    func: str  # min | max | abs | coalesce | is_missing | in_list
    args: tuple[Node, ...]


Node = Num | Str | Field | Unary | Bin | Cmp | BoolOp | IfElse | Call


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression together with its source text."""

    text: str
    root: Node

    @property
    def fields(self) -> frozenset[tuple[str, int]]:
        """Every (name, lag) the expression reads."""
        return frozenset(_walk_fields(self.root))

    @property
    def names(self) -> frozenset[str]:
        """Every name the expression reads, whatever the year."""
        return frozenset(name for name, _ in self.fields)


def _walk_fields(node: Node) -> Iterable[tuple[str, int]]:
    if isinstance(node, Field):
        yield node.name, node.lag
    for child in _children(node):
        yield from _walk_fields(child)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, (Bin, Cmp)):
        return (node.left, node.right)
    if isinstance(node, BoolOp):
        return node.values
    if isinstance(node, IfElse):
        return (node.cond, node.then, node.other)
    if isinstance(node, Call):
        return node.args
    return ()


# ----------------------------------------------------------------------------- parsing
FUNCTIONS = ("min", "max", "abs", "coalesce", "is_missing", "in_list", "growth", "avg_growth")
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_CONSTANTS = {"true": Fraction(1), "false": Fraction(0), "True": Fraction(1), "False": Fraction(0)}


def parse(text: str, *, names: Iterable[str] | None = None) -> Expression:
    """Parse and check an expression; `names` (if given) is the set of names it may read.

    >>> parse("rd_expense / revenue >= 0.05").names
    frozenset({'rd_expense', 'revenue'})
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("表达式为空")
    if len(text) > 2000:
        raise ExpressionError("表达式过长（超过 2000 个字符）")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式“{text}”有语法错误（第 {exc.offset} 个字符附近）") from None
    root = _convert(tree.body, text)
    expr = Expression(text=text, root=root)
    if names is not None:
        allowed = set(names)
        unknown = sorted(expr.names - allowed)
        if unknown:
            raise ExpressionError(f"表达式“{text}”引用了未声明的字段：{'、'.join(unknown)}")
    return expr


def _convert(node: ast.AST, text: str) -> Node:
    def bad(what: str) -> ExpressionError:
        return ExpressionError(f"表达式“{text}”中不允许使用{what}")

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return Num(Fraction(int(node.value)))
        if isinstance(node.value, (int, float)):
            # repr gives the decimal the author wrote (0.1 → "0.1"), so the constant is exact.
            return Num(Fraction(repr(node.value)))
        if isinstance(node.value, str):
            return Str(node.value)
        raise bad(f"常量 {node.value!r}")
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return Num(_CONSTANTS[node.id])
        if node.id in ("inf",):
            raise bad("无穷大")
        return Field(node.id)
    if isinstance(node, ast.Attribute):
        # cat.foundation, pts.IN01 … (namespaced names in verdict conditions)
        if isinstance(node.value, ast.Name):
            return Field(f"{node.value.id}.{node.attr}")
        raise bad("多级属性")
    if isinstance(node, ast.Subscript):
        # revenue[-1]: the value of an earlier year
        base = _convert(node.value, text)
        lag = _literal_int(node.slice)
        if not isinstance(base, Field) or base.lag != 0 or lag is None or not -MAX_LAG <= lag < 0:
            raise ExpressionError(
                f"表达式“{text}”中的往年取值只能写成 字段[-1] … 字段[-{MAX_LAG}]"
            )
        return Field(base.name, -lag)
    if isinstance(node, ast.UnaryOp):
        operand = _convert(node.operand, text)
        if isinstance(node.op, ast.USub):
            if isinstance(operand, Num):
                return Num(-operand.value)
            return Unary("-", operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return Unary("not", operand)
        raise bad("该一元运算")
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise bad(f"运算符 {type(node.op).__name__}")
        return Bin(op, _convert(node.left, text), _convert(node.right, text))
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        return BoolOp(op, tuple(_convert(v, text) for v in node.values))
    if isinstance(node, ast.Compare):
        parts = [_convert(node.left, text)] + [_convert(c, text) for c in node.comparators]
        cmps: list[Node] = []
        for i, op_node in enumerate(node.ops):
            op = _CMPOPS.get(type(op_node))
            if op is None:
                raise bad(f"比较运算 {type(op_node).__name__}")
            cmps.append(Cmp(op, parts[i], parts[i + 1]))
        return cmps[0] if len(cmps) == 1 else BoolOp("and", tuple(cmps))
    if isinstance(node, ast.IfExp):
        return IfElse(
            _convert(node.test, text), _convert(node.body, text), _convert(node.orelse, text)
        )
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "?"
            raise ExpressionError(
                f"表达式“{text}”使用了未知函数 {name}；可用的函数：{'、'.join(FUNCTIONS)}"
            )
        if node.keywords:
            raise bad("关键字参数")
        args = tuple(_convert(a, text) for a in node.args)
        return _call(node.func.id, args, text)
    raise bad(f"语法 {type(node).__name__}")


def _literal_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return None


def _call(func: str, args: tuple[Node, ...], text: str) -> Node:
    arity = {"abs": (1, 1), "is_missing": (1, 1), "growth": (1, 1), "avg_growth": (2, 2)}
    lo, hi = arity.get(func, (2 if func == "in_list" else 1, 64))
    if not lo <= len(args) <= hi:
        raise ExpressionError(f"表达式“{text}”中函数 {func} 的参数个数不对（{len(args)} 个）")
    if func == "growth":
        # growth(x) = x / x[-1] - 1, written out so the exact evaluator needs nothing special
        return Bin("-", Bin("/", args[0], _lagged(args[0], 1, text)), Num(Fraction(1)))
    if func == "avg_growth":
        n = args[1]
        if not isinstance(n, Num) or n.value.denominator != 1 or not 1 <= n.value <= MAX_LAG - 1:
            raise ExpressionError(f"表达式“{text}”中 avg_growth 的年数须为 1–{MAX_LAG - 1} 的整数")
        years = int(n.value)
        ratios: Node = Bin("/", args[0], _lagged(args[0], 1, text))
        for k in range(1, years):
            ratios = Bin("+", ratios, Bin("/", _lagged(args[0], k, text), _lagged(args[0], k + 1, text)))
        mean = Bin("/", ratios, Num(Fraction(years)))
        return Bin("-", mean, Num(Fraction(1)))
    if func == "in_list" and not all(isinstance(a, Str) for a in args[1:]):
        raise ExpressionError(f"表达式“{text}”中 in_list 的候选值必须是文本常量")
    return Call(func, args)


def _lagged(node: Node, k: int, text: str) -> Node:
    """The same expression, read `k` years earlier."""
    if isinstance(node, Field):
        if node.lag + k > MAX_LAG:
            raise ExpressionError(f"表达式“{text}”回溯超过 {MAX_LAG} 年")
        return Field(node.name, node.lag + k)
    if isinstance(node, Unary):
        return Unary(node.op, _lagged(node.operand, k, text))
    if isinstance(node, Bin):
        return Bin(node.op, _lagged(node.left, k, text), _lagged(node.right, k, text))
    if isinstance(node, Cmp):
        return Cmp(node.op, _lagged(node.left, k, text), _lagged(node.right, k, text))
    if isinstance(node, BoolOp):
        return BoolOp(node.op, tuple(_lagged(v, k, text) for v in node.values))
    if isinstance(node, IfElse):
        return IfElse(*(_lagged(c, k, text) for c in (node.cond, node.then, node.other)))
    if isinstance(node, Call):
        return Call(node.func, tuple(_lagged(a, k, text) for a in node.args))
    return node


# ----------------------------------------------------------------------------- evaluation
class Env(Protocol):
    """What evaluation reads: one array per (name, lag), all of the same length."""

    def column(self, name: str, lag: int) -> np.ndarray: ...

    @property
    def size(self) -> int: ...


@dataclass
class ArrayEnv:
    """An `Env` over a mapping of (name, lag) → array (text columns are object arrays)."""

    columns: Mapping[tuple[str, int], np.ndarray]
    n: int

    def column(self, name: str, lag: int) -> np.ndarray:
        try:
            return self.columns[(name, lag)]
        except KeyError:
            # A field or an earlier year that the input does not have is missing, not an error:
            # the missing-data policy of the file decides what it scores.
            return np.full(self.n, np.nan)

    @property
    def size(self) -> int:
        return self.n


def evaluate(expr: Expression | Node, env: Env) -> np.ndarray:
    """Evaluate over every row: float64 (NaN = missing) or an object array for text."""
    node = expr.root if isinstance(expr, Expression) else expr
    out = _Evaluator(env).eval(node)
    if out.shape != (env.size,):  # a constant, or built only from constants
        out = np.broadcast_to(out, (env.size,)).copy()
    return out


def is_text(a: np.ndarray) -> bool:
    return a.dtype == object


def _as_float(a: np.ndarray) -> np.ndarray:
    if is_text(a):
        raise ExpressionError("文本字段不能参与算术运算")
    return a


_ARITH: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
}
_CMP: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class _Evaluator:
    def __init__(self, env: Env) -> None:
        self.env = env
        self.n = env.size

    def eval(self, node: Node) -> np.ndarray:
        if isinstance(node, Num):
            return np.array(float(node.value))  # 0-d: broadcasting beats a million copies
        if isinstance(node, Str):
            return np.array(node.value, dtype=object)
        if isinstance(node, Field):
            return self.env.column(node.name, node.lag)
        if isinstance(node, Unary):
            v = _as_float(self.eval(node.operand))
            return -v if node.op == "-" else np.where(np.isnan(v), np.nan, (v == 0).astype(float))
        if isinstance(node, Bin):
            left = _as_float(self.eval(node.left))
            right = _as_float(self.eval(node.right))
            with np.errstate(divide="ignore", invalid="ignore"):
                if node.op == "/":
                    out = np.where(right == 0, np.nan, left / np.where(right == 0, 1.0, right))
                else:
                    out = _ARITH[node.op](left, right)
            return out.astype(float, copy=False)
        if isinstance(node, Cmp):
            return self._compare(node)
        if isinstance(node, BoolOp):
            return self._boolop(node)
        if isinstance(node, IfElse):
            cond = _as_float(self.eval(node.cond))
            then, other = self.eval(node.then), self.eval(node.other)
            if is_text(then) or is_text(other):
                out = np.where(cond != 0, then, other).astype(object)
                out[np.isnan(cond)] = None
                return out
            return np.where(np.isnan(cond), np.nan, np.where(cond != 0, then, other))
        if isinstance(node, Call):
            return self._call(node)
        raise ExpressionError(f"无法计算的节点 {node!r}")

    def _boolop(self, node: BoolOp) -> np.ndarray:
        values = [_as_float(self.eval(v)) for v in node.values]
        stacked = np.vstack(np.broadcast_arrays(*values))
        missing = np.isnan(stacked)
        truth = (stacked != 0) & ~missing
        falsity = (stacked == 0) & ~missing
        if node.op == "and":
            decided_false = falsity.any(axis=0)
            all_true = truth.all(axis=0)
            return np.where(decided_false, 0.0, np.where(all_true, 1.0, np.nan))
        decided_true = truth.any(axis=0)
        all_false = falsity.all(axis=0)
        return np.where(decided_true, 1.0, np.where(all_false, 0.0, np.nan))

    def _compare(self, node: Cmp) -> np.ndarray:
        left, right = self.eval(node.left), self.eval(node.right)
        if left.ndim == 0 and right.ndim == 0:  # a constant comparison: give it rows
            left, right = np.broadcast_to(left, (self.n,)), np.broadcast_to(right, (self.n,))
        if is_text(left) or is_text(right):
            if node.op not in ("==", "!="):
                raise ExpressionError("文本字段只能用 == 或 != 比较")
            return _text_equal(left, right, negate=node.op == "!=")
        missing = np.isnan(left) | np.isnan(right)
        with np.errstate(invalid="ignore"):
            out = _CMP[node.op](left, right).astype(float)
        out[missing] = np.nan
        if _faithful(node.left) and _faithful(node.right):
            return out
        with np.errstate(invalid="ignore"):
            gap = np.abs(left - right)
            near = ~missing & (gap <= NEAR * np.maximum(np.abs(left), np.abs(right)))
        # An exact float zero of a product/quotient of inputs is a true zero: no need to redo it.
        if zero_faithful(node.left) and (_faithful(node.right) or zero_faithful(node.right)):
            near &= ~((left == 0) & ((right == 0) | _faithful(node.right)))
        if zero_faithful(node.right) and _faithful(node.left):
            near &= right != 0
        rows = np.flatnonzero(near)
        if rows.size:
            from scoring.formula import exact  # the exact path imports this module's tree

            out[rows] = exact.compare(
                node.op,
                exact.evaluate_rows(node.left, self.env, rows),
                exact.evaluate_rows(node.right, self.env, rows),
            )
        return out

    def _call(self, node: Call) -> np.ndarray:
        if node.func == "in_list":
            value = self.eval(node.args[0])
            choices = {a.value for a in node.args[1:] if isinstance(a, Str)}
            if not is_text(value):
                if np.isnan(value).all():  # the text column is absent: every row is missing
                    return np.full(self.n, np.nan)
                raise ExpressionError("in_list 的第一个参数必须是文本字段")
            out = np.array([np.nan if v is None else float(v in choices) for v in value], float)
            return out
        values = [self.eval(a) for a in node.args]
        if node.func == "is_missing":
            v = values[0]
            if is_text(v):
                return np.array([float(x is None) for x in v], float)
            return np.isnan(v).astype(float)
        floats = np.broadcast_arrays(*(_as_float(v) for v in values))
        if node.func == "abs":
            return np.abs(floats[0])
        if node.func == "coalesce":
            out = floats[0].copy()
            for v in floats[1:]:
                holes = np.isnan(out)
                out[holes] = v[holes]
            return out
        stacked = np.vstack(floats)
        with np.errstate(invalid="ignore"):
            # min/max of missing is missing: a formula must not silently ignore a gap.
            return stacked.min(axis=0) if node.func == "min" else stacked.max(axis=0)


def _text_equal(left: np.ndarray, right: np.ndarray, *, negate: bool) -> np.ndarray:
    missing = pd.isna(left) | pd.isna(right)
    with np.errstate(invalid="ignore"):
        equal = np.equal(left, right).astype(bool)
    out = (equal != negate).astype(float)
    out[missing] = np.nan
    return out


def _faithful(node: Node) -> bool:
    """True when the float value of `node` orders exactly like its decimal value."""
    if isinstance(node, (Num, Str, Field)):
        return True
    if isinstance(node, Unary) and node.op == "-":
        return _faithful(node.operand)
    if isinstance(node, Call) and node.func in ("min", "max", "abs", "coalesce"):
        return all(_faithful(a) for a in node.args)
    if isinstance(node, IfElse):
        return _faithful(node.then) and _faithful(node.other)
    return False


def zero_faithful(node: Node) -> bool:
    """True when a float result of exactly 0 means the decimal value is 0 and signs agree.

    Products and quotients of inputs qualify (rounding keeps the sign and never makes a non-zero
    product zero at these magnitudes); sums and differences do not.
    """
    if isinstance(node, (Num, Field)):
        return True
    if isinstance(node, Unary) and node.op == "-":
        return zero_faithful(node.operand)
    if isinstance(node, Bin) and node.op in ("*", "/"):
        return zero_faithful(node.left) and zero_faithful(node.right)
    if isinstance(node, Call) and node.func in ("min", "max", "abs", "coalesce"):
        return all(zero_faithful(a) for a in node.args)
    if isinstance(node, IfElse):
        return zero_faithful(node.then) and zero_faithful(node.other)
    return False


def is_faithful(node: Expression | Node) -> bool:
    """True when comparing the float value of this expression is already exact."""
    return _faithful(node.root if isinstance(node, Expression) else node)
