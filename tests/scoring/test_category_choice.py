"""A category whose alternatives the enterprise chooses between: how a system file declares it."""

from __future__ import annotations

import pytest

from scoring.errors import InvalidIndicatorSystem
from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.loader import parse_system

TEXT = (SYSTEMS_DIR / "tsme-2017.yaml").read_text(encoding="utf-8")


def test_the_published_file_lets_the_enterprise_choose_its_rd_indicator() -> None:
    choice = parse_system(TEXT).category_by_code["rd"].choice
    assert choice is not None and choice.field == "rd_indicator_choice"
    assert [texts[0] for texts in choice.options.values()] == ["销售收入", "成本费用"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    aggregate: max      #", "    aggregate: sum      #", "只用于取最高分的类别"),
        ("field: rd_indicator_choice", "field: rd_expense", "必须是登记过的文本字段"),
        ("        T2B: [成本费用,", "        T3: [成本费用,", "应为 T2A、T2B"),
        ("研发投入指标（2）, cost]", "研发投入指标（2）, Revenue]", "“Revenue”出现了不止一次"),
    ],
)
def test_a_broken_choice_is_refused(old: str, new: str, problem: str) -> None:
    assert TEXT.count(old) == 1
    with pytest.raises(InvalidIndicatorSystem) as info:
        parse_system(TEXT.replace(old, new), file="tsme.yaml")
    assert problem in str(info.value)
    assert "rd" in str(info.value)
