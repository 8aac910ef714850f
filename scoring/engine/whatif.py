"""What-ifs of one indicator over a whole stage cohort at once: every enterprise's realistic
targets and the points each would score (used by `scoring.engine.advice`).

Targets, nearest first, at most two per enterprise: the start of the next better band(s), the
better level(s), "yes" for a yes/no indicator, the cohort's next quartile(s) (percentile, min–max,
linear), or the cohort median for a missing value; quartiles and the median only for an indicator
with `min_group` known values in the cohort, and never the cohort's maximum. Re-scoring changes
only the enterprise's own value: a percentile counts the others strictly below the target by binary
search in the cohort's sorted values, a min–max takes the cohort's extremes without the
enterprise; value-only rules score the targets alone. Points are rounded as Python's `round(x, 6)`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from scoring.systems.rules import Bands, Interval, Levels, MinMax, Percentile, RuleInput, YesNo
from scoring.systems.schema import Indicator

KINDS = ("next_band", "next_quartile", "yes", "fill_missing")
NEXT_BAND, NEXT_QUARTILE, YES, FILL_MISSING = range(len(KINDS))
COUNT_UNITS = ("件", "项", "人", "个")  # whole numbers: the first value above an open edge is edge + 1


def targets(
    ind: Indicator, values: np.ndarray, known: np.ndarray | None, *, min_group: int
) -> tuple[np.ndarray, np.ndarray]:
    """The two nearest realistic targets of every enterprise of one cohort (NaN: none) and their
    kinds (index into KINDS). `known`: the cohort's p25, p50, p75 as the run keeps them (NaN where
    it keeps none: no quartile target, no median to fill), or None to compute numpy's here."""
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


def rescore(ind: Indicator, values: np.ndarray, targets: np.ndarray, weight: float) -> np.ndarray:
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


__all__ = ["COUNT_UNITS", "KINDS", "rescore", "round6", "targets"]
