"""Values exactly on a band edge fall on the side the rule states, whatever float64 says."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.engine.engine import score_frames
from scoring.formula.expr import ArrayEnv, evaluate, parse
from scoring.systems.loader import parse_system
from tests.scoring.conftest import dump, frames


def one(expression: str, **columns: list[float]) -> list[float]:
    env = ArrayEnv({(k.split("__")[0], int(k.split("__")[1]) if "__" in k else 0): np.array(v, float) for k, v in columns.items()}, len(next(iter(columns.values()))))
    return evaluate(parse(expression), env).tolist()


def test_float_would_get_these_wrong() -> None:
    # The reasons the exact path exists: each of these is exactly on its edge as decimals.
    assert 1100 / 1000 - 1 != 0.1
    assert 10.1 / 101 < 0.1
    assert (1100 / 1000 + 1320 / 1100) / 2 - 1 < 0.15


def test_growth_of_exactly_ten_percent() -> None:
    assert one("growth(revenue) >= 0.1", revenue=[1100.0], revenue__1=[1000.0]) == [1.0]
    assert one("growth(revenue) > 0.1", revenue=[1100.0], revenue__1=[1000.0]) == [0.0]


def test_ratio_of_exactly_ten_percent() -> None:
    assert one("rd_expense / revenue >= 0.1", rd_expense=[10.1], revenue=[101.0]) == [1.0]
    assert one("rd_expense / revenue < 0.1", rd_expense=[10.1], revenue=[101.0]) == [0.0]
    assert one("rd_expense / revenue == 0.1", rd_expense=[10.1], revenue=[101.0]) == [1.0]


def test_average_growth_of_exactly_fifteen_percent() -> None:
    cols = {"revenue": [1320.0], "revenue__1": [1100.0], "revenue__2": [1000.0]}
    assert one("avg_growth(revenue, 2) >= 0.15", **cols) == [1.0]
    assert one("avg_growth(revenue, 2) < 0.15", **cols) == [0.0]


def test_just_below_an_edge_stays_below() -> None:
    assert one("growth(revenue) >= 0.1", revenue=[1099.99], revenue__1=[1000.0]) == [0.0]
    assert one("rd_expense / revenue >= 0.1", rd_expense=[10.09], revenue=[101.0]) == [0.0]


def test_missing_and_division_by_zero_are_missing() -> None:
    out = one("rd_expense / revenue >= 0.1", rd_expense=[1.0, float("nan")], revenue=[0.0, 10.0])
    assert all(np.isnan(out))


def test_three_valued_logic() -> None:
    nan = float("nan")
    assert one("a_ > 0 and b_ > 0".replace("a_", "revenue").replace("b_", "rd_expense"), revenue=[0.0, 1.0, 1.0], rd_expense=[nan, nan, 1.0])[::2] == [0.0, 1.0]
    out = one("revenue > 0 or rd_expense > 0", revenue=[1.0, 0.0], rd_expense=[nan, nan])
    assert out[0] == 1.0 and np.isnan(out[1])


def _band_system(edges: list[str], formula: str) -> Any:
    doc = {
        "version": "edge", "name": "分档边界", "year": 2024,
        "stages": [{"stage": "startup", "when": "true"}],
        "categories": [{"code": "c", "name": "类", "max_points": 10}],
        "indicators": [{
            "code": "X", "name": "x", "category": "c", "source": "tax", "formula": formula,
            "rule": {"kind": "bands", "bands": [{"range": r, "points": p} for r, p in zip(edges, [0, 5, 10], strict=True)]},
            "weights": 10,
        }],
    }
    return parse_system(dump(doc))


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (["(-inf, 0.1)", "[0.1, 0.15)", "[0.15, inf)"], [5.0, 10.0, 10.0, 0.0]),
        (["(-inf, 0.1]", "(0.1, 0.15]", "(0.15, inf)"], [0.0, 5.0, 10.0, 0.0]),
    ],
)
def test_band_edges_inclusive_and_exclusive(edges: list[str], expected: list[float]) -> None:
    # rows: growth exactly 10 %, growth exactly 15 %, growth 15.0001 %, growth 9.99 %
    system = _band_system(edges, "growth(revenue)")
    f = frames(
        {"A": {"revenue": 1100.0}, "B": {"revenue": 1150.0}, "C": {"revenue": 1150.001}, "D": {"revenue": 1099.9}},
        {"A": {"revenue": 1000.0}, "B": {"revenue": 1000.0}, "C": {"revenue": 1000.0}, "D": {"revenue": 1000.0}},
    )
    result = score_frames(system, f, year=2024)
    assert result.points[0].tolist() == expected


def test_average_growth_band_edge_in_the_engine() -> None:
    system = _band_system(["(-inf, 0.1)", "[0.1, 0.15)", "[0.15, inf)"], "avg_growth(revenue, 2)")
    f = {
        2024: pd.DataFrame({"revenue": [1320.0, 1210.0]}, index=["A", "B"]),
        2023: pd.DataFrame({"revenue": [1100.0, 1100.0]}, index=["A", "B"]),
        2022: pd.DataFrame({"revenue": [1000.0, 1000.0]}, index=["A", "B"]),
    }
    result = score_frames(system, f, year=2024)
    assert result.points[0].tolist() == [10.0, 5.0]  # exactly 15 % and exactly 10 %


def test_many_ratios_exactly_on_the_edge() -> None:
    # k/10 * 10.1 over k * 10.1 * 10: every row is exactly 0.1 as decimals; float misplaces some.
    system = _band_system(["(-inf, 0.1)", "[0.1, 0.2)", "[0.2, inf)"], "rd_expense / revenue")
    ks = list(range(1, 400))
    rd = [round(k * 1.01, 2) for k in ks]
    rev = [round(k * 10.1, 1) for k in ks]
    f = {2024: pd.DataFrame({"rd_expense": rd, "revenue": rev}, index=[f"E{k}" for k in ks])}
    wrong_in_float = sum(a / b < 0.1 for a, b in zip(rd, rev, strict=True))
    assert wrong_in_float > 0  # the test would catch a float-only engine
    result = score_frames(system, f, year=2024)
    assert set(result.points[0].tolist()) == {5.0}
