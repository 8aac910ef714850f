"""Explanations of indicator points and improvement advice computed by re-scoring a what-if.

Advice: for one enterprise, each indicator gets a realistic target — the start of the next better
band, the stage cohort's next quartile (percentile, min–max, linear), "yes" for a yes/no
indicator, or the cohort median for a missing value — and the indicator is re-scored with the
enterprise's value replaced (cohort rules see the changed cohort), then the category caps and
aggregation are applied again. The gain is the change of the total, not an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

import numpy as np

from scoring.engine import aggregate_categories_for
from scoring.rules import Bands, Deduction, Input, MinMax, Percentile, RuleInput, YesNo
from scoring.schema import STAGES, Indicator, IndicatorSystem
from scoring.stages import STAGE_CODES, format_value

POLICY_TEXT = {"zero": "按 0 分计", "cohort_min": "按同阶段最低水平计", "cohort_median": "按同阶段中位水平计"}


class ScoredCohort(Protocol):
    """What advice needs of a run: formula values and points of every enterprise."""

    usccs: np.ndarray
    codes: list[str]
    values: np.ndarray  # (indicators, enterprises)
    points: np.ndarray
    stage: np.ndarray  # index into STAGE_CODES


@dataclass(frozen=True)
class Advice:
    """One improvement: the indicator, from which value to which, and the points it adds."""

    indicator: str
    name: str
    kind: str  # next_band | next_quartile | yes | fill_missing
    current: float | None
    target: float
    points_now: float
    points_then: float
    gain: float
    text: str


def show_value(value: float | None, unit: str) -> str:
    """A formula value for people: shares as percentages."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "缺失"
    if unit == "%":
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    return f"{format_value(value)}{unit}"


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
) -> str:
    """One indicator's points in Chinese: formula, value, the band or cohort figures, points."""
    parts = [f"公式：{ind.formula}"]
    if missing:
        policy = ind.missing or system.missing
        parts.append(f"数据缺失（{POLICY_TEXT[policy]}）")
    else:
        parts.append(f"数值：{show_value(value, ind.unit)}")
    rule = ind.rule
    if isinstance(rule, Bands) and band is not None and band >= 0:
        b = rule.bands[band]
        parts.append(f"落在分档 {b.range.text}（该档 {b.points:g} 分，最高档 {rule.max_points():g} 分）")
    elif isinstance(rule, (Percentile, MinMax)) and cohort:
        label = STAGES[stage]
        parts.append(
            f"{label}同类企业 {int(cohort.get('n', 0))} 家：下四分位 {show_value(cohort.get('p25'), ind.unit)}，"
            f"中位数 {show_value(cohort.get('p50'), ind.unit)}，上四分位 {show_value(cohort.get('p75'), ind.unit)}，"
            f"最高 {show_value(cohort.get('max'), ind.unit)}"
        )
        if isinstance(rule, Percentile) and not missing:
            parts.append(f"优于同阶段 {normalized * 100:.1f}% 的企业")
    elif isinstance(rule, YesNo):
        parts.append("满足" if normalized > 0 else "不满足")
    elif isinstance(rule, Deduction):
        parts.append(f"扣分（最多扣 {weight:g} 分）")
    elif isinstance(rule, Input):
        parts.append("专家评审给分")
    parts.append(f"权重 {weight:g}，得分 {points:g}")
    return "；".join(parts)


def improvements(
    system: IndicatorSystem, run: ScoredCohort, uscc: str, *, top: int = 5
) -> list[Advice]:
    """The indicators where a realistic improvement adds the most points, largest first."""
    i = int(np.flatnonzero(run.usccs == uscc)[0])
    stage = int(run.stage[i])
    rows = np.flatnonzero(run.stage == stage)
    me = int(np.flatnonzero(rows == i)[0])
    position = {code: k for k, code in enumerate(run.codes)}
    my_points = run.points[:, i].copy()
    if run.codes != [ind.code for ind in system.indicators]:
        raise ValueError("评分结果的指标顺序与指标体系不一致")
    cats = _category_points(system, my_points)
    category_of = {k: j for j, (_, reg, bon, ded) in enumerate(system.category_members) for k in (*reg, *bon, *ded)}
    out: list[Advice] = []
    for ind in system.indicators:
        if isinstance(ind.rule, (Input, Deduction)) or ind.weight(STAGE_CODES[stage]) == 0:
            continue
        k = position[ind.code]
        cohort = run.values[k, rows].astype(float)
        current = None if np.isnan(cohort[me]) else float(cohort[me])
        # The first of the two nearest candidates that re-scores to more points: reaching a value
        # that only ties the next enterprise can leave a percentile unchanged; further targets
        # would no longer be a realistic step.
        for kind, value in _targets(ind, current, cohort)[:2]:
            cohort_then = cohort.copy()
            cohort_then[me] = value
            new_points = _rescore(ind, cohort_then, me, STAGE_CODES[stage])
            points_then = my_points.copy()
            points_then[k] = new_points
            j = category_of[k]  # only this category can change: caps and alternatives included
            gain = round(_category(system.category_members[j], points_then) - cats[j], 6)
            if gain > 0:
                out.append(
                    Advice(
                        indicator=ind.code, name=ind.name, kind=kind, current=current, target=value,
                        points_now=float(my_points[k]), points_then=new_points, gain=gain,
                        text=_advice_text(ind, kind, current, value, gain),
                    )
                )
                break
    out.sort(key=lambda a: (-a.gain, a.indicator))
    return out[:top]


