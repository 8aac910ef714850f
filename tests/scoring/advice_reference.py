"""The per-enterprise what-if advice as it was computed for every portrait until issue 11 item 23:
the reference that `scoring.engine.advice.cohort_advice` (vectorised, at publish time) must equal
exactly, for every enterprise. Kept verbatim (only its imports changed); not used in production.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from scoring.engine.advice import Advice, ScoredCohort, make_advice
from scoring.engine.engine import aggregate_categories
from scoring.engine.stages import STAGE_CODES
from scoring.systems.rules import Bands, Deduction, Input, Interval, Levels, RuleInput, YesNo
from scoring.systems.schema import Indicator, IndicatorSystem


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
        out.append(make_advice(
            ind, kind, current=current, target=value, points_now=float(my_points[k]), points_then=pts, gain=gain,
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
