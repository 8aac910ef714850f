"""The one writer of the workbooks we generate: tables for people, forms, and the text rule.

Every export goes through here:

- `write_tables` streams tables for people (score-file results, credit lists, import reports) with
  openpyxl's write-only mode — bold header, column widths, number formats, frozen header — to a
  path (atomically) or to bytes (an HTTP response); `write_csv` writes the same table as CSV.
- Forms with merged titles and drop-downs (`gap_forms`) are built as openpyxl workbooks, filled
  with `put` / `append` and saved with `save`.
- `write_rows` writes plain, unstyled tables through the hand-written streaming writer
  (`scoring.excel.bulk`): the demo zone's source files hold about 800,000 cells, which openpyxl
  writes in 8.6–11.5 s of CPU and the hand-written writer in 1.2 s (`benchmarks/xlsx_writers.py`).
  Exports stay on openpyxl: they need styles, and a whole zone's score file (167,520 cells) takes
  it 1.7 s, as much as openpyxl's bare write-only mode.

One rule for every text cell, in one function, `as_text`: text that begins with ``=``, ``+``,
``-`` or ``@`` is stored as a string with Excel's quote prefix, never as a formula. A company name
such as ``=HYPERLINK(…)`` imported from a register would otherwise become a live formula in the
credit list (openpyxl turns any string starting with ``=`` into one), and Excel would re-read the
others as formulas the moment an official edits the cell. CSV has no cell types, so `write_csv`
puts an apostrophe before such text (the usual CSV-injection guard).

>>> import io, openpyxl
>>> data = write_tables(None, [Sheet("名单", [Column("企业名称")], [["=1+1"]])])
>>> cell = openpyxl.load_workbook(io.BytesIO(data))["名单"]["A2"]
>>> (cell.value, cell.data_type)
('=1+1', 's')
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from scoring.excel.errors import OutputNotWritable

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "BEIJING", "FORMULA_START", "POINTS", "Column", "Sheet", "append", "as_text", "check_target", "looks_like_formula", "put", "save",
    "write_csv", "write_rows", "write_tables",
]

FORMULA_START = ("=", "+", "-", "@")
POINTS = "0.00"  # points are stored as computed and shown with 2 decimals
BEIJING = timezone(timedelta(hours=8), "北京时间")  # times in exports; China keeps one zone, no summer time


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def as_text(cell: Cell) -> Cell:
    """Make a cell holding formula-like text a plain string cell (type 's', quote prefix)."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Set one cell of a (normal-mode) sheet, text kept as text."""
    return as_text(sheet.cell(row, column, value))


def append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Append a row to a (normal-mode) sheet, text kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text(cell)


@dataclass(frozen=True)
class Column:
    """One column of a table: header, width in characters and Excel number format."""

    header: str
    width: float = 12
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    """A table for people: title lines above the header, the columns, the rows."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: Sequence[str] = field(default_factory=tuple)


@overload
def write_tables(target: Path, sheets: Sequence[Sheet]) -> Path: ...
@overload
def write_tables(target: None, sheets: Sequence[Sheet]) -> bytes: ...
def write_tables(target: Path | None, sheets: Sequence[Sheet]) -> Path | bytes:
    """Write the sheets as one workbook to `target` (atomically), or return its bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    try:
        for spec in sheets:
            ws = book.create_sheet(spec.name[:31])
            for j, col in enumerate(spec.columns, start=1):
                ws.column_dimensions[get_column_letter(j)].width = col.width
            ws.freeze_panes = f"A{len(spec.title) + 2}"  # set before the first row is written
            for line in spec.title:
                cell = as_text(WriteOnlyCell(ws, line))
                cell.font = bold
                ws.append([cell])
            header = [as_text(WriteOnlyCell(ws, c.header)) for c in spec.columns]
            for cell in header:
                cell.font = bold
            ws.append(header)
            formats = [c.number_format for c in spec.columns]
            for row in spec.rows:
                ws.append([_cell(ws, v, formats[j] if j < len(formats) else None, WriteOnlyCell) for j, v in enumerate(row)])
        return save(book, target)
    except BaseException:
        # Write-only sheets stream into temporary files; saving to nowhere closes and removes them.
        with contextlib.suppress(Exception):
            book.save(io.BytesIO())
        raise


def _cell(ws: Any, value: Any, number_format: str | None, make: Any) -> Any:
    """A write-only cell where one is needed (formula-like text, a number format); else the value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return as_text(make(ws, value)) if looks_like_formula(value) else value
    if number_format:
        cell = make(ws, value)
        cell.number_format = number_format
        return cell
    return value


@overload
def save(book: Workbook, target: Path) -> Path: ...
@overload
def save(book: Workbook, target: None) -> bytes: ...
def save(book: Workbook, target: Path | None) -> Path | bytes:
    """Save a workbook to `target` atomically (a reader never sees half a file), or return its bytes."""
    if target is None:
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    path = Path(target)
    with _atomic(path) as tmp:
        book.save(tmp)
    return path


def write_csv(target: Path, sheet: Sheet, *, encoding: str = "utf-8-sig") -> Path:
    """Write one table as CSV (UTF-8 with BOM: Excel opens it with the Chinese intact), atomically."""
    path = Path(target)
    with _atomic(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerows([line] for line in sheet.title)
        out.writerow([_csv_text(c.header) for c in sheet.columns])
        formats = [c.number_format for c in sheet.columns]
        out.writerows([_csv_cell(v, formats[j] if j < len(formats) else None) for j, v in enumerate(row)] for row in sheet.rows)
    return path


def _csv_text(text: str) -> str:
    return "'" + text if looks_like_formula(text) else text


def _csv_cell(value: Any, number_format: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return _csv_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if number_format == POINTS:
        return f"{Decimal(repr(float(value))):.2f}"
    if isinstance(value, (float, np.floating)):
        text = repr(round(float(value), 6))  # 0.30000000000000004 → 0.3
        return text.removesuffix(".0")
    return str(value)


def write_rows(path: Path, sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> Path:
    """Write plain tables (no styles) fast, for large generated files such as the demo's sources."""
    from scoring.excel.bulk import write_xlsx

    with _atomic(Path(path)) as tmp:
        write_xlsx(Path(tmp), sheets)
    return Path(path)


def check_target(path: Path) -> None:
    """Refuse, in one Chinese line, an output path whose folder is missing or that is a folder."""
    if path.is_dir():
        raise OutputNotWritable(f"输出路径 {path} 是一个文件夹，请给出文件名")
    if not path.parent.is_dir():
        raise OutputNotWritable(f"无法写入 {path}：文件夹 {path.parent} 不存在")


class _atomic:
    """A temporary file beside `path`, moved over it on success; OS errors become one Chinese line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = ""

    def __enter__(self) -> str:
        check_target(self.path)
        try:
            fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".~", suffix=self.path.suffix)
        except OSError as exc:
            raise OutputNotWritable(f"无法写入 {self.path}：{_reason(exc)}") from None
        os.close(fd)
        return self.tmp

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is None:
                try:
                    os.replace(self.tmp, self.path)
                except OSError as err:
                    raise OutputNotWritable(f"无法写入 {self.path}：{_reason(err)}") from None
            elif isinstance(exc, OSError):
                raise OutputNotWritable(f"无法写入 {self.path}：{_reason(exc)}") from None
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限（文件可能正在 Excel 中打开）"
    if exc.errno == 28:  # ENOSPC
        return "磁盘空间不足"
    return exc.strerror or type(exc).__name__
