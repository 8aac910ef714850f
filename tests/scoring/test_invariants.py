"""Hypothesis invariants of the engine over the mini system (see conftest)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine.engine import score_frames
from scoring.systems.loader import parse_system
from tests.scoring.conftest import MINI, dump

SYSTEM = parse_system(dump(MINI))
money = st.decimals(min_value=0, max_value=50000, places=2, allow_nan=False).map(float)
count = st.integers(min_value=0, max_value=60).map(float)


@st.composite
def zones(draw: Any, min_size: int = 2, max_size: int = 25) -> dict[int, pd.DataFrame]:
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    rows = {
        "revenue": [draw(money) for _ in range(n)],
        "rd_expense": [draw(st.one_of(money, st.just(float("nan")))) for _ in range(n)],
        "rd_staff": [draw(st.one_of(count, st.just(float("nan")))) for _ in range(n)],
        "invention_patents_valid": [draw(count) for _ in range(n)],
        "credit_blacklist": [float(draw(st.booleans())) for _ in range(n)],
        "age_years": [float(draw(st.integers(0, 30))) for _ in range(n)],
    }
    index = pd.Index([f"E{i:03d}" for i in range(n)], name="uscc")
    prev = {"revenue": [draw(money) for _ in range(n)]}
    return {2024: pd.DataFrame(rows, index=index), 2023: pd.DataFrame(prev, index=index)}


common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(zones())
def test_points_within_each_rules_bounds(f: dict[int, pd.DataFrame]) -> None:
    r = score_frames(SYSTEM, f, year=2024)
    for k, ind in enumerate(SYSTEM.indicators):
        w = r.weights[k]
        if ind.is_deduction:
            assert np.all((r.points[k] <= 0) & (r.points[k] >= -w))
        else:
            assert np.all((r.points[k] >= 0) & (r.points[k] <= w + 1e-9))
    for j, cat in enumerate(SYSTEM.categories):
        assert np.all((r.category_points[j] >= 0) & (r.category_points[j] <= cat.max_points))
    assert np.all((r.total >= 0) & (r.total <= SYSTEM.max_total))


@common
@given(zones(), st.data())
def test_raising_a_more_is_better_value_never_lowers_its_points(f: dict[int, pd.DataFrame], data: Any) -> None:
    before = score_frames(SYSTEM, f, year=2024)
    i = data.draw(st.integers(0, len(f[2024]) - 1))
    field, code = data.draw(st.sampled_from([("rd_expense", "R1"), ("rd_staff", "R2"), ("invention_patents_valid", "P1")]))
    raised = {y: fr.copy() for y, fr in f.items()}
    old = raised[2024].iloc[i][field]
    raised[2024].iloc[i, raised[2024].columns.get_loc(field)] = (0.0 if np.isnan(old) else old) + data.draw(st.integers(1, 100))
    after = score_frames(SYSTEM, raised, year=2024)
    k = before.codes.index(code)
    # the stage may not change: the mini system's stages read revenue only
    assert after.points[k, i] >= before.points[k, i]


@common
@given(zones(min_size=3), st.data())
def test_changing_another_stage_never_changes_yours(f: dict[int, pd.DataFrame], data: Any) -> None:
    before = score_frames(SYSTEM, f, year=2024)
    stages = before.stage
    others = np.flatnonzero(stages != stages[0])
    if not others.size:
        return
    j = int(data.draw(st.sampled_from(list(others))))
    changed = {y: fr.copy() for y, fr in f.items()}
    col = changed[2024].columns.get_loc("rd_staff")
    changed[2024].iloc[j, col] = data.draw(count)
    changed[2024].iloc[j, changed[2024].columns.get_loc("rd_expense")] = data.draw(money)
    after = score_frames(SYSTEM, changed, year=2024)
    if after.stage[j] != before.stage[j]:
        return
    mine = np.flatnonzero(stages == stages[0])
    assert np.array_equal(before.points[:, mine], after.points[:, mine])
    assert np.array_equal(before.total[mine], after.total[mine])


@common
@given(zones(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_results(f: dict[int, pd.DataFrame], rnd: Any) -> None:
    order = list(f[2024].index)
    rnd.shuffle(order)
    shuffled = {y: fr.loc[order] for y, fr in f.items()}
    a = score_frames(SYSTEM, f, year=2024).to_frame()
    b = score_frames(SYSTEM, shuffled, year=2024).to_frame().loc[a.index]
    pd.testing.assert_frame_equal(a, b)


@common
@given(zones())
def test_deterministic(f: dict[int, pd.DataFrame]) -> None:
    a = score_frames(SYSTEM, f, year=2024).to_frame()
    b = score_frames(SYSTEM, {y: fr.copy() for y, fr in f.items()}, year=2024).to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_missing_is_flagged_and_scored_by_policy() -> None:
    f = {2024: pd.DataFrame({"revenue": [100.0, 200.0], "rd_expense": [float("nan"), 30.0], "rd_staff": [1.0, 2.0],
                             "invention_patents_valid": [0.0, 1.0], "credit_blacklist": [0.0, 0.0]}, index=["A", "B"])}
    r = score_frames(SYSTEM, f, year=2024)
    k = r.codes.index("R1")
    assert r.missing[k].tolist() == [True, False]
    assert r.points[k, 0] == 0.0  # the file's policy: zero
    frame = r.to_frame()
    assert bool(frame.loc["A", "missing.R1"]) and np.isnan(frame.loc["A", "val.R1"])
