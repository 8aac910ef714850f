"""Files built to abuse the importer: each is refused whole with one Chinese reason that names the
limit and where it was hit, and leaves the store exactly as it was (issue 11, items 2–4)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scoring import store
from scoring.ingest import limits
from scoring.ingest.importer import ImportReport, import_file
from scoring.ingest.read import column_letter
from scoring.ingest.report import CellError
from scoring.systems.fields import default_fields
from tests.scoring.test_ingest_malformed import (
    NAMES,
    REG_HEAD,
    TAX_HEAD,
    YEAR,
    U,
    csv_text,
    snapshot,
    xlsx_bytes,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A store with five registered enterprises and one year of tax values."""
    folder = tmp_path_factory.mktemp("limits-store")
    eng = store.make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    register = [REG_HEAD] + [[u, n, "2016-05-01", 800, "是"] for u, n in zip(U, NAMES, strict=True)]
    tax = [TAX_HEAD, [U[0], NAMES[0], 1200.5, 80, 30.25]]
    for source, rows in (("register", register), ("tax", tax)):
        path = folder / f"{source}.csv"
        path.write_text(csv_text(rows), encoding="utf-8")
        assert import_file(engine=eng, source=source, path=path, year=YEAR).status == "imported"
    return eng


def refused(engine: Engine, path: Path, *, source: str = "tax", year: int | None = YEAR, reason: str) -> ImportReport:
    """Import `path`, expect a refusal whose first reason contains `reason`, and an unchanged store."""
    before = snapshot(engine)
    report = import_file(engine=engine, source=source, path=path, year=year)
    assert report.status == "rejected", report.to_text()
    assert report.batch_id is None and report.values_written == 0
    assert snapshot(engine) == before, "the store changed"
    assert any(reason in e.reason for e in report.errors), report.to_text()[:2000]
    assert all(CJK.search(e.reason) for e in report.errors)
    return report


