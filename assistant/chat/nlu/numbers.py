"""Years, counts and list positions in a cleaned message, with where each was found.

Years are calendar years; relative ones are resolved with the `today` the caller passes (the
service's clock, which tests set): 今年 → today.year, 去年/上年/上一年度 → −1, 前年 → −2,
大前年 → −3, 三年前 → −3. Written years: 2023年, 2023, 二〇二三年, 23年 (two digits only with 年, and
only when they read as a recent year, not an age: "成立15年" is no year). Chinese numerals go
through cn2an. Counts: 前十, top5, 前三名, 前20, 十强. List positions: 第三名那家, 第3个, 第二家.

Each finder returns `Found` items (value, start, end, as typed), so that the words can be masked
before the rest of the message is read.

>>> from datetime import date
>>> [f.value for f in find_years("去年和二〇二三年比", today=date(2026, 5, 20))]
[2025, 2023]
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

__all__ = ["Found", "cn_number", "find_list_index", "find_n", "find_years", "relative_year"]

_CN_DIGITS = "〇零一二三四五六七八九十百两壹贰叁肆伍陆柒捌玖拾"
_NUM = rf"(?:\d{{1,3}}|[{_CN_DIGITS}]{{1,4}})"
# Words for the year before, with their offset from this year; longest first.
_RELATIVE = {
    "大前年": -3, "上上年度": -2, "上上年": -2, "前年": -2, "去年度": -1, "去年": -1, "上一年度": -1, "上年度": -1, "上一年": -1,
    "上年": -1, "今年度": 0, "本年度": 0, "今年": 0, "本年": 0, "当年": 0, "明年": 1,
}
_YEAR_WORDS = re.compile(
    "|".join(
        (
            "(?P<rel>" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + ")",
            rf"(?P<ago>\d|[{_CN_DIGITS}]{{1,2}})年(?:以)?前",
            r"(?<!\d)(?P<y4>(?:19|20)\d{2})(?!\d)\s*(?P<y4s>年度|年)?",
            r"(?P<cn4>[〇零一二三四五六七八九○]{4})\s*年(?:度)?",
            r"(?<![\d成立办满过近前超了])(?P<y2>\d{2})\s*年(?:度)?(?![代前内来以多])",
        )
    )
)
# A four-digit number followed by one of these is an amount, not a year (2023万元, 2000人).
_AMOUNT_AFTER = re.compile(r"\s*(?:万|元|亿|个|人|名|家|件|项|分|%|平|米|台|套|篇|次|多|余)")
_N = re.compile(
    "|".join(
        (
            rf"(?:排名|排行|积分|得分)?(?:前|top\s*|头)(?P<n1>{_NUM})(?:名|家|位|强|个|企业)?(?!年|季|月|天)",
            rf"(?P<n2>{_NUM})(?:强|佳)(?!度|制|化)",
            rf"(?:最高|最好|最强|最优|领先|靠前)的?(?P<n3>{_NUM})(?:家|个|名|位)",
            rf"(?P<n4>{_NUM})(?:家|个|名)(?:最高|最好|最强|最优|领先)",
        )
    )
)
_LIST_INDEX = re.compile(
    rf"(?<![排是在了])第(?P<i>{_NUM})(?:名|个|家|位)?(?:的)?(?:那家|那个|那位|这家|那一家|公司|企业|呢|是谁|是哪家|是什么)"
    rf"|^第(?P<j>{_NUM})(?:名|个|家|位)?(?:的)?$"
    rf"|^第(?P<k>{_NUM})(?:名|个|家|位)(?:的|那家|那个|这家)"
    rf"|(?<=[和跟与同比])第(?P<m>{_NUM})(?:名|个|家|位)"  # 和第一名比呢: a comparison with a listed firm
)


class Found(NamedTuple):
    """A value read from the text, where it was (start, end) and the words as typed."""

    value: int
    start: int
    end: int
    text: str


def cn_number(text: str) -> int | None:
    """An integer written in digits or Chinese numerals (十五, 两, 二〇二三), or None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    import cn2an  # loaded on first use: importing it costs ~0.2 s

    try:
        return int(cn2an.cn2an(text.replace("○", "〇"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _two_digit_year(yy: int, today: date) -> int | None:
    year = 2000 + yy
    # "23年" is a year only when it reads as a recent one; "15年" in 成立15年 was excluded above.
    return year if today.year - 15 <= year <= today.year + 1 else None


def relative_year(word: str, today: date) -> int | None:
    """The calendar year a relative word names (去年 → today.year − 1), or None."""
    offset = _RELATIVE.get(word)
    return None if offset is None else today.year + offset


def find_years(text: str, *, today: date) -> list[Found]:
    """Calendar years the text names, in order (relative words resolved with `today`)."""
    found: list[Found] = []
    for m in _YEAR_WORDS.finditer(text):
        year: int | None
        if m.group("rel"):
            year = today.year + _RELATIVE[m.group("rel")]
        elif m.group("ago"):
            ago = cn_number(m.group("ago"))
            year = today.year - ago if ago is not None and 0 < ago <= 20 else None
        elif m.group("y4"):
            if not m.group("y4s") and _AMOUNT_AFTER.match(text, m.end()):
                continue
            year = int(m.group("y4"))
        elif m.group("cn4"):
            year = cn_number(m.group("cn4"))
        else:
            year = _two_digit_year(int(m.group("y2")), today)
        if year is not None and 1990 <= year <= 2100:
            found.append(Found(year, m.start(), m.end(), m.group(0).strip()))
    return found


def find_n(text: str) -> list[Found]:
    """How many a list should hold: 前十 → 10, top5 → 5, 前三名 → 3, 十强 → 10 (span: the numeral)."""
    found = []
    for m in _N.finditer(text):
        group = next(g for g in ("n1", "n2", "n3", "n4") if m.group(g))
        n = cn_number(m.group(group))
        if n is not None and 0 < n <= 1000:
            # Only the numeral is the slot: 排名前十 keeps 排名前…名 as words of the question.
            found.append(Found(n, m.start(group), m.end(group), m.group(0)))
    return found


def find_list_index(text: str) -> Found | None:
    """A 1-based position in the last list the assistant gave: 第三名那家 → 3, 第3个 → 3."""
    m = _LIST_INDEX.search(text)
    if not m:
        return None
    i = cn_number(m.group("i") or m.group("j") or m.group("k") or m.group("m"))
    return Found(i, m.start(), m.end(), m.group(0)) if i is not None and 0 < i <= 1000 else None
