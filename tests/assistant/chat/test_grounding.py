"""Grounding: which numbers of a reply need a fact, and when a fact supports one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.chat.grounding import numbers, ungrounded
from assistant.chat.reply import Fact, Source
from scoring.systems.words import number, points


def facts(*values: float | int | str | bool | None) -> list[Fact]:
    return [Fact(label=f"f{k}", value=v, source=Source(kind="run", run=1)) for k, v in enumerate(values)]


# ----------------------------------------------------------------------------- precision
@pytest.mark.parametrize(("shown", "ok"), [("48.75", True), ("48.8", True), ("49", True), ("48.7", False),
                                          ("48.76", False), ("48.753", True), ("48", False)])
def test_a_fact_supports_a_number_at_the_precision_shown(shown: str, ok: bool) -> None:
    assert (ungrounded(f"总积分 {shown} 分", facts(48.753)) == []) is ok


def test_percentages_signs_and_separators() -> None:
    assert ungrounded("高于 62.5 % 的企业", facts(62.5)) == []
    assert ungrounded("高于 62.5% 的企业", facts(0.625)) == ["62.5"]  # facts hold the value as shown
    assert ungrounded("下降 3.25 分", facts(-3.25)) == []  # unsigned after a word: the magnitude
    assert ungrounded("（-3.25）", facts(3.25)) == ["-3.25"]  # a sign shown must be the fact's
    assert ungrounded("（+3.25）", facts(3.25)) == []
    assert ungrounded("营业收入 20,000 万元", facts(20000)) == []
    assert ungrounded("版本 1.1", facts("1.1")) == []  # a numeric text fact
    assert ungrounded("满足 1 项", facts(True)) == ["1"]  # booleans are not numbers


# ----------------------------------------------------------------------------- what is not a number
def test_years_identifiers_and_documents_are_not_numbers() -> None:
    text = ("2026 年度积分尚未发布，最近一期为 2025 年度；2023–2025 年；二〇二五年；指标 FD01、T2A；"
            "企业 91320411MA6PBT8L2F；体系 v1.1、tsme-2017；《办法》（国科发政〔2017〕115号）")
    assert numbers(text) == []
    assert ungrounded(text, []) == []


def test_list_markers_are_ordinals_but_a_rank_in_a_sentence_is_a_number() -> None:
    listing = "成长期前 3 名：\n1. 甲公司 80.00 分\n2、乙公司 70.00 分\n（3）丙公司 60.00 分"
    assert ungrounded(listing, facts(3, 80, 70, 60)) == []
    assert ungrounded("在成长期排第 3 名（共 32 家）", facts(32)) == ["3"]
    assert ungrounded("12.5 分", facts(12.5)) == []  # "12." at a line start is not a marker


def test_numbers_the_user_typed_are_theirs() -> None:
    assert ungrounded("成长期前 10 名如下：", [], user_text="成长期前10名") == []
    assert ungrounded("成长期前十名如下", [], user_text="成长期前十名") == []
    assert ungrounded("成长期前 10 名如下：", [], user_text="成长期前5名") == ["10"]


def test_chinese_numerals_where_they_count() -> None:
    assert [n.value for n in numbers("排名第三，三家企业，十二点五分")] == [3, 3, 12.5]
    assert ungrounded("排名第三", facts(3)) == []
    assert ungrounded("共三家", facts(2)) == ["三"]
    found = numbers("百分位；下一档；同阶段下一个四分位；上一年；统一社会信用代码；第一名")
    assert [(n.text, n.value) for n in found] == [("第一", 1)]
    # A clarifying question's 哪一家 / 哪一项 asks which; it states no number.
    assert ungrounded("您问的是哪一家企业？哪一项指标？", ()) == []


# ----------------------------------------------------------------------------- invariants
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_a_value_formatted_at_any_precision_is_grounded_by_itself(value: float, decimals: int) -> None:
    shown = f"{value:.{decimals}f}"
    assert ungrounded(f"得分 {shown} 分", facts(value)) == []


@given(st.floats(min_value=0, max_value=1e5, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_a_value_off_by_a_shown_unit_is_not_grounded(value: float, decimals: int) -> None:
    unit = 10.0 ** -decimals
    shown = f"{value + 1.5 * unit:.{decimals}f}"
    assert ungrounded(f"得分 {shown} 分", facts(value)) == [shown]


@given(st.floats(min_value=0, max_value=1e5, allow_nan=False))
def test_the_projects_formats_are_grounded(value: float) -> None:
    assert ungrounded(f"{points(value)} 分，{number(value)}，{number(value)} %", facts(value)) == []
