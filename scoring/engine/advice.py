"""Improvement advice for every enterprise of a run at once, computed when the run is published.

For each enterprise each indicator gets up to two realistic targets, nearest first: the start of
the next better band(s), the better level(s), "yes" for a yes/no indicator, the stage cohort's next
quartile(s) (percentile, min–max, linear), or the cohort median for a missing value. The indicator
is re-scored with the enterprise's value replaced (cohort rules see the changed cohort), then the
category caps and aggregation are applied again: the gain is the change of the total, not an
estimate. Of an indicator's two targets the nearer one that gains counts (reaching a value that
only ties the next enterprise can leave a percentile unchanged).

Vectorised: every step is numpy over a whole stage cohort per indicator and target slot
(`scoring.engine.whatif`), then one re-aggregation per indicator and slot for all enterprises,
never a loop over enterprises. The result is exactly the per-enterprise re-scoring
(`tests/scoring/advice_reference.py`, checked on every enterprise of a real run).

Disclosure: targets taken from other enterprises' values (quartiles; the median for a missing
value) are only offered for an indicator with at least `min_group` known values in the stage
cohort (a smaller group's quartile would reveal a firm's figure), and the cohort's maximum or
minimum (one firm's exact figure) is never a target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from scoring.engine.engine import aggregate_categories, aggregate_categories_for
from scoring.engine.explain import show_indicator_value
from scoring.engine.stages import STAGE_CODES
from scoring.engine.whatif import KINDS, rescore, targets
from scoring.formula.significant import significant
from scoring.systems.rules import Deduction, Input
from scoring.systems.schema import Indicator, IndicatorSystem
from scoring.systems.words import points as fmt_points

TOP = 5  # improvements a run keeps per enterprise: what a portrait shows


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


@dataclass(frozen=True)
class AdviceTable:
    """Every enterprise's advice as parallel arrays, at most one entry per enterprise and
    indicator; ordered by enterprise, then largest gain first, then indicator code."""

    firm: np.ndarray  # row of the enterprise in the run's arrays
    indicator: np.ndarray  # row of the indicator in the system
    kind: np.ndarray  # index into KINDS
    current: np.ndarray  # NaN: missing
    target: np.ndarray
    points_now: np.ndarray
    points_then: np.ndarray
    gain: np.ndarray

    def __len__(self) -> int:
        return int(self.firm.size)

    @classmethod
    def empty(cls) -> AdviceTable:
        """No advice at all."""
        return cls(*(np.zeros(0, dtype=np.int64) for _ in range(3)), *(np.zeros(0) for _ in range(5)))

    def position(self) -> np.ndarray:
        """Each entry's rank within its enterprise's advice (0 = the largest gain)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, self.firm[1:] != self.firm[:-1]])
        return np.arange(len(self)) - np.repeat(starts, np.diff(np.r_[starts, len(self)]))

    def for_firm(self, system: IndicatorSystem, firm: int, *, top: int | None = None) -> list[Advice]:
        """One enterprise's advice, largest gain first (at most `top`)."""
        lo, hi = np.searchsorted(self.firm, [firm, firm + 1])
        hi = hi if top is None else min(hi, lo + top)
        return [
            make_advice(
                system.indicators[int(self.indicator[e])], KINDS[int(self.kind[e])],
                current=None if math.isnan(self.current[e]) else float(self.current[e]),
                target=float(self.target[e]), points_now=float(self.points_now[e]),
                points_then=float(self.points_then[e]), gain=float(self.gain[e]),
            )
            for e in range(lo, hi)
        ]


def make_advice(
    ind: Indicator, kind: str, *, current: float | None, target: float, points_now: float, points_then: float,
    gain: float,
) -> Advice:
    """An advice as people read it: values to 15 significant digits, the sentence in Chinese."""
    now, then, more = show_indicator_value(ind, current), show_indicator_value(ind, target), fmt_points(gain)
    if kind == "fill_missing":
        text = f"补报“{ind.name}”数据（按同阶段中位数 {then} 测算）可增加 {more} 分"
    elif kind == "yes":
        text = f"满足“{ind.name}”可增加 {more} 分"
    else:
        goal = "下一档" if kind == "next_band" else "同阶段下一个四分位"
        text = f"将“{ind.name}”从 {now} 提高到 {then}（{goal}）可增加 {more} 分"
    return Advice(
        indicator=ind.code, name=ind.name, kind=kind, current=significant(current), target=significant(target),
        points_now=points_now, points_then=points_then, gain=gain, text=text,
    )


