"""`innopoints score-file` with the workbooks officials write: read like the importer, written for people.

The input workbooks are built with openpyxl as an official types them: a title row, Chinese
headers with units (营业收入（万元）, 研发费用总额（元）), 是/否, 2,500, 300万元 and blank cells.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from assistant.cli import common
from assistant.cli.main import app
from scoring.demo.build import build_demo
from scoring.engine.engine import score_frames
from scoring.errors import InvalidInput
from scoring.excel.errors import InputNotReadable, OutputNotWritable
from scoring.excel.gap_forms import form_header
from scoring.excel.score_table import percent_text
from scoring.excel.scorefile import score_file
from scoring.systems.fields import default_fields
from scoring.systems.loader import find_system
from scoring.uscc import make_usccs

REGISTRY = default_fields()
TSME = find_system("tsme-2017")
U = make_usccs(np.random.default_rng(7), 4)
FLAGS = ["resident_enterprise", "prohibited_products", "serious_incident", "research_misconduct", "abnormal_operation",
         "credit_blacklist", "hte_certified", "national_st_award_top3", "provincial_rd_institution", "standard_led_5y"]
HEADER = ["统一社会信用代码", "企业名称", "职工总数（人）", "科技人员数（人）", "营业收入（万元）", "研发费用总额（元）",
          "成本费用支出总额（万元）", "资产总额（万元）", REGISTRY["ip_class1"].name, REGISTRY["ip_class2"].name,
          *(REGISTRY[f].name for f in FLAGS)]
CLEAN = ["是"] + ["否"] * 9  # a resident enterprise with nothing against it and no direct route
HYPERLINK = '=HYPERLINK("http://example.invalid","点此领取")'
ROWS: list[list[Any]] = [
    # 10/80 = 12.5 %; 312.5万元 (3125000 元) / 2,500 = 12.5 %; / 1,000 = 31.25 %; two class-II IP → 66 points, passes
    [U[0], "常州甲科技有限公司", 80, 10, "2,500", "3125000", "1,000", "300万元", 0, 2, *CLEAN],
    # 0.7 / 5.6 is 0.12499999999999999 in binary floating point, 12.5 % exactly; class-I IP left blank
    [U[1], "常州乙材料有限公司", 56, 7, 5.6, 7000, 20, 100, None, 1, *CLEAN],
    # no 科技人员数; a high-tech enterprise (direct route) whose last flag is blank
    [U[2], "江苏丙装备股份有限公司", 30, None, 100, "3元", 20, 100, 1, 5, *CLEAN[:6], "是", "否", "否", None],
]


def workbook(path: Path, rows: list[list[Any]] = ROWS, header: list[str] = HEADER, *, text_cells: bool = False) -> Path:
    """An official's workbook: a title line, the header, the rows (`text_cells`: every cell typed as text)."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "企业数据"
    ws.append(["2016年度科技型中小企业评价数据（园区汇总）"])
    ws.append(header)
    for row in rows:
        ws.append(row)
        if text_cells:  # a register export holds text, even text that starts with '='
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    book.save(path)
    return path


def sheet_rows(path: Path, sheet: str = "评分结果") -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    header, *rows = [[c.value for c in r] for r in ws.iter_rows()]
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_reads_cells_as_the_importer_does(tmp_path: Path) -> None:
    """是/否, thousands separators, units in the header and in the cell: all read, as the importer reads them."""
    out = tmp_path / "结果.xlsx"
    done = score_file(TSME, workbook(tmp_path / "企业.xlsx"), out)
    assert done.enterprises == 3
    first, second, third = sheet_rows(out)
    assert first["T2A 研发费用总额占销售收入总额的比例"] == "12.5 %"  # 3125000 元 → 312.5 万元 over 2,500 万元
    assert first["T2B 研发费用总额占成本费用支出总额的比例"] == "31.25 %"
    assert first["总分"] == pytest.approx(66) and first["符合科技型中小企业条件"] == "是"
    assert first["符合科技型中小企业条件·依据"] == "综合评价得分不低于60分且科技人员指标得分不为0分"
    assert second["T2A 研发费用总额占销售收入总额的比例"] == "12.5 %"  # from the exact decimal, not 12.499999…
    assert second["T2A 得分"] == pytest.approx(50)  # and scored in the ≥ 6 % band
    assert third["T2A 研发费用总额占销售收入总额的比例"] == "0.0003 %"  # "3元" in the cell: 0.0003 万元
    assert third["符合科技型中小企业条件·依据"] == "直接确认：拥有有效期内高新技术企业资格证书"


