"""科技型中小企业评价（tsme-2017）: hand-computed cases for every band edge, route and condition.

Source: 《科技型中小企业评价办法》（国科发政〔2017〕115号）第六条、第八条 and the annex
《科技型中小企业评价指标》. Every expected number below is worked out by hand from the published
text, never taken from the engine. Each case starts from a passing baseline enterprise and states
only what it changes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from scoring.engine.engine import score_frames
from scoring.errors import InvalidInput
from scoring.systems.loader import load_system

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = load_system(ROOT / "data" / "indicator_systems" / "tsme-2017.yaml")
YEAR = 2024
NAN = math.nan

# A passing baseline: 30% tech staff (20) + R&D 6% of revenue (50) + one class-I IP (30) = 100,
# every basic condition met, no direct-pass condition, so it passes by the scoring route.
BASE: dict[str, float] = {
    "resident_enterprise": 1,
    "staff_total": 100,
    "tech_staff": 30,
    "revenue": 10000,
    "total_assets": 10000,
    "total_cost_expense": 8000,
    "rd_expense": 600,
    "ip_class1": 1,
    "ip_class2": 0,
    "prohibited_products": 0,
    "serious_incident": 0,
    "research_misconduct": 0,
    "abnormal_operation": 0,
    "credit_blacklist": 0,
    "hte_certified": 0,
    "national_st_award_top3": 0,
    "provincial_rd_institution": 0,
    "standard_led_5y": 0,
}

SCORE_ROUTE = "综合评价得分不低于60分且科技人员指标得分不为0分"
DIRECT = {
    "hte_certified": "直接确认：拥有有效期内高新技术企业资格证书",
    "national_st_award_top3": "直接确认：近五年内获得过国家级科技奖励并在获奖单位中排在前三名",
    "provincial_rd_institution": "直接确认：拥有经认定的省部级以上研发机构",
    "standard_led_5y": "直接确认：近五年内主导制定过国际标准、国家标准或行业标准",
}
ROUTES = [*DIRECT.values(), SCORE_ROUTE]


def score(**overrides: float) -> pd.Series:
    """Score one enterprise E1: the baseline with `overrides` applied (NaN = missing)."""
    row = {**BASE, **overrides}
    frame = pd.DataFrame([row], index=pd.Index(["E1"], name="uscc"), dtype=float)
    return score_frames(SYSTEM, {YEAR: frame}, year=YEAR).to_frame().loc["E1"]


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-9)


# ----------------------------------------------------------------------------- system shape
def test_system_shape() -> None:
    assert SYSTEM.version == "tsme-2017"
    assert SYSTEM.max_total == 100
    maxima = {c.code: c.max_points for c in SYSTEM.categories}
    assert maxima == {"staff": 20, "rd": 50, "results": 30}
    assert SYSTEM.category_by_code["rd"].aggregate == "max"
    assert len(SYSTEM.stages) == 1 and SYSTEM.stages[0].when == "true"


def test_baseline_passes_by_score_with_full_marks() -> None:
    r = score()
    assert r["stage"] == "startup"
    assert r["stage_reason"].startswith("科技型中小企业评价不分阶段")
    assert r["pts.T1"] == approx(20)
    assert r["pts.T2A"] == approx(50)
    assert r["pts.T2B"] == approx(0)  # 600 / 8000 = 7.5 % < 10 % → F
    assert r["cat.rd"] == approx(50)
    assert r["pts.T3"] == approx(30)
    assert r["total"] == approx(100)
    assert bool(r["verdict.tsme"]) is True
    assert r["route.tsme"] == SCORE_ROUTE


# ----------------------------------------------------------------------------- 科技人员 (20)
# Bands on tech_staff / staff_total: [30%,∞) 20, [25%,30%) 16, [20%,25%) 12, [15%,20%) 8,
# [10%,15%) 4, <10% 0. staff_total = 500: each edge exactly, then one person fewer.
@pytest.mark.parametrize(
    ("tech_staff", "expected"),
    [
        (500, 20),  # 100 %
        (150, 20),  # 30 % exactly → A
        (149, 16),  # 29.8 % → B
        (125, 16),  # 25 % exactly → B
        (124, 12),  # 24.8 % → C
        (100, 12),  # 20 % exactly → C
        (99, 8),  # 19.8 % → D
        (75, 8),  # 15 % exactly → D
        (74, 4),  # 14.8 % → E
        (50, 4),  # 10 % exactly → E
        (49, 0),  # 9.8 % → F
        (0, 0),
    ],
)
def test_tech_staff_bands(tech_staff: int, expected: float) -> None:
    r = score(staff_total=500, tech_staff=tech_staff)
    assert r["pts.T1"] == approx(expected)
    assert r["cat.staff"] == approx(expected)


def test_tech_staff_ratio_with_odd_denominator() -> None:
    # 21 / 70 = 0.3 exactly → 20; 20 / 70 = 0.2857… → 16
    assert score(staff_total=70, tech_staff=21)["pts.T1"] == approx(20)
    assert score(staff_total=70, tech_staff=20)["pts.T1"] == approx(16)


# ----------------------------------------------------------------------------- 研发投入 (50, best of 2)
# (1) R&D / revenue: [6%,∞) 50, [5,6) 40, [4,5) 30, [3,4) 20, [2,3) 10, <2% 0.
# total_cost_expense is set huge so that alternative (2) scores 0 and T2A is seen alone.
# Several edge pairs are decimals whose float quotient lands just under the edge
# (51.4 / 1028 → 0.049999999999999996 in binary floating point, exactly 5 % in decimal).
@pytest.mark.parametrize(
    ("rd", "revenue", "expected"),
    [
        (60, 1000, 50),  # 6 % exactly → A
        (59.9, 1000, 40),  # 5.99 % → B
        (51.4, 1028, 40),  # 5 % exactly (float: 4.9999…%) → B
        (51.3, 1028, 30),  # 4.99 % → C
        (42.8, 1070, 30),  # 4 % exactly (float: 3.9999…%) → C
        (42.7, 1070, 20),  # 3.99 % → D
        (30, 1000, 20),  # 3 % exactly → D
        (29.9, 1000, 10),  # 2.99 % → E
        (21.4, 1070, 10),  # 2 % exactly (float: 1.9999…%) → E
        (21.3, 1070, 0),  # 1.99 % → F
        (0, 1000, 0),
    ],
)
def test_rd_to_revenue_bands(rd: float, revenue: float, expected: float) -> None:
    r = score(rd_expense=rd, revenue=revenue, total_cost_expense=1_000_000)
    assert r["pts.T2B"] == approx(0)
    assert r["pts.T2A"] == approx(expected)
    assert r["cat.rd"] == approx(expected)


# (2) R&D / total cost and expense: [30%,∞) 50, [25,30) 40, [20,25) 30, [15,20) 20, [10,15) 10,
# <10% 0. revenue is set so that alternative (1) stays under 2 % (0 points).
@pytest.mark.parametrize(
    ("rd", "cost", "expected"),
    [
        (300, 1000, 50),  # 30 % exactly → A
        (299.9, 1000, 40),  # 29.99 % → B
        (250, 1000, 40),  # 25 % exactly → B
        (249.9, 1000, 30),  # 24.99 % → C
        (200.7, 1003.5, 30),  # 20 % exactly (float: 19.9999…%) → C
        (200.6, 1003.5, 20),  # 19.99 % → D
        (150, 1000, 20),  # 15 % exactly → D
        (149.9, 1000, 10),  # 14.99 % → E
        (102.1, 1021, 10),  # 10 % exactly (float: 9.9999…%) → E
        (102, 1021, 0),  # 9.99 % → F
    ],
)
def test_rd_to_cost_bands(rd: float, cost: float, expected: float) -> None:
    r = score(rd_expense=rd, total_cost_expense=cost, revenue=20000)
    assert r["pts.T2A"] == approx(0)  # ≤ 300 / 20000 = 1.5 % → F
    assert r["pts.T2B"] == approx(expected)
    assert r["cat.rd"] == approx(expected)


def test_rd_category_takes_the_better_alternative_not_the_sum() -> None:
    # 45 / 1000 = 4.5 % of revenue → 30; 45 / 180 = 25 % of cost → 40: the category is 40.
    r = score(rd_expense=45, revenue=1000, total_cost_expense=180)
    assert r["pts.T2A"] == approx(30)
    assert r["pts.T2B"] == approx(40)
    assert r["cat.rd"] == approx(40)
    # both at full marks: still 50, not 100
    r = score(rd_expense=300, revenue=1000, total_cost_expense=1000)
    assert r["pts.T2A"] == approx(50)
    assert r["pts.T2B"] == approx(50)
    assert r["cat.rd"] == approx(50)


def test_rd_alternative_with_missing_revenue_falls_back_to_the_other() -> None:
    # revenue missing: (1) is missing and scores 0; (2) 300 / 1000 = 30 % → 50
    r = score(revenue=NAN, rd_expense=300, total_cost_expense=1000)
    assert bool(r["missing.T2A"]) is True
    assert r["pts.T2A"] == approx(0)
    assert r["cat.rd"] == approx(50)


# ----------------------------------------------------------------------------- 科技成果 (30)
# ≥1 class-I → 30; class-II: ≥4 → 24, 3 → 18, 2 → 12, 1 → 6; none → 0.
@pytest.mark.parametrize(
    ("class1", "class2", "expected"),
    [
        (1, 0, 30),
        (3, 7, 30),
        (0, 10, 24),
        (0, 4, 24),
        (0, 3, 18),
        (0, 2, 12),
        (0, 1, 6),
        (0, 0, 0),
    ],
)
def test_ip_bands(class1: int, class2: int, expected: float) -> None:
    r = score(ip_class1=class1, ip_class2=class2)
    assert r["pts.T3"] == approx(expected)
    assert r["cat.results"] == approx(expected)


# ----------------------------------------------------------------------------- 第六条（五）pass rule
def test_total_exactly_60_passes() -> None:
    # 20 (30 %) + 40 (5 % of revenue) + 0 (no IP) = 60
    r = score(rd_expense=500, ip_class1=0, ip_class2=0)
    assert r["total"] == approx(60)
    assert bool(r["verdict.tsme"]) is True
    assert r["route.tsme"] == SCORE_ROUTE


def test_total_below_60_fails() -> None:
    # Every item is even (multiples of 4, 10 and 6), so 59 cannot occur: 58 is the highest
    # failing total. 12 (20 %) + 40 (5 %) + 6 (one class-II) = 58.
    r = score(tech_staff=20, rd_expense=500, ip_class1=0, ip_class2=1)
    assert r["total"] == approx(58)
    assert bool(r["verdict.tsme"]) is False
    assert r["route.tsme"] not in ROUTES


def test_staff_item_zero_fails_even_with_total_above_60() -> None:
    # 0 (9 %) + 50 + 30 = 80 ≥ 60, but the 科技人员 item scored 0
    r = score(tech_staff=9)
    assert r["pts.T1"] == approx(0)
    assert r["total"] == approx(80)
    assert bool(r["verdict.tsme"]) is False
    assert r["route.tsme"] not in ROUTES


def test_smallest_nonzero_staff_item_with_60_passes() -> None:
    # 4 (10 % exactly) + 50 + 6 = 60
    r = score(tech_staff=10, ip_class1=0, ip_class2=1)
    assert r["pts.T1"] == approx(4)
    assert r["total"] == approx(60)
    assert bool(r["verdict.tsme"]) is True
    assert r["route.tsme"] == SCORE_ROUTE


# ----------------------------------------------------------------------------- 第八条 direct routes
# A weak enterprise (no tech staff → 0; 1 % R&D → 0; no IP → 0; total 0) that meets 第六条（一）–（四）.
WEAK = {
    "tech_staff": 0,
    "rd_expense": 100,
    "total_cost_expense": 100000,
    "ip_class1": 0,
    "ip_class2": 0,
}


def test_weak_enterprise_fails_without_a_direct_route() -> None:
    r = score(**WEAK)
    assert r["total"] == approx(0)
    assert bool(r["verdict.tsme"]) is False
    assert r["route.tsme"] not in ROUTES


@pytest.mark.parametrize("flag", list(DIRECT))
def test_each_direct_route_passes_regardless_of_score(flag: str) -> None:
    r = score(**WEAK, **{flag: 1})
    assert r["total"] == approx(0)
    assert bool(r["verdict.tsme"]) is True
    assert r["route.tsme"] == DIRECT[flag]


def test_direct_routes_are_tried_in_published_order() -> None:
    r = score(**WEAK, hte_certified=1, standard_led_5y=1)
    assert r["route.tsme"] == DIRECT["hte_certified"]
    r = score(**WEAK, provincial_rd_institution=1, standard_led_5y=1)
    assert r["route.tsme"] == DIRECT["provincial_rd_institution"]


def test_direct_route_is_recorded_even_when_the_score_would_pass() -> None:
    r = score(national_st_award_top3=1)
    assert r["total"] == approx(100)
    assert r["route.tsme"] == DIRECT["national_st_award_top3"]


# ----------------------------------------------------------------------------- 第六条（一）–（四）
# Each basic condition failing alone, on an enterprise that would otherwise pass by score AND by
# every direct route: the direct routes apply only when 第六条（一）–（四） hold.
ALL_DIRECT = dict.fromkeys(DIRECT, 1)


@pytest.mark.parametrize(
    ("change", "requirement"),
    [
        ({"resident_enterprise": 0}, "在中国境内注册的居民企业"),
        ({"staff_total": 501}, "职工总数不超过500人"),
        ({"revenue": 20000.1}, "年销售收入不超过2亿元"),
        ({"total_assets": 20000.1}, "资产总额不超过2亿元"),
        ({"prohibited_products": 1}, "产品和服务不属于国家规定的禁止、限制和淘汰类"),
        ({"serious_incident": 1}, "未发生重大安全、重大质量事故和严重环境违法行为"),
        ({"research_misconduct": 1}, "未发生科研严重失信行为"),
        ({"abnormal_operation": 1}, "未列入经营异常名录"),
        ({"credit_blacklist": 1}, "未列入严重违法失信企业名单"),
    ],
)
def test_each_basic_condition_failing_alone(change: dict[str, float], requirement: str) -> None:
    r = score(**ALL_DIRECT, **change)
    assert bool(r["verdict.tsme"]) is False
    assert requirement in r["route.tsme"]
    assert r["route.tsme"] not in ROUTES


def test_size_limits_are_inclusive() -> None:
    # “不超过”: exactly 500 staff, 2亿元 (20000 万元) revenue and total assets still qualify.
    # revenue 20000 with R&D 1200 keeps 6 % → 50.
    r = score(staff_total=500, tech_staff=150, revenue=20000, rd_expense=1200, total_assets=20000)
    assert r["total"] == approx(100)
    assert bool(r["verdict.tsme"]) is True
    assert r["route.tsme"] == SCORE_ROUTE


def test_first_failed_basic_condition_is_recorded() -> None:
    r = score(staff_total=600, tech_staff=180, credit_blacklist=1)
    assert "职工总数不超过500人" in r["route.tsme"]


def test_missing_credit_flag_is_not_taken_as_clean() -> None:
    r = score(research_misconduct=NAN)
    assert bool(r["verdict.tsme"]) is False
    assert "未发生科研严重失信行为" in r["route.tsme"]


# ----------------------------------------------------------------------------- 研发投入: the declared choice
# 附件: “企业从（1）、（2）两项指标中选择一个指标进行评分”. The enterprise declares its choice
# (rd_indicator_choice: 销售收入 or 成本费用); the declared one counts even when the other is better.
# With none declared, the better one counts and the result says so.
T2A_NAME = "研发费用总额占销售收入总额的比例"
T2B_NAME = "研发费用总额占成本费用支出总额的比例"


def score_declared(choice: object, **overrides: float) -> pd.Series:
    """Score E1 with `rd_indicator_choice` = `choice` (None: not declared)."""
    frame = pd.DataFrame([{**BASE, **overrides}], index=pd.Index(["E1"], name="uscc"), dtype=float)
    frame["rd_indicator_choice"] = pd.Series([choice], index=frame.index, dtype=object)
    return score_frames(SYSTEM, {YEAR: frame}, year=YEAR).to_frame().loc["E1"]


# 45 / 1000 = 4.5 % of revenue → 30; 45 / 180 = 25 % of cost → 40 (as in the test above)
BETTER_BY_COST = {"rd_expense": 45, "revenue": 1000, "total_cost_expense": 180}


def test_declared_sales_counts_even_when_cost_is_better() -> None:
    r = score_declared("销售收入", **BETTER_BY_COST)
    assert r["pts.T2A"] == approx(30)
    assert r["pts.T2B"] == approx(40)
    assert r["cat.rd"] == approx(30)  # not 40
    assert r["total"] == approx(20 + 30 + 30)
    assert r["choice.rd"] == f"按企业申报的口径：{T2A_NAME}（30 分）"


def test_declared_cost_counts_even_when_sales_is_better() -> None:
    # 600 / 10000 = 6 % of revenue → 50; 600 / 8000 = 7.5 % of cost → 0: the baseline declares 成本费用
    r = score_declared("成本费用")
    assert (r["pts.T2A"], r["pts.T2B"], r["cat.rd"]) == (approx(50), approx(0), approx(0))
    assert r["total"] == approx(20 + 0 + 30)
    assert bool(r["verdict.tsme"]) is False  # 50 < 60: the declaration decides the verdict
    assert r["choice.rd"] == f"按企业申报的口径：{T2B_NAME}（0 分）"


@pytest.mark.parametrize("text", ["成本费用", " 成本费用 ", T2B_NAME, "研发投入指标（2）", "cost", "COST"])
def test_each_way_of_declaring_cost(text: str) -> None:
    assert score_declared(text, **BETTER_BY_COST)["cat.rd"] == approx(40)
    assert score_declared(text, rd_expense=45, revenue=900, total_cost_expense=10000)["cat.rd"] == approx(0)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_undeclared_takes_the_better_one_and_says_so(blank: object) -> None:
    r = score_declared(blank, **BETTER_BY_COST)
    assert r["cat.rd"] == approx(40)
    assert r["choice.rd"] == f"未申报口径，取两者中较优的：{T2B_NAME}（40 分）"
    r = score_declared(blank)  # the baseline: sales 50, cost 0
    assert r["cat.rd"] == approx(50)
    assert r["choice.rd"] == f"未申报口径，取两者中较优的：{T2A_NAME}（50 分）"


def test_no_declaration_column_at_all_takes_the_better_one() -> None:
    r = score(**BETTER_BY_COST)  # the frame has no rd_indicator_choice column
    assert r["cat.rd"] == approx(40)
    assert r["choice.rd"].startswith("未申报口径，取两者中较优的")


def test_an_unknown_declaration_is_refused_with_the_options() -> None:
    with pytest.raises(InvalidInput) as info:
        score_declared("营业收入")
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == ("企业 E1", "rd_indicator_choice", "营业收入")
    assert "销售收入、成本费用" in problem.reason


def test_declarations_of_several_enterprises_in_one_run() -> None:
    # E1 declares 销售收入 (30), E2 成本费用 (40), E3 nothing (best: 40) — same figures each
    frame = pd.DataFrame([{**BASE, **BETTER_BY_COST}] * 3, index=pd.Index(["E1", "E2", "E3"], name="uscc"), dtype=float)
    frame["rd_indicator_choice"] = pd.Series(["销售收入", "成本费用", None], index=frame.index, dtype=object)
    df = score_frames(SYSTEM, {YEAR: frame}, year=YEAR).to_frame()
    assert df["cat.rd"].tolist() == [approx(30), approx(40), approx(40)]
