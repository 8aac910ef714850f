"""Reading source files into tables: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030; , ; or tab) and XLSX
(several sheets, title rows above the header).

The header row is the first of the first `HEADER_SCAN` rows that holds a key column header (the
caller says which headers are keys). Row numbers are 1-based, as an official sees them in Excel.
Problems of the file itself (encoding, broken quoting, merged cells in the data, formulas without
a cached value, a damaged workbook, a file over the limits of `scoring.ingest.limits`) are returned
as `Problem`s, never raised. An XLSX is checked by `scoring.ingest.archive` before it is parsed;
rows, columns, cells and cell lengths are counted while a file is read, which stops at the first
limit hit.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import range_boundaries

from scoring.ingest import limits
from scoring.ingest.archive import check_package, scan_part

HEADER_SCAN = 15
DELIMITERS = (",", "\t", ";")


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


class _Refused(Exception):
    """A limit was hit while reading: the file is refused with this problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


class _Guard:
    """Counts one file's rows and cells against `scoring.ingest.limits` while it is read."""

    def __init__(self, *, long_text: bool) -> None:
        self.cells = 0
        self.long_text = long_text  # measure every cell (else the file was proven short enough)

    def check(self, row: Sequence[Any], *, r: int, sheet: str | None) -> None:
        """Raise `_Refused` at the first limit row `r` (1-based) goes past."""
        if r > limits.MAX_ROWS:
            where = f"工作表“{sheet}”" if sheet else "文件"
            raise _Refused(Problem(limits.too_many_rows(where), sheet=sheet, row=r))
        width = len(row)  # an XLSX row comes padded up to its last cell: that is the work done
        self.cells += width
        if self.cells > limits.MAX_CELLS:
            raise _Refused(Problem(limits.too_many_cells(), sheet=sheet, row=r))
        if width > limits.MAX_COLUMNS:
            raise _Refused(Problem(limits.too_many_columns(width), sheet=sheet, row=r,
                                   column_letter=column_letter(limits.MAX_COLUMNS)))
        if self.long_text and width:
            try:
                longest = max(map(len, row))  # a CSV row: all strings, one C loop
            except TypeError:
                longest = max(len(c) if isinstance(c, str) else 0 for c in row)
            if longest > limits.MAX_CELL_CHARS:
                j = next(k for k, c in enumerate(row) if isinstance(c, str) and len(c) == longest)
                raise _Refused(Problem(limits.too_long_cell(longest), sheet=sheet, row=r,
                                       column_letter=column_letter(j), value=str(row[j])[:200]))


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
    nul = data.find(b"\x00")  # valid UTF-8, but no text file holds NUL bytes: the whole file is checked
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        return Problem(f"文件不是文本（CSV）文件，也不是 Excel（.xlsx）文件：第 {nul + 1} 个字节（第 {line} 行）"
                       "是空字符（0x00）", row=line)
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
    guard = _Guard(long_text=True)  # every CSV cell is a str: measuring them is one C call per row
    try:
        for row in reader:
            guard.check(row, r=len(rows) + 1, sheet=None)
            rows.append(row)
    except _Refused as exc:
        book.problems.append(exc.problem)
        return book
    except csv.Error as exc:
        line = len(rows) + 1
        if "field larger than field limit" in str(exc):  # the csv module's own bound, above Excel's
            reason = limits.too_long_cell(csv.field_size_limit() + 1, at_least=True)
        elif "end of data" in str(exc):
            reason = "引号没有闭合：从这一行起到文件末尾都成了一个单元格"
        else:
            reason = f"CSV 格式错误（引号用法不对）：{exc}"
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
def _table(rows: Iterable[Any], *, sheet: str | None, is_key: IsKey, problems: list[Problem],
           guard: _Guard | None = None) -> Table | None:
    """Find the header row in the first rows, then gather the data rows below it by column
    (counting them against the limits when a `guard` is given; a CSV was counted as it was read)."""
    it = iter(rows)
    header_row, headers = 0, None
    # Only the first HEADER_SCAN rows are scanned: the range ends first and, coming first, takes
    # no row from `it` beyond them, so the data rows below continue from where the scan stopped.
    for i, row in zip(range(1, HEADER_SCAN + 1), it, strict=False):
        if guard:
            guard.check(row, r=i, sheet=sheet)
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
        if guard:
            guard.check(row, r=r, sheet=sheet)
        row = list(row)
        first = row[0] if row else None
        if not (isinstance(first, str) and first.strip()) and _blank_row(row):
            continue  # blank rows (often at the end of an export) carry nothing
        if len(row) > width:
            extra = [(j, c) for j, c in enumerate(row[width:], start=width) if c is not None and str(c).strip()]
            for j, c in extra:
                problems.append(Problem("该单元格所在的列没有表头", sheet=sheet, row=r,
                                        column_letter=column_letter(j), value=str(c)[:200]))
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            package = check_package(archive)
    except Exception as exc:  # not a zip, a damaged directory, a bad CRC while streaming
        book.problems.append(Problem(f"Excel 文件已损坏或不完整，无法打开（{type(exc).__name__}）"))
        return book
    if package.refused:
        book.problems.append(Problem(package.refused))
        return book
    guard = _Guard(long_text=package.long_text)
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
            path = ws._worksheet_path
            scan = package.parts.get(path) or package.parts.get(path.lstrip("/")) or scan_part(wb._archive, path)
            ws.reset_dimensions()  # some exporters write a wrong <dimension>: read every row
            table = _table(ws.iter_rows(min_row=1, min_col=1, values_only=True), sheet=name, is_key=is_key,
                           problems=book.problems, guard=guard)
            if table is None:
                book.skipped.append(name)
                continue
            book.problems.extend(_merge_problems(scan.merges, table))
            if scan.formulas:
                book.problems.extend(_formula_problems(data, name, table))
            book.tables.append(table)
    except _Refused as exc:
        book.tables.clear()
        book.problems.append(exc.problem)
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


def _merge_problems(merges: list[str], table: Table) -> Iterator[Problem]:
    for ref in merges:
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if max_row is not None and max_row >= table.header_row:  # merged title cells are fine
            where = "表头" if max_row == table.header_row else "数据区"
            yield Problem(f"{where}中有合并单元格 {ref}，请取消合并并在每个单元格中填写数据后再导入",
                          sheet=table.sheet, row=min_row, column_letter=column_letter((min_col or 1) - 1), value=ref)


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
                    yield Problem(f"单元格 {column_letter(j)}{r} 是公式（{cell[:60]}），但文件中没有计算结果；"
                                  "请在 Excel 中打开并保存（或粘贴为数值）后再导入",
                                  sheet=sheet, row=r, column_letter=column_letter(j),
                                  column=table.headers[j] if j < len(table.headers) else "", value=cell[:200])
    finally:
        wb.close()


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (A … Z, AA …), for any index: openpyxl's stops at ZZZ."""
    n, letters = index + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def path_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()
