"""Years from an injected clock, counts and list positions (Chinese numerals through cn2an)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.nlu.numbers import find_list_index, find_n, find_years


def years(text: str, today: date) -> list[int]:
    return [f.value for f in find_years(text, today=today)]


@pytest.mark.parametrize("today", [date(2026, 5, 20), date(2031, 1, 2)])
def test_relative_years_follow_the_clock(today: date) -> None:
    y = today.year
    assert years("今年", today) == [y]
    assert years("去年的总分", today) == [y - 1]
    assert years("上一年度", today) == [y - 1]
    assert years("上年", today) == [y - 1]
    assert years("前年", today) == [y - 2]
    assert years("大前年", today) == [y - 3]
    assert years("三年前呢", today) == [y - 3]
    assert years("今年比去年涨了还是跌了", today) == [y, y - 1]


def test_written_years() -> None:
    today = date(2026, 5, 20)
    assert years("2023年", today) == [2023]
    assert years("2024年度排名", today) == [2024]
    assert years("二〇二三年", today) == [2023]
    assert years("二零二四年的积分", today) == [2024]
    assert years("23年的总分", today) == [2023]
    assert years("2025", today) == [2025]


def test_ages_and_amounts_are_not_years() -> None:
    today = date(2026, 5, 20)
    assert years("成立15年了", today) == []
    assert years("研发费用2023万元", today) == []
    assert years("职工2000人", today) == []


@pytest.mark.parametrize(
    ("text", "n"),
    [("前十", 10), ("top5", 5), ("top 20", 20), ("前三名", 3), ("前20", 20), ("十强", 10),
     ("最高的五家", 5), ("成长期前十名的企业", 10), ("排名前十五", 15)],
)
def test_counts(text: str, n: int) -> None:
    assert [f.value for f in find_n(text)] == [n]


def test_years_before_are_not_counts() -> None:
    assert find_n("前年") == []
    assert find_n("前两年") == []


@pytest.mark.parametrize(
    ("text", "index"),
    [("第三名那家呢", 3), ("第3个", 3), ("第二家呢", 2), ("第一名是谁", 1), ("第二家的研发费用", 2)],
)
def test_list_positions(text: str, index: int) -> None:
    found = find_list_index(text)
    assert found is not None and found.value == index


def test_a_rank_is_not_a_list_position() -> None:
    assert find_list_index("我们排第三名") is None