def _targets(ind: Indicator, current: float | None, cohort: np.ndarray) -> list[tuple[str, float]]:
    """Realistic targets, nearest first: next band(s), next quartile(s), yes, or the median."""
    present = cohort[~np.isnan(cohort)]
    if current is None:
        return [("fill_missing", float(np.median(present)))] if present.size else []
    rule = ind.rule
    higher = ind.direction == "higher"
    if isinstance(rule, YesNo):
        return [("yes", 1.0)] if current == 0 else []
    if isinstance(rule, Bands):
        now = next((b for b in rule.bands if b.range.contains(Fraction(repr(current)))), None)
        better = [b for b in rule.bands if now is None or b.points > now.points]
        edges = []
        for b in better:
            edge = _entry_point(b.range, higher, integral=ind.unit in ("件", "项", "人", "个"))
            if edge is not None and ((higher and edge > current) or (not higher and edge < current)):
                edges.append(edge)
        return [("next_band", e) for e in sorted(edges, key=lambda e: abs(e - current))]
    quartiles = np.quantile(present, [0.25, 0.5, 0.75, 1.0]) if present.size else []
    steps = sorted({float(q) for q in quartiles if (q > current if higher else q < current)}, key=lambda q: abs(q - current))
    return [("next_quartile", q) for q in steps]


def _entry_point(iv: object, higher: bool, *, integral: bool) -> float | None:
    """The first value inside a band when coming from below (or above, for less-is-better)."""
    lo, hi = getattr(iv, "lo"), getattr(iv, "hi")
    edge, closed = (lo, iv.lo_closed) if higher else (hi, iv.hi_closed)  # type: ignore[attr-defined]
    if edge is None:
        return None
    if closed:
        return float(edge)
    step = Fraction(1) if integral else Fraction(1, 10**4) * max(Fraction(1), abs(edge))
    return float(edge + step if higher else edge - step)


def _rescore(ind: Indicator, cohort: np.ndarray, me: int, stage: str) -> float:
    """The indicator's points for row `me` when the cohort's values are `cohort`."""
    if not ind.rule.uses_cohort:  # a value-only rule: no need to score the whole cohort
        cohort, me = cohort[me : me + 1], 0
    out = ind.rule.apply(
        RuleInput(values=cohort, cohorts=[np.arange(cohort.size)], higher_is_better=ind.direction == "higher")
    )
    norm = float(out.normalized[me])
    if math.isnan(norm):
        norm = 0.0
    return round(norm * ind.weight(stage), 6)


def _category(member: tuple[object, list[int], list[int], list[int]], points: np.ndarray) -> float:
    """One category's points for one enterprise (same rule as the engine's aggregation)."""
    return float(aggregate_categories_for(member, points))


def _category_points(system: IndicatorSystem, points: np.ndarray) -> list[float]:
    return [_category(m, points) for m in system.category_members]


def _advice_text(ind: Indicator, kind: str, current: float | None, target: float, gain: float) -> str:
    now, then = show_value(current, ind.unit), show_value(target, ind.unit)
    if kind == "fill_missing":
        return f"补报“{ind.name}”数据（按同阶段中位数 {then} 测算）可增加 {gain:g} 分"
    if kind == "yes":
        return f"满足“{ind.name}”可增加 {gain:g} 分"
    goal = "下一档" if kind == "next_band" else "同阶段下一个四分位"
    return f"将“{ind.name}”从 {now} 提高到 {then}（{goal}）可增加 {gain:g} 分"
