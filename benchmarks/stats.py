"""The one percentile definition every benchmark reports with (p50, p95, p99).

Definition (wrk's, `stats_percentile` in its src/stats.c): the q-th percentile of n samples is the
sample at rank ⌊q·n/100⌋ + 1 of the sorted samples (1-based, capped at n). It is always an observed
value, never an interpolation, and it is the smallest sample with more than q % of the samples at
or below it. The API benchmark's wrk runs report their percentiles this way from wrk's own
histogram, so figures from wrk and from the Python drivers compare directly.

Not numpy's default (linear interpolation between the two nearest ranks): for 20 samples numpy's
p95 lies between the 19th and 20th, this one is the 20th.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)
    10
    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)
    6
    >>> percentiles([3, 1, 2], 50, 100)
    [2, 3]

Benchmarks are scripts, not a package: `python benchmarks/x.py` puts this folder first on
`sys.path`, so they import it as `from stats import percentile`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import TypeVar

T = TypeVar("T", int, float)

__all__ = ["percentile", "percentiles"]


def _rank(q: float, n: int) -> int:
    # Exact arithmetic: 0.95 * 100 in floats can land just under 95 and pick the wrong sample.
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    return min(n, math.floor(Fraction(q) * n / 100) + 1)


def percentiles(values: Iterable[T], *qs: float) -> list[T]:
    """The samples at the given percentiles (see the module docstring); NaN for no samples."""
    ordered = sorted(values)
    if not ordered:
        return [math.nan for _ in qs]  # type: ignore[misc]
    return [ordered[_rank(q, len(ordered)) - 1] for q in qs]


def percentile(values: Iterable[T], q: float) -> T:
    """The q-th percentile (0–100) of the samples: the one at rank ⌊q·n/100⌋ + 1 of the sorted samples."""
    return percentiles(values, q)[0]
