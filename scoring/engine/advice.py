"""Improvement advice for every enterprise of a run at once, computed when the run is published.

For each enterprise each indicator gets up to two realistic targets, nearest first: the start of
the next better band(s), the better level(s), "yes" for a yes/no indicator, the stage cohort's next
quartile(s) (percentile, min–max, linear), or the cohort median for a missing value. The indicator
is re-scored with the enterprise's value replaced (cohort rules see the changed cohort), then the
category caps and aggregation are applied again: the gain is the change of the total, not an
estimate. Of an indicator's two targets the nearer one that gains counts (reaching a value that
only ties the next enterprise can leave a percentile unchanged).

Vectorised: every step is numpy over a whole stage cohort per indicator and target slot, never a
loop over enterprises. A percentile what-if counts the others strictly below the target by binary
search in the cohort's sorted values, less the enterprise itself; a min–max what-if takes the
cohort's extremes without the enterprise. The result is exactly the per-enterprise re-scoring
(`tests/scoring/advice_reference.py`, checked on every enterprise of a real run).

Disclosure: targets taken from other enterprises' values (quartiles; the median for a missing
value) are only offered for an indicator with at least `min_group` known values in the stage
cohort (a smaller group's quartile would reveal a firm's figure), and the cohort's maximum or
minimum (one firm's exact figure) is never a target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

import numpy as np
import pandas as pd

from scoring.engine.engine import aggregate_categories, aggregate_categories_for
from scoring.engine.explain import show_indicator_value
from scoring.engine.stages import STAGE_CODES
from scoring.formula.significant import significant
from scoring.systems.rules import (
    Bands,
    Deduction,
    Input,
    Interval,
    Levels,
    MinMax,
    Percentile,
    RuleInput,
    YesNo,
)
from scoring.systems.schema import Indicator, IndicatorSystem
from scoring.systems.words import points as fmt_points

TOP = 5  # improvements a run keeps per enterprise: what a portrait shows
KINDS = ("next_band", "next_quartile", "yes", "fill_missing")
NEXT_BAND, NEXT_QUARTILE, YES, FILL_MISSING = range(len(KINDS))
COUNT_UNITS = ("件", "项", "人", "个")  # whole numbers: the first value above an open edge is edge + 1


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
            t, kd = _targets(ind, values, known, min_group=min_group)
            target[:, k, rows], kind[:, k, rows] = t, kd
            then[:, k, rows] = _rescore(ind, values, t, weight)
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


def _targets(ind: Indicator, values: np.ndarray, known: np.ndarray | None, *, min_group: int) -> tuple[np.ndarray, np.ndarray]:
    """The two nearest realistic targets of every enterprise of one cohort (NaN: none) and their kinds."""
    n = values.size
    t = np.full((2, n), np.nan)
    kd = np.zeros((2, n), dtype=np.int8)
    missing = np.isnan(values)
    present = values[~missing]
    from_cohort = present.size >= min_group
    rule, higher = ind.rule, ind.direction == "higher"
    if from_cohort and missing.any():  # the median of the others, as if the value were reported
        median = (float(np.median(present)) if present.size else np.nan) if known is None else float(known[1])
        t[0, missing], kd[0, missing] = median, FILL_MISSING
    have = ~missing
    c = values[have]
    if isinstance(rule, YesNo):
        no = have.copy()
        no[have] = c == 0
        t[0, no], kd[0, no] = 1.0, YES
        return t, kd
    if isinstance(rule, Levels):  # the value is the level's points: the better levels, nearest first
        steps = np.array(sorted({level.points for level in rule.levels}), dtype=float)
        _place(t, kd, have, _next_two(steps, c, higher=True), NEXT_BAND)
        return t, kd
    if isinstance(rule, Bands):
        _place(t, kd, have, _band_entries(ind, rule, c, higher), NEXT_BAND)
        return t, kd
    if not from_cohort:
        return t, kd
    if known is None:
        quartiles = np.quantile(present, [0.25, 0.5, 0.75]) if present.size else np.zeros(0)
    else:
        quartiles = known[~np.isnan(known)]
    steps = np.unique(np.asarray(quartiles, dtype=float))
    _place(t, kd, have, _next_two(steps, c, higher=higher), NEXT_QUARTILE)
    return t, kd


def _place(t: np.ndarray, kd: np.ndarray, rows: np.ndarray, pair: np.ndarray, kind: int) -> None:
    t[:, rows] = pair
    kd[:, rows] = kind


def _next_two(steps: np.ndarray, c: np.ndarray, *, higher: bool) -> np.ndarray:
    """Of ascending distinct `steps`, the two nearest strictly better than each value (NaN: none)."""
    out = np.full((2, c.size), np.nan)
    if not steps.size:
        return out
    padded = np.r_[np.nan, steps, np.nan]  # index 0 and len+1 stand for "none"
    if higher:
        first = np.searchsorted(steps, c, side="right") + 1
        out[0], out[1] = padded[first], padded[np.minimum(first + 1, steps.size + 1)]
    else:
        first = np.searchsorted(steps, c, side="left")
        out[0], out[1] = padded[first], padded[np.maximum(first - 1, 0)]
    return out


def _band_entries(ind: Indicator, rule: Bands, c: np.ndarray, higher: bool) -> np.ndarray:
    """The entry values of the better bands beyond each value, the two nearest first (NaN: none)."""
    integral = ind.unit in COUNT_UNITS
    entry = np.array([np.nan if (e := _entry_point(b.range, higher, integral=integral)) is None else e
                      for b in rule.bands])
    band_points = np.array([b.points for b in rule.bands])
    now = _band_of(rule, c)
    now_points = np.where(now >= 0, band_points[np.maximum(now, 0)], -np.inf)
    with np.errstate(invalid="ignore"):
        beyond = (entry[None, :] > c[:, None]) if higher else (entry[None, :] < c[:, None])
    ok = (band_points[None, :] > now_points[:, None]) & beyond  # NaN entries are never beyond
    distance = np.where(ok, np.abs(entry[None, :] - c[:, None]), np.inf)
    order = np.argsort(distance, axis=1, kind="stable")[:, :2]  # ties: the earlier band first
    out = np.full((2, c.size), np.nan)
    for slot in range(min(2, entry.size)):
        pick = order[:, slot]
        found = np.isfinite(distance[np.arange(c.size), pick])
        out[slot, found] = entry[pick[found]]
    return out


def _band_of(rule: Bands, c: np.ndarray) -> np.ndarray:
    """The band holding each value as its shortest decimal (`repr`) says it (−1: none).

    A float compares with an edge as its decimal does, except when it is the edge's own float and
    that float's decimal is not the edge as written (an edge of more than 17 digits): only such
    values are looked up with fractions."""
    band = np.full(c.size, -1)
    for b, item in reversed(list(enumerate(rule.bands))):
        band[item.range.mask(c)] = b
    edges = {e for item in rule.bands for e in (item.range.lo, item.range.hi) if e is not None}
    unfaithful = [float(e) for e in edges if Fraction(repr(float(e))) != e]
    for i in np.flatnonzero(np.isin(c, unfaithful)):
        exact = Fraction(repr(float(c[i])))
        band[i] = next((b for b, item in enumerate(rule.bands) if item.range.contains(exact)), -1)
    return band


def _entry_point(iv: Interval, higher: bool, *, integral: bool) -> float | None:
    """The first value inside a band when coming from below (or above, for less-is-better)."""
    edge, closed = (iv.lo, iv.lo_closed) if higher else (iv.hi, iv.hi_closed)
    if edge is None:
        return None
    if closed:
        return float(edge)
    step = Fraction(1) if integral else Fraction(1, 10**4) * max(Fraction(1), abs(edge))
    return float(edge + step if higher else edge - step)


def _rescore(ind: Indicator, values: np.ndarray, targets: np.ndarray, weight: float) -> np.ndarray:
    """Each enterprise's points on the indicator if its value alone were each target (NaN: no target)."""
    higher = ind.direction == "higher"
    has = ~np.isnan(targets)
    norm = np.full(targets.shape, np.nan)
    if isinstance(ind.rule, Percentile):
        norm[has] = _percentile_if(values, targets, has, higher)[has]
    elif isinstance(ind.rule, MinMax):
        norm[has] = _minmax_if(values, targets, has, higher)[has]
    elif ind.rule.uses_cohort:  # pragma: no cover - a new cohort rule needs its own what-if here
        raise NotImplementedError(f"{ind.rule.kind} 规则尚无提分测算")
    elif has.any():  # a value-only rule scores each target alone
        scored = ind.rule.apply(RuleInput(values=targets[has], cohorts=[np.arange(int(has.sum()))], higher_is_better=higher))
        norm[has] = scored.normalized
    return np.where(has, round6(np.where(np.isnan(norm), 0.0, norm) * weight), np.nan)


