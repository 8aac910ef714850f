"""`score-file` with the enterprise's declared R&D indicator (科技型中小企业评价, 研发投入 (1) or (2))."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import InvalidInput
from scoring.excel.scorefile import score_file
from tests.scoring.test_scorefile import HEADER, ROWS, TSME, U, sheet_rows, workbook

SALES = "研发费用总额占销售收入总额的比例"
COST = "研发费用总额占成本费用支出总额的比例"


def test_the_declared_indicator_counts_and_the_table_says_which(tmp_path: Path) -> None:
    # row 1: 12.5 % of sales → 50, 31.25 % of cost → 50; row 2: 12.5 % of sales → 50, 3.5 % of cost → 0
    # (declares 成本费用: 研发投入 0, total 4 + 0 + 0); row 3: 0.0003 % and 0.000015 % → 0 and 0
    rows = [[*r, choice] for r, choice in zip(ROWS, ["销售收入", "成本费用", None], strict=True)]
    out = tmp_path / "结果.xlsx"
    score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, [*HEADER, "研发投入指标口径"]), out)
    first, second, third = sheet_rows(out)
    assert first["研发投入·口径"] == f"按企业申报的口径：{SALES}（50 分）"
    assert second["T2A 得分"] == pytest.approx(50)
    assert second["研发投入（满分 50）"] == pytest.approx(0)
    assert second["总分"] == pytest.approx(4)
    assert second["研发投入·口径"] == f"按企业申报的口径：{COST}（0 分）"
    assert third["研发投入·口径"] == f"未申报口径，取两者中较优的：{SALES}（0 分）"


def test_an_unknown_declaration_is_refused_by_row(tmp_path: Path) -> None:
    rows = [[*r, choice] for r, choice in zip(ROWS, ["销售收入", "营业收入", None], strict=True)]
    with pytest.raises(InvalidInput) as info:
        score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, [*HEADER, "研发投入口径"]), tmp_path / "结果.xlsx")
    [problem] = info.value.problems
    assert problem.row == f"第 4 行（{U[1]}）" and problem.value == "营业收入"
    assert not (tmp_path / "结果.xlsx").exists()


def test_a_blank_declaration_is_no_choice_not_missing_data(tmp_path: Path) -> None:
    rows = [[*r, choice] for r, choice in zip(ROWS, ["销售收入", "成本费用", None], strict=True)]
    out = tmp_path / "结果.xlsx"
    done = score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, [*HEADER, "研发投入指标口径"]), out)
    plain = score_file(TSME, workbook(tmp_path / "原表.xlsx"), tmp_path / "原结果.xlsx")
    assert done.with_missing == plain.with_missing
    assert [r["缺失数据"] for r in sheet_rows(out)] == [r["缺失数据"] for r in sheet_rows(tmp_path / "原结果.xlsx")]
