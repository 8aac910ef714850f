"""Explanations of indicator points and improvement advice computed by re-scoring a what-if.

Advice: for one enterprise, each indicator gets a realistic target — the start of the next better
band, the stage cohort's next quartile (percentile, min–max, linear), "yes" for a yes/no
indicator, or the cohort median for a missing value — and the indicator is re-scored with the
enterprise's value replaced (cohort rules see the changed cohort), then the category caps and
aggregation are applied again. The gain is the change of the total, not an estimate.

Disclosure: what an enterprise reads about its cohort are aggregates no single firm sets — the
quartiles and the mean, of cohorts with at least `MIN_GROUP` non-missing values. The cohort's
maximum and minimum (one firm's exact figure) are never shown nor used as an advice target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from scoring.disclosure import MIN_GROUP
from scoring.engine.engine import aggregate_categories
from scoring.engine.stages import STAGE_CODES
from scoring.formula.significant import significant
from scoring.systems.rules import (
    Bands,
    Deduction,
    Input,
    Interval,
    Levels,
    Linear,
    MinMax,
    Percentile,
    RuleInput,
    YesNo,
)
from scoring.systems.schema import STAGES, Indicator, IndicatorSystem
from scoring.systems.words import default_formula_words, number, percent, quantity
from scoring.systems.words import points as fmt_points

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


def improvements(
    system: IndicatorSystem,
    run: ScoredCohort,
    uscc: str,
    *,
    top: int = 5,
    quartiles: Mapping[str, tuple[float, float, float]] | None = None,
    cohort_targets: bool = True,
    min_group: int = 1,
) -> list[Advice]:
    """The indicators where a realistic improvement adds the most points, largest first.

    `quartiles` (p25, p50, p75 of the enterprise's stage cohort per indicator, as the run's
    cohort statistics hold them) saves recomputing them; without it they are computed here.
    Targets taken from other enterprises' values (quartiles, the median for a missing value) are
    left out with `cohort_targets=False`, and for an indicator with fewer than `min_group`
    non-missing values in the cohort: in a tiny cohort they would reveal individual figures.
    """
    i = int(np.flatnonzero(run.usccs == uscc)[0])
    stage = STAGE_CODES[int(run.stage[i])]
    rows = np.flatnonzero(run.stage == run.stage[i])
    me = int(np.flatnonzero(rows == i)[0])
    if run.codes != [ind.code for ind in system.indicators]:
        raise ValueError("评分结果的指标顺序与指标体系不一致")
    my_points = run.points[:, i].astype(float)
    # Candidates: the two nearest realistic targets of each indicator (reaching a value that only
    # ties the next enterprise can leave a percentile unchanged; further would not be a step).
    cands: list[tuple[int, str, float | None, str, float, float]] = []  # k, code, current, kind, target, points
    for k, ind in enumerate(system.indicators):
        if isinstance(ind.rule, (Input, Deduction)) or ind.weight(stage) == 0:
            continue
        cohort = run.values[k, rows].astype(float)
        current = None if np.isnan(cohort[me]) else float(cohort[me])
        known = quartiles.get(ind.code) if quartiles else None
        from_cohort = cohort_targets and int(np.count_nonzero(~np.isnan(cohort))) >= min_group
        targets = [t for t in _targets(ind, current, cohort, known) if from_cohort or t[0] in ("yes", "next_band")][:2]
        for (kind, value), pts in zip(targets, _rescore(ind, cohort, me, [v for _, v in targets], stage), strict=True):
            cands.append((k, ind.code, current, kind, value, pts))
    if not cands:
        return []
    # Re-aggregate every what-if at once: category caps and alternatives apply as in the engine.
    what_if = np.repeat(my_points[:, None], len(cands), axis=1)
    what_if[[c[0] for c in cands], np.arange(len(cands))] = [c[5] for c in cands]
    total_now = float(aggregate_categories(system, my_points[:, None]).sum())
    gains = np.round(aggregate_categories(system, what_if).sum(axis=0) - total_now, 6)
    out: list[Advice] = []
    done: set[str] = set()
    for (k, code, current, kind, value, pts), gain in zip(cands, gains.tolist(), strict=True):
        if code in done or gain <= 0:
            continue
        done.add(code)
        ind = system.indicators[k]
        out.append(Advice(
            indicator=code, name=ind.name, kind=kind, current=significant(current), target=significant(value),
            points_now=float(my_points[k]), points_then=pts, gain=gain,
            text=_advice_text(ind, kind, current, value, gain),
        ))
    out.sort(key=lambda a: (-a.gain, a.indicator))
    return out[:top]


def _targets(
    ind: Indicator, current: float | None, cohort: np.ndarray, known: tuple[float, ...] | None = None
) -> list[tuple[str, float]]:
    """Realistic targets, nearest first: next band(s), next quartile(s), yes, or the median
    (never the cohort's maximum: that is one firm's exact figure)."""
    if current is None:
        if known is not None:
            return [("fill_missing", float(known[1]))]
        present = cohort[~np.isnan(cohort)]
        return [("fill_missing", float(np.median(present)))] if present.size else []
    rule = ind.rule
    higher = ind.direction == "higher"
    if isinstance(rule, YesNo):
        return [("yes", 1.0)] if current == 0 else []
    if isinstance(rule, Levels):  # the value is the level's points: the better levels, nearest first
        steps = sorted({level.points for level in rule.levels if level.points > current})
        return [("next_band", p) for p in steps]
    if isinstance(rule, Bands):
        now = next((b for b in rule.bands if b.range.contains(Fraction(repr(current)))), None)
        better = [b for b in rule.bands if now is None or b.points > now.points]
        edges = []
        for b in better:
            edge = _entry_point(b.range, higher, integral=ind.unit in ("件", "项", "人", "个"))
            if edge is not None and ((higher and edge > current) or (not higher and edge < current)):
                edges.append(edge)
        return [("next_band", e) for e in sorted(edges, key=lambda e: abs(e - current))]
    if known is not None:
        quartiles: Any = known
    else:
        present = cohort[~np.isnan(cohort)]
        quartiles = np.quantile(present, [0.25, 0.5, 0.75]) if present.size else []
    steps = sorted({float(q) for q in quartiles if (q > current if higher else q < current)}, key=lambda q: abs(q - current))
    return [("next_quartile", q) for q in steps]


def _entry_point(iv: Interval, higher: bool, *, integral: bool) -> float | None:
    """The first value inside a band when coming from below (or above, for less-is-better)."""
    edge, closed = (iv.lo, iv.lo_closed) if higher else (iv.hi, iv.hi_closed)
    if edge is None:
        return None
    if closed:
        return float(edge)
    step = Fraction(1) if integral else Fraction(1, 10**4) * max(Fraction(1), abs(edge))
    return float(edge + step if higher else edge - step)


def _rescore(ind: Indicator, cohort: np.ndarray, me: int, targets: list[float], stage: str) -> list[float]:
    """The indicator's points for row `me` of the cohort if its value were each target."""
    higher = ind.direction == "higher"
    if not ind.rule.uses_cohort:  # a value-only rule: score the targets alone, in one call
        values = np.asarray(targets, dtype=float)
        norms = ind.rule.apply(RuleInput(values=values, cohorts=[np.arange(values.size)], higher_is_better=higher)).normalized.tolist()
    else:
        norms = []
        for target in targets:
            changed = cohort.copy()
            changed[me] = target
            out = ind.rule.apply(RuleInput(values=changed, cohorts=[np.arange(changed.size)], higher_is_better=higher))
            norms.append(float(out.normalized[me]))
    weight = ind.weight(stage)
    return [round((0.0 if math.isnan(n) else float(n)) * weight, 6) for n in norms]


def _advice_text(ind: Indicator, kind: str, current: float | None, target: float, gain: float) -> str:
    now, then, more = show_indicator_value(ind, current), show_indicator_value(ind, target), fmt_points(gain)
    if kind == "fill_missing":
        return f"补报“{ind.name}”数据（按同阶段中位数 {then} 测算）可增加 {more} 分"
    if kind == "yes":
        return f"满足“{ind.name}”可增加 {more} 分"
    goal = "下一档" if kind == "next_band" else "同阶段下一个四分位"
    return f"将“{ind.name}”从 {now} 提高到 {then}（{goal}）可增加 {more} 分"