def round6(x: np.ndarray) -> np.ndarray:
    """Python's `round(v, 6)` of every value (the decimal correctly rounded, half to even), which
    `np.round` (scale, round, unscale) misses when the scaled product lands near a half: such rare
    values are rounded one by one."""
    scaled = x * 1e6
    out = np.rint(scaled) / 1e6
    with np.errstate(invalid="ignore"):
        near = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6
    out[near] = [round(v, 6) for v in x[near].tolist()]
    return out


def _percentile_if(values: np.ndarray, targets: np.ndarray, has: np.ndarray, higher: bool) -> np.ndarray:
    """The percentile rule's score of each enterprise if its value were the target: the others
    strictly worse, over the known values less one."""
    mine = np.broadcast_to(values, targets.shape)
    known = ~np.isnan(mine)
    present = np.sort(values[~np.isnan(values)])
    t = np.where(has, targets, 0.0)
    with np.errstate(invalid="ignore"):
        if higher:
            below = np.searchsorted(present, t, side="left") - (known & (mine < t))
        else:
            below = (present.size - np.searchsorted(present, t, side="right")) - (known & (mine > t))
    size = present.size + (~known).astype(np.int64)  # a missing value joins the cohort with its target
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(size == 1, 1.0, below / (size - 1))


def _minmax_if(values: np.ndarray, targets: np.ndarray, has: np.ndarray, higher: bool) -> np.ndarray:
    """The min–max rule's score of each enterprise if its value were the target: the cohort's
    extremes without the enterprise, widened by the target."""
    known = np.flatnonzero(~np.isnan(values))
    lo_others = np.full(values.size, np.nan)
    hi_others = np.full(values.size, np.nan)
    if known.size:
        order = known[np.argsort(values[known], kind="stable")]
        first, last = order[0], order[-1]
        lo_others[:] = values[first]
        hi_others[:] = values[last]
        if known.size > 1:
            lo_others[first], hi_others[last] = values[order[1]], values[order[-2]]
        else:
            lo_others[first] = hi_others[last] = np.nan
    t = np.where(has, targets, 0.0)
    lo = np.fmin(lo_others, t)  # fmin/fmax: no other known value leaves the target alone
    hi = np.fmax(hi_others, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (t - lo) / (hi - lo)
    return np.where(hi == lo, 0.0, frac if higher else 1.0 - frac)


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
