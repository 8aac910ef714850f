"""A score result as a table for people: Chinese headers, names, stages, 是/否, points, percentages.

Columns: 统一社会信用代码, 企业名称 (when the input had one), 成长阶段 (初创期 …), 阶段判定依据, 总分,
阶段内排名, 优于同阶段企业, then per verdict its name (是/否) and 依据, per category its points (and
for a category whose alternative the enterprise declares, 口径: which one counted and why),
per indicator its value and its points, and 缺失数据 — the blank cells of fields the system needs.

Points are stored as computed and shown with 2 decimals (CSV: written with 2 decimals). A
percentage (an indicator whose unit is %) is worked out from the exact decimal inputs
(`scoring.formula.exact`), not from the binary float: 0.7 / 5.6 is 12.5 %, never 12.499999 %; a
share that does not end within 4 decimals of a percent is rounded to 2 and marked ≈ (≈33.33 %).
A missing indicator value reads 缺失 and how it was scored (缺失（按 0 分计）).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from scoring.engine.engine import ScoreResult
from scoring.engine.explain import POLICY_TEXT
from scoring.engine.inputs import build_env
from scoring.errors import ExpressionError
from scoring.excel.writer import POINTS, Column, Sheet
from scoring.formula import exact, expr
from scoring.systems.rules import YesNo
from scoring.systems.schema import STAGES, Indicator

__all__ = ["exact_shares", "percent_text", "result_sheet"]

YES, NO = "是", "否"
_PLACES = 4  # decimals of a percent shown exactly (29.9975 %); longer ones are rounded to 2


def percent_text(share: Fraction) -> str:
    """A share as people read it: 1/8 → '12.5 %', 1/3 → '≈33.33 %', -1/20 → '−5 %'."""
    pct = share * 100
    sign = "−" if pct < 0 else ""  # a typographic minus: text starting with '-' reads as a formula
    pct = abs(pct)
    scaled = pct * 10**_PLACES
    if scaled.denominator == 1:
        return f"{sign}{_plain(Decimal(scaled.numerator).scaleb(-_PLACES))} %"
    rounded = (Decimal(pct.numerator) / Decimal(pct.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"≈{sign}{_plain(rounded)} %"


def _plain(d: Decimal) -> str:
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def exact_shares(result: ScoreResult, frames: Mapping[int, pd.DataFrame]) -> dict[str, list[Fraction | None]]:
    """Exact values of the percentage indicators (unit %), per enterprise; None where missing."""
    shares = [ind for ind in result.system.indicators if ind.unit == "%"]
    if not shares:
        return {}
    env, _ = build_env(result.system, frames, year=result.year)
    columns = dict(env.columns)
    for k, code in enumerate(result.codes):  # formulas may read other indicators' values
        columns[(f"val.{code}", 0)] = result.values[k]
    env = expr.ArrayEnv(columns, result.size)
    rows = np.arange(result.size)
    out: dict[str, list[Fraction | None]] = {}
    for ind in shares:
        k = result.codes.index(ind.code)
        floats = result.values[k]
        try:
            num, den, missing = exact.evaluate_rows(expr.parse(ind.formula).root, env, rows)
        except ExpressionError:  # a formula the exact evaluator cannot take: the float's shortest decimal
            num, den, missing = exact.decimals(floats)
        out[ind.code] = [
            None if np.isnan(f) else Fraction(repr(float(f))) if m else Fraction(int(n), int(d))
            for f, n, d, m in zip(floats, num, den, missing, strict=True)
        ]
    return out


def result_sheet(
    result: ScoreResult,
    *,
    names: Mapping[str, str] | None,
    missing: Mapping[str, Sequence[str]],
    shares: Mapping[str, Sequence[Fraction | None]],
) -> Sheet:
    """The result table: one row per enterprise, in the input's order."""
    system = result.system
    columns = [Column("统一社会信用代码", 22)]
    if names is not None:
        columns.append(Column("企业名称", 36))
    columns += [Column("成长阶段", 10), Column("阶段判定依据", 36), Column("总分", 8, POINTS),
                Column("阶段内排名", 10), Column("优于同阶段企业", 14)]
    for v in system.verdicts:
        columns += [Column(v.name, 12), Column(f"{v.name}·依据", 40)]
    for c in system.categories:
        columns.append(Column(f"{c.name}（满分 {c.max_points:g}）", 12, POINTS))
        if c.choice is not None:  # which alternative counted: the declared one, or the best
            columns.append(Column(f"{c.name}·口径", 40))
    for ind in system.indicators:
        unit = f"（{ind.unit}）" if ind.unit and ind.unit != "%" else ""
        columns += [Column(f"{ind.code} {ind.name}{unit}", 16), Column(f"{ind.code} 得分", 10, POINTS)]
    columns.append(Column("缺失数据", 40))
    rows = (_row(result, i, system.indicators, names, missing, shares) for i in range(result.size))
    return Sheet("评分结果", columns, rows)


def _row(
    result: ScoreResult, i: int, indicators: Sequence[Indicator], names: Mapping[str, str] | None,
    missing: Mapping[str, Sequence[str]], shares: Mapping[str, Sequence[Fraction | None]],
) -> list[Any]:
    uscc = str(result.usccs[i])
    row: list[Any] = [uscc]
    if names is not None:
        row.append(names.get(uscc, ""))
    pct = float(result.percentile[i])
    row += [STAGES[result.stage_code(i)], result.stage_reason(i), float(result.total[i]), int(result.rank[i]),
            percent_text(Fraction(repr(pct)) / 100)]
    for v in result.system.verdicts:
        row += [YES if result.verdicts[v.code][i] == 1 else NO, result.route_text(v.code, i)]
    for j, c in enumerate(result.system.categories):
        row.append(float(result.category_points[j, i]))
        if c.choice is not None:
            row.append(result.choice_text(c.code, i))
    for k, ind in enumerate(indicators):
        row += [_value(result, ind, k, i, shares), float(result.points[k, i])]
    row.append("、".join(missing.get(uscc, ())))
    return row


def _value(result: ScoreResult, ind: Indicator, k: int, i: int, shares: Mapping[str, Sequence[Fraction | None]]) -> Any:
    """An indicator's value cell: 缺失（…）, 是/否, an exact percentage, or the number."""
    v = float(result.values[k, i])
    if result.missing[k, i]:
        return f"缺失（{POLICY_TEXT[ind.missing or result.system.missing]}）"
    if isinstance(ind.rule, YesNo):
        return YES if v != 0 else NO
    column = shares.get(ind.code)
    share = column[i] if column is not None else None
    return percent_text(share) if share is not None else v
