"""Explanations and what-if advice, checked against hand-computed gains."""

from __future__ import annotations

import pandas as pd

from scoring.engine.advice import Advice, cohort_advice
from scoring.engine.engine import ScoreResult, score_frames
from scoring.engine.explain import explain
from scoring.systems.loader import load_system, parse_system
from scoring.systems.schema import IndicatorSystem
from tests.scoring.conftest import MINI, dump, frames
from tests.scoring.test_loader import SYSTEMS

MINI_SYSTEM = parse_system(dump(MINI))


def advice_of(system: IndicatorSystem, result: ScoreResult, uscc: str) -> list[Advice]:
    """One enterprise's advice as the engine computes it for the whole run."""
    return cohort_advice(system, result).for_firm(system, result.row(uscc))


def zone() -> dict[int, pd.DataFrame]:
    # all startups (revenue < 1000); A has R&D intensity 5 % (band [0.03, 0.1) → 5 of 10)
    rows = {
        "A": {"revenue": 500.0, "rd_expense": 25.0, "rd_staff": 2, "invention_patents_valid": 1, "credit_blacklist": 0},
        "B": {"revenue": 400.0, "rd_expense": 60.0, "rd_staff": 5, "invention_patents_valid": 3, "credit_blacklist": 0},
        "C": {"revenue": 300.0, "rd_expense": 3.0, "rd_staff": 9, "invention_patents_valid": 0, "credit_blacklist": 0},
        "D": {"revenue": 200.0, "rd_expense": float("nan"), "rd_staff": 1, "invention_patents_valid": 5, "credit_blacklist": 1},
        "E": {"revenue": 100.0, "rd_expense": 1.0, "rd_staff": 3, "invention_patents_valid": 2, "credit_blacklist": 0},
    }
    prev = {k: {"revenue": v["revenue"]} for k, v in rows.items()}
    return frames(rows, prev)


def test_advice_is_rescored_and_ranked() -> None:
    result = score_frames(MINI_SYSTEM, zone(), year=2024)
    tips = {t.indicator: t for t in advice_of(MINI_SYSTEM, result, "A")}
    # R1: 5 % → next band starts at 10 % (inclusive): 0.5 → 1.0 of weight 6 = +3 points
    assert tips["R1"].kind == "next_band" and tips["R1"].target == 0.1
    assert tips["R1"].points_now == 3.0 and tips["R1"].points_then == 6.0 and tips["R1"].gain == 3.0
    # R2 (percentile, weight 4): rd_staff 2 beats 1 of 4 others (0.25 → 1 point). The median of
    # {1,2,3,5,9} is 3, but 3 only ties E and still beats just D: no gain, so the next quartile,
    # 5, is advised: it beats D and E → 0.5 → 2 points
    assert tips["R2"].kind == "next_quartile" and tips["R2"].target == 5.0 and tips["R2"].gain == 1.0
    # P1: 1 patent of 4 (weight 4 → 1 point); the next quartile above 1 is 2 → 2 points
    assert tips["P1"].target == 2.0 and tips["P1"].gain == 1.0
    gains = [t.gain for t in advice_of(MINI_SYSTEM, result, "A")]
    assert gains == sorted(gains, reverse=True)


def test_missing_value_advice_uses_the_cohort_median() -> None:
    result = score_frames(MINI_SYSTEM, zone(), year=2024)
    tips = {t.indicator: t for t in advice_of(MINI_SYSTEM, result, "D")}
    assert tips["R1"].kind == "fill_missing" and "补报" in tips["R1"].text
    assert "D1" not in tips  # deductions are not improvements


def test_advice_respects_max_of_alternatives() -> None:
    # 科技型中小企业评价: R&D counts as the better of two ratios. Raising the weaker one gains
    # nothing until it overtakes the stronger; an estimate per indicator would get this wrong.
    system = load_system(SYSTEMS / "tsme-2017.yaml")
    base = {"tech_staff": 3, "staff_total": 10, "revenue": 1000.0, "total_cost_expense": 900.0,
            "rd_expense": 55.0, "ip_class1": 0, "ip_class2": 1, "total_assets": 1000.0}
    f = {2024: pd.DataFrame([base, {**base, "rd_expense": 10.0}], index=["X", "Y"])}
    result = score_frames(system, f, year=2024)
    tips = {t.indicator: t for t in advice_of(system, result, "X")}
    # X: R&D/revenue 5.5 % → 40; R&D/cost 6.1 % → 0: next band of T2B (10 % → 10) adds nothing
    assert "T2B" not in tips
    assert tips["T2A"].target == 0.06 and tips["T2A"].gain == 10.0


def test_explanation_names_formula_value_band_and_points() -> None:
    result = score_frames(MINI_SYSTEM, zone(), year=2024)
    i, k = result.row("A"), result.codes.index("R1")
    text = explain(MINI_SYSTEM, MINI_SYSTEM.by_code["R1"], stage="startup", value=float(result.values[k, i]),
                   normalized=float(result.normalized[k, i]), points=float(result.points[k, i]),
                   weight=float(result.weights[k, i]), missing=False, band=int(result.band[k, i]))
    assert "研发费用总额 ÷ 营业收入" in text and "5 %" in text and "≥ 3 % 且 < 10 %" in text and "得分 3.00" in text
    d = result.row("D")
    missing = explain(MINI_SYSTEM, MINI_SYSTEM.by_code["R1"], stage="startup", value=None, normalized=0.0,
                      points=0.0, weight=6.0, missing=True, band=None)
    assert "数据缺失" in missing and "按 0 分计" in missing
    assert bool(result.missing[k, d])