def test_output_is_written_for_people(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    score_file(TSME, workbook(tmp_path / "企业.xlsx"), out)
    book = openpyxl.load_workbook(out)
    ws = book["评分结果"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["统一社会信用代码", "企业名称", "成长阶段", "阶段判定依据", "总分", "阶段内排名", "优于同阶段企业"]
    assert {"科技人员（满分 20）", "T1 得分", "T3 与主要产品相关的有效知识产权类别和数量（档）", "缺失数据"} <= set(header)
    assert not [h for h in header if h.isascii()]  # no pts.T1, startup, total
    rows = sheet_rows(out)
    assert [r["企业名称"] for r in rows] == [r[1] for r in ROWS]
    assert {r["成长阶段"] for r in rows} == {"初创期"}
    assert [r["符合科技型中小企业条件"] for r in rows] == ["是", "否", "是"]
    assert [r["优于同阶段企业"] for r in rows] == ["100 %", "50 %", "0 %"]
    points = [header.index(h) + 1 for h in header if h == "总分" or h.endswith("得分") or "满分" in h]
    assert {ws.cell(2, j).number_format for j in points} == {"0.00"}  # shown with 2 decimals
    assert [r[1] for r in book["说明"].iter_rows(values_only=True)][1:3] == [f"{TSME.name}（tsme-2017）", "2016 年"]


def test_a_blank_cell_is_flagged_missing_never_a_silent_zero(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    done = score_file(TSME, workbook(tmp_path / "企业.xlsx"), out)
    first, second, third = sheet_rows(out)
    assert first["缺失数据"] is None and done.with_missing == 2
    assert second["缺失数据"] == "Ⅰ类知识产权数（发明专利、植物新品种、集成电路布图设计等）（项）"
    assert second["T3 与主要产品相关的有效知识产权类别和数量（档）"] == "缺失（按 0 分计）"
    assert third["缺失数据"] == "科技人员数（人）、近五年内主导制定过国际标准、国家标准或行业标准"
    assert third["T1 科技人员数占职工总数的比例"] == "缺失（按 0 分计）" and third["T1 得分"] == 0


def test_a_bad_cell_is_named_by_its_header_row_and_letter(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][4] = "五百万"
    rows[2][2] = -3
    src, out = workbook(tmp_path / "企业.xlsx", rows), tmp_path / "结果.xlsx"
    with pytest.raises(InvalidInput) as caught:
        score_file(TSME, src, out)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith("工作表“企业数据” 第 4 行，列 E「营业收入（万元）」，值 '五百万'：不是数字")
    assert problems[1].startswith("工作表“企业数据” 第 5 行，列 C「职工总数（人）」，值 '-3'：人数不能为负")
    assert len(problems) == 2 and not out.exists()


def test_bad_headers_are_reported_as_written(tmp_path: Path) -> None:
    header = [h.replace("营业收入（万元）", "营业收入（美元）") for h in HEADER if h != "资产总额（万元）"]
    rows = [r[:7] + r[8:] for r in ROWS]
    with pytest.raises(InvalidInput) as caught:
        score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, header), tmp_path / "结果.xlsx")
    text = "\n".join(map(str, caught.value.problems))
    assert "E「营业收入（美元）」" in text and "表头单位“美元”不是金额单位" in text
    assert "缺少列“资产总额（万元）”（字段 total_assets）" in text


def test_same_points_as_the_engine_on_the_same_data_with_earlier_years(tmp_path: Path) -> None:
    """Chinese headers with units, 是/否 flags and `[-1]` columns give exactly the engine's points."""
    system, demo, year = find_system("1.0"), build_demo(n=6), 2024
    now, before = demo.raw[year], demo.raw[year - 1]
    lagged = ["revenue", "staff_total", "rd_expense", "rd_staff", "net_assets"]
    fields = [c for c in now.columns if c in REGISTRY]
    header = ["统一社会信用代码", *(form_header(REGISTRY[f]) for f in fields), *(f"{form_header(REGISTRY[f])}[-1]" for f in lagged)]
    rows = [[u, *(_cell(now.at[u, f], f) for f in fields), *(_cell(before.at[u, f], f) for f in lagged)] for u in now.index]
    out = tmp_path / "结果.xlsx"
    done = score_file(system, workbook(tmp_path / "企业.xlsx", rows, header), out, year=year)
    result = score_frames(system, {year: now[fields], year - 1: before[lagged]}, year=year)
    got = sheet_rows(out)
    assert [r["统一社会信用代码"] for r in got] == list(result.usccs)
    assert [r["总分"] for r in got] == pytest.approx(list(result.total))
    for k, code in enumerate(result.codes):
        assert [r[f"{code} 得分"] for r in got] == pytest.approx(list(result.points[k])), code
    assert any("研发费用总额（万元，前年）" in w for w in done.warnings)  # no [-2] column: said, not silent


def _cell(value: Any, field: str) -> Any:
    if pd.isna(value):
        return None
    if REGISTRY[field].type == "flag":
        return "是" if value == 1 else "否"
    return value.item() if isinstance(value, np.generic) else value


def test_csv_output_is_text_for_people(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][1] = HYPERLINK
    out = tmp_path / "结果.csv"
    score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, text_cells=True), out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        header, first, *_ = list(csv.reader(fh))
    row = dict(zip(header, first, strict=True))
    assert row["总分"] == "66.00" and row["T1 得分"] == "4.00" and row["符合科技型中小企业条件"] == "是"
    assert row["企业名称"] == "'" + HYPERLINK  # a CSV cell Excel would run as a formula gets an apostrophe


