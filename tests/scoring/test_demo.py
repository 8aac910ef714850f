"""The demo zone: deterministic, realistic, staged like the seed zone, every field present."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.demo.build import Demo, build_demo, synthetic_raw
from scoring.engine.engine import ScoreResult, score_frames
from scoring.stock_codes import normalize_stock_code
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.loader import load_system
from scoring.systems.schema import FieldDef
from scoring.uscc import is_valid_uscc

YEARS = (2023, 2024, 2025)
TARGET = {"startup": 55.0, "growth": 16.0, "development": 22.0, "mature": 7.0}
SYSTEM_OF_YEAR = {2023: "v1.0", 2024: "v1.0", 2025: "v1.1"}  # the zone's own indicator systems


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo()


def stages(frame: pd.DataFrame) -> pd.Series:
    """The v1.0 stage table, evaluated in order, first match wins — independent of the engine."""
    age, revenue, staff = frame["age_years"], frame["revenue"], frame["staff_total"]
    conditions = [
        ("mature", (age >= 10) & (revenue >= 20000)),
        ("development", (revenue >= 5000) | ((age >= 8) & (revenue >= 3000) & (staff >= 100))),
        ("growth", (age >= 3) & (revenue >= 1000)),
    ]
    out = pd.Series("startup", index=frame.index)
    decided = pd.Series(False, index=frame.index)
    for name, cond in conditions:
        hit = cond.fillna(False).astype(bool) & ~decided
        out[hit] = name
        decided |= hit
    return out


def shares(frame: pd.DataFrame) -> dict[str, float]:
    counts = stages(frame).value_counts()
    return {s: 100 * counts.get(s, 0) / len(frame) for s in TARGET}


def assert_frames_identical(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.to_csv() == b.to_csv()  # byte-identical text as well


# ------------------------------------------------------------------------------------ shape
def test_size_years_and_index(demo: Demo) -> None:
    assert len(demo.enterprises) == 2791
    assert demo.enterprises.index.name == "uscc"
    assert sorted(demo.raw) == list(YEARS)
    for frame in demo.raw.values():
        assert frame.index.equals(demo.enterprises.index)


def test_master_data_columns(demo: Demo) -> None:
    e = demo.enterprises
    expected = {
        "name",
        "short_name",
        "former_names",
        "english_name",
        "address",
        "legal_representative",
        "industry",
        "industry_code",
        "products",
        "business_scope",
        "founding_date",
    }
    assert expected <= set(e.columns)
    assert e["name"].str.endswith(("有限公司", "有限责任公司", "股份有限公司")).all()
    assert e["address"].str.startswith("常州市新北区").all()
    assert e["industry_code"].str.fullmatch(r"[A-Z]\d{4}").all()
    assert e["products"].str.split("、").map(len).between(1, 3).all()
    assert e["former_names"].map(lambda v: isinstance(v, list)).all()
    assert 0.05 <= (e["former_names"].map(len) > 0).mean() <= 0.11
    assert 0.33 <= e["english_name"].notna().mean() <= 0.47
    assert e["english_name"].dropna().str.endswith("Co., Ltd.").all()
    assert set(e["industry"]) == {
        "光伏",
        "新能源汽车零部件",
        "智能装备",
        "新材料",
        "生物医药",
        "电子信息",
        "软件",
        "节能环保",
        "轨道交通",
        "医疗器械",
    }


def test_a_few_dozen_listed_firms_with_codes_on_their_board(demo: Demo) -> None:
    e = demo.enterprises
    listed = e[e["stock_codes"].map(len) > 0]
    assert 20 <= len(listed) <= 60  # the zone is mostly SMEs
    board = demo.raw[YEARS[-1]]["listing_board"]
    suffix = {"科创板": ".SH", "创业板": ".SZ", "北交所": ".BJ", "境外": ".HK", "新三板": ".NQ"}
    for uscc, codes in listed["stock_codes"].items():
        assert [normalize_stock_code(c) for c in codes] == codes  # stored as the importer stores them
        assert board[uscc] in suffix or board[uscc] == "主板"
        assert codes[0].endswith(suffix.get(board[uscc], (".SH", ".SZ")))
    every = [c for codes in e["stock_codes"] for c in codes]
    assert len(set(every)) == len(every)
    names = [n for ns in e["stock_names"] for n in ns]
    assert len(set(names)) == len(names) == len(listed)
    aliases = [a for ns in e["aliases"] for a in ns]
    assert 0.04 <= (e["aliases"].map(len) > 0).mean() <= 0.12 and len(set(aliases)) == len(aliases)
    assert not any(a in name for a in aliases for name in e["name"])  # a brand names no other firm
    assert (e.loc[listed.index, "aliases"].map(len) > 0).mean() > 0.5


def test_names_unique_with_near_duplicates(demo: Demo) -> None:
    e = demo.enterprises
    assert e["name"].is_unique
    former = [n for names in e["former_names"] for n in names]
    assert len(set(former)) == len(former) and not set(former) & set(e["name"])
    # A few trade names are shared by firms of different industries (as search meets them).
    trade = e["short_name"].str[:2]
    shared = e.assign(trade=trade).groupby("trade")["industry"].nunique()
    assert 5 <= (shared > 1).sum() <= 100


def test_usccs_valid_unique_and_local(demo: Demo) -> None:
    codes = demo.enterprises.index
    assert codes.is_unique
    assert all(is_valid_uscc(c) for c in codes)
    assert (codes.str[:2] == "91").all()
    assert codes.str[2:8].isin(["320411", "320400", "320000"]).all()
    assert (codes.str[2:8] == "320411").mean() > 0.8
    # New-style "MA" organization codes only for firms registered after the 2015 reform.
    modern = codes.str[8:10] == "MA"
    founded = pd.to_datetime(demo.enterprises["founding_date"])
    assert (founded[modern] >= "2015-10-01").all() and (founded[~modern] < "2015-10-01").all()


def test_age_matches_founding_date(demo: Demo) -> None:
    founding_year = pd.to_datetime(demo.enterprises["founding_date"]).dt.year
    for year, frame in demo.raw.items():
        assert (frame["age_years"].astype(int) == year - founding_year).all()


# ------------------------------------------------------------------------------------ stages
def test_stage_shares_every_year(demo: Demo) -> None:
    for year, frame in demo.raw.items():
        got = shares(frame)
        for stage, target in TARGET.items():
            assert abs(got[stage] - target) <= 1.0, (year, stage, got)


def test_firms_grow_and_some_change_stage(demo: Demo) -> None:
    first, last = demo.raw[YEARS[0]], demo.raw[YEARS[-1]]
    growth = (last["revenue"] / first["revenue"]) ** 0.5 - 1
    growth = growth[np.isfinite(growth)]
    assert 0.0 < growth.median() < 0.3
    assert growth.between(-0.1, 0.4).mean() > 0.6
    moved = (stages(first) != stages(last)).mean()
    assert 0.02 < moved < 0.12  # about 0.8 % of the zone up and 0.65 % down per boundary-year


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n=st.integers(150, 1200))
def test_stage_shares_for_any_seed(seed: int, n: int) -> None:
    raw = synthetic_raw(n, seed=seed)
    for frame in raw.values():
        got = shares(frame)
        for stage, target in TARGET.items():
            assert abs(got[stage] - target) <= 1.0 + 100 / n, (stage, got)


# ------------------------------------------------------------------------------------ values
def _both(frame: pd.DataFrame, a: str, b: str) -> tuple[pd.Series, pd.Series]:
    ok = frame[a].notna() & frame[b].notna()
    return frame.loc[ok, a].astype(float), frame.loc[ok, b].astype(float)


@pytest.mark.parametrize(
    ("small", "large"),
    [
        ("rd_staff", "tech_staff"),
        ("tech_staff", "staff_total"),
        ("staff_phd", "staff_master_plus"),
        ("staff_master_plus", "staff_bachelor_plus"),
        ("staff_bachelor_plus", "staff_total"),
        ("rd_staff_master_plus", "rd_staff"),
        ("rd_staff_master_plus", "staff_master_plus"),
        ("domestic_rd_expense", "rd_expense"),
        ("rd_expense", "total_cost_expense"),
        ("rd_super_deduction", "rd_expense"),
        ("rd_labor_cost", "rd_expense"),
        ("basic_research_expense", "rd_expense"),
        ("hightech_revenue", "revenue"),
        ("export_revenue", "revenue"),
        ("revenue", "total_income"),
        ("invention_patents_valid", "ip_class1"),
        ("invention_patents_granted", "invention_patent_applications"),
        ("little_giant", "specialized_sme"),
        ("net_assets", "total_assets"),
        ("national_talents", "staff_total"),
        ("provincial_talents", "staff_total"),
        ("overseas_talents", "staff_total"),
        ("tech_brokers", "staff_total"),
        ("new_master_hires", "staff_master_plus"),
    ],
)
def test_nested_quantities(demo: Demo, small: str, large: str) -> None:
    for frame in demo.raw.values():
        if small in frame and large in frame:
            a, b = _both(frame, small, large)
            assert (a <= b).all(), (small, large, frame.index[(a > b).to_numpy()][:3].tolist())


def test_ip_classes_add_up(demo: Demo) -> None:
    for frame in demo.raw.values():
        parts = frame[["utility_patents_valid", "design_patents_valid", "software_copyrights"]]
        ok = parts.notna().all(axis=1) & frame["ip_class2"].notna()
        assert (parts[ok].sum(axis=1) == frame.loc[ok, "ip_class2"]).all()


def test_types_and_precision(demo: Demo) -> None:
    registry = default_fields()
    for frame in demo.raw.values():
        for name, spec in registry.items():
            col = frame[name]
            present = col.dropna()
            if spec.type == "amount":
                assert col.dtype == np.float64
                cents = present.to_numpy() * 100
                assert np.allclose(cents, np.round(cents), atol=1e-6), name
                if not spec.signed:
                    assert (present >= 0).all(), name
            elif spec.type in ("count", "years"):
                assert str(col.dtype) == "Int64" and (present >= 0).all(), name
            elif spec.type == "flag":
                assert str(col.dtype) == "Int64" and present.isin([0, 1]).all(), name
            elif spec.type == "ratio":
                assert present.between(0, 1).all(), name
            elif spec.type == "points":
                assert col.isna().all(), name


def test_realistic_levels(demo: Demo) -> None:
    frame = demo.raw[2024]
    stage = stages(frame)
    revenue = frame["revenue"].groupby(stage).median()
    assert revenue["startup"] < 1000 <= revenue["growth"] < 5000 <= revenue["development"]
    assert revenue["mature"] >= 20000
    intensity = (frame["rd_expense"] / frame["revenue"]).replace(np.inf, np.nan).dropna()
    active = intensity[intensity > 0]
    assert active.between(0.019, 0.151).mean() > 0.97
    by_industry = intensity.groupby(demo.enterprises["industry"]).median()
    assert by_industry["软件"] > by_industry["新能源汽车零部件"]
    assert by_industry["生物医药"] > by_industry["智能装备"]
    hte = frame["hte_certified"] == 1
    assert intensity[hte].median() > intensity[~hte].median()
    assert (
        frame["hte_certified"].groupby(stage).mean().reindex(list(TARGET)).is_monotonic_increasing
    )
    assert 0.0 < (frame["net_assets"] < 0).mean() < 0.05
    for flag in ("serious_incident", "credit_blacklist", "abnormal_operation"):
        assert 0.0 < frame[flag].mean() <= 0.03, flag
    assert frame["tsme_registered"][stage == "mature"].sum() == 0  # not SMEs
    assert set(frame["tax_credit_grade"].dropna()) <= {"A", "B", "M", "C", "D"}


def test_summary_flags_agree_with_the_detail(demo: Demo) -> None:
    for frame in demo.raw.values():
        centres = ["provincial_eng_center", "provincial_key_lab", "provincial_tech_center"]
        platform = (frame[centres] == 1).any(axis=1) | (frame["national_rd_platforms"] > 0)
        assert (frame["provincial_rd_institution"] == platform.astype(int)).all()
        led = frame[["intl_standards_led", "national_standards_led", "industry_standards_led"]]
        led = led.sum(axis=1) > 0
        known = frame["standard_led_5y"].notna()  # self-reported: gaps
        assert (frame.loc[known, "standard_led_5y"] == led[known].astype(int)).all()
        joined = led | (frame["standards_participated"] > 0)
        known = frame["standard_participation"].notna()
        assert (frame.loc[known, "standard_participation"] == joined[known].astype(int)).all()
        awarded = frame["national_sci_awards"] > 0
        assert (frame.loc[awarded, "national_st_award_top3"] == 1).all()
        listed = frame["listing_board"].isin(["主板", "科创板", "创业板", "北交所", "境外"])
        assert (frame.loc[listed, "listing_reserve"].fillna(0) == 0).all()


def test_certificates_rise_with_stage_and_cluster(demo: Demo) -> None:
    frame = demo.raw[2024]
    stage = stages(frame)
    held = pd.DataFrame(
        {  # missing (a gap) is unknown, not "not held"
            name: (frame[name].astype(float) > 0).where(frame[name].notna())
            for name in (
                "iso9001_certified",
                "iso14001_certified",
                "ipms_certified",
                "provincial_eng_center",
                "rd_reserve_system",
                "independent_rd_dept",
                "achievement_reward_system",
                "univ_coop_projects",
                "provincial_sci_projects",
                "tech_loans",
            )
        }
    )
    by_stage = held.groupby(stage).mean().reindex(list(TARGET))
    rises = (by_stage.diff().iloc[1:] > -0.03).all()  # near saturation only noise remains
    assert rises.all() and (by_stage.loc["mature"] - by_stage.loc["startup"] > 0.05).all()
    assert (by_stage.loc["startup"] < 0.95).all() and (by_stage.loc["mature"] > 0.8).all()
    # Records come together in the same capable firms: within a stage, the firms holding more of
    # them hold more invention patents.
    count = held.fillna(False).astype(int).sum(axis=1)
    patents = frame["invention_patents_valid"].astype(float)
    for name in TARGET:
        mine = stage == name
        rich = count[mine] >= count[mine].median()
        assert patents[mine][rich].median() > patents[mine][~rich].median(), name
    # Software firms hold CMMI and ISO 27001 far more often than the others, makers ISO 14001.
    software = demo.enterprises["industry"] == "软件"
    cmmi = frame["cmmi_level"] > 0
    assert cmmi[software].mean() > 2 * cmmi[~software].mean()
    iso27001 = frame["iso27001_certified"] == 1
    assert iso27001[software].mean() > 2 * iso27001[~software].mean()
    iso14001 = frame["iso14001_certified"] == 1
    assert iso14001[~software].mean() > 1.5 * iso14001[software].mean()


# ------------------------------------------------------------------------------------ scores
@pytest.fixture(scope="module")
def scored(demo: Demo) -> dict[int, ScoreResult]:
    """The demo scored by the real engine under the zone's own systems (v1.0, then v1.1)."""
    return {
        year: score_frames(load_system(SYSTEMS_DIR / f"{version}.yaml"), demo.raw, year=year)
        for year, version in SYSTEM_OF_YEAR.items()
    }


