"""The importer on a real temporary SQLite store: round trips for every source kind and encoding,
units, provenance, idempotence, revert, precedence and conflicts, renames, atomic refusal.

The helpers (`write_csv`, `write_xlsx`, `load_register`, `USCCS`) are meant for other import tests too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scoring import store
from scoring.errors import StoreError
from scoring.excel.import_report import import_report_xlsx
from scoring.ingest.importer import ImportReport, import_file, list_conflicts, revert_batch
from scoring.systems.fields import default_fields
from scoring.uscc import make_usccs

REGISTRY = default_fields()
USCCS: list[str] = make_usccs(np.random.default_rng(20231), 4)
NAMES = ["常州甲科技有限公司", "常州乙材料有限公司", "江苏丙装备股份有限公司", "常州丁软件有限公司"]
Rows = Sequence[Sequence[Any]]


# ----------------------------------------------------------------------------- file builders
def write_csv(path: Path, header: Sequence[str], rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",",
              title: Sequence[str] = ()) -> Path:
    """A CSV as government systems export it: optional title lines above the header."""
    buf = io.StringIO()
    for line in title:
        buf.write(line + "\n")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[Sequence[str], Sequence[str], Rows]], *,
               merge: dict[str, list[str]] | None = None) -> Path:
    """An XLSX with sheets {name: (title lines, header, rows)}; `merge` lists ranges to merge per sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, (title, header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        for line in title:
            ws.append([line])
        if header:
            ws.append(list(header))
        for row in rows:
            ws.append(list(row))
        for ref in (merge or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


@pytest.fixture
def engine(store_url: str) -> Engine:
    """A new store, SQLite and PostgreSQL in turn (imports write with COPY on PostgreSQL)."""
    return store.make_engine(store_url)


REGISTER_HEADER = ["统一社会信用代码", "企业名称", "成立日期", "注册资本（万元）", "曾用名", "所属行业", "法定代表人"]


def load_register(engine: Engine, tmp_path: Path, *, year: int = 2023, names: Sequence[str] = NAMES) -> ImportReport:
    rows = [[u, n, f"2015年3月{i + 1}日", "1,000", "", "软件", "张三"] for i, (u, n) in enumerate(zip(USCCS, names, strict=True))]
    path = write_csv(tmp_path / f"register-{year}-{len(names)}-{names[0]}.csv", REGISTER_HEADER, rows, encoding="utf-8-sig",
                     title=["常州高新区市场主体登记信息", "导出日期：2024-01-05"])
    report = import_file(engine=engine, source="register", path=path, year=year)
    assert report.status == "imported", report.to_text()
    return report


def frame(engine: Engine, year: int = 2023) -> Any:
    with Session(engine) as s:
        return store.raw_frames(session=s, years=[year])[year]


def raw_rows(engine: Engine, field: str) -> list[store.RawValue]:
    with Session(engine) as s:
        return list(s.exec(select(store.RawValue).where(store.RawValue.field == field).order_by(store.RawValue.id)).all())


def counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(store.count_rows(session=s, table=t) for t in (store.Batch, store.RawValue, store.Enterprise, store.Conflict))


# ----------------------------------------------------------------------------- register
def test_register_creates_enterprises_with_master_data(engine: Engine, tmp_path: Path) -> None:
    report = load_register(engine, tmp_path)
    assert (report.rows_read, report.rows_imported, report.enterprises_created) == (4, 4, 4)
    with Session(engine) as s:
        ent = store.enterprise(session=s, uscc=USCCS[1])
    assert ent.name == NAMES[1] and ent.founding_date == date(2015, 3, 2) and ent.legal_representative == "张三"
    f = frame(engine)
    assert f.loc[USCCS[0], "registered_capital"] == 1000.0 and f.loc[USCCS[0], "industry"] == "软件"
    assert f.loc[USCCS[0], "age_years"] == 8.0  # derived: 2023 − 2015
    (row,) = [r for r in raw_rows(engine, "registered_capital") if r.uscc == USCCS[2]]
    assert (row.source, row.row, row.sheet, row.batch_id) == ("register", 6, None, report.batch_id)
    assert row.file and row.file.startswith("register-")


def test_register_rename_records_former_name(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    renamed = ["常州甲智能科技有限公司", *NAMES[1:]]
    report = load_register(engine, tmp_path, year=2024, names=renamed)
    assert report.enterprises_updated >= 1 and any("企业更名" in w and NAMES[0] in w for w in report.warnings)
    with Session(engine) as s:
        ent = store.enterprise(session=s, uscc=USCCS[0])
    assert ent.name == renamed[0] and ent.former_names == [NAMES[0]]
    # A later file under the former name is recognised without a warning.
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "单位名称", "参保人数"], [[USCCS[0], NAMES[0], "12"]])
    assert not import_file(engine=engine, source="hr", path=path, year=2024).warnings


def test_register_former_names_column(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["统一社会信用代码", "企业名称", "曾用名", "成立日期"],
                     [[USCCS[0], NAMES[0], "旧名甲；旧名乙、旧名丙", "20150305"]])
    assert import_file(engine=engine, source="工商", path=path, year=2023).status == "imported"
    with Session(engine) as s:
        assert store.enterprise(session=s, uscc=USCCS[0]).former_names == ["旧名甲", "旧名乙", "旧名丙"]


# ----------------------------------------------------------------------------- every source kind
SAMPLES = {"amount": ("1,234.5", 1234.5), "count": ("12", 12.0), "flag": ("是", 1.0), "points": ("85", 85.0),
           "years": ("8", 8.0), "text": (" A ", "A"), "ratio": ("12.5%", 0.125)}


def _fields_of(source: str) -> list[str]:
    names = [n for n, f in REGISTRY.items() if f.source == source]
    by_type: dict[str, str] = {}
    for n in names:
        by_type.setdefault(REGISTRY[n].type, n)
    return list(by_type.values())


@pytest.mark.parametrize("source", ["tax", "ip", "hr", "cert", "stats", "credit", "finance", "review", "self_report"])
def test_round_trip_every_source(engine: Engine, tmp_path: Path, source: str) -> None:
    load_register(engine, tmp_path)
    fields = _fields_of(source)
    header = ["统一社会信用代码", "企业名称"]
    for n in fields:  # the registry name with its unit, as the self-report forms write it
        unit = REGISTRY[n].unit
        header.append(f"{REGISTRY[n].name}（{'万元' if unit == '万元' else unit}）" if unit else REGISTRY[n].name)
    rows = [[u, name, *[SAMPLES[REGISTRY[n].type][0] for n in fields]] for u, name in zip(USCCS[:3], NAMES[:3], strict=True)]
    path = write_csv(tmp_path / f"{source}.csv", header, rows)
    report = import_file(engine=engine, source=source, path=path, year=2023)
    assert report.status == "imported", report.to_text()
    assert (report.rows_read, report.rows_imported, report.values_written) == (3, 3, 3 * len(fields))
    f = frame(engine)
    for n in fields:
        assert f.loc[USCCS[2], n] == SAMPLES[REGISTRY[n].type][1], n
        rows_ = [r for r in raw_rows(engine, n) if r.source == source]
        assert [(r.row, r.file, r.batch_id) for r in rows_] == [(i, f"{source}.csv", report.batch_id) for i in (2, 3, 4)]


# ----------------------------------------------------------------------------- encodings and formats
TAX_HEADER = ["纳税人识别号", "纳税人名称", "营业收入", "研发费用（万元）", "利润总额 单位：亿元", "纳税信用等级"]


def _tax_rows() -> list[list[str]]:
    return [[USCCS[0], NAMES[0], "12,345,678", "50", "-0.01", "A"], [USCCS[1], NAMES[1], "1000000", "2.5万元", "0.2", "B"]]


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ","), ("gb18030", "\t"), ("utf-8", ";")])
def test_csv_encodings_and_delimiters(engine: Engine, tmp_path: Path, encoding: str, delimiter: str) -> None:
    load_register(engine, tmp_path)
    path = write_csv(tmp_path / "tax.csv", TAX_HEADER, _tax_rows(), encoding=encoding, delimiter=delimiter,
                     title=["2023年度企业纳税情况", ""])
    report = import_file(engine=engine, source="税务", path=path, year=2023)
    assert report.status == "imported", report.to_text()
    f = frame(engine)
    assert f.loc[USCCS[0], "revenue"] == pytest.approx(1234.5678)  # 元 (the tax default) → 万元
    assert f.loc[USCCS[1], "rd_expense"] == pytest.approx(2.5)  # the cell's own unit
    assert f.loc[USCCS[0], "profit_total"] == pytest.approx(-100.0)  # 亿元 in the header; signed field
    assert f.loc[USCCS[1], "tax_credit_grade"] == "B"
    assert [r.row for r in raw_rows(engine, "revenue")] == [4, 5]  # two title lines, then the header


