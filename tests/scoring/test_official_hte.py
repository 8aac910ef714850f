"""高新技术企业认定（hte-2016）: hand-computed cases for every condition, band edge and growth case.

Sources: 《高新技术企业认定管理办法》（国科发火〔2016〕32号）第十一条 and 《高新技术企业认定管理
工作指引》（国科火字〔2016〕195号）“企业创新能力评价”. Every expected number below is worked out
by hand from the published text, never taken from the engine. Each case starts from a passing
baseline enterprise and states only what it changes.

Expert-assigned items are `input` rules: the published table fixes the range an expert may give
(by grade, or by a band of a basis such as the growth rate). Those ranges are checked here by
offering the engine every integer score and recording which ones it accepts.
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
SYSTEM = load_system(ROOT / "data" / "indicator_systems" / "hte-2016.yaml")
YEARS = (2022, 2023, 2024)  # 第一年 Y1, 第二年 Y2, 第三年 Y3 (= the scored year)
YEAR = 2024
NAN = math.nan

# Expert-score field and largest points of each innovation indicator.
INPUTS: dict[str, tuple[str, int]] = {
    "K1": ("hte_pts_advancement", 8),
    "K2": ("hte_pts_core_support", 8),
    "K3": ("hte_pts_ip_count", 8),
    "K4": ("hte_pts_ip_acquisition", 6),
    "K5": ("hte_pts_standards", 2),
    "C1": ("hte_pts_conversion", 30),
    "R1": ("hte_pts_rd_system", 6),
    "R2": ("hte_pts_rd_institution", 6),
    "R3": ("hte_pts_conversion_system", 4),
    "R4": ("hte_pts_talent", 4),
    "G1": ("hte_pts_net_asset_growth", 10),
    "G2": ("hte_pts_revenue_growth", 10),
}

# A passing baseline. Values are (Y1, Y2, Y3); a field that only matters in the scored year
# repeats its value.
#   R&D: (100 + 140 + 196) / (1000 + 1400 + 1960) = 436 / 4360 = 10 % ≥ 5 % (Y3 revenue ≤ 5000)
#   net assets and revenue grow 40 % a year → growth 40 % → A (9–10)
#   IP: 1 class-I → quantity A (7–8); self-developed → 获得方式 A (1–6); no standards → K5 0
#   conversions 5 a year → A (25–30)
#   scores: 8 + 8 + 8 + 6 + 0 | 30 | 6 + 6 + 4 + 4 | 10 + 10 = 100
BASE: dict[str, tuple[float, float, float]] = {
    "age_years": (8, 9, 10),
    "core_ip_owned": (1, 1, 1),
    "key_hightech_field": (1, 1, 1),
    "staff_total": (100, 100, 100),
    "tech_staff": (20, 20, 20),
    "revenue": (1000, 1400, 1960),
    "rd_expense": (100, 140, 196),
    "domestic_rd_expense": (100, 140, 196),
    "hightech_revenue": (1500, 1500, 1500),
    "total_income": (2000, 2000, 2000),
    "net_assets": (1000, 1400, 1960),
    "serious_incident": (0, 0, 0),
    "ip_class1": (1, 1, 1),
    "ip_class2": (5, 5, 5),
    "ip_self_developed": (1, 1, 1),
    "standard_participation": (0, 0, 0),
    "tech_conversions": (5, 5, 5),
    "hte_pts_advancement": (NAN, NAN, 8),
    "hte_pts_core_support": (NAN, NAN, 8),
    "hte_pts_ip_count": (NAN, NAN, 8),
    "hte_pts_ip_acquisition": (NAN, NAN, 6),
    "hte_pts_standards": (NAN, NAN, NAN),
    "hte_pts_conversion": (NAN, NAN, 30),
    "hte_pts_rd_system": (NAN, NAN, 6),
    "hte_pts_rd_institution": (NAN, NAN, 6),
    "hte_pts_conversion_system": (NAN, NAN, 4),
    "hte_pts_talent": (NAN, NAN, 4),
    "hte_pts_net_asset_growth": (NAN, NAN, 10),
    "hte_pts_revenue_growth": (NAN, NAN, 10),
}

ROUTE = "符合第十一条全部认定条件"
REQ_AGE = "注册成立一年以上"
REQ_IP = "拥有对主要产品（服务）发挥核心支持作用的知识产权"
REQ_FIELD = "核心技术属于国家重点支持的高新技术领域"
REQ_STAFF = "科技人员占职工总数的比例不低于10%"
REQ_RD = "近三年研究开发费用总额占同期销售收入总额的比例符合要求"
REQ_DOMESTIC = "境内研究开发费用占全部研究开发费用的比例不低于60%"
REQ_HIGHTECH = "近一年高新技术产品（服务）收入占同期总收入的比例不低于60%"
REQ_SCORE = "企业创新能力评价综合得分70分以上（不含70分）"
REQ_SAFETY = "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为"


def frames(n: int = 1, **overrides: object) -> dict[int, pd.DataFrame]:
    """Frames for E1 (or E0…E{n-1}): the baseline with overrides.

    An override is a number (Y3 only), a tuple (Y1, Y2, Y3), or — with n > 1 — a list giving
    each enterprise its own Y3 value.
    """
    data = {k: [list(v) for _ in range(n)] for k, v in BASE.items()}
    for name, value in overrides.items():
        rows = data.setdefault(name, [[NAN, NAN, NAN] for _ in range(n)])
        for e in range(n):
            if isinstance(value, tuple):
                rows[e] = list(value)
            elif isinstance(value, list):
                rows[e][2] = value[e]
            else:
                rows[e][2] = value  # type: ignore[call-overload]
    index = pd.Index(["E1"] if n == 1 else [f"E{e}" for e in range(n)], name="uscc")
    return {
        y: pd.DataFrame(
            {k: [v[e][i] for e in range(n)] for k, v in data.items()}, index=index, dtype=float
        )
        for i, y in enumerate(YEARS)
    }


def score(**overrides: object) -> pd.Series:
    return score_frames(SYSTEM, frames(**overrides), year=YEAR).to_frame().loc["E1"]


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-9)


def allowed(code: str, **overrides: object) -> tuple[int, int]:
    """The (lowest, highest) integer score the engine accepts for `code`, all others left blank.

    Enterprise E{s} is offered score s, for every s from 0 to the item's maximum. Every refused
    score must be reported (InvalidInput) against that enterprise and this indicator; every
    accepted one must become the indicator's points unchanged; the accepted scores must be
    contiguous.
    """
    field, top = INPUTS[code]
    blank = {f: NAN for f, _ in INPUTS.values()}  # blanks take the low end: never refused
    offered = list(range(top + 1))
    refused: set[int] = set()
    try:
        score_frames(SYSTEM, frames(top + 1, **{**blank, **overrides, field: offered}), year=YEAR)
    except InvalidInput as exc:
        for problem in exc.problems:
            assert code in str(problem.column), problem
            refused.add(int(str(problem.row).removeprefix("企业 E")))
    accepted = [s for s in offered if s not in refused]
    assert accepted, f"{code}: no score accepted"
    assert accepted == list(range(accepted[0], accepted[-1] + 1)), accepted
    # score the accepted ones alone: E{s} keeps its own score s
    every = frames(top + 1, **{**blank, **overrides, field: offered})
    names = [f"E{s}" for s in accepted]
    res = score_frames(SYSTEM, {y: f.loc[names] for y, f in every.items()}, year=YEAR)
    df = res.to_frame()
    for s in accepted:
        assert df.loc[f"E{s}", f"pts.{code}"] == approx(s)
    return accepted[0], accepted[-1]


# ----------------------------------------------------------------------------- shape and baseline
def test_system_shape() -> None:
    assert SYSTEM.version == "hte-2016"
    assert SYSTEM.max_total == 100
    assert {c.code: c.max_points for c in SYSTEM.categories} == {
        "ip": 30,
        "conversion": 30,
        "rd_mgmt": 20,
        "growth": 20,
    }
    assert [i.code for i in SYSTEM.indicators if i.bonus] == ["K5"]


def test_baseline_passes_with_full_marks() -> None:
    r = score()
    assert r["stage"] == "startup"
    assert r["stage_reason"].startswith("高新技术企业认定不分阶段")
    assert r["cat.ip"] == approx(30)
    assert r["cat.conversion"] == approx(30)
    assert r["cat.rd_mgmt"] == approx(20)
    assert r["cat.growth"] == approx(20)
    assert r["total"] == approx(100)
    assert bool(r["verdict.hte"]) is True
    assert r["route.hte"] == ROUTE


# ----------------------------------------------------------------------------- 第十一条: one at a time
@pytest.mark.parametrize(
    ("change", "requirement"),
    [
        # growth cannot be computed for one accounting year: its expert scores are left blank
        (
            {"age_years": 0.9, "hte_pts_net_asset_growth": NAN, "hte_pts_revenue_growth": NAN},
            REQ_AGE,
        ),
        ({"core_ip_owned": 0}, REQ_IP),
        ({"key_hightech_field": 0}, REQ_FIELD),
        ({"tech_staff": 9}, REQ_STAFF),  # 9 %
        # (50 + 70 + 97.9) / 4360 = 217.9 / 4360 = 4.998 % < 5 %
        ({"rd_expense": (50, 70, 97.9), "domestic_rd_expense": (50, 70, 97.9)}, REQ_RD),
        ({"domestic_rd_expense": (60, 84, 117.5)}, REQ_DOMESTIC),  # 261.5 / 436 = 59.98 %
        ({"hightech_revenue": 1199.9}, REQ_HIGHTECH),  # 59.995 %
        ({"hte_pts_advancement": 0, "hte_pts_core_support": 0, "hte_pts_rd_system": 0,
          "hte_pts_rd_institution": 0, "hte_pts_conversion_system": 2}, REQ_SCORE),  # 70
        ({"serious_incident": 1}, REQ_SAFETY),
    ],
)
def test_each_condition_failing_alone(change: dict[str, object], requirement: str) -> None:
    r = score(**change)
    assert bool(r["verdict.hte"]) is False
    assert requirement in r["route.hte"]
    assert r["route.hte"] != ROUTE


def test_first_failed_condition_is_recorded() -> None:
    r = score(core_ip_owned=0, serious_incident=1)
    assert REQ_IP in r["route.hte"]
    assert REQ_SAFETY not in r["route.hte"]


def test_registered_exactly_one_year_passes() -> None:
    # one year: Y2 counts, Y1 does not — (140 + 196) / (1400 + 1960) = 10 %
    r = score(age_years=1)
    assert bool(r["verdict.hte"]) is True


def test_tech_staff_exactly_ten_percent_passes() -> None:
    assert bool(score(tech_staff=10)["verdict.hte"]) is True  # 10 / 100
    assert bool(score(staff_total=730, tech_staff=73)["verdict.hte"]) is True  # 73 / 730 = 10 %
    assert bool(score(staff_total=730, tech_staff=72)["verdict.hte"]) is False


def test_missing_safety_flag_is_not_taken_as_clean() -> None:
    r = score(serious_incident=NAN)
    assert bool(r["verdict.hte"]) is False
    assert REQ_SAFETY in r["route.hte"]


# ----------------------------------------------------------------------------- 70-point threshold
def test_innovation_score_70_fails_and_71_passes() -> None:
    # 《指引》: 综合得分达到70分以上（不含70分）为符合认定要求.
    # From 100: K1 0, K2 0 (−16); R1 0, R2 0 (−12); R3 2 (−2) → 70; R3 3 → 71.
    lower = {"hte_pts_advancement": 0, "hte_pts_core_support": 0,
             "hte_pts_rd_system": 0, "hte_pts_rd_institution": 0}
    r70 = score(**lower, hte_pts_conversion_system=2)
    assert r70["total"] == approx(70)
    assert bool(r70["verdict.hte"]) is False
    assert REQ_SCORE in r70["route.hte"]
    r71 = score(**lower, hte_pts_conversion_system=3)
    assert r71["total"] == approx(71)
    assert bool(r71["verdict.hte"]) is True
    assert r71["route.hte"] == ROUTE


# ----------------------------------------------------------------------------- 第十一条（五）R&D ratio
# Thresholds by last year's revenue: ≤ 5000 万元 → 5 %; (5000, 20000] → 4 %; > 20000 → 3 %.
# Ratio = 3-year R&D sum / 3-year revenue sum. The "exact" cases are decimals whose binary
# floating-point sum (Y3 + Y2) + Y1 comes out just under the threshold.
@pytest.mark.parametrize(
    ("rd", "revenue", "passes"),
    [
        # 5 %: 253.2 / 5064 exactly (float 0.049999999999999996); Y3 revenue 1408.8 ≤ 5000
        ((23.7, 20.6, 208.9), (2677.3, 977.9, 1408.8), True),
        ((23.7, 20.6, 208.8), (2677.3, 977.9, 1408.8), False),  # 253.1 / 5064 = 4.998 %
        # 4 %: 1446.9 / 36172.5 exactly (float 0.039999999999999994); Y3 12852.6 in (5000, 20000]
        ((14.5, 115.6, 1316.8), (11278.9, 12041.0, 12852.6), True),
        ((14.5, 115.6, 1316.7), (11278.9, 12041.0, 12852.6), False),
        # 3 %: 3486.9 / 116230 exactly (float 0.029999999999999995); Y3 37873.8 > 20000
        ((928.3, 934.6, 1624.0), (48516.0, 29840.2, 37873.8), True),
        ((928.3, 934.6, 1623.9), (48516.0, 29840.2, 37873.8), False),
    ],
)
def test_rd_ratio_edges(rd: tuple, revenue: tuple, passes: bool) -> None:
    # revenue growth changes with the series: its expert score is left blank (low end)
    r = score(rd_expense=rd, domestic_rd_expense=rd, revenue=revenue, hte_pts_revenue_growth=NAN)
    assert bool(r["verdict.hte"]) is passes
    if not passes:
        assert REQ_RD in r["route.hte"]


@pytest.mark.parametrize(
    ("revenue_each", "rd_each", "passes"),
    [
        # 675 / 15000 = 4.5 %: 最近一年销售收入 5,000万元（含）以下 → needs 5 %
        (5000, 225, False),
        # 675 / 15000.3 = 4.49991 %: above 5,000万元 → needs 4 %
        (5000.1, 225, True),
        # 2100 / 60000 = 3.5 %: 5,000万元至2亿元（含） → needs 4 %
        (20000, 700, False),
        # 2100 / 60000.3 = 3.49998 %: above 2亿元 → needs 3 %
        (20000.1, 700, True),
    ],
)
def test_rd_threshold_by_last_year_revenue(
    revenue_each: float, rd_each: float, passes: bool
) -> None:
    rev = (revenue_each,) * 3
    rd = (rd_each,) * 3
    # flat revenue → 0 % growth → its expert score must be 0: left blank
    r = score(revenue=rev, rd_expense=rd, domestic_rd_expense=rd, hte_pts_revenue_growth=NAN)
    assert r["total"] == approx(90)
    assert bool(r["verdict.hte"]) is passes
    if not passes:
        assert REQ_RD in r["route.hte"]


def test_rd_ratio_uses_only_the_years_in_business() -> None:
    # Registered 1.5 years: 实际经营期不满三年的按实际经营时间计算 — Y1 is not counted, even if
    # a value is present. (50 + 50) / (1000 + 1000) = 5 %; counting Y1 would give 100 / 12000.
    r = score(age_years=1.5, rd_expense=(0, 50, 50), domestic_rd_expense=(0, 50, 50),
              revenue=(10000, 1000, 1000), net_assets=(NAN, 1000, 1400),
              hte_pts_revenue_growth=NAN, hte_pts_net_asset_growth=NAN)
    assert bool(r["verdict.hte"]) is True
    # ... and missing data for a year before the enterprise existed is not a gap
    r = score(age_years=1.5, rd_expense=(NAN, 50, 50), domestic_rd_expense=(NAN, 50, 50),
              revenue=(NAN, 1000, 1000), net_assets=(NAN, 1000, 1400),
              hte_pts_revenue_growth=NAN, hte_pts_net_asset_growth=NAN)
    assert bool(r["verdict.hte"]) is True


def test_rd_ratio_missing_year_of_an_old_enterprise_is_not_zero() -> None:
    # Ten years old with Y1 missing: the 3-year ratio cannot be computed → condition not met.
    r = score(rd_expense=(NAN, 140, 196), domestic_rd_expense=(NAN, 140, 196))
    assert bool(r["verdict.hte"]) is False
    assert REQ_RD in r["route.hte"]


# ----------------------------------------------------------------------------- domestic R&D, hightech
def test_domestic_rd_share_exactly_60_percent() -> None:
    # 420.0 / 700.0 = 60 % exactly (float 0.5999999999999999); R&D 700 / revenue 12000 = 5.83 %
    rd = (189.0, 56.1, 454.9)
    revenue = (4000, 4000, 4000)  # flat: revenue-growth score left blank
    common = {"rd_expense": rd, "revenue": revenue, "hte_pts_revenue_growth": NAN}
    r = score(**common, domestic_rd_expense=(45.4, 22.9, 351.7))
    assert bool(r["verdict.hte"]) is True
    r = score(**common, domestic_rd_expense=(45.4, 22.9, 351.6))
    assert bool(r["verdict.hte"]) is False
    assert REQ_DOMESTIC in r["route.hte"]


def test_hightech_revenue_share_exactly_60_percent() -> None:
    assert bool(score(hightech_revenue=1200)["verdict.hte"]) is True  # 1200 / 2000
    r = score(hightech_revenue=61.8, total_income=103)  # 60 % exactly
    assert bool(r["verdict.hte"]) is True
    r = score(hightech_revenue=61.7, total_income=103)
    assert bool(r["verdict.hte"]) is False
    assert REQ_HIGHTECH in r["route.hte"]


# ----------------------------------------------------------------------------- 知识产权 (≤30)
def test_expert_item_out_of_range_is_refused_with_details() -> None:
    with pytest.raises(InvalidInput) as info:
        score(hte_pts_advancement=9)
    message = str(info.value)
    assert "E1" in message  # the enterprise
    assert "K1" in message  # the indicator
    assert "9" in message  # the value
    assert "[0, 8]" in message  # the allowed range


def test_banded_expert_item_out_of_its_band_is_refused_with_details() -> None:
    # 2 class-II IP only → quantity grade D → 1–2; the baseline's 8 is refused
    with pytest.raises(InvalidInput) as info:
        score(ip_class1=0, ip_class2=2)
    message = str(info.value)
    assert "E1" in message and "K3" in message and "8" in message and "[1, 2]" in message


@pytest.mark.parametrize("code", ["K1", "K2"])
def test_free_expert_items_accept_0_to_8(code: str) -> None:
    assert allowed(code) == (0, 8)


@pytest.mark.parametrize(
    ("class1", "class2", "expected"),
    [
        (1, 0, (7, 8)),  # A 1项及以上（Ⅰ类）
        (2, 9, (7, 8)),
        (0, 9, (5, 6)),  # B 5项及以上（Ⅱ类）
        (0, 5, (5, 6)),
        (0, 4, (3, 4)),  # C 3~4项（Ⅱ类）
        (0, 3, (3, 4)),
        (0, 2, (1, 2)),  # D 1~2项（Ⅱ类）
        (0, 1, (1, 2)),
        (0, 0, (0, 0)),  # E 0项
    ],
)
def test_ip_quantity_range_by_count_and_class(class1: int, class2: int, expected: tuple) -> None:
    assert allowed("K3", ip_class1=class1, ip_class2=class2) == expected


@pytest.mark.parametrize(
    ("self_developed", "class1", "class2", "expected"),
    [
        (1, 1, 0, (1, 6)),  # A 有自主研发
        (0, 1, 0, (1, 3)),  # B 仅有受让、受赠和并购等
        (0, 0, 2, (1, 3)),
        (0, 0, 0, (0, 0)),  # no IP at all: nothing to score
    ],
)
def test_ip_acquisition_range(
    self_developed: int, class1: int, class2: int, expected: tuple
) -> None:
    got = allowed("K4", ip_self_developed=self_developed, ip_class1=class1, ip_class2=class2)
    assert got == expected


def test_standards_bonus_range() -> None:
    assert allowed("K5", standard_participation=1) == (1, 2)  # A 是
    assert allowed("K5", standard_participation=0) == (0, 0)  # B 否


def test_standards_bonus_is_capped_with_the_category() -> None:
    # 8 + 8 + 8 + 6 + 2 = 32 → 知识产权 capped at 30
    r = score(standard_participation=1, hte_pts_standards=2)
    assert r["pts.K5"] == approx(2)
    assert r["cat.ip"] == approx(30)
    # 6 + 8 + 8 + 6 = 28 + 2 = 30: the bonus counts in full below the cap
    r = score(standard_participation=1, hte_pts_standards=2, hte_pts_advancement=6)
    assert r["cat.ip"] == approx(30)
    r = score(standard_participation=1, hte_pts_standards=1, hte_pts_advancement=5)
    assert r["cat.ip"] == approx(28)  # 5 + 8 + 8 + 6 + 1


# ----------------------------------------------------------------------------- 科技成果转化能力 (≤30)
# By the yearly average over the last three years: ≥5 → 25–30, ≥4 → 19–24, ≥3 → 13–18,
# ≥2 → 7–12, ≥1 → 1–6, 0 → 0.
@pytest.mark.parametrize(
    ("conversions", "expected"),
    [
        ((5, 5, 5), (25, 30)),  # 5 exactly → A
        ((4, 5, 6), (25, 30)),  # 15 / 3 = 5 → A
        ((4, 5, 5), (19, 24)),  # 14 / 3 = 4.67 → B
        ((4, 4, 4), (19, 24)),  # 4 → B
        ((3, 3, 5), (13, 18)),  # 11 / 3 = 3.67 → C
        ((3, 3, 3), (13, 18)),  # 3 → C
        ((2, 3, 3), (7, 12)),  # 8 / 3 = 2.67 → D
        ((2, 2, 2), (7, 12)),  # 2 → D
        ((1, 1, 3), (1, 6)),  # 5 / 3 = 1.67 → E
        ((0, 1, 2), (1, 6)),  # 3 / 3 = 1 → E
        ((0, 0, 2), (0, 0)),  # 2 / 3 = 0.67 does not reach E (≥1项) → F
        ((0, 0, 0), (0, 0)),  # F
    ],
)
def test_conversion_range_by_yearly_average(conversions: tuple, expected: tuple) -> None:
    assert allowed("C1", tech_conversions=conversions) == expected


def test_conversion_average_for_a_short_history() -> None:
    # two accounting years: (1 + 2) / 2 = 1.5 → E; a stray Y1 value is not counted
    assert allowed("C1", age_years=1.5, tech_conversions=(NAN, 1, 2)) == (1, 6)
    assert allowed("C1", age_years=1.5, tech_conversions=(9, 1, 2)) == (1, 6)
    # two years of 5 → 5 → A
    assert allowed("C1", age_years=1.5, tech_conversions=(NAN, 5, 5)) == (25, 30)
    # one accounting year: 4 → B
    assert allowed("C1", age_years=0.5, tech_conversions=(NAN, NAN, 4)) == (19, 24)


# ----------------------------------------------------------------------------- 研究开发组织管理水平 (≤20)
@pytest.mark.parametrize(("code", "top"), [("R1", 6), ("R2", 6), ("R3", 4), ("R4", 4)])
def test_rd_management_items(code: str, top: int) -> None:
    assert allowed(code) == (0, top)


# ----------------------------------------------------------------------------- 企业成长性 (≤20)
# growth = 1/2 × (Y2/Y1 + Y3/Y2) − 1; A ≥35 % 9–10, B ≥25 % 7–8, C ≥15 % 5–6, D ≥5 % 3–4,
# E >0 1–2, F ≤0 0. Same table for 净资产 (G1) and 销售收入 (G2).
GROWTH_EDGES = [
    ((1000, 1300, 1820), (9, 10)),  # (1.3 + 1.4) / 2 − 1 = 35 % exactly → A
    ((1000, 1300, 1819), (7, 8)),  # 34.96 % → B
    ((1000, 1200, 1560), (7, 8)),  # (1.2 + 1.3) / 2 − 1 = 25 % exactly → B
    ((1000, 1200, 1559), (5, 6)),  # 24.96 % → C
    ((1000, 1100, 1320), (5, 6)),  # (1.1 + 1.2) / 2 − 1 = 15 % exactly (float: 14.99…%) → C
    ((1000, 1000, 1300), (5, 6)),  # (1.0 + 1.3) / 2 − 1 = 15 % exactly (float: 14.99…%) → C
    ((1000, 1100, 1319), (3, 4)),  # 14.95 % → D
    ((1000, 1100, 1210), (3, 4)),  # 10 % exactly → D
    ((1000, 1000, 1100), (3, 4)),  # (1.0 + 1.1) / 2 − 1 = 5 % exactly → D
    ((1000, 1400, 980), (3, 4)),  # (1.4 + 0.7) / 2 − 1 = 5 % exactly (float: 4.99…%) → D
    ((1000, 1000, 1099), (1, 2)),  # 4.95 % → E
    ((1000, 1000, 1000.1), (1, 2)),  # 0.005 % > 0 → E
    ((1000, 1000, 1000), (0, 0)),  # 0 → F
    ((1000, 900, 810), (0, 0)),  # −10 %: 为负的，按0分计算 → F
]


@pytest.mark.parametrize(("series", "expected"), GROWTH_EDGES)
def test_net_asset_growth_edges(series: tuple, expected: tuple) -> None:
    assert allowed("G1", net_assets=series) == expected


@pytest.mark.parametrize(("series", "expected"), GROWTH_EDGES)
def test_revenue_growth_edges(series: tuple, expected: tuple) -> None:
    # revenue also feeds the R&D condition; the expert-score range does not depend on it
    assert allowed("G2", revenue=series) == expected


@pytest.mark.parametrize(
    ("code", "field"), [("G1", "net_assets"), ("G2", "revenue")]
)
def test_growth_zero_base_cases(code: str, field: str) -> None:
    # 《指引》: 第一年末净资产或销售收入为0的，按后两年计算 → Y3 / Y2 − 1
    assert allowed(code, **{field: (0, 1000, 1100)}) == (3, 4)  # 10 % → D
    assert allowed(code, **{field: (0, 1000, 1400)}) == (9, 10)  # 40 % → A
    assert allowed(code, **{field: (0, 1000, 1000)}) == (0, 0)  # 0 → F
    # 第二年末净资产或销售收入为0的，按0分计算
    assert allowed(code, **{field: (1000, 0, 5000)}) == (0, 0)
    assert allowed(code, **{field: (0, 0, 5000)}) == (0, 0)


def test_negative_net_assets_as_base() -> None:
    # Not in the published text (it says "为0"); encoded as ≤ 0 (see hte-2016.yaml):
    # Y1 negative → 按后两年计算: 1400 / 1000 − 1 = 40 % → A
    assert allowed("G1", net_assets=(-500, 1000, 1400)) == (9, 10)
    # Y2 negative → 0 分
    assert allowed("G1", net_assets=(1000, -2000, 4000)) == (0, 0)
    # a deficit that deepens (−100 → −200 → −400) is not 1/2 × (2 + 2) − 1 = 100 % growth
    assert allowed("G1", net_assets=(-100, -200, -400)) == (0, 0)
    # Y3 negative with positive bases: the formula itself: 1/2 × (1.0 + (−0.1)) − 1 < 0 → F
    assert allowed("G1", net_assets=(1000, 1000, -100)) == (0, 0)


@pytest.mark.parametrize(("code", "field"), [("G1", "net_assets"), ("G2", "revenue")])
def test_growth_short_history(code: str, field: str) -> None:
    # 企业实际经营期不满三年的按实际经营时间计算
    # two accounting years (age 1.5): Y3 / Y2 − 1, Y1 ignored even when present
    assert allowed(code, age_years=1.5, **{field: (NAN, 1000, 1210)}) == (5, 6)  # 21 % → C
    assert allowed(code, age_years=1.5, **{field: (1, 1000, 1100)}) == (3, 4)  # 10 % → D
    assert allowed(code, age_years=1, **{field: (NAN, 1000, 1050)}) == (3, 4)  # 5 % exactly → D
    # one accounting year: no growth can be computed → 0
    assert allowed(code, age_years=0.5, **{field: (NAN, NAN, 1000)}) == (0, 0)


def test_growth_missing_history_of_an_old_enterprise() -> None:
    # Ten years old with Y1 missing: no basis, so no expert score can be accepted …
    with pytest.raises(InvalidInput) as info:
        score(net_assets=(NAN, 1000, 1100), hte_pts_net_asset_growth=3)
    assert "G1" in str(info.value) and "E1" in str(info.value)
    # … and without a score the item is missing and scores 0 (missing: zero)
    r = score(net_assets=(NAN, 1000, 1100), hte_pts_net_asset_growth=NAN)
    assert r["pts.G1"] == approx(0)
    assert bool(r["missing.G1"]) is True


# ----------------------------------------------------------------------------- default: low
def test_missing_expert_score_takes_the_low_end_of_its_range() -> None:
    blank = {f: NAN for f, _ in INPUTS.values()}
    r = score(**blank)
    # K1, K2, R1–R4: 0; K3 A → 7; K4 A → 1; K5 (no standards) → 0; C1 A → 25; G1, G2 A → 9
    assert r["pts.K1"] == approx(0)
    assert r["pts.K3"] == approx(7)
    assert r["pts.K4"] == approx(1)
    assert r["pts.K5"] == approx(0)
    assert r["pts.C1"] == approx(25)
    assert r["pts.R1"] == approx(0)
    assert r["pts.G1"] == approx(9)
    assert r["pts.G2"] == approx(9)
    assert r["total"] == approx(7 + 1 + 25 + 9 + 9)  # 51
    assert bool(r["verdict.hte"]) is False
    assert REQ_SCORE in r["route.hte"]
    # growth C (15 % exactly) with no score → 5
    r = score(net_assets=(1000, 1100, 1320), hte_pts_net_asset_growth=NAN)
    assert r["pts.G1"] == approx(5)


# ----------------------------------------------------------------------------- all problems at once
def test_a_row_with_three_offending_indicators_lists_all_three() -> None:
    # K1 ≤ 8, R1 ≤ 6, R4 ≤ 4: each is over by one; the refusal names every one, not only K1
    with pytest.raises(InvalidInput) as info:
        score(hte_pts_advancement=9, hte_pts_rd_system=7, hte_pts_talent=5)
    problems = info.value.problems
    assert [str(p.column).split()[0] for p in problems] == ["K1", "R1", "R4"]
    assert {p.row for p in problems} == {"企业 E1"}
    assert [p.value for p in problems] == [9, 7, 5]
    message = str(info.value)
    assert "3 处错误" in message
    assert "[0, 8]" in message and "[0, 6]" in message and "[0, 4]" in message


def test_bad_cells_and_out_of_range_points_are_refused_together() -> None:
    # a negative head count is a bad cell (found before scoring); K1 = 9 is found by scoring
    with pytest.raises(InvalidInput) as info:
        score(staff_total=-5, hte_pts_advancement=9)
    columns = [str(p.column) for p in info.value.problems]
    assert columns[0] == "staff_total"
    assert columns[1].startswith("K1")
    assert len(columns) == 2


def test_problems_of_several_rows_come_row_by_row() -> None:
    # E0: K1 and R1 out of range; E1: K1 only. Listed by enterprise, each one's problems together.
    data = frames(2, hte_pts_advancement=[9, 9], hte_pts_rd_system=[7, 6])
    with pytest.raises(InvalidInput) as info:
        score_frames(SYSTEM, data, year=YEAR)
    got = [(p.row, str(p.column).split()[0]) for p in info.value.problems]
    assert got == [("企业 E0", "K1"), ("企业 E0", "R1"), ("企业 E1", "K1")]


# ----------------------------------------------------------------------------- expert grades (K1, K2)
# 《指引》知识产权（1）技术的先进程度、（2）对主要产品（服务）在技术上发挥核心支持作用: the expert
# grades A–E and scores within the grade: A 7–8, B 5–6, C 3–4, D 1–2, E 0.
GRADES = {"K1": "hte_grade_advancement", "K2": "hte_grade_core_support"}


def graded(data: dict[int, pd.DataFrame], **grades: object) -> dict[int, pd.DataFrame]:
    """`data` with grade texts (one per enterprise, or one for all) in the scored year."""
    for field, grade in grades.items():
        for y, frame in data.items():
            texts = grade if isinstance(grade, list) else [grade] * len(frame)
            frame[field] = pd.Series(texts if y == YEAR else [None] * len(frame), index=frame.index, dtype=object)
    return data


def accepted_in_grade(code: str, grade: str) -> tuple[int, int]:
    """The (lowest, highest) integer score the engine accepts for `code` under `grade`."""
    field, top = INPUTS[code]
    offered = list(range(top + 1))
    blank = {f: NAN for f, _ in INPUTS.values()}
    refused: set[int] = set()
    try:
        score_frames(SYSTEM, graded(frames(top + 1, **{**blank, field: offered}), **{GRADES[code]: grade}), year=YEAR)
    except InvalidInput as exc:
        for problem in exc.problems:
            assert code in str(problem.column), problem
            refused.add(int(str(problem.row).removeprefix("企业 E")))
    accepted = [s for s in offered if s not in refused]
    assert accepted == list(range(accepted[0], accepted[-1] + 1)), accepted
    return accepted[0], accepted[-1]


@pytest.mark.parametrize("code", ["K1", "K2"])
@pytest.mark.parametrize(
    ("grade", "expected"),
    [("A", (7, 8)), ("B", (5, 6)), ("C", (3, 4)), ("D", (1, 2)), ("E", (0, 0)), (" b ", (5, 6))],
)
def test_expert_points_must_lie_in_their_grade(code: str, grade: str, expected: tuple[int, int]) -> None:
    assert accepted_in_grade(code, grade) == expected


def test_grades_may_be_written_in_the_table_words() -> None:
    assert accepted_in_grade("K1", "较高") == (5, 6)  # 技术的先进程度 B 较高
    assert accepted_in_grade("K2", "较强") == (5, 6)  # 核心支持作用 B 较强
    assert accepted_in_grade("K2", "无") == (0, 0)


def test_grade_b_with_7_points_is_refused_naming_indicator_grade_and_range() -> None:
    with pytest.raises(InvalidInput) as info:
        score_frames(SYSTEM, graded(frames(hte_pts_advancement=7), hte_grade_advancement="B"), year=YEAR)
    [problem] = info.value.problems
    assert problem.row == "企业 E1"
    assert str(problem.column).startswith("K1 技术的先进程度")
    assert problem.value == 7
    assert problem.reason == "评审分值 7 超出评审档次“B”允许的范围 [5, 6]"


def test_an_unknown_grade_is_refused_listing_the_grades() -> None:
    with pytest.raises(InvalidInput) as info:
        score_frames(SYSTEM, graded(frames(), hte_grade_core_support="F"), year=YEAR)
    [problem] = info.value.problems
    assert str(problem.column).startswith("K2") and problem.value == "F"
    assert "A/强、B/较强、C/一般、D/较弱、E/无" in problem.reason


def test_graded_points_count_as_given_and_a_blank_takes_the_grade_low_end() -> None:
    # K1 B 6, K2 C 4, K3 8, K4 6 → 知识产权 24; the rest as the baseline: 24 + 30 + 20 + 20 = 94
    data = graded(frames(hte_pts_advancement=6, hte_pts_core_support=4),
                  hte_grade_advancement="B", hte_grade_core_support="C")
    r = score_frames(SYSTEM, data, year=YEAR).to_frame().loc["E1"]
    assert (r["pts.K1"], r["pts.K2"], r["cat.ip"], r["total"]) == (approx(6), approx(4), approx(24), approx(94))
    # no points given: the grade's low end (A → 7, E → 0), as 《指引》 sets no other default
    data = graded(frames(hte_pts_advancement=NAN, hte_pts_core_support=NAN),
                  hte_grade_advancement="A", hte_grade_core_support="E")
    r = score_frames(SYSTEM, data, year=YEAR).to_frame().loc["E1"]
    assert (r["pts.K1"], r["pts.K2"], r["cat.ip"]) == (approx(7), approx(0), approx(21))


def test_three_graded_and_banded_offences_in_one_row_are_all_listed() -> None:
    # K1 grade B with 7, K2 grade A with 6, K3 (1 class-I IP → 7–8) with 5
    data = graded(frames(hte_pts_advancement=7, hte_pts_core_support=6, hte_pts_ip_count=5),
                  hte_grade_advancement="B", hte_grade_core_support="A")
    with pytest.raises(InvalidInput) as info:
        score_frames(SYSTEM, data, year=YEAR)
    reasons = {str(p.column).split()[0]: p.reason for p in info.value.problems}
    assert reasons == {
        "K1": "评审分值 7 超出评审档次“B”允许的范围 [5, 6]",
        "K2": "评审分值 6 超出评审档次“A”允许的范围 [7, 8]",
        "K3": "评审分值 5 超出允许范围 [7, 8]",
    }
