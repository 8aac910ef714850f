"""The one percentile definition the benchmarks report with (benchmarks/stats.py), and its use.

Reference cases are computed by hand, and against wrk's own rule (src/stats.c:
rank = round(p/100 · n + 0.5), the first value whose cumulative count reaches the rank).
"""

from __future__ import annotations

import doctest
import importlib.util
import math
import re
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _stats() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_stats", BENCHMARKS / "stats.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stats = _stats()


@pytest.mark.parametrize(("values", "q", "expected"), [
    (list(range(1, 21)), 95, 20),    # numpy's linear rule gives 19.05
    (list(range(1, 21)), 50, 11),    # numpy: 10.5
    (list(range(1, 101)), 95, 96),   # 95·100/100 = 95 exactly → rank 96 (0.95·100 in floats is not)
    (list(range(1, 101)), 99, 100),
    (list(range(1, 11)), 0, 1),
    (list(range(1, 11)), 100, 10),   # capped at n
    ([7.5], 95, 7.5),
    ([3, 1, 2], 50, 2),              # unsorted input
])
def test_hand_computed(values: list[float], q: float, expected: float) -> None:
    assert stats.percentile(values, q) == expected


def _wrk(values: list[int], p: float) -> int:
    rank = math.floor(Fraction(p) / 100 * len(values) + Fraction(1, 2) + Fraction(1, 2))  # C round(x + 0.5)
    return sorted(values)[min(rank, len(values)) - 1]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 19, 20, 21, 99, 100, 101, 1000, 1001])
@pytest.mark.parametrize("p", [50, 90, 95, 99, 99.9])
def test_same_as_wrk(n: int, p: float) -> None:
    values = [(i * 7919) % 1009 for i in range(n)]  # distinct, unsorted
    assert stats.percentile(values, p) == _wrk(values, p)


def test_empty_and_out_of_range() -> None:
    assert math.isnan(stats.percentile([], 95))
    with pytest.raises(ValueError, match="0..100"):
        stats.percentile([1.0], 101)


def test_doctests() -> None:
    assert doctest.testmod(stats).failed == 0


def test_no_benchmark_defines_its_own() -> None:
    # Another definition beside stats.py is how two p95s of one README came to disagree.
    own = re.compile(r"np\.(percentile|quantile)|statistics\.quantiles|def percentile\(|int\(0\.9\d? \* ")
    offenders = [f"{path.name}:{no}" for path in sorted(BENCHMARKS.glob("*.py")) if path.name != "stats.py"
                 for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if own.search(line)]
    assert not offenders, offenders
