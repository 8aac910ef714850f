"""`input` rules whose allowed range is set by the expert's grade: how a system file declares them."""

from __future__ import annotations

import pytest

from scoring.errors import InvalidIndicatorSystem
from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.loader import parse_system

TEXT = (SYSTEMS_DIR / "hte-2016.yaml").read_text(encoding="utf-8")
K1_BASIS = 'basis: "hte_grade_advancement"'


def test_the_published_file_declares_grades_for_k1_and_k2() -> None:
    system = parse_system(TEXT)
    for code in ("K1", "K2"):
        words = system.by_code[code].rule.describe()
        assert "A/" in words and "7–8 分" in words and "未给出档次时 0–8 分" in words


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (K1_BASIS, 'basis: "ip_class1"', "basis 必须是一个文本字段"),
        ("{values: [C, 一般]", "{values: [C, b]", "评审档次“b”出现了不止一次"),  # B, written loosely,
        (K1_BASIS, "", "必须写 basis"),
    ],
)
def test_a_broken_grade_table_is_refused(old: str, new: str, problem: str) -> None:
    assert TEXT.count(old) >= 1
    with pytest.raises(InvalidIndicatorSystem) as info:
        parse_system(TEXT.replace(old, new, 1), file="hte.yaml")
    assert problem in str(info.value)
    assert "K1" in str(info.value)


def test_ungraded_belongs_to_a_grade_table_only() -> None:
    text = TEXT.replace("rule: {kind: input, range: [0, 6], default: low}",
                        "rule: {kind: input, range: [0, 6], ungraded: [0, 6], default: low}", 1)
    with pytest.raises(InvalidIndicatorSystem) as info:
        parse_system(text, file="hte.yaml")
    assert "ungraded 只用于" in str(info.value) and "R1" in str(info.value)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("评审档次：技术的先进程度", "hte_grade_advancement"),
        ("技术的先进程度档次", "hte_grade_advancement"),
        ("核心支持作用档次", "hte_grade_core_support"),
        ("技术的先进程度", "hte_pts_advancement"),  # the points keep their header
    ],
)
def test_review_files_carry_the_grades(header: str, field: str) -> None:
    from scoring.ingest.sources import default_sources, normalize_header

    assert default_sources()["review"].targets[normalize_header(header)].name == field