@pytest.mark.parametrize("year", YEARS)
def test_scores_like_a_zone_that_has_run_the_programme(
    scored: dict[int, ScoreResult], year: int
) -> None:
    """Typical firm 40–50, start-ups lowest and mature firms highest, about a sixth to a fifth of
    the zone at 60 or more (the bank whitelist), a few leaders above 80, few firms below 10."""
    result = scored[year]
    total = np.asarray(result.total)
    assert 40.0 <= total.mean() <= 50.0, total.mean()
    stage_means = [total[result.stage == k].mean() for k in range(len(TARGET))]
    assert all(a < b for a, b in pairwise(stage_means)), stage_means
    assert 0.15 <= (total >= 60).mean() <= 0.25, (total >= 60).mean()
    assert (total >= 80).sum() >= 1 and (total < 10).mean() < 0.05
    for i, category in enumerate(result.system.categories):
        share = result.category_points[i].mean() / category.max_points
        assert 0.25 <= share <= 0.65, (category.code, share)


# ------------------------------------------------------------------------------------ fields
def test_every_declared_field_present(demo: Demo) -> None:
    declared = list(default_fields())
    for frame in demo.raw.values():
        assert list(frame.columns) == declared


def test_new_field_of_every_type_needs_no_code() -> None:
    extra = {
        "age_years": FieldDef(name="成立年限", unit="年", type="years", source="register"),
        "revenue": FieldDef(name="营业收入", unit="万元", type="amount", source="tax"),
        "staff_total": FieldDef(name="职工总数", unit="人", type="count", source="hr"),
        "x_count": FieldDef(name="某项数", unit="项", type="count", source="stats"),
        "x_people": FieldDef(name="某类人员数", unit="人", type="count", source="hr"),
        "x_flag": FieldDef(name="某项资质", unit="", type="flag", source="cert"),
        "x_amount": FieldDef(name="某项支出", unit="万元", type="amount", source="finance"),
        "x_signed": FieldDef(name="某项损益", unit="元", type="amount", source="tax", signed=True),
        "x_area": FieldDef(name="某场所面积", unit="平方米", type="amount", source="self_report"),
        "x_ratio": FieldDef(name="某比例", unit="", type="ratio", source="stats"),
        "x_years": FieldDef(name="某年限", unit="年", type="years", source="cert"),
        "x_points": FieldDef(name="评审分", unit="分", type="points", source="review"),
        "x_text": FieldDef(name="某级别（甲级/乙级）", unit="", type="text", source="cert"),
    }
    raw = synthetic_raw(500, seed=3, fields=extra)
    for frame in raw.values():
        assert list(frame.columns) == list(extra)
        assert (frame["x_people"].dropna() <= frame["staff_total"][frame["x_people"].notna()]).all()
        assert frame["x_flag"].isin([0, 1]).all() and frame["x_flag"].sum() > 0
        assert frame["x_count"].min() >= 0 and (frame["x_count"] == 0).mean() > 0.5
        assert (frame["x_signed"] < 0).any() and frame["x_amount"].min() >= 0
        assert frame["x_ratio"].dropna().between(0, 1).all()
        assert (frame["x_years"] <= frame["age_years"]).all()
        assert frame["x_points"].isna().all()
        assert set(frame["x_text"].dropna()) <= {"甲级", "乙级"} and frame["x_text"].notna().any()