def test_xlsx_with_title_rows_and_several_sheets(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_xlsx(tmp_path / "ip.xlsx", {
        "说明": (["本表由知识产权局导出", "数据截至 2023-12-31"], [], []),
        "专利": (["2023年度企业专利统计"], ["统一社会信用代码", "申请人名称", "有效发明专利数", "PCT申请量"],
                 [[USCCS[0], NAMES[0], 5, "2"], [USCCS[1], NAMES[1], 3.0, 0]]),
        "商标": ([], ["统一社会信用代码", "企业名称", "有效注册商标数（件）"], [[USCCS[0], NAMES[0], "7"], [USCCS[2], NAMES[2], 1]]),
    }, merge={"专利": ["A1:D1"]})  # a merged title cell is fine
    report = import_file(engine=engine, source="ip", path=path, year=2023)
    assert report.status == "imported", report.to_text()
    assert report.sheets == ["说明", "专利", "商标"] and any("说明" in w and "跳过" in w for w in report.warnings)
    f = frame(engine)
    assert f.loc[USCCS[0], "invention_patents_valid"] == 5 and f.loc[USCCS[2], "trademarks_valid"] == 1
    row = [r for r in raw_rows(engine, "trademarks_valid") if r.uscc == USCCS[2]][0]
    assert (row.sheet, row.row) == ("商标", 3)
    with Session(engine) as s:
        batch = store.get_batch(session=s, batch_id=report.batch_id)  # type: ignore[arg-type]
    assert batch.sheets == ["说明", "专利", "商标"] and batch.sha256 == report.sha256 and batch.year == 2023


def test_xlsx_datetime_cells_and_year_column(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "reg.xlsx", {"登记": ([], ["统一社会信用代码", "企业名称", "成立日期", "年度"],
                                                     [[USCCS[0], NAMES[0], datetime(2019, 6, 1), 2023]])})
    report = import_file(engine=engine, source="register", path=path)
    assert report.status == "imported" and report.year == 2023, report.to_text()
    assert frame(engine).loc[USCCS[0], "age_years"] == 4


def test_merged_data_cells_and_formulas_without_values_are_errors(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "社保"
    ws.append(["统一社会信用代码", "单位名称", "参保人数", "研发人员数"])
    ws.append([USCCS[0], NAMES[0], 10, "=C2/2"])
    ws.append([USCCS[1], NAMES[1], 20, 3])
    ws.append([USCCS[2], NAMES[2], 20, 3])
    ws.merge_cells("C3:C4")
    wb.save(tmp_path / "hr.xlsx")
    before = counts(engine)
    report = import_file(engine=engine, source="hr", path=tmp_path / "hr.xlsx", year=2023)
    assert report.status == "rejected" and counts(engine) == before
    reasons = {(e.row, e.column_letter): e.reason for e in report.errors}
    assert "合并单元格 C3:C4" in reasons[(3, "C")]
    assert "D2" in reasons[(2, "D")] and "公式" in reasons[(2, "D")]


# ----------------------------------------------------------------------------- atomic, idempotent, reversible
def test_a_bad_file_is_refused_whole_with_every_problem(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    rows = [[USCCS[0], NAMES[0], "12", "3"], [USCCS[1], NAMES[1], "12a", "-3"],
            [USCCS[2][:-1] + ("0" if USCCS[2][-1] != "0" else "1"), NAMES[2], "5", "1"], ["91320411MA1MXXXX0Y", "某公司", "1", "1"]]
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "单位名称", "参保人数", "研发人员数"], rows)
    before = counts(engine)
    report = import_file(engine=engine, source="hr", path=path, year=2023)
    assert report.status == "rejected" and report.batch_id is None and report.values_written == 0
    assert counts(engine) == before
    got = {(e.row, e.column_letter, e.value): e.reason for e in report.errors}
    assert got[(3, "C", "12a")] == "不是数字：'12a'"
    assert got[(3, "D", "-3")] == "人数不能为负：-3"
    assert "校验码错误" in got[(4, "A", rows[2][0])]
    assert report.rows_rejected == 3 and report.rows_read == 4
    assert all(e.column for e in report.errors)
    text = report.to_text()
    assert "第 3 行 C 列「参保人数」" in text and "已拒绝" in text


def test_unknown_enterprise_is_refused(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    other = make_usccs(np.random.default_rng(7), 1)[0]
    path = write_csv(tmp_path / "t.csv", ["统一社会信用代码", "企业名称", "营业收入"], [[other, "外地公司", "1"]])
    report = import_file(engine=engine, source="tax", path=path, year=2023)
    assert report.status == "rejected"
    assert report.errors[0].reason == "库中没有该企业，请先导入工商登记数据" and report.errors[0].row == 2


def test_name_mismatch_is_a_warning(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_csv(tmp_path / "t.csv", ["统一社会信用代码", "企业名称", "营业收入"], [[USCCS[0], "常州甲科技有限责任公司", "1"]])
    report = import_file(engine=engine, source="tax", path=path, year=2023)
    assert report.status == "imported" and any("不一致" in w for w in report.warnings)


def test_idempotent_reimport(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_csv(tmp_path / "tax.csv", TAX_HEADER, _tax_rows(), encoding="gbk")
    first = import_file(engine=engine, source="tax", path=path, year=2023)
    before = counts(engine)
    second = import_file(engine=engine, source="tax", path=path, year=2023, display_name="另一个名字.csv")
    assert second.status == "unchanged" and second.batch_id == first.batch_id and counts(engine) == before


def test_revert_and_reimport(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_csv(tmp_path / "tax.csv", TAX_HEADER, _tax_rows())
    first = import_file(engine=engine, source="tax", path=path, year=2023)
    batch = revert_batch(engine=engine, batch_id=first.batch_id)  # type: ignore[arg-type]
    assert batch.status == "reverted" and batch.reverted_at is not None
    assert "revenue" not in frame(engine).columns
    assert len(raw_rows(engine, "revenue")) == 2  # kept for history
    with pytest.raises(StoreError, match="已.*撤销，不能重复撤销"):
        revert_batch(engine=engine, batch_id=first.batch_id)  # type: ignore[arg-type]
    again = import_file(engine=engine, source="tax", path=path, year=2023)
    assert again.status == "imported" and again.batch_id != first.batch_id
    assert frame(engine).loc[USCCS[0], "revenue"] == pytest.approx(1234.5678)


def test_dry_run_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    before = counts(engine)
    report = import_file(engine=engine, source="tax", path=write_csv(tmp_path / "t.csv", TAX_HEADER, _tax_rows()),
                         year=2023, dry_run=True)
    assert report.status == "dry_run" and report.values_written == 8 and report.batch_id is None
    assert counts(engine) == before


# ----------------------------------------------------------------------------- precedence and conflicts
def _one(engine: Engine, tmp_path: Path, source: str, header: str, value: str, name: str) -> ImportReport:
    path = write_csv(tmp_path / name, ["统一社会信用代码", "企业名称", header], [[USCCS[0], NAMES[0], value]])
    report = import_file(engine=engine, source=source, path=path, year=2023)
    assert report.status == "imported", report.to_text()
    return report


def test_owner_beats_self_report_and_conflicts_are_kept(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    own = _one(engine, tmp_path, "self_report", "营业收入（万元）", "900", "self.csv")
    assert frame(engine).loc[USCCS[0], "revenue"] == 900  # the only value so far
    tax = _one(engine, tmp_path, "tax", "营业收入（万元）", "1000", "tax.csv")
    assert tax.conflicts == 1 and frame(engine).loc[USCCS[0], "revenue"] == 1000  # the owner wins
    with Session(engine) as s:
        (c,) = list_conflicts(session=s, year=2023)
    assert (c.field, c.value_a, c.source_a, c.batch_a, c.value_b, c.source_b, c.batch_b, c.status) == (
        "revenue", "900", "self_report", own.batch_id, "1000", "tax", tax.batch_id, "open")
    # A later self-report does not override the owner either, and is a conflict again.
    late = _one(engine, tmp_path, "self_report", "营业收入", "950", "self2.csv")
    assert late.conflicts == 1 and frame(engine).loc[USCCS[0], "revenue"] == 1000
    # Reverting the tax batch resolves its conflicts; the newest self-report counts again.
    revert_batch(engine=engine, batch_id=tax.batch_id)  # type: ignore[arg-type]
    with Session(engine) as s:
        assert [c.status for c in list_conflicts(session=s, status=None)] == ["resolved", "resolved"]
    assert frame(engine).loc[USCCS[0], "revenue"] == 950


def test_same_value_is_no_conflict(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    _one(engine, tmp_path, "tax", "营业收入（万元）", "1000", "tax.csv")
    assert _one(engine, tmp_path, "self_report", "营业收入（元）", "10,000,000", "self.csv").conflicts == 0


def test_newer_batch_of_a_source_supersedes(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    old = _one(engine, tmp_path, "tax", "营业收入（万元）", "1000", "tax-v1.csv")
    new = _one(engine, tmp_path, "tax", "营业收入（万元）", "1100", "tax-v2.csv")
    assert new.conflicts == 0 and new.superseded == 1
    assert frame(engine).loc[USCCS[0], "revenue"] == 1100
    revert_batch(engine=engine, batch_id=new.batch_id)  # type: ignore[arg-type]
    assert frame(engine).loc[USCCS[0], "revenue"] == 1000 and old.batch_id


# ----------------------------------------------------------------------------- report and progress
def test_progress_and_excel_report(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    calls: list[tuple[int, int]] = []
    rows = [[USCCS[i % 4], NAMES[i % 4], str(i), "x" if i == 2 else "1"] for i in range(4)]
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "单位名称", "参保人数", "研发人员数"], rows)
    report = import_file(engine=engine, source="hr", path=path, year=2023, progress=lambda d, t: calls.append((d, t)))
    assert report.status == "rejected"
    good = import_file(engine=engine, source="hr", path=write_csv(tmp_path / "ok.csv", ["统一社会信用代码", "参保人数"], [[USCCS[0], "3"]]),
                       year=2023, progress=lambda d, t: calls.append((d, t)))
    assert good.status == "imported" and calls[-1] == (1, 1)
    first = [c for c in calls if c[1] == 4]
    assert first and [d for d, _ in first] == sorted(d for d, _ in first)  # monotonic
    out = import_report_xlsx(report, tmp_path / "report.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["概况", "错误", "提示"]
    errors = list(wb["错误"].iter_rows(values_only=True))
    assert errors[0] == ("工作表", "行", "列", "列名", "值", "原因") and errors[1][1:5] == (4, "D", "研发人员数", "x")
    assert ImportReport.model_validate_json(report.model_dump_json()) == report


# ----------------------------------------------------------------------------- years, keys, odd rows
def test_year_column_and_several_years(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    rows = [[USCCS[0], "2022年", "10"], [USCCS[0], "2023", "12"], [USCCS[1], "2023年度", "7"]]
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "年度", "参保人数"], rows)
    report = import_file(engine=engine, source="hr", path=path)
    assert report.status == "imported" and report.years == [2022, 2023] and report.year is None
    with Session(engine) as s:
        frames = store.raw_frames(session=s, years=[2022, 2023])
    assert frames[2022].loc[USCCS[0], "staff_total"] == 10 and frames[2023].loc[USCCS[1], "staff_total"] == 7
    clash = import_file(engine=engine, source="hr", path=path, year=2023)
    assert clash.status == "rejected"
    assert [(e.row, e.reason) for e in clash.errors] == [(2, "年度 2022 与导入时指定的年度 2023 不一致")]


def test_missing_year_and_missing_key_column(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "参保人数"], [[USCCS[0], "1"]])
    (err,) = import_file(engine=engine, source="hr", path=path).errors
    assert err.reason == "文件没有年度列，请指定数据年度（--year）" and err.row == 1
    path = write_csv(tmp_path / "hr2.csv", ["企业名称", "参保人数"], [[NAMES[0], "1"]])
    (err,) = import_file(engine=engine, source="hr", path=path, year=2023).errors
    assert err.reason.startswith("缺少统一社会信用代码列")


def test_duplicates_totals_notes_and_unknown_columns(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    rows = [[USCCS[0], "1", "x"], [USCCS[1], "2", "y"], ["", "合计", "3"], ["注：人数为年末参保人数", "", ""]]
    path = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "参保人数", "备注"], rows)
    report = import_file(engine=engine, source="hr", path=path, year=2023)
    assert report.status == "imported" and report.rows_read == 2
    assert any("合计/说明行" in w and "4、5" in w for w in report.warnings)
    assert any("未识别的列已忽略" in w and "C「备注」" in w for w in report.warnings)
    dup = write_csv(tmp_path / "dup.csv", ["统一社会信用代码", "参保人数"], [[USCCS[0], "1"], [USCCS[0], "2"]])
    (err,) = import_file(engine=engine, source="hr", path=dup, year=2023).errors
    assert (err.row, err.column_letter, err.reason) == (3, "A", "与第 2 行重复：同一企业同一年度出现了两次")


def test_the_same_field_twice_across_sheets(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    path = write_xlsx(tmp_path / "hr.xlsx", {
        "一": ([], ["统一社会信用代码", "参保人数"], [[USCCS[0], 1]]),
        "二": ([], ["统一社会信用代码", "参保人数"], [[USCCS[0], 2]]),
    })
    report = import_file(engine=engine, source="hr", path=path, year=2023)
    assert report.status == "rejected" and "在工作表“一”第 2 行已经给出" in report.errors[0].reason


def test_register_rows_with_different_blank_columns(engine: Engine, tmp_path: Path) -> None:
    rows = [[USCCS[0], NAMES[0], "常州市新北区", "", "2015-03-05"], [USCCS[1], NAMES[1], "", "李四", ""]]
    path = write_csv(tmp_path / "r.csv", ["统一社会信用代码", "企业名称", "住所", "法定代表人", "成立日期"], rows)
    assert import_file(engine=engine, source="register", path=path, year=2023).status == "imported"
    with Session(engine) as s:
        a, b = store.enterprise(session=s, uscc=USCCS[0]), store.enterprise(session=s, uscc=USCCS[1])
    assert (a.address, a.legal_representative, b.address, b.legal_representative) == ("常州市新北区", None, None, "李四")
    assert b.founding_date is None and USCCS[1] not in frame(engine).index  # no founding date: no age
    assert frame(engine).loc[USCCS[0], "age_years"] == 8


def test_conflicts_count_each_source_once_and_are_not_repeated(engine: Engine, tmp_path: Path) -> None:
    load_register(engine, tmp_path)
    _one(engine, tmp_path, "self_report", "营业收入（万元）", "900", "s1.csv")
    _one(engine, tmp_path, "self_report", "营业收入（万元）", "950", "s2.csv")  # supersedes its own 900
    assert _one(engine, tmp_path, "tax", "营业收入（万元）", "1000", "t1.csv").conflicts == 1
    assert _one(engine, tmp_path, "tax", "营业总收入（万元）", "1000", "t2.csv").conflicts == 0  # the same disagreement
    with Session(engine) as s:
        (c,) = list_conflicts(session=s)
    assert (c.value_a, c.value_b) == ("950", "1000")