def tax_csv(folder: Path, *cells: object, name: str = "tax.csv") -> Path:
    """A tax CSV with one row for the first enterprise: 营业收入, 研发费用, 纳税总额 (万元)."""
    path = folder / name
    path.write_text(csv_text([TAX_HEAD, [U[0], NAMES[0], *cells]]), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- XLSX packages
def _zip_with(template: bytes, replace: dict[str, Iterator[bytes]]) -> bytes:
    """`template` with members replaced (or added) by streamed content, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info, src.read(info.filename))
        for name, chunks in replace.items():
            with dst.open(name, "w", force_zip64=True) as fh:
                for chunk in chunks:
                    fh.write(chunk)
    return out.getvalue()


def _template() -> bytes:
    return xlsx_bytes([TAX_HEAD, [U[0], NAMES[0], "营业收入", 80, 30.25]])


def _inline_sheet(rows: list[list[str]]) -> bytes:
    """A sheet part of inline strings (openpyxl itself would cut a cell at 32,767 characters)."""
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{column_letter(j)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for j, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{cells}</sheetData></worksheet>").encode()


def test_zip_bomb_one_200_mb_cell_is_refused_before_parsing(engine: Engine, tmp_path: Path) -> None:
    """The issue's bomb: a few hundred kB that unpack to a sheet with a 200 MB cell."""
    head, tail = _inline_sheet([TAX_HEAD, [U[0], "@"]]).split(b"@")

    def sheet() -> Iterator[bytes]:
        yield head
        for _ in range(200):
            yield b"A" * 2**20
        yield tail

    data = _zip_with(_template(), {"xl/worksheets/sheet1.xml": sheet()})
    assert len(data) < 1_000_000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    report = refused(engine, path, reason="任何单元格都不可能这么长")
    assert "sheet1.xml" in report.errors[0].reason and "32,767" in report.errors[0].reason


def test_xlsx_unpacking_past_the_limit_is_refused_by_its_directory(engine: Engine, tmp_path: Path) -> None:
    size = limits.MAX_XLSX_UNPACKED + 2**20
    data = _zip_with(_template(), {"xl/media/image1.bin": (b"\0" * 2**23 for _ in range(size // 2**23 + 1))})
    path = tmp_path / "big.xlsx"
    path.write_bytes(data)
    refused(engine, path, reason="压缩炸弹")


def test_xlsx_with_too_many_rows_is_refused_before_parsing(engine: Engine, tmp_path: Path) -> None:
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'

    def sheet() -> Iterator[bytes]:
        yield head
        for start in range(1, limits.MAX_ROWS + 2, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)
                           for r in range(start, min(start + 10_000, limits.MAX_ROWS + 2)))
        yield b"</sheetData></worksheet>"

    path = tmp_path / "rows.xlsx"
    path.write_bytes(_zip_with(_template(), {"xl/worksheets/sheet1.xml": sheet()}))
    refused(engine, path, reason="200,000 行的上限")


def test_xlsx_row_far_below_is_counted_as_read(engine: Engine, tmp_path: Path) -> None:
    """One cell on row 1,048,576: openpyxl yields every empty row above it; reading stops at the limit."""
    sheet = _inline_sheet([["统一社会信用代码"]]).replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>')
    path = tmp_path / "far.xlsx"
    path.write_bytes(_zip_with(_template(), {"xl/worksheets/sheet1.xml": iter([sheet])}))
    report = refused(engine, path, reason="200,000 行的上限")
    assert report.errors[0].row == limits.MAX_ROWS + 1


def test_xlsx_cell_over_32767_characters(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    sheet = _inline_sheet([TAX_HEAD, [U[0], NAMES[0], "1200", "80", "30"], [U[1], "长" * 40_000, "1", "1", "1"]])
    path.write_bytes(_zip_with(_template(), {"xl/worksheets/sheet1.xml": iter([sheet])}))
    report = refused(engine, path, reason="超过上限 32,767 个")
    assert (report.errors[0].row, report.errors[0].column_letter) == (3, "B")
    assert "40,000" in report.errors[0].reason


# ----------------------------------------------------------------------------- CSV
def test_csv_wider_than_zzz_is_refused_not_a_crash(engine: Engine, tmp_path: Path) -> None:
    """18,279 columns used to crash on the column letter past ZZZ (a 500 over HTTP)."""
    path = tmp_path / "wide.csv"
    header = TAX_HEAD + [f"列{i}" for i in range(18_279)]
    path.write_text(csv_text([header, [U[0], NAMES[0], 1, 1, 1]]), encoding="utf-8")
    report = refused(engine, path, reason="16,384 列的上限")
    assert report.errors[0].row == 1 and report.errors[0].column_letter == "XFE"


def test_column_letters_past_zzz() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 16_383, 18_277, 18_278)] == ["A", "Z", "AA", "XFD", "ZZZ", "AAAA"]


def test_csv_cell_over_32767_characters(engine: Engine, tmp_path: Path) -> None:
    report = refused(engine, tax_csv(tmp_path, "1" * 40_000, 1, 1), reason="超过上限 32,767 个")
    assert (report.errors[0].row, report.errors[0].column_letter) == (2, "C")


def test_csv_cell_past_the_csv_modules_own_limit(engine: Engine, tmp_path: Path) -> None:
    """10 MB in one cell: the csv module stops first; the reason is the cell's length, not quoting."""
    refused(engine, tax_csv(tmp_path, "9" * 10_000_000, 1, 1), reason="超过上限 32,767 个")


def test_csv_with_too_many_rows(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(csv_text([TAX_HEAD]) + f"{U[0]},{NAMES[0]},1,1,1\r\n" * limits.MAX_ROWS, encoding="utf-8")
    report = refused(engine, path, reason="超过 200,000 行的上限")
    assert report.errors[0].row == limits.MAX_ROWS + 1 and report.error_count == 1


def test_csv_with_too_many_cells(engine: Engine, tmp_path: Path) -> None:
    width = 16_000
    rows = limits.MAX_CELLS // width + 1
    path = tmp_path / "cells.csv"
    path.write_text(",".join(TAX_HEAD) + "\n" + ("," * (width - 1) + "\n") * rows, encoding="utf-8")
    refused(engine, path, reason="单元格总数")


def test_nul_byte_after_the_first_64_kb(engine: Engine, tmp_path: Path) -> None:
    lines = csv_text([TAX_HEAD, [U[0], NAMES[0], 1200, 80, 30]])
    filler = "".join(f"# 说明行 {i}\n" for i in range(6_000))  # ≈ 90 kB of text before the NUL
    path = tmp_path / "nul.csv"
    path.write_bytes((lines + filler).encode("utf-8") + b"\x00" + "尾部\n".encode())
    assert path.read_bytes().index(b"\x00") > 65_536
    report = refused(engine, path, reason="空字符（0x00）")
    assert report.errors[0].row == 6_003


# ----------------------------------------------------------------------------- absurd values
@pytest.mark.parametrize("cell", ["1e308", "99999999999999999999亿元", "1.5e13"])
def test_absurd_revenue_is_refused_with_its_cell(engine: Engine, tmp_path: Path, cell: str) -> None:
    """In 万元 (the header's unit), all past the 10¹³ 元 bound; the cell is named."""
    report = refused(engine, tax_csv(tmp_path, cell, 80, 30), reason="数值不合理")
    e = report.errors[0]
    assert (e.row, e.column_letter, e.value) == (2, "C", cell) and "1,000,000,000 万元" in e.reason


def test_bounds_from_the_registry() -> None:
    fields = default_fields()
    assert fields["revenue"].bounds == (0.0, 1e9)  # 万元: 10¹³ 元
    assert fields["profit_total"].bounds == (-1e9, 1e9)  # signed
    assert fields["cmmi_level"].bounds == (0.0, 5.0)  # stated in the registry
    assert fields["staff_total"].bounds[1] == 1e7


def test_a_level_past_its_stated_maximum(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cert.csv"
    path.write_text(csv_text([["统一社会信用代码", "企业名称", "软件能力成熟度（CMMI/CSMM）等级"], [U[0], NAMES[0], 7]]), encoding="utf-8")
    refused(engine, path, source="cert", reason="数值不合理：7 级")


def test_a_year_in_the_future_or_before_the_programme(engine: Engine, tmp_path: Path) -> None:
    future = date.today().year + 1
    path = tmp_path / "years.csv"
    path.write_text(csv_text([TAX_HEAD + ["年度"], [U[0], NAMES[0], 1, 1, 1, future], [U[1], NAMES[1], 1, 1, 1, 1999]]),
                    encoding="utf-8")
    report = refused(engine, path, year=None, reason="不能导入未来年度的数据")
    assert [e.row for e in report.errors] == [2, 3] and "早于积分制度覆盖的第一个年度 2000" in report.errors[1].reason
    refused(engine, tax_csv(tmp_path, 1, 1, 1), year=future, reason="导入时指定的年度")


def test_a_register_file_of_codes_only_is_refused(engine: Engine, tmp_path: Path) -> None:
    """A tax file declared as the register: only its code column is the register's."""
    path = tmp_path / "tax-as-register.csv"
    path.write_text(csv_text([["统一社会信用代码", "纳税人名称", "营业收入"], [U[0], NAMES[0], 100]]), encoding="utf-8")
    refused(engine, path, source="register", reason="没有可识别的数据列")


# ----------------------------------------------------------------------------- the report
def test_errors_are_counted_all_and_listed_first_n(engine: Engine, tmp_path: Path) -> None:
    n = limits.MAX_ERRORS + 500
    path = tmp_path / "many.csv"
    path.write_text(csv_text([TAX_HEAD] + [[U[0], NAMES[0], "x", "y", 1]] * n), encoding="utf-8")
    report = refused(engine, path, reason="不是数字")
    assert report.error_count == report.errors_total >= 2 * n  # two bad cells a row, and duplicate rows
    assert len(report.errors) == limits.MAX_ERRORS
    walked = [(e.row, e.column_letter) for e in report.errors]
    assert walked == sorted(walked, key=lambda k: (k[0], len(k[1]), k[1])) and walked[:2] == [(2, "C"), (2, "D")]
    assert f"共 {report.errors_total} 处" in report.to_text()


def test_error_log_keeps_the_first_in_reading_order() -> None:
    from scoring.ingest.report import ErrorLog

    log = ErrorLog(sheets=["甲", "乙"], keep=3)
    for sheet, row, letter in [("乙", 2, "A"), ("甲", 9, "AA"), ("甲", 9, "B"), (None, None, ""), ("甲", 1, "C")]:
        log.add(CellError(sheet=sheet, row=row, column_letter=letter, reason="错"))
    assert [(e.sheet, e.row, e.column_letter) for e in log.first()] == [(None, None, ""), ("甲", 1, "C"), ("甲", 9, "B")]
    assert log.total == 5 and len(log.rows) == 3


def test_a_sound_file_still_imports(engine: Engine, tmp_path: Path) -> None:
    """The bounds leave real values alone: 3,000 亿元 of revenue (a very large enterprise's)."""
    report = import_file(engine=engine, source="tax", path=tax_csv(tmp_path, "3000亿元", 80, 30), year=YEAR)
    assert report.status == "imported", report.to_text()
