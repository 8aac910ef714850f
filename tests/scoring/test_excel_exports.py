"""Every export keeps formula-like text as text: gap forms and the import report (the score file and
the credit list are checked in test_scorefile.py and tests/assistant/test_excel_credit_list.py)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy.engine import Engine

from scoring.excel.gap_forms import write_form
from scoring.excel.import_report import import_report_xlsx
from scoring.ingest.importer import import_file
from scoring.ingest.read import read_file
from scoring.store.gaps import EnterpriseGaps, Gap
from scoring.systems.fields import default_fields
from tests.scoring.test_ingest import NAMES, USCCS, engine, load_register, write_csv  # noqa: F401 (fixture)

HYPERLINK = '=HYPERLINK("http://example.invalid","点此领取")'


def formulas(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_gap_form_keeps_a_formula_like_name_as_text_and_reads_back(tmp_path: Path) -> None:
    registry = default_fields()
    spec = registry["rd_staff"]
    ent = EnterpriseGaps(USCCS[0], HYPERLINK, (Gap("rd_staff", 2024, spec.name, spec.unit, spec.source),))
    path = write_form(tmp_path / "form.xlsx", enterprise=ent, year=2024, registry=registry)
    cell = openpyxl.load_workbook(path)["企业填报"]["B5"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix
    assert formulas(path) == []
    book = read_file(path.read_bytes(), name=path.name, is_key=lambda c: c == "统一社会信用代码")
    assert not book.problems and book.tables[0].columns[1][0] == HYPERLINK  # the importer reads the name, not a formula


def test_import_report_keeps_refused_values_as_text(engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    load_register(engine, tmp_path)
    rows = [[USCCS[0], NAMES[0], "=SUM(A1:A3)"], [USCCS[1], NAMES[1], "@100"], [USCCS[2], NAMES[2], "-"]]
    report = import_file(engine=engine, source="tax", path=write_csv(tmp_path / "tax.csv", ["统一社会信用代码", "纳税人名称", "营业收入"], rows),
                         year=2023)
    assert report.status == "rejected" and len(report.errors) == 3
    path = import_report_xlsx(report, tmp_path / "报告.xlsx")
    errors = openpyxl.load_workbook(path)["错误"]
    assert [c.value for c in errors[1]] == ["工作表", "行", "列", "列名", "值", "原因"]
    values = [errors.cell(r, 5) for r in range(2, 5)]
    assert [c.value for c in values] == ["=SUM(A1:A3)", "@100", "-"]
    assert all(c.data_type == "s" and c.quotePrefix for c in values)
    assert formulas(path) == []
    summary = dict(openpyxl.load_workbook(path)["概况"].iter_rows(min_row=2, values_only=True))
    assert summary["错误处数"] == 3 and str(summary["生成时间"]).endswith("北京时间")
