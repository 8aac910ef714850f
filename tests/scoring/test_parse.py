"""Cell parsing: hand-written tables of what Chinese government exports contain."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from scoring.ingest.parse import (
    CellProblem,
    clean_text,
    parse_amount,
    parse_cell,
    parse_column,
    parse_count,
    parse_date,
    parse_flag,
    parse_names,
    parse_number,
    parse_ratio,
    parse_year,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1234.5", (1234.5, "")),
    ("1,234.5", (1234.5, "")),
    ("1，234", (1234.0, "")),
    ("１２３４．５", (1234.5, "")),
    ("－3", (-3.0, "")),
    ("−3", (-3.0, "")),
    (" 12 ", (12.0, "")),
    ("\u300012\u3000", (12.0, "")),
    ("+7", (7.0, "")),
    (".5", (0.5, "")),
    ("12.5%", (12.5, "%")),
    ("12.5％", (12.5, "%")),
    ("1.2亿元", (1.2, "亿元")),
    ("3,000元", (3000.0, "元")),
    ("5人", (5.0, "人")),
    ("120㎡", (120.0, "平方米")),
    (42, (42.0, "")),
    (4.5, (4.5, "")),
])
def test_numbers(raw: object, expected: tuple[float, str]) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("12a", "不是数字：'12a'"),
    ("abc", "不是数字：'abc'"),
    ("1,23", "千分位写法不对：'1,23'"),
    ("1,2345", "千分位写法不对：'1,2345'"),
    ("-", "不是数字：'-'"),
    ("nan", "不是数字：'nan'"),
    (float("inf"), "不是数字：inf"),
    (datetime(2021, 3, 5), "这是日期，不是数字：2021-03-05 00:00:00"),
    (True, "不是数字（是逻辑值 TRUE）"),
])
def test_not_numbers(raw: object, reason: str) -> None:
    with pytest.raises(CellProblem) as exc:
        parse_number(raw)
    assert str(exc.value) == reason


@pytest.mark.parametrize(("raw", "unit", "field_unit", "expected"), [
    ("1234567", "元", "万元", 123.4567),
    ("1.5", "亿元", "万元", 15000.0),
    ("2500", "千元", "万元", 250.0),
    ("250", "万元", "万元", 250.0),
    ("1.2亿元", "元", "万元", 12000.0),  # a unit in the cell wins over the column's
    ("3000元", "万元", "万元", 0.3),
    ("120", "平方米", "平方米", 120.0),
])
def test_amounts_convert_units(raw: str, unit: str, field_unit: str, expected: float) -> None:
    assert parse_amount(raw, unit=unit, field_unit=field_unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("raw", "kwargs", "reason"), [
    ("-5", {}, "金额不能为负：-5"),
    ("12%", {}, "金额不能写成百分数：'12%'"),
    ("5人", {}, "单位“人”不是金额单位（元/千元/万元/亿元）：'5人'"),
    ("5件", {"field_unit": "平方米", "unit": "平方米"}, "单位应为“平方米”，实际为“件”：'5件'"),
])
def test_bad_amounts(raw: str, kwargs: dict[str, str], reason: str) -> None:
    args = {"unit": "万元", "field_unit": "万元", **kwargs}
    with pytest.raises(CellProblem, match=reason):
        parse_amount(raw, **args)


def test_signed_amount_may_be_negative() -> None:
    assert parse_amount("-300", unit="元", field_unit="万元", signed=True) == pytest.approx(-0.03)


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), ("1,024", 1024), ("5人", 5), ("3件", 3), ("０", 0), (7.0, 7)])
def test_counts(raw: object, expected: int) -> None:
    assert parse_count(raw, unit="人") == expected


@pytest.mark.parametrize(("raw", "unit", "reason"), [
    ("-3", "人", "人数不能为负：-3"),
    ("2.5", "人", "人数应为整数：2.5"),
    ("-1", "件", "数量不能为负：-1"),
    ("5万元", "件", "单位“万元”不是计数单位：'5万元'"),
])
def test_bad_counts(raw: str, unit: str, reason: str) -> None:
    with pytest.raises(CellProblem) as exc:
        parse_count(raw, unit=unit)
    assert str(exc.value) == reason


@pytest.mark.parametrize(("raw", "field_unit", "expected"), [
    ("12.5%", "", 0.125),  # a ratio field stores a fraction
    ("0.125", "", 0.125),
    ("100%", "", 1.0),
    ("12.5%", "%", 12.5),  # a field in percent keeps percent points
    ("12.5", "%", 12.5),
])
def test_ratios(raw: str, field_unit: str, expected: float) -> None:
    assert parse_ratio(raw, field_unit=field_unit) == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "field_unit", "reason"), [
    ("130%", "", "比例超出 0–100%：130%"),
    ("130", "%", "比例超出 0–100%：130"),
    ("-5%", "", "比例超出 0–100%：-5%"),
    ("12.5", "", "比例应在 0–1 之间（百分数请写成 12.5%）：12.5"),
])
def test_bad_ratios(raw: str, field_unit: str, reason: str) -> None:
    with pytest.raises(CellProblem) as exc:
        parse_ratio(raw, field_unit=field_unit)
    assert str(exc.value) == reason


@pytest.mark.parametrize("raw", ["是", "有", "Y", "y", "yes", "1", "√", "✓", "true", "TRUE", "Ｙ", 1, 1.0, True, "1.0"])
def test_true_flags(raw: object) -> None:
    assert parse_flag(raw) == 1.0


@pytest.mark.parametrize("raw", ["否", "无", "N", "no", "0", "×", "false", "False", 0, 0.0, False, "0.0"])
def test_false_flags(raw: object) -> None:
    assert parse_flag(raw) == 0.0


@pytest.mark.parametrize("raw", ["也许", "2", "是否"])
def test_bad_flags(raw: str) -> None:
    with pytest.raises(CellProblem, match="应填 是/否"):
        parse_flag(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2021-03-05", date(2021, 3, 5)),
    ("2021/3/5", date(2021, 3, 5)),
    ("2021.3.5", date(2021, 3, 5)),
    ("2021年3月5日", date(2021, 3, 5)),
    ("2021 年 3 月 5 日", date(2021, 3, 5)),
    ("２０２１年３月５日", date(2021, 3, 5)),
    ("20210305", date(2021, 3, 5)),
    ("2021-03-05 00:00:00", date(2021, 3, 5)),
    (44260, date(2021, 3, 5)),  # Excel serial
    ("44260", date(2021, 3, 5)),
    (datetime(2021, 3, 5, 14, 0), date(2021, 3, 5)),  # openpyxl datetime cell
    (date(2021, 3, 5), date(2021, 3, 5)),
])
def test_dates(raw: object, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("2021-02-30", "日期不存在：2021-02-30"),
    ("2021年13月1日", "日期不存在：2021-13-01"),
    ("20210230", "日期不存在：2021-02-30"),
    ("2021-3", "日期不完整（缺少日）：2021-3"),
    ("去年", "不是日期：'去年'"),
    (-4, "不是有效的日期：-4"),
])
def test_bad_dates(raw: object, reason: str) -> None:
    with pytest.raises(CellProblem) as exc:
        parse_date(raw)
    assert str(exc.value) == reason


@pytest.mark.parametrize(("raw", "expected"), [("2023", 2023), ("2023年", 2023), ("2023年度", 2023), (2023.0, 2023), (2023, 2023)])
def test_years(raw: object, expected: int) -> None:
    assert parse_year(raw) == expected


def test_bad_years() -> None:
    with pytest.raises(CellProblem, match="年度超出范围"):
        parse_year("1899")
    with pytest.raises(CellProblem, match="不是年度"):
        parse_year("二〇二三")


def test_text_and_names() -> None:
    assert clean_text("\u3000 常州甲科技 \u3000") == "常州甲科技"
    assert clean_text(None) == ""
    assert parse_names("旧名甲；旧名乙;旧名丙、 旧名丁") == ["旧名甲", "旧名乙", "旧名丙", "旧名丁"]
    assert parse_cell("  A  ", kind="text") == "A"


def test_column_fast_path_and_fallback_agree() -> None:
    values = ["1234567", "2.5万元", "", None, 10, "1,000", "x", "-1"]
    out, errors = parse_column(values, kind="amount", unit="元", field_unit="万元")
    assert out[:2].tolist() == pytest.approx([123.4567, 2.5])
    assert np.isnan(out[2]) and np.isnan(out[3])
    assert out[4] == pytest.approx(0.001) and out[5] == pytest.approx(0.1)
    assert errors == [(6, "不是数字：'x'"), (7, "金额不能为负：-1")]


def test_excel_logical_values_are_flags_only() -> None:
    out, errors = parse_column([1.5, True, None], kind="amount", unit="万元", field_unit="万元")
    assert out[0] == 1.5 and errors == [(1, "不是数字（是逻辑值 TRUE）")]
    out, errors = parse_column([True, False, None, 1], kind="flag")
    assert out[:2].tolist() == [1.0, 0.0] and out[3] == 1.0 and not errors


def test_column_counts_flags_and_dates() -> None:
    out, errors = parse_column(["3", "1,024", "2.5", "-3"], kind="count", field_unit="人")
    assert out[:2].tolist() == [3, 1024]
    assert errors == [(2, "人数应为整数：2.5"), (3, "人数不能为负：-3")]
    out, errors = parse_column(["是", "否", 1, "2"], kind="flag")
    assert out[:3].tolist() == [1, 0, 1] and [e[0] for e in errors] == [3]
    out, errors = parse_column(["2021-03-05", 44260, None, "2021-02-30"], kind="date")
    assert out[0] == out[1] == date(2021, 3, 5) and out[2] is None
    assert errors == [(3, "日期不存在：2021-02-30")]
    out, errors = parse_column(["12.5%", "0.3", "130%"], kind="ratio")
    assert out[:2].tolist() == pytest.approx([0.125, 0.3]) and errors == [(2, "比例超出 0–100%：130%")]


# ----------------------------------------------------------------------------- list cells
@pytest.mark.parametrize(("raw", "expected"), [
    ("CATL、宁德时代", ["CATL", "宁德时代"]),
    ("CATL；宁德时代;Ningde", ["CATL", "宁德时代", "Ningde"]),
    ("CATL，宁德时代,Ningde", ["CATL", "宁德时代", "Ningde"]),
    ("CATL／宁德时代 / Ningde", ["CATL", "宁德时代", "Ningde"]),
    ("CATL\n宁德时代", ["CATL", "宁德时代"]),
    ("　CATL 、、 ；宁德时代 ,, ", ["CATL", "宁德时代"]),  # trimmed (full-width blanks too), empty parts ignored
    ("CATL、catl、ＣＡＴＬ、宁德时代、宁德时代", ["CATL", "宁德时代"]),  # repeats up to width and case kept once
    ("Contemporary Amperex", ["Contemporary Amperex"]),  # a blank inside a name separates nothing
])
def test_list_cells_split_on_every_separator(raw: str, expected: list[str]) -> None:
    assert parse_names(raw) == expected
    assert parse_cell(raw, kind="names") == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("、".join(f"品牌{i}" for i in range(21)), "单元格中有 21 项，超过每格 20 项的上限"),
    ("CATL、" + "宁" * 101, "有 101 个字符，超过每项 100 个字符的上限"),
    ("CATL、---", "“---”不是名称：没有任何文字或数字"),
    ("CATL、宁德\x00时代", "含有控制字符"),
])
def test_absurd_list_cells_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(CellProblem, match=reason):
        parse_names(raw)


def test_stock_code_cells() -> None:
    assert parse_cell("300750、0700.HK；SZ300750 / 688981", kind="stock_codes") == ["300750.SZ", "00700.HK", "688981.SH"]
    out, errors = parse_column(["300750", None, "600519.SZ", "300750，12345"], kind="stock_codes")
    assert out[0] == ["300750.SZ"] and out[1] is None
    assert [i for i, _ in errors] == [2, 3] and "600519.SH" in errors[0][1] and "6 位数字" in errors[1][1]
