"""The `levels` rule kind (text value → points of its level) and systems in words.

v1.0/v1.1 used nested conditionals for MG19 (tax-credit grade), EN04 (listing board) and EN09
(incubator level); the shipped files now use `levels`. The old definitions are kept here, and
both are scored on the demo zone: every enterprise's points, totals and missing flags must be
identical.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from scoring.demo.build import build_demo
from scoring.engine.advice import cohort_advice
from scoring.engine.engine import score_frames
from scoring.engine.explain import explain
from scoring.errors import InvalidIndicatorSystem, InvalidInput
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.loader import load_system, parse_system
from scoring.systems.rules import Levels
from scoring.systems.words import formula_words, percent, points, range_words
from tests.scoring.conftest import dump

# The definitions as they were before the `levels` kind (formula, unit and rule).
OLD: dict[str, dict[str, Any]] = {
    "MG19": {
        "unit": "级",
        "formula": '4 if tax_credit_grade == "A" else (3 if tax_credit_grade == "B" else (2 if tax_credit_grade == "M" else (1 if tax_credit_grade == "C" else 0)))',
        "rule": {"kind": "bands", "bands": [
            {"range": "[0, 2)", "points": 0}, {"range": "[2, 3)", "points": 1},
            {"range": "[3, 4)", "points": 2}, {"range": "[4, inf)", "points": 3}]},
    },
    "EN04": {
        "unit": "级",
        "formula": '0 if is_missing(listing_board) else (3 if listing_board == "主板" or listing_board == "科创板" or listing_board == "创业板" or listing_board == "北交所" or listing_board == "境外" else (2 if listing_board == "新三板" else (1 if listing_board == "区域性股权市场" else 0)))',
        "rule": {"kind": "bands", "bands": [
            {"range": "[0, 1)", "points": 0}, {"range": "[1, 2)", "points": 1},
            {"range": "[2, 3)", "points": 2}, {"range": "[3, inf)", "points": 4}]},
    },
    "EN09": {
        "unit": "级",
        "formula": '0 if is_missing(incubator_level) else (3 if incubator_level == "国家级" else (2 if incubator_level == "省级" else (1 if incubator_level == "市级" else 0)))',
        "rule": {"kind": "bands", "bands": [
            {"range": "[0, 1)", "points": 0}, {"range": "[1, 2)", "points": 1},
            {"range": "[2, 3)", "points": 2}, {"range": "[3, inf)", "points": 3}]},
    },
}


def _old_form(path: Path) -> tuple[Any, Any]:
    """The shipped system and the same file with the three indicators as they were."""
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    for item in doc["indicators"]:
        if item["code"] in OLD:
            item.update(copy.deepcopy(OLD[item["code"]]))
    return parse_system(text, file=str(path)), parse_system(dump(doc), file="old")


@pytest.fixture(scope="module")
def demo_raw() -> dict[int, pd.DataFrame]:
    return build_demo(n=600).raw


@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_levels_score_every_demo_enterprise_exactly_as_the_nested_conditionals(
    version: str, demo_raw: dict[int, pd.DataFrame]
) -> None:
    new, old = _old_form(SYSTEMS_DIR / f"{version}.yaml")
    assert all(isinstance(new.by_code[code].rule, Levels) for code in OLD)
    assert not any(" if " in ind.formula for ind in new.indicators)
    for year in sorted(demo_raw):
        frames = {y: f for y, f in demo_raw.items() if y <= year}
        a, b = score_frames(old, frames, year=year), score_frames(new, frames, year=year)
        assert a.codes == b.codes
        np.testing.assert_array_equal(a.points, b.points)
        np.testing.assert_array_equal(a.total, b.total)
        np.testing.assert_array_equal(a.missing, b.missing)
        np.testing.assert_array_equal(a.rank, b.rank)


def _rows(**columns: list[Any]) -> dict[int, pd.DataFrame]:
    n = len(next(iter(columns.values())))
    base = {"age_years": [5] * n, "revenue": [3000.0] * n, "staff_total": [50] * n}
    return {2025: pd.DataFrame({**base, **columns}, index=[f"E{i}" for i in range(n)])}


def test_every_grade_board_and_level_including_unknown_and_missing() -> None:
    system = load_system(SYSTEMS_DIR / "v1.1.yaml")
    _, old = _old_form(SYSTEMS_DIR / "v1.1.yaml")
    grades = ["A", "B", "M", "C", "D", "X", None, None]
    boards = ["科创板", "境外", "新三板", "区域性股权市场", "主板", "其他市场", None, "北交所"]
    levels = ["国家级", "省级", "市级", "区级", None, None, "国家级", "省级"]
    frames = _rows(tax_credit_grade=grades, listing_board=boards, incubator_level=levels)
    new_r, old_r = score_frames(system, frames, year=2025), score_frames(old, frames, year=2025)
    for code, expected in {
        "MG19": [3, 2, 1, 0, 0, 0, np.nan, np.nan],  # a missing grade stays missing
        "EN04": [4, 4, 2, 1, 4, 0, 0, 4],  # no record on the finance list: 0, not missing
        "EN09": [3, 2, 1, 0, 0, 0, 3, 2],
    }.items():
        k = new_r.codes.index(code)
        np.testing.assert_array_equal(new_r.values[k], np.array(expected, dtype=float))
        np.testing.assert_array_equal(new_r.points[k], old_r.points[old_r.codes.index(code)])
        np.testing.assert_array_equal(new_r.missing[k], old_r.missing[old_r.codes.index(code)])
    k = new_r.codes.index("MG19")
    assert new_r.points[k].tolist() == pytest.approx([0.8, 0.533333, 0.266667, 0, 0, 0, 0, 0])


def _mini_levels(rule: dict[str, Any], formula: str = "tax_credit_grade") -> str:
    doc = {
        "version": "lv", "name": "等级", "year": 2025,
        "stages": [{"stage": "startup", "when": "true"}],
        "categories": [{"code": "credit", "name": "信用", "max_points": 2}],
        "indicators": [{"code": "G1", "name": "纳税信用", "category": "credit", "source": "tax",
                        "formula": formula, "rule": rule, "weights": 2}],
    }
    return dump(doc)


def test_a_text_in_no_level_is_refused_when_the_rule_has_no_other() -> None:
    system = parse_system(_mini_levels({"kind": "levels", "levels": [{"values": ["A"], "points": 2}, {"values": ["B"], "points": 1}]}))
    frames = _rows(tax_credit_grade=["A", "Z", None])
    with pytest.raises(InvalidInput) as exc:
        score_frames(system, frames, year=2025)
    (problem,) = exc.value.problems
    assert problem.row == "企业 E1" and problem.value == "Z" and "A、B" in problem.reason
    ok = score_frames(parse_system(_mini_levels({"kind": "levels", "levels": [{"values": ["A"], "points": 2}], "other": 1})), frames, year=2025)
    assert ok.points[0].tolist()[:2] == [2.0, 1.0] and bool(ok.missing[0, 2])


@pytest.mark.parametrize(("rule", "formula", "message"), [
    ({"kind": "levels", "levels": [{"values": ["A"], "points": 2}, {"values": ["A"], "points": 1}]}, "tax_credit_grade", "“A”出现了不止一次"),
    ({"kind": "levels", "levels": [{"values": ["A"], "points": 0}]}, "tax_credit_grade", "大于 0"),
    ({"kind": "levels", "levels": [{"values": ["A"], "points": 2}]}, "revenue", "必须是一个文本字段"),
    ({"kind": "levels", "levels": [{"values": ["A"], "points": 2}]}, 'tax_credit_grade if revenue > 1 else "B"', "必须是一个文本字段"),
    ({"kind": "levels", "levels": [{"values": ["A"], "points": 2}], "others": 0}, "tax_credit_grade", "不认识的键 others"),
    ({"kind": "levels", "levels": []}, "tax_credit_grade", "levels"),
])
def test_the_loader_refuses_a_broken_levels_rule_naming_the_indicator(rule: dict[str, Any], formula: str, message: str) -> None:
    with pytest.raises(InvalidIndicatorSystem) as exc:
        parse_system(_mini_levels(rule, formula), file="lv.yaml")
    assert "lv.yaml" in str(exc.value) and "指标 G1" in str(exc.value) and message in str(exc.value)


def test_levels_explanation_and_advice_name_the_levels() -> None:
    system = load_system(SYSTEMS_DIR / "v1.1.yaml")
    ind = system.by_code["MG19"]
    text = explain(system, ind, stage="growth", value=2.0, normalized=2 / 3, points=0.533333, weight=0.8,
                   missing=False, band=1)
    assert text == "公式：纳税信用等级（A/B/M/C/D）；等级：“B”（该级 2 分，最高 3 分）；权重 0.8，得分 0.53"
    assert ind.rule.describe() == "按等级：“A” 得 3 分；“B” 得 2 分；“M” 得 1 分；“C”、“D” 得 0 分；其他值得 0 分；无记录按缺失处理（满分 3 分）"
    frames = _rows(tax_credit_grade=["B", "A", "A", "A", "A", "A"])
    result = score_frames(system, frames, year=2025)
    no_cohort_targets = result.size + 1  # a group larger than the zone: only bands and levels are targets
    advice = cohort_advice(system, result, min_group=no_cohort_targets).for_firm(system, result.row("E0"))
    tips = {t.indicator: t for t in advice}
    assert tips["MG19"].kind == "next_band" and tips["MG19"].text.startswith("将“纳税信用等级”从 “B” 提高到 “A”（下一档）可增加 0.27 分")


# ----------------------------------------------------------------------------- words
def test_ranges_in_words_never_say_inf() -> None:
    assert range_words(Fraction_(1, 20), None, lo_closed=True, hi_closed=False, unit="%") == "≥ 5 %"
    assert range_words(None, Fraction_(0), lo_closed=False, hi_closed=True, unit="%") == "≤ 0 %"
    assert range_words(Fraction_(1), Fraction_(3), lo_closed=True, hi_closed=False, unit="件") == "1–2件"
    assert range_words(Fraction_(0), Fraction_(1), lo_closed=True, hi_closed=False, unit="人") == "0人"
    assert range_words(Fraction_(3, 100), Fraction_(1, 10), lo_closed=True, hi_closed=False, unit="%") == "≥ 3 % 且 < 10 %"
    assert range_words(Fraction_(2), Fraction_(5), lo_closed=False, hi_closed=True, unit="万元") == "> 2万元 且 ≤ 5万元"


def Fraction_(a: int, b: int = 1) -> Any:
    from fractions import Fraction

    return Fraction(a, b)


def test_numbers_for_people() -> None:
    assert points(0.916667) == "0.92" and points(3) == "3.00" and points(-0.0) == "0.00" and points(None) == "缺失"
    assert percent(0.125) == "12.5 %" and percent(0.55) == "55 %" and percent(float("nan")) == "缺失"


@pytest.mark.parametrize(("formula", "words"), [
    ("rd_expense / revenue", "研发费用总额 ÷ 营业收入"),
    ("growth(revenue)", "营业收入较上年增长率"),
    ("avg_growth(rd_expense, 2)", "研发费用总额近 2 年平均增长率"),
    ("1 - net_assets / total_assets", "1 − 净资产 ÷ 资产总额"),
    ("max(staff_master_plus - staff_phd, 0)", "(硕士及以上学历职工数 − 博士学历职工数)（低于 0 按 0 计）"),
    ("hte_certified == 1", "有效期内高新技术企业为“是”"),
    ("revenue >= 5000 or (age_years >= 8 and revenue >= 3000)", "营业收入 ≥ 5000万元 或 (成立年限 ≥ 8年 且 营业收入 ≥ 3000万元)"),
    ("tech_staff / staff_total >= 0.1", "科技人员数 ÷ 职工总数 ≥ 10 %"),
    ("rd_expense[-1]", "上年研发费用总额"),
    ("5 if ip_class1 >= 1 else min(ip_class2, 4)", "[当 Ⅰ类知识产权数（发明专利、植物新品种、集成电路布图设计等） ≥ 1项 时取 5，否则取 Ⅱ类知识产权数（实用新型、外观设计、软件著作权等）、4中的较小者]"),
])
def test_formulas_in_words(formula: str, words: str) -> None:
    assert formula_words(formula, fields=default_fields()) == words


def test_every_shipped_formula_and_rule_reads_without_field_codes_or_inf() -> None:
    registry = default_fields()
    for path in sorted(SYSTEMS_DIR.glob("*.yaml")):
        system = load_system(path)
        for ind in system.indicators:
            words = formula_words(ind.formula, fields=registry)
            assert not any(name in words for name in registry if len(name) > 3), (path.name, ind.code, words)
            described = ind.rule.describe(unit=ind.unit)
            assert not any(key in described for key in ("inf", "per_unit", "cap", "range", "kind", "points")), (ind.code, described)
