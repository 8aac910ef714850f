"""Exact rational evaluation of an expression for a subset of rows, vectorized.

Used only for rows whose float64 value is too near an edge to trust (see `scoring.formula.expr`). Each
value is a fraction num/den held in numpy object arrays of Python ints (arbitrary precision, den
always > 0), so a few thousand near-tie rows cost a few numpy object-array operations instead of a
tree walk with `fractions.Fraction` per row.

Inputs are decimals: a float64 input is turned back into the decimal it was read from by finding
the smallest k ≤ 6 with round(x·10^k)/10^k == x (exact for any decimal with at most 15
significant digits, since two such decimals never round to the same double); anything else falls
back to `Fraction(repr(x))`, the shortest decimal that round-trips.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from scoring.formula import expr as E

Rat = tuple[np.ndarray, np.ndarray, np.ndarray]  # numerators, denominators, missing mask

_MAX_EXACT_INT = 10**15


def _full(value: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


def decimals(x: np.ndarray) -> Rat:
    """float64 inputs → the decimals they were read from, as exact fractions."""
    n = x.shape[0]
    missing = ~np.isfinite(x)
    num, den = _full(0, n), _full(1, n)
    todo = ~missing
    with np.errstate(invalid="ignore", over="ignore"):
        for k in range(7):
            if not todo.any():
                break
            scale = 10.0**k
            scaled = np.round(x * scale)
            ok = todo & (np.abs(scaled) < _MAX_EXACT_INT) & (scaled / scale == x)
            if ok.any():
                num[ok] = scaled[ok].astype(np.int64).astype(object)
                den[ok] = 10**k
                todo &= ~ok
    for i in np.flatnonzero(todo):
        f = Fraction(repr(float(x[i])))
        num[i], den[i] = f.numerator, f.denominator
    return num, den, missing


def sign_of_difference(a: Rat, b: Rat) -> np.ndarray:
    """−1, 0 or 1 per row for a − b (rows missing on either side give 0; check the masks)."""
    diff = a[0] * b[1] - b[0] * a[1]
    return np.sign(diff.astype(float)).astype(int) if diff.size else np.zeros(0, int)


def compare(op: str, a: Rat, b: Rat) -> np.ndarray:
    """Exact comparison as 1.0 / 0.0 / NaN."""
    s = sign_of_difference(a, b)
    table = {"<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0, "==": s == 0, "!=": s != 0}
    out = table[op].astype(float)
    out[a[2] | b[2]] = np.nan
    return out


def _bool(values: np.ndarray) -> Rat:
    """1.0 / 0.0 / NaN → fractions."""
    missing = np.isnan(values)
    num = np.where(missing, 0, values).astype(np.int64).astype(object)
    return num, _full(1, values.shape[0]), missing


def _truth(r: Rat) -> np.ndarray:
    out = (r[0] != 0).astype(float)
    out[r[2]] = np.nan
    return out


def evaluate_rows(node: E.Node, env: E.Env, rows: np.ndarray) -> Rat:
    """Exact values of `node` for `rows` (numbers only; text comparisons are exact as they are)."""
    n = rows.shape[0]
    if isinstance(node, E.Num):
        return _full(node.value.numerator, n), _full(node.value.denominator, n), np.zeros(n, bool)
    if isinstance(node, E.Field):
        col = env.column(node.name, node.lag)
        if col.dtype == object:
            raise E.ExpressionError("文本字段不能参与算术运算")
        return decimals(col[rows].astype(float))
    if isinstance(node, E.Unary):
        num, den, missing = evaluate_rows(node.operand, env, rows)
        if node.op == "-":
            return -num, den, missing
        return _bool(np.where(missing, np.nan, (num == 0).astype(float)))
    if isinstance(node, E.Bin):
        an, ad, am = evaluate_rows(node.left, env, rows)
        bn, bd, bm = evaluate_rows(node.right, env, rows)
        missing = am | bm
        if node.op == "+":
            return an * bd + bn * ad, ad * bd, missing
        if node.op == "-":
            return an * bd - bn * ad, ad * bd, missing
        if node.op == "*":
            return an * bn, ad * bd, missing
        zero = (bn == 0).astype(bool)
        num, den = an * bd, ad * bn
        flip = (den < 0).astype(bool)
        num[flip], den[flip] = -num[flip], -den[flip]
        den[zero] = 1
        return num, den, missing | zero
    if isinstance(node, E.Cmp):
        left, right = E.evaluate(node.left, env), E.evaluate(node.right, env)
        if left.dtype == object or right.dtype == object:
            return _bool(E.evaluate(node, env)[rows])  # text equality is exact already
        return _bool(compare(node.op, evaluate_rows(node.left, env, rows), evaluate_rows(node.right, env, rows)))
    if isinstance(node, E.BoolOp):
        truths = np.vstack([_truth(evaluate_rows(v, env, rows)) for v in node.values])
        missing = np.isnan(truths)
        yes, no = (truths == 1) & ~missing, (truths == 0) & ~missing
        if node.op == "and":
            out = np.where(no.any(axis=0), 0.0, np.where(yes.all(axis=0), 1.0, np.nan))
        else:
            out = np.where(yes.any(axis=0), 1.0, np.where(no.all(axis=0), 0.0, np.nan))
        return _bool(out)
    if isinstance(node, E.IfElse):
        cond = _truth(evaluate_rows(node.cond, env, rows))
        then, other = evaluate_rows(node.then, env, rows), evaluate_rows(node.other, env, rows)
        pick = cond == 1
        num = np.where(pick, then[0], other[0])
        den = np.where(pick, then[1], other[1])
        return num, den, np.where(pick, then[2], other[2]) | np.isnan(cond)
    if isinstance(node, E.Call):
        return _call(node, env, rows)
    raise E.ExpressionError(f"无法精确计算的节点 {node!r}")


def _call(node: E.Call, env: E.Env, rows: np.ndarray) -> Rat:
    if node.func in ("is_missing", "in_list"):
        return _bool(E.evaluate(node, env)[rows])
    args = [evaluate_rows(a, env, rows) for a in node.args]
    if node.func == "abs":
        num, den, missing = args[0]
        return np.abs(num), den, missing
    if node.func == "coalesce":
        num, den, missing = (a.copy() for a in args[0])
        for bn, bd, bm in args[1:]:
            take = missing & ~bm
            num[take], den[take] = bn[take], bd[take]
            missing = missing & bm
        return num, den, missing
    num, den, missing = (a.copy() for a in args[0])
    for other in args[1:]:
        s = sign_of_difference(other, (num, den, missing))
        take = (s < 0) if node.func == "min" else (s > 0)
        num[take], den[take] = other[0][take], other[1][take]
        missing = missing | other[2]
    return num, den, missing
