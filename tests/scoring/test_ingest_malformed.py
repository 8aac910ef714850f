"""Malformed source files, generated here: each is refused whole, with row, column and reason, and
leaves the store exactly as it was (row counts and a checksum of raw values, batches, enterprises)."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from scoring import store
from scoring.excel.import_report import import_report_xlsx
from scoring.ingest.importer import import_file
from scoring.uscc import make_usccs

YEAR = 2024
CODES = make_usccs(np.random.default_rng(4), 6, region="320411")
NAMES = ["常州甲科技有限公司", "常州乙材料有限公司", "江苏丙装备股份有限公司", "常州丁软件有限公司", "常州戊医药有限公司"]
U = CODES[:5]
STRANGER = CODES[5]  # a valid code of an enterprise the store does not know

Rows = list[list[Any]]
TAX_HEAD = ["统一社会信用代码", "企业名称", "营业收入（万元）", "研发费用（万元）", "纳税总额（万元）"]
HR_HEAD = ["统一社会信用代码", "企业名称", "职工总数", "研发人员数"]
REG_HEAD = ["统一社会信用代码", "企业名称", "成立日期", "注册资本（万元）", "境内注册的居民企业"]
CERT_HEAD = ["统一社会信用代码", "企业名称", "有效期内高新技术企业", "国家级研发平台数"]


def tax_rows() -> Rows:
    return [TAX_HEAD, [U[0], NAMES[0], 1200.5, 80, 30.25], [U[1], NAMES[1], 980, 51.5, 12], [U[2], NAMES[2], 30500, 2100, 880]]


def hr_rows() -> Rows:
    return [HR_HEAD, [U[0], NAMES[0], 45, 12], [U[1], NAMES[1], 130, 20], [U[2], NAMES[2], 900, 110]]


def reg_rows() -> Rows:
    return [REG_HEAD, [U[0], NAMES[0], "2015-03-05", 500, "是"], [U[1], NAMES[1], "2018/6/1", 1000, "是"]]


def cert_rows() -> Rows:
    return [CERT_HEAD, [U[0], NAMES[0], "是", 0], [U[1], NAMES[1], "否", 1], [U[2], NAMES[2], "是", 2]]


# ----------------------------------------------------------------------------- file builders
def _cell(v: Any) -> str:
    return "" if v is None else str(v)


def csv_text(rows: Rows, delimiter: str = ",") -> str:
    out = io.StringIO()
    import csv

    csv.writer(out, lineterminator="\r\n", delimiter=delimiter).writerows([[_cell(c) for c in r] for r in rows])
    return out.getvalue()


def csv_file(rows: Rows, *, encoding: str = "utf-8", name: str = "data.csv") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(csv_text(rows).encode(encoding))
        return path

    return build


def raw_file(data: bytes | Callable[[], bytes], name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return build


def xlsx_file(
    rows: Rows,
    *,
    titles: Sequence[str] = (),
    merges: Sequence[str] = (),
    sheet: str = "数据",
    extra: Callable[[openpyxl.Workbook], None] | None = None,
    name: str = "data.xlsx",
) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        book = openpyxl.Workbook()
        ws = book.active
        assert ws is not None
        ws.title = sheet
        for t in titles:
            ws.append([t])
        for r in rows:
            ws.append(list(r))
        for ref in merges:
            ws.merge_cells(ref)
        if extra:
            extra(book)
        path = folder / name
        book.save(path)
        return path

    return build


def xlsx_bytes(rows: Rows) -> bytes:
    buf = io.BytesIO()
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for r in rows:
        ws.append(list(r))
    book.save(buf)
    return buf.getvalue()


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def with_cell(rows: Rows, r: int, c: int, value: Any) -> Rows:
    out = [list(x) for x in rows]
    out[r][c] = value
    return out


def bad_check(code: str) -> str:
    """The same code with a wrong GB 32100 check character."""
    from scoring.uscc import CHARSET

    return code[:17] + next(ch for ch in CHARSET if ch != code[17])


# ----------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class Expect:
    """A problem the report must list: its row, column (header or letter) and words of the reason."""

    reason: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    build: Callable[[Path], Path]
    expect: tuple[Expect, ...]
    year: int | None = YEAR
    xfail: str = ""


def formula_sheet(book: openpyxl.Workbook) -> None:
    ws = book.active
    assert ws is not None
    ws["C3"] = "=D3*10"  # openpyxl saves no cached value: what Excel shows is unknown to us


def second_sheet_duplicate(book: openpyxl.Workbook) -> None:
    ws = book.create_sheet("补充")
    for r in [TAX_HEAD, [U[0], NAMES[0], 1300, 80, 30.25]]:
        ws.append(r)


def xls_bytes() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def truncated_xlsx() -> bytes:
    data = xlsx_bytes(tax_rows())
    return data[: len(data) // 2]


def xlsx_missing_sheet_part() -> bytes:
    """A zip that claims to be a workbook but lacks the worksheet it lists."""
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes(tax_rows())))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                out.writestr(item, src.read(item.filename))
    return buf.getvalue()


def random_bytes() -> bytes:
    return np.random.default_rng(9).integers(0, 256, 4000, dtype=np.uint8).tobytes()


def big5_csv() -> bytes:
    # Traditional-Chinese headers in Big5, as a Taiwan/HK export would send them.
    rows = [["統一社會信用代碼", "企業名稱", "營業收入（萬元）"], [U[0], "常州甲科技有限公司", 100]]
    return csv_text(rows).encode("big5")


def utf8_damaged() -> bytes:
    data = bytearray(csv_text(tax_rows()).encode("utf-8"))
    at = data.index(NAMES[1].encode("utf-8")) + 3
    data[at] = 0xFF  # one damaged byte inside a Chinese name of row 3
    return bytes(data)


def stray_quote() -> bytes:
    lines = csv_text(tax_rows()).splitlines()
    lines[2] = lines[2].replace(NAMES[1], f'"{NAMES[1]}', 1)  # an opening quote that never closes
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def quote_then_text() -> bytes:
    lines = csv_text(tax_rows()).splitlines()
    lines[3] = lines[3].replace(NAMES[2], f'"{NAMES[2][:2]}"{NAMES[2][2:]}', 1)  # "江苏"丙装备…
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


T, H, R, C = tax_rows, hr_rows, reg_rows, cert_rows
CASES: list[Case] = [
    # --- USCC
    Case("uscc-check-char", "tax", csv_file(with_cell(T(), 2, 0, bad_check(U[1]))),
         (Expect("校验码错误", 3, "统一社会信用代码"),)),
    Case("uscc-17-chars", "tax", csv_file(with_cell(T(), 1, 0, U[0][:17])), (Expect("应为18位", 2, "A"),)),
    Case("uscc-19-chars", "tax", csv_file(with_cell(T(), 1, 0, U[0] + "1")), (Expect("应为18位", 2, "A"),)),
    Case("uscc-letter-I", "tax", csv_file(with_cell(T(), 3, 0, U[2][:10] + "I" + U[2][11:])), (Expect("非法字符", 4, "A"),)),
    Case("uscc-letter-O", "hr", csv_file(with_cell(H(), 1, 0, "O" + U[0][1:])), (Expect("非法字符", 2, "A"),)),
    Case("uscc-empty", "tax", csv_file(with_cell(T(), 2, 0, "")), (Expect("统一社会信用代码为空", 3, "A"),)),
    Case("uscc-scientific-notation", "tax", csv_file(with_cell(T(), 1, 0, "9.13204E+17")), (Expect("统一社会信用代码", 2, "A"),)),
    Case("uscc-excel-number", "tax", xlsx_file(with_cell(T(), 1, 0, 913204112662061027)), (Expect("统一社会信用代码", 2, "A"),)),
    Case("uscc-unknown-enterprise", "tax", csv_file(with_cell(T(), 3, 0, STRANGER)), (Expect("库中没有该企业", 4, "统一社会信用代码"),)),
    Case("uscc-unknown-in-hr", "hr", csv_file([*H(), [STRANGER, "常州己公司", 5, 1]]), (Expect("库中没有该企业", 5),)),
    Case("register-new-without-name", "register", csv_file([*R(), [STRANGER, "", "2020-01-01", 100, "是"]]),
         (Expect("缺少企业名称", 4),)),
    # --- encodings
    Case("big5-mislabelled", "tax", raw_file(big5_csv, "税务.csv"), (Expect("表头"),)),
    Case("random-bytes-csv", "tax", raw_file(random_bytes, "税务.csv"), (Expect("不是文本"),)),
    Case("utf8-damaged-byte", "tax", raw_file(utf8_damaged, "税务.csv"), (Expect("编码无法识别", 3),)),
    Case("utf16-without-bom", "tax", raw_file(lambda: csv_text(T()).encode("utf-16-le"), "税务.csv"), (Expect("不是文本"),)),
    Case("binary-with-nul", "tax", raw_file(b"\x00\x01\x02PK" * 200, "税务.csv"), (Expect("不是文本"),)),
    Case("png-renamed-xlsx", "tax", raw_file(png_bytes, "税务.xlsx"), (Expect("Excel 文件已损坏"),)),
    Case("png-renamed-csv", "tax", raw_file(png_bytes, "税务.csv"), (Expect("不是文本"),)),
    Case("xls-ole", "tax", raw_file(xls_bytes, "税务.xls"), (Expect("不支持旧版 Excel"),)),
    Case("xlsx-truncated", "tax", raw_file(truncated_xlsx, "税务.xlsx"), (Expect("已损坏"),)),
    Case("xlsx-missing-sheet-part", "tax", raw_file(xlsx_missing_sheet_part, "税务.xlsx"), (Expect("已损坏"),)),
    # --- empty files
    Case("zero-bytes", "tax", raw_file(b"", "税务.csv"), (Expect("0 字节"),)),
    Case("only-blank-lines", "tax", raw_file(b"\r\n \r\n\t\r\n", "税务.csv"), (Expect("没有内容"),)),
    Case("only-bom", "tax", raw_file(b"\xef\xbb\xbf", "税务.csv"), (Expect("没有内容"),)),
    Case("header-only-csv", "tax", csv_file(T()[:1]), (Expect("只有表头", 1),)),
    Case("header-only-xlsx", "tax", xlsx_file(T()[:1], titles=["2024年税务数据"]), (Expect("只有表头", 2),)),
    Case("title-rows-only", "tax", xlsx_file([["2024年度企业纳税情况"], ["单位：万元"]]), (Expect("没有找到表头行"),)),
    Case("empty-xlsx", "tax", xlsx_file([]), (Expect("没有找到表头行"),)),
    # --- header
    Case("missing-key-column", "tax", csv_file([r[1:] for r in T()]), (Expect("缺少统一社会信用代码列", 1),)),
    Case("missing-uscc-but-name", "hr", xlsx_file([r[1:] for r in H()], titles=["人社数据"]), (Expect("缺少统一社会信用代码列", 2),)),
    Case("no-key-header-at-all", "hr", csv_file([["序号", "职工总数"], [1, 45]]), (Expect("没有找到表头行"),)),
    Case("duplicated-header", "tax", csv_file([r + [r[2]] for r in T()]), (Expect("重复", 1, "F"),)),
    Case("two-variants-of-one-field", "tax",
         csv_file([T()[0] + ["营业总收入（万元）"]] + [r + [1] for r in T()[1:]]), (Expect("重复", 1, "F"),)),
    Case("duplicated-uscc-column", "tax", csv_file([r + [r[0]] for r in T()]), (Expect("重复", 1, "F"),)),
    Case("no-known-data-column", "tax", csv_file([["统一社会信用代码", "企业名称", "备注"], [U[0], NAMES[0], "无"]]),
         (Expect("没有可识别的数据列", 1),)),
    Case("data-without-header", "tax", csv_file([T()[0], T()[1] + ["多出来的"], *T()[2:]]), (Expect("没有表头", 2, "F"),)),
    Case("unknown-unit-in-header", "tax", csv_file(with_cell(T(), 0, 2, "营业收入（美元）")),
         (Expect("“美元”不是金额单位", 1, "C"),)),
    Case("count-header-in-money", "hr", csv_file(with_cell(H(), 0, 2, "职工总数（万元）")), (Expect("不是计数单位", 1, "C"),)),
    Case("money-header-in-count-unit", "tax", csv_file(with_cell(T(), 0, 2, "营业收入（人）")), (Expect("不是金额单位", 1, "C"),)),
    # --- cells: numbers
    Case("text-in-number", "tax", csv_file(with_cell(T(), 2, 2, "十二万")), (Expect("不是数字", 3, "营业收入（万元）"),)),
    Case("letters-after-number", "tax", csv_file(with_cell(T(), 1, 3, "12a")), (Expect("不是数字", 2, "D"),)),
    Case("inf-in-number", "tax", csv_file(with_cell(T(), 1, 4, "inf")), (Expect("不是数字", 2, "E"),)),
    Case("excel-error-value", "tax", xlsx_file(with_cell(T(), 2, 2, "#DIV/0!")), (Expect("不是数字", 3, "C"),)),
    Case("bad-thousands", "tax", csv_file(with_cell(T(), 1, 2, "1,23,456")), (Expect("千分位", 2, "C"),)),
    Case("negative-count", "hr", csv_file(with_cell(H(), 2, 2, -5)), (Expect("不能为负", 3, "职工总数"),)),
    Case("fractional-count", "hr", csv_file(with_cell(H(), 3, 3, 3.5)), (Expect("整数", 4, "D"),)),
    Case("negative-amount", "tax", csv_file(with_cell(T(), 3, 2, -100)), (Expect("不能为负", 4, "C"),)),
    Case("percent-in-amount", "tax", csv_file(with_cell(T(), 1, 3, "120%")), (Expect("百分数", 2, "D"),)),
    Case("count-unit-in-amount", "tax", csv_file(with_cell(T(), 1, 2, "12件")), (Expect("不是金额单位", 2, "C"),)),
    Case("money-unit-in-count", "hr", csv_file(with_cell(H(), 1, 2, "12万元")), (Expect("不是计数单位", 2, "C"),)),
    Case("date-in-count", "hr", xlsx_file(with_cell(H(), 1, 3, __import__("datetime").date(2021, 3, 5))),
         (Expect("日期", 2, "D"),)),
    Case("boolean-in-amount", "tax", xlsx_file(with_cell(T(), 1, 2, True)), (Expect("逻辑值", 2, "C"),)),
    # --- cells: flags and dates
    Case("flag-undecided", "cert", csv_file(with_cell(C(), 2, 2, "待定")), (Expect("是/否", 3, "C"),)),
    Case("flag-two", "cert", csv_file(with_cell(C(), 1, 2, 2)), (Expect("是/否", 2, "C"),)),
    Case("date-feb-30", "register", csv_file(with_cell(R(), 1, 2, "2021-02-30")), (Expect("日期不存在", 2, "成立日期"),)),
    Case("date-month-13", "register", csv_file(with_cell(R(), 2, 2, "2021年13月1日")), (Expect("日期不存在", 3, "C"),)),
    Case("date-incomplete", "register", csv_file(with_cell(R(), 1, 2, "2021-03")), (Expect("不完整", 2, "C"),)),
    Case("date-words", "register", csv_file(with_cell(R(), 1, 2, "去年三月")), (Expect("不是日期", 2, "C"),)),
    Case("date-serial-out-of-range", "register", xlsx_file(with_cell(R(), 2, 2, 99999)), (Expect("日期", 3, "C"),)),
    Case("negative-capital", "register", csv_file(with_cell(R(), 1, 3, -1)), (Expect("不能为负", 2, "D"),)),
    Case("founded-after-the-data-year", "register", csv_file(with_cell(R(), 1, 2, "2030-01-01")), (Expect("晚于", 2, "C"),)),
    Case("negative-age", "register", csv_file([R()[0] + ["成立年限"], R()[1] + [-1], R()[2] + [6]]), (Expect("不能为负", 2, "F"),)),
    Case("huge-number", "tax", csv_file(with_cell(T(), 2, 4, "1e400")), (Expect("不是数字", 3, "E"),)),
    Case("key-columns-swapped", "hr", csv_file([[h if i > 1 else H()[0][1 - i] for i, h in enumerate(H()[0])]] + H()[1:]),
         (Expect("应为18位", 2, "B"), Expect("应为18位", 4, "B"))),
    # --- structure
    Case("merged-cells-in-data", "tax", xlsx_file(T(), merges=["C2:C3"]), (Expect("合并单元格", 2, "C"),)),
    Case("merged-cells-in-header", "tax", xlsx_file(T(), titles=["2024年"], merges=["C2:D2"]), (Expect("合并单元格", 2, "C"),)),
    Case("formula-without-value", "tax", xlsx_file(T(), extra=formula_sheet), (Expect("公式", 3, "C"),)),
    Case("same-value-in-two-sheets", "tax", xlsx_file(T(), extra=second_sheet_duplicate), (Expect("不能重复", 2),)),
    Case("stray-quote", "tax", raw_file(stray_quote, "税务.csv"), (Expect("引号", 3),)),
    Case("text-after-closing-quote", "tax", raw_file(quote_then_text, "税务.csv"), (Expect("引号", 4),)),
    Case("duplicate-rows-different-values", "tax", csv_file([*T(), [U[1], NAMES[1], 990, 51.5, 12]]),
         (Expect("重复", 5, "A"),)),
    Case("duplicate-rows-same-values", "hr", csv_file([*H(), H()[1]]), (Expect("重复", 5, "A"),)),
    # --- years
    Case("year-column-disagrees", "tax", csv_file([T()[0] + ["年度"]] + [r + [2023] for r in T()[1:]]),
         (Expect("不一致", 2, "年度"), Expect("不一致", 4, "F"))),
    Case("year-column-words", "hr", csv_file([H()[0] + ["年度"]] + [r + ["二〇二四"] for r in H()[1:]]), (Expect("不是年度", 2, "E"),),
         year=None),
    Case("year-with-decimals", "hr", csv_file([H()[0] + ["年度"]] + [r + [2024.5] for r in H()[1:]]), (Expect("不是年度", 2, "E"),),
         year=None),
    Case("year-out-of-range", "hr", csv_file([H()[0] + ["年度"]] + [r + [1899] for r in H()[1:]]), (Expect("超出范围", 2, "E"),),
         year=None),
    Case("no-year-anywhere", "tax", csv_file(with_cell(T(), 1, 2, 1201)), (Expect("没有年度列", 1),), year=None),
    Case("year-blank-without-year", "hr", csv_file([H()[0] + ["年度"], H()[1] + [2024], H()[2] + [""]]),
         (Expect("年度为空", 3, "E"),), year=None),
]


# ----------------------------------------------------------------------------- the store
def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of the tables an import may touch."""
    out = {}
    with engine.connect() as conn:
        for table in ("rawvalue", "batch", "enterprise", "conflict"):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).fetchall()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A store with five registered enterprises and one year of tax and HR values."""
    folder = tmp_path_factory.mktemp("malformed-store")
    eng = store.make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    register = [REG_HEAD] + [[u, n, "2016-05-01", 800, "是"] for u, n in zip(U, NAMES, strict=True)]
    for source, rows in (("register", register), ("tax", tax_rows()), ("hr", hr_rows())):
        path = csv_file(rows, name=f"{source}.csv")(folder)
        report = import_file(engine=eng, source=source, path=path, year=YEAR)
        assert report.status == "imported", report.to_text()
    return eng


def matches(error: Any, want: Expect) -> bool:
    if want.reason not in error.reason:
        return False
    if want.row is not None and error.row != want.row:
        return False
    if want.column is not None and want.column not in (error.column, error.column_letter):
        return False
    return True


def check_refused(engine: Engine, case: Case, folder: Path) -> None:
    path = case.build(folder)
    before = snapshot(engine)
    report = import_file(engine=engine, source=case.source, path=path, year=case.year)
    after = snapshot(engine)
    listed = "\n".join(f"{e.row} {e.column_letter} {e.column} {e.value!r}: {e.reason}" for e in report.errors)
    assert report.status == "rejected", f"{case.id}: {report.status}\n{report.to_text()}"
    assert report.batch_id is None and report.values_written == 0
    for want in case.expect:
        assert any(matches(e, want) for e in report.errors), f"{case.id}: expected {want}, got:\n{listed}"
    assert after == before, f"{case.id}: the store changed"
    text_report = report.to_text()
    assert "拒绝" in text_report and case.expect[0].reason.split("（")[0][:4] in text_report


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id, marks=pytest.mark.xfail(reason=c.xfail, strict=True) if c.xfail else ()) for c in CASES],
)
def test_malformed_file_is_refused_and_nothing_is_written(engine: Engine, case: Case, tmp_path: Path) -> None:
    check_refused(engine, case, tmp_path)


def test_there_are_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


def test_all_problems_of_a_file_in_one_pass(engine: Engine, tmp_path: Path) -> None:
    """An official fixes a file once: every bad cell, in every column and row, is in the report."""
    rows = [
        TAX_HEAD + ["年度"],
        [U[0], NAMES[0], "十二", 80, 30.25, YEAR],  # row 2: text in a number
        [bad_check(U[1]), NAMES[1], 980, 51.5, 12, YEAR],  # row 3: check character
        [U[2], NAMES[2], -5, "1,23", 880, YEAR],  # row 4: negative amount and bad thousands
        [STRANGER, "常州己公司", 1, 1, 1, YEAR],  # row 5: unknown enterprise
        [U[3], NAMES[3], 1, 1, 1, 2023],  # row 6: year disagrees
        [U[0], NAMES[0], 1, 2, 3, YEAR],  # row 7: duplicate of row 2
        [U[4], NAMES[4], "1.2亿元", "5件", "", YEAR],  # row 8: fine amount, wrong unit
    ]
    case = Case("many", "tax", csv_file(rows, encoding="gbk"), (
        Expect("不是数字", 2, "C"), Expect("校验码错误", 3, "A"), Expect("不能为负", 4, "C"), Expect("千分位", 4, "D"),
        Expect("库中没有该企业", 5), Expect("不一致", 6, "F"), Expect("重复", 7, "A"), Expect("不是金额单位", 8, "D"),
    ))
    check_refused(engine, case, tmp_path)
    report = import_file(engine=engine, source="tax", path=tmp_path / "data.csv", year=YEAR)
    assert report.rows_rejected == 7 and len(report.errors) == 8
    out = tmp_path / "报告.xlsx"
    import_report_xlsx(report, out)
    rows_out = list(openpyxl.load_workbook(out)["错误"].iter_rows(values_only=True))
    assert rows_out[0] == ("工作表", "行", "列", "列名", "值", "原因") and len(rows_out) == 9
    assert any(r[1] == 3 and r[2] == "A" and "校验码错误" in r[5] for r in rows_out[1:])


def test_a_valid_file_after_all_that_imports(engine: Engine, tmp_path: Path) -> None:
    """The store is usable after the refusals: a good file of the same source goes in."""
    rows = [TAX_HEAD, [U[3], NAMES[3], 77, 7, 0.5]]
    report = import_file(engine=engine, source="tax", path=csv_file(rows, encoding="gbk", name="ok.csv")(tmp_path), year=YEAR)
    assert report.status == "imported" and report.values_written == 3