def stats_quartiles(system: IndicatorSystem, stats: pd.DataFrame) -> np.ndarray:
    """The run's cohort quartiles as advice reads them: (indicators, stages, 3) of p25, p50, p75,
    NaN where the run keeps none (bands, yes/no, levels: no quartile target, no median to fill)."""
    out = np.full((len(system.indicators), len(STAGE_CODES), 3), np.nan)
    if stats.empty:
        return out
    k = stats["indicator"].map({ind.code: i for i, ind in enumerate(system.indicators)}).to_numpy()
    s = stats["stage"].map({code: i for i, code in enumerate(STAGE_CODES)}).to_numpy()
    out[k, s] = stats[["p25", "p50", "p75"]].to_numpy(dtype=float, na_value=np.nan)
    return out


def cohort_advice(
    system: IndicatorSystem, run: ScoredCohort, *, quartiles: np.ndarray | None = None, min_group: int = 1,
    top: int | None = None,
) -> AdviceTable:
    """Every enterprise's improvements (at most `top` each), each indicator's first gaining
    target, largest gain first.

    `quartiles` (`stats_quartiles`: the run's nearest-rank cohort quartiles, whose median is also
    the value a missing one is advised at) are the cohort targets; without them they are computed
    here (numpy's interpolated quartiles and median). Cohort targets are left out for an indicator
    with fewer than `min_group` known values in the stage cohort.
    """
    if run.codes != [ind.code for ind in system.indicators]:
        raise ValueError("评分结果的指标顺序与指标体系不一致")
    n_ind, n = run.values.shape
    cohorts = [np.flatnonzero(run.stage == s) for s in range(len(STAGE_CODES))]
    points = np.asarray(run.points, dtype=float)
    cats = aggregate_categories(system, points)
    total_now = cats.sum(axis=0)
    members = system.category_members
    row_category = np.full(n_ind, -1)
    for j, (_, regular, bonus, deductions) in enumerate(members):
        row_category[regular + bonus + deductions] = j
    # Per indicator and target slot: the target, its kind and points, NaN where there is none.
    target = np.full((2, n_ind, n), np.nan)
    kind = np.zeros((2, n_ind, n), dtype=np.int8)
    then = np.full((2, n_ind, n), np.nan)
    for k, ind in enumerate(system.indicators):
        if isinstance(ind.rule, (Input, Deduction)):
            continue
        for s, rows in enumerate(cohorts):
            weight = ind.weight(STAGE_CODES[s])
            if not rows.size or weight == 0:
                continue
            values = run.values[k, rows].astype(float)
            known = None if quartiles is None else quartiles[k, s]
            t, kd = targets(ind, values, known, min_group=min_group)
            target[:, k, rows], kind[:, k, rows] = t, kd
            then[:, k, rows] = rescore(ind, values, t, weight)
    # Gains: the total with one indicator's points replaced, all enterprises at once per slot.
    gain = np.full((2, n_ind, n), np.nan)
    work = points.copy()
    for k in range(n_ind):
        j = row_category[k]
        for slot in range(2):
            has = ~np.isnan(target[slot, k])
            if j < 0 or not has.any():
                continue
            work[k] = np.where(has, then[slot, k], points[k])
            changed = cats.copy()
            changed[j] = aggregate_categories_for(members[j], work)
            gain[slot, k] = np.where(has, np.round(changed.sum(axis=0) - total_now, 6), np.nan)
            work[k] = points[k]
    return _table(run, target, kind, then, gain, top=top)


def _table(
    run: ScoredCohort, target: np.ndarray, kind: np.ndarray, then: np.ndarray, gain: np.ndarray, *, top: int | None,
) -> AdviceTable:
    """Each indicator's first gaining target per enterprise, ordered for reading (`top` each)."""
    first = gain[0] > 0
    second = ~first & (gain[1] > 0)
    k, firm = np.nonzero(first | second)
    slot = np.where(second[k, firm], 1, 0)
    gains = gain[slot, k, firm]
    code_rank = np.argsort(np.argsort(np.array(run.codes, dtype=object), kind="stable"), kind="stable")
    order = np.lexsort((code_rank[k], -gains, firm))
    k, firm, slot, gains = k[order], firm[order], slot[order], gains[order]
    table = AdviceTable(
        firm=firm, indicator=k, kind=kind[slot, k, firm], current=run.values[k, firm].astype(float),
        target=target[slot, k, firm], points_now=np.asarray(run.points, dtype=float)[k, firm],
        points_then=then[slot, k, firm], gain=gains,
    )
    if top is None:
        return table
    keep = table.position() < top
    return AdviceTable(**{name: getattr(table, name)[keep] for name in table.__dataclass_fields__})


__all__ = ["KINDS", "TOP", "Advice", "AdviceTable", "ScoredCohort", "cohort_advice", "make_advice", "stats_quartiles"]
