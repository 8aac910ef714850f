"""Reading source files into tables: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; , ; or tab) and XLSX
(several sheets, title rows above the header).

The header row is the first of the first `HEADER_SCAN` rows that holds a key column header (the
caller says which headers are keys). Row numbers are 1-based, as an official sees them in Excel.
Problems of the file itself (encoding, broken quoting, merged cells in the data, formulas without
a cached value, a damaged workbook) are returned as `Problem`s, never raised.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter, range_boundaries

HEADER_SCAN = 15
DELIMITERS = (",", "\t", ";")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_FORMULA = re.compile(rb"<f[ >/]")


@dataclass(frozen=True)
class Problem:
    """A problem found while reading: where (sheet, row, column letter) and the Chinese reason."""

    reason: str
    sheet: str | None = None
    row: int | None = None
    column_letter: str = ""
    column: str = ""
    value: str = ""


@dataclass
class Table:
    """The data of one sheet (or of a CSV file) under its header row."""

    sheet: str | None
    header_row: int
    headers: list[str]
    columns: list[np.ndarray]  # one object array per header column, data rows only
    rows: np.ndarray  # Excel row number of each data row


@dataclass
class Workbook:
    """What a file holds: its tables, sheets skipped for lack of a key header, and problems."""

    kind: str  # csv | xlsx
    sheets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""


IsKey = Callable[[Any], bool]


def read_file(data: bytes, *, name: str, is_key: IsKey) -> Workbook:
    """Read a file's bytes; the format is told by content (a zip is XLSX), not by the name."""
    if not data:
        return Workbook("csv", problems=[Problem("文件为空（0 字节）")])
    if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, is_key=is_key)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return Workbook("xls", problems=[Problem("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")])
    return read_csv(data, is_key=is_key)