def test_a_formula_like_company_name_stays_text(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][1] = HYPERLINK
    out = tmp_path / "结果.xlsx"
    score_file(TSME, workbook(tmp_path / "企业.xlsx", rows, text_cells=True), out)
    cell = openpyxl.load_workbook(out)["评分结果"]["B2"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize(("share", "text"), [
    (Fraction(1, 8), "12.5 %"), (Fraction(7, 56), "12.5 %"), (Fraction(1, 3), "≈33.33 %"),
    (Fraction(-1, 20), "−5 %"), (Fraction(299975, 1000000), "29.9975 %"), (Fraction(0), "0 %"), (Fraction(1), "100 %"),
])
def test_percentages_from_exact_decimals(share: Fraction, text: str) -> None:
    assert percent_text(share) == text


# ----------------------------------------------------------------------------- the command
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, ["score-file", "--system", "tsme-2017", *args])


def one_line_error(result: Any) -> str:
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return "".join(lines[0].split())


def test_command_writes_and_says_what_it_did(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    result = run("--input", str(workbook(tmp_path / "企业.xlsx")), "--output", str(out))
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())
    assert "已评分3家企业，其中2家有缺失数据" in flat and out.exists()


def test_the_system_may_be_named_by_its_file(tmp_path: Path) -> None:
    # The command line's user may point at a system file of their own (the API takes versions only).
    from innopoints_data import DATA_DIR

    own = tmp_path / "my-tsme.yaml"
    own.write_text((DATA_DIR / "indicator_systems" / "tsme-2017.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "结果.xlsx"
    result = runner.invoke(app, ["score-file", "--system", str(own), "--input", str(workbook(tmp_path / "企业.xlsx")),
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_bad_paths_are_one_chinese_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common.err, "width", 1000)  # the test terminal is 80 wide: rich would fold the line
    src = workbook(tmp_path / "企业.xlsx")
    assert "文件夹" in one_line_error(run("--input", str(src), "--output", str(tmp_path / "无此目录" / "结果.xlsx")))
    (tmp_path / "已有目录.xlsx").mkdir()
    assert "是一个文件夹" in one_line_error(run("--input", str(src), "--output", str(tmp_path / "已有目录.xlsx")))
    assert "只能是.xlsx或.csv" in one_line_error(run("--input", str(src), "--output", str(tmp_path / "结果.txt")))
    assert "找不到输入文件" in one_line_error(run("--input", str(tmp_path / "没有.xlsx"), "--output", str(tmp_path / "o.xlsx")))
    assert "是一个文件夹" in one_line_error(run("--input", str(tmp_path), "--output", str(tmp_path / "o.xlsx")))
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert "Excel文件已损坏" in one_line_error(run("--input", str(broken), "--output", str(tmp_path / "o.xlsx")))
    assert not list(tmp_path.glob("o.*")) and not list(tmp_path.glob(".~*"))


def test_errors_are_domain_errors(tmp_path: Path) -> None:
    with pytest.raises(InputNotReadable, match="找不到输入文件"):
        score_file(TSME, tmp_path / "没有.xlsx", tmp_path / "o.xlsx")
    with pytest.raises(OutputNotWritable, match="不能与输入文件相同"):
        src = workbook(tmp_path / "企业.xlsx")
        score_file(TSME, src, src)
