"""Explanations of indicator points in words (improvement advice: `scoring.engine.advice`).

Disclosure: what an enterprise reads about its cohort are aggregates no single firm sets — the
quartiles and the mean, of cohorts with at least `MIN_GROUP` non-missing values. The cohort's
maximum and minimum (one firm's exact figure) are never shown (nor used as an advice target).
"""

from __future__ import annotations

import math

from scoring.disclosure import MIN_GROUP
from scoring.systems.rules import Bands, Deduction, Input, Levels, Linear, MinMax, Percentile, YesNo
from scoring.systems.schema import STAGES, Indicator, IndicatorSystem
from scoring.systems.words import default_formula_words, number, percent, quantity
from scoring.systems.words import points as fmt_points

POLICY_TEXT = {"zero": "按 0 分计", "cohort_min": "按同阶段最低水平计", "cohort_median": "按同阶段中位水平计"}


def show_value(value: float | None, unit: str) -> str:
    """A formula value for people: shares as percentages (`55 %`), 缺失 for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "缺失"
    return quantity(value, unit)


def show_indicator_value(ind: Indicator, value: float | None) -> str:
    """The value of an indicator: a level by its name (`“B”`), others with their unit."""
    if isinstance(ind.rule, Levels) and value is not None and not math.isnan(value):
        return ind.rule.label(value)
    return show_value(value, ind.unit)


def explain(
    system: IndicatorSystem,
    ind: Indicator,
    *,
    stage: str,
    value: float | None,
    normalized: float,
    points: float,
    weight: float,
    missing: bool,
    band: int | None,
    cohort: dict[str, float] | None = None,
    min_group: int = MIN_GROUP,
) -> str:
    """One indicator's points in Chinese: formula in words, value, the band or cohort figures
    (quartiles and mean; none for fewer than `min_group` non-missing values), points (2 decimals)."""
    parts = [f"公式：{default_formula_words(ind.formula)}"]
    rule = ind.rule
    if missing:
        policy = ind.missing or system.missing
        parts.append(f"数据缺失（{POLICY_TEXT[policy]}）")
    elif isinstance(rule, Levels):
        parts.append(f"等级：{show_indicator_value(ind, value)}（该级 {number(value)} 分，最高 {number(rule.max_points())} 分）")
    elif not isinstance(rule, YesNo):  # a yes/no value is said by 满足/不满足 below
        parts.append(f"数值：{show_value(value, ind.unit)}")
    if isinstance(rule, Bands) and band is not None and band >= 0:
        b = rule.bands[band]
        parts.append(f"落在分档 {b.range.words(ind.unit)}（该档 {number(b.points)} 分，最高档 {number(rule.max_points())} 分）")
    elif isinstance(rule, (Percentile, MinMax)) and cohort:
        label, known = STAGES[stage], int(cohort.get("n") or 0)
        if known >= min_group:
            parts.append(
                f"{label}同类企业 {known} 家：下四分位 {show_value(cohort.get('p25'), ind.unit)}，"
                f"中位数 {show_value(cohort.get('p50'), ind.unit)}，上四分位 {show_value(cohort.get('p75'), ind.unit)}，"
                f"平均 {show_value(cohort.get('mean'), ind.unit)}"
            )
        else:  # a figure of so few firms could be worked back to one of them
            parts.append(f"{label}有该项数据的同类企业不足 {min_group} 家，不显示同类企业数据")
        if isinstance(rule, Percentile) and not missing:
            parts.append(f"优于同阶段 {percent(normalized, decimals=1)} 的企业")
    elif isinstance(rule, YesNo):
        parts.append("满足" if normalized > 0 else "不满足")
    elif isinstance(rule, Linear):
        parts.append(rule.describe(unit=ind.unit))
    elif isinstance(rule, Deduction):
        parts.append(f"扣分（最多扣 {number(weight)} 分）")
    elif isinstance(rule, Input):
        parts.append("专家评审给分")
    parts.append(f"权重 {number(weight)}，得分 {fmt_points(points)}")
    return "；".join(parts)