# ----------------------------------------------------------------------------- CSV
def decode(data: bytes) -> tuple[str, str] | Problem:
    """Text and encoding name: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            return _undecodable(data, exc, "UTF-16")
    if b"\x00" in data[:65536]:  # valid UTF-8, but no text file holds NUL bytes
        return Problem("文件不是文本（CSV）文件，也不是 Excel（.xlsx）文件")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        # A file that was decoding as UTF-8 Chinese for a while is UTF-8 with a damaged byte;
        # reading it as GB18030 would only turn it into mojibake.
        prefix = data[: exc.start].decode("utf-8", errors="ignore")
        if len(re.findall(r"[\u4e00-\u9fff]", prefix)) >= 4:
            return _undecodable(data, exc, "UTF-8")
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        return _undecodable(data, exc, "UTF-8 或 GBK/GB18030")


def _undecodable(data: bytes, exc: UnicodeDecodeError, encoding: str) -> Problem:
    line = data[: exc.start].count(b"\n") + 1
    byte = data[exc.start : exc.start + 1].hex().upper()
    return Problem(f"文件编码无法识别：按 {encoding} 解码时，第 {exc.start + 1} 个字节（0x{byte}，第 {line} 行）无法解码；"
                   "请另存为 UTF-8 或 GBK 编码的 CSV", row=line)


def sniff_delimiter(text: str, *, is_key: IsKey) -> str:
    """The delimiter under which one of the first lines contains a key header (else the most used)."""
    head = text.splitlines()[:HEADER_SCAN + 5]
    for delim in DELIMITERS:
        try:
            for row in csv.reader(head, delimiter=delim):
                if len(row) > 1 and any(is_key(c) for c in row):
                    return delim
        except csv.Error:
            continue
    sample = "\n".join(head)
    return max(DELIMITERS, key=sample.count)


def read_csv(data: bytes, *, is_key: IsKey) -> Workbook:
    decoded = decode(data)
    if isinstance(decoded, Problem):
        return Workbook("csv", problems=[decoded])
    text, encoding = decoded
    book = Workbook("csv", sheets=[], encoding=encoding)
    if not text.strip():
        book.problems.append(Problem("文件没有内容（只有空白）"))
        return book
    delim = sniff_delimiter(text, is_key=is_key)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        line = len(rows) + 1
        reason = ("引号没有闭合：从这一行起到文件末尾都成了一个单元格" if "end of data" in str(exc)
                  else f"CSV 格式错误（引号用法不对）：{exc}")
        book.problems.append(Problem(reason, row=line))
        return book
    table = _table(rows, sheet=None, is_key=is_key, problems=book.problems)
    if table is not None:
        book.tables.append(table)
    elif not book.problems:
        book.problems.append(_no_header(is_key))
    return book


def _no_header(is_key: IsKey) -> Problem:
    return Problem(f"前 {HEADER_SCAN} 行中没有找到表头行（应包含“统一社会信用代码”等关键列）")


# ----------------------------------------------------------------------------- tables
def _table(rows: Iterable[Any], *, sheet: str | None, is_key: IsKey, problems: list[Problem]) -> Table | None:
    """Find the header row in the first rows, then gather the data rows below it by column."""
    it = iter(rows)
    header_row, headers = 0, None
    # Only the first HEADER_SCAN rows are scanned: the range ends first and, coming first, takes
    # no row from `it` beyond them, so the data rows below continue from where the scan stopped.
    for i, row in zip(range(1, HEADER_SCAN + 1), it, strict=False):
        if any(is_key(c) for c in row):
            header_row, headers = i, ["" if c is None else str(c).strip() for c in row]
            break
    if headers is None:
        return None
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data, numbers = [], []
    for r, row in enumerate(it, start=header_row + 1):
        row = list(row)
        first = row[0] if row else None
        if not (isinstance(first, str) and first.strip()) and _blank_row(row):
            continue  # blank rows (often at the end of an export) carry nothing
        if len(row) > width:
            extra = [(j, c) for j, c in enumerate(row[width:], start=width) if c is not None and str(c).strip()]
            for j, c in extra:
                problems.append(Problem("该单元格所在的列没有表头", sheet=sheet, row=r,
                                        column_letter=get_column_letter(j + 1), value=str(c)[:200]))
            row = row[:width]
        elif len(row) < width:
            row.extend([None] * (width - len(row)))
        data.append(row)
        numbers.append(r)
    matrix = np.empty((len(data), width), dtype=object)
    if data:
        matrix[:] = data
    return Table(sheet, header_row, headers, [matrix[:, j] for j in range(width)], np.asarray(numbers, dtype=np.int64))


def _blank_row(row: list[Any]) -> bool:
    try:
        return not "".join(row).strip()  # a CSV row: all strings, one C call
    except TypeError:
        return not any(c is not None and (not isinstance(c, str) or c.strip()) for c in row)


# ----------------------------------------------------------------------------- XLSX
def read_xlsx(data: bytes, *, is_key: IsKey) -> Workbook:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    book = Workbook("xlsx")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip or workbook raises many kinds of errors
        book.problems.append(Problem(f"Excel 文件已损坏或不完整，无法打开（{type(exc).__name__}）"))
        return book
    missing = [n for n in _declared_sheets(wb._archive) if n not in wb.sheetnames]
    if missing:  # openpyxl skips a sheet whose part is gone; the official must know the file is broken
        wb.close()
        book.problems.append(Problem(f"Excel 文件已损坏或不完整：工作表“{'、'.join(missing)}”的内容缺失"))
        return book
    try:
        for name in wb.sheetnames:
            ws = wb[name]
            book.sheets.append(name)
            if not isinstance(ws, ReadOnlyWorksheet):
                book.skipped.append(name)
                continue
            merges, has_formulas = _scan_sheet(wb._archive, ws._worksheet_path)
            ws.reset_dimensions()  # some exporters write a wrong <dimension>: read every row
            table = _table(ws.iter_rows(min_row=1, min_col=1, values_only=True), sheet=name, is_key=is_key, problems=book.problems)
            if table is None:
                book.skipped.append(name)
                continue
            book.problems.extend(_merge_problems(merges, table))
            if has_formulas:
                book.problems.extend(_formula_problems(data, name, table))
            book.tables.append(table)
    except Exception as exc:
        book.problems.append(Problem(f"Excel 文件已损坏或不完整，读取时出错（{type(exc).__name__}：{str(exc)[:200]}）"))
    finally:
        wb.close()
    if not book.tables and not book.problems:
        book.problems.append(_no_header(is_key))
    return book


def _declared_sheets(archive: zipfile.ZipFile) -> list[str]:
    """Sheet names the workbook part lists."""
    try:
        xml = archive.read("xl/workbook.xml")
    except KeyError:
        return []
    return [html.unescape(m.decode("utf-8")) for m in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', xml)]


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> tuple[list[str], bool]:
    """Merged ranges and whether formulas occur, streaming the sheet XML (read-only mode has neither)."""
    merges: dict[str, None] = {}  # ordered and without the repeats the chunk overlap produces
    formulas = False
    tail = b""
    with archive.open(member) as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            buf = tail + chunk  # a tag may straddle two chunks
            formulas = formulas or _FORMULA.search(buf) is not None
            merges.update((m.decode(), None) for m in _MERGE.findall(buf))
            tail = buf[-64:]
    return list(merges), formulas


def _merge_problems(merges: list[str], table: Table) -> Iterator[Problem]:
    for ref in merges:
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if max_row is not None and max_row >= table.header_row:  # merged title cells are fine
            where = "表头" if max_row == table.header_row else "数据区"
            yield Problem(f"{where}中有合并单元格 {ref}，请取消合并并在每个单元格中填写数据后再导入",
                          sheet=table.sheet, row=min_row, column_letter=get_column_letter(min_col or 1), value=ref)


def _formula_problems(data: bytes, sheet: str, table: Table) -> Iterator[Problem]:
    """Formula cells below the header whose cached value is missing (the file was never recalculated)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()
        position = {int(r): i for i, r in enumerate(table.rows)}
        for r, row in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            if r <= table.header_row or r not in position:
                continue
            for j, cell in enumerate(row[: len(table.columns)]):
                if isinstance(cell, str) and cell.startswith("=") and table.columns[j][position[r]] is None:
                    yield Problem(f"单元格 {get_column_letter(j + 1)}{r} 是公式（{cell[:60]}），但文件中没有计算结果；"
                                  "请在 Excel 中打开并保存（或粘贴为数值）后再导入",
                                  sheet=sheet, row=r, column_letter=get_column_letter(j + 1),
                                  column=table.headers[j] if j < len(table.headers) else "", value=cell[:200])
    finally:
        wb.close()


def column_letter(index: int) -> str:
    """0-based column index → Excel letter."""
    return get_column_letter(index + 1)


def path_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()
