"""Stock codes: every accepted spelling per market, and a Chinese reason for every refusal."""

from __future__ import annotations

import pytest

from scoring.stock_codes import normalize_stock_code


@pytest.mark.parametrize(("raw", "stored"), [
    ("300750", "300750.SZ"),  # 创业板
    ("300750.SZ", "300750.SZ"),
    ("sz300750", "300750.SZ"),
    ("SZ.300750", "300750.SZ"),
    (" 300750.xshe ", "300750.SZ"),
    ("３００７５０．ＳＺ", "300750.SZ"),  # full width
    ("002594", "002594.SZ"),  # 深交所主板
    ("600519.SS", "600519.SH"),  # Yahoo's abbreviation of 上交所
    ("sh600519", "600519.SH"),
    ("688981", "688981.SH"),  # 科创板
    ("920118", "920118.BJ"),  # 北交所 since 2024
    ("830799.BJ", "830799.BJ"),
    ("830799.OC", "830799.NQ"),  # 新三板, Wind's abbreviation
    ("873122 NQ", "873122.NQ"),
    ("830799", "830799"),  # 北交所 or 新三板: not guessed
    ("00700", "00700.HK"),
    ("0700.HK", "00700.HK"),
    ("700.HK", "00700.HK"),
    ("HK09988", "09988.HK"),
])
def test_accepted_spellings(raw: str, stored: str) -> None:
    assert normalize_stock_code(raw) == stored


@pytest.mark.parametrize(("raw", "reason"), [
    ("600519.SZ", "与交易所不符：600519 是上交所的代码，应写作 600519.SH"),
    ("300750.SH", "300750 是深交所的代码"),
    ("830799.SZ", "830799 是北交所或新三板的代码"),
    ("12345", "股票代码应为 6 位数字，实际为 5 位"),
    ("3007500", "不是有效的股票代码"),
    ("100000", "不是上交所、深交所、北交所或新三板的股票代码"),
    ("300750.NY", "交易所“NY”未知"),
    ("SZ300750.SZ", "不是有效的股票代码"),
    ("宁德时代", "不是有效的股票代码"),
    ("00000.HK", "港股代码应为 00001–99999"),
    ("123456.HK", "港股代码应为 00001–99999"),
])
def test_refusals_say_why_in_chinese(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_stock_code(raw)


def test_a_long_bad_cell_is_quoted_short() -> None:
    with pytest.raises(ValueError) as info:
        normalize_stock_code("9" * 5000)
    assert len(str(info.value)) < 200