def test_missing_values(demo: Demo) -> None:
    registry = default_fields()
    for frame in demo.raw.values():
        for name, spec in registry.items():
            if spec.type == "points" or spec.type == "text" and spec.source == "review":
                continue  # expert-assigned points and grades are not part of the demo
            rate = frame[name].isna().mean()
            if spec.type == "text" and spec.source in ("cert", "finance"):
                continue  # no value = no record on the list (not listed, not incubated)
            if spec.source == "self_report":
                assert 0.07 <= rate <= 0.18, (name, rate)
            elif spec.source in ("register", "cert", "credit") or name in (
                "revenue",
                "staff_total",
                "age_years",
            ):
                assert rate == 0, (name, rate)
            else:
                assert 0.002 <= rate <= 0.05, (name, rate)
    assert any(spec.source == "self_report" for spec in registry.values())


# ------------------------------------------------------------------------------------ determinism
def test_same_seed_same_bytes(demo: Demo) -> None:
    again = build_demo()
    assert_frames_identical(demo.enterprises, again.enterprises)
    for year in YEARS:
        assert_frames_identical(demo.raw[year], again.raw[year])


def test_other_seed_differs(demo: Demo) -> None:
    other = build_demo(seed=7)
    assert not other.enterprises.index.equals(demo.enterprises.index)
    assert not np.array_equal(other.raw[2023]["revenue"], demo.raw[2023]["revenue"])


def test_synthetic_raw_is_the_demo_without_names() -> None:
    small = build_demo(seed=5, n=400)
    raw = synthetic_raw(400, seed=5)
    for year in YEARS:
        assert_frames_identical(small.raw[year], raw[year])


def test_a_field_does_not_move_the_others() -> None:
    registry = dict(default_fields())
    fewer = {k: v for k, v in registry.items() if k != "tech_conversions"}
    full, partial = synthetic_raw(300, seed=9), synthetic_raw(300, seed=9, fields=fewer)
    for year in YEARS:
        assert_frames_identical(full[year].drop(columns="tech_conversions"), partial[year])


def test_other_years() -> None:
    raw = synthetic_raw(600, seed=2, years=(2021, 2022, 2023, 2024, 2025))
    assert sorted(raw) == [2021, 2022, 2023, 2024, 2025]
    for frame in raw.values():
        got = shares(frame)
        assert all(abs(got[s] - t) <= 1.0 + 100 / 600 for s, t in TARGET.items()), got
