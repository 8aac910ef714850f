"""A hand-written streaming XLSX writer for large plain tables (the demo's source files, benchmarks).

Kept for one measured reason. openpyxl serializes XML in pure Python here (lxml is not
installed): on the demo zone's source workbooks (10 sheets, 804,399 cells) it took 11.5 s of CPU
in normal mode (165 MiB peak) and 8.6 s in write-only mode, this writer 1.2 s (2.5 MiB) — seven
to ten times faster (70,000–94,000 against 680,000 cells per CPU second; median of 3,
`python benchmarks/xlsx_writers.py`). The demo writes those 800,000 cells on every
`innopoints demo`, the import benchmark two million. It emits only the parts a workbook
needs — shared strings, numbers, booleans and dates (Excel's built-in date format 14) — and
openpyxl and pandas read its files back (tests). Tables for people, with styles, widths and number formats, are written by
openpyxl through `scoring.excel.writer`, which is also the way in here (`write_rows`).

Strings are always shared-string cells, so no text can become a formula; text that looks like
one (`scoring.excel.writer.looks_like_formula`) also gets Excel's quote prefix, as everywhere.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> _ = write_xlsx(path, [("表1", [["代码", "数量"], ["A", 3]])])
>>> [list(r) for r in openpyxl.load_workbook(path)["表1"].iter_rows(values_only=True)]
[['代码', '数量'], ['A', 3]]
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from scoring.excel.writer import looks_like_formula

__all__ = ["write_xlsx"]

_EPOCH = date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> Path:
    """Write ``(sheet name, rows)`` pairs; a cell is None, str, int, float, bool, date or datetime."""
    strings: dict[str, int] = {}
    quoted: set[int] = set()  # shared strings that look like formulas: written with the quote-prefix style
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for i, (_, rows) in enumerate(sheets, start=1):
            rows = list(rows)
            # Without <dimension> a reader (openpyxl) scans the whole sheet once just to size it.
            width = max((len(r) for r in rows), default=1)
            size = f"A1:{_col(max(width, 1) - 1)}{max(len(rows), 1)}"
            with zf.open(_member(f"xl/worksheets/sheet{i}.xml"), "w") as fh:
                fh.write((_HEAD + f'<worksheet {_NS}><dimension ref="{size}"/><sheetData>').encode())
                for r, row in enumerate(rows, start=1):
                    fh.write(_row(r, row, strings, quoted).encode())
                fh.write(b"</sheetData></worksheet>")
        names = [name for name, _ in sheets]
        zf.writestr(_member("[Content_Types].xml"), _content_types(len(names)))
        zf.writestr(_member("_rels/.rels"), _HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr(_member("xl/workbook.xml"), _HEAD + f'<workbook {_NS} xmlns:r="{_REL}"><sheets>' + "".join(
            f'<sheet name={quoteattr(n[:31])} sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)
        ) + "</sheets></workbook>")
        zf.writestr(_member("xl/_rels/workbook.xml.rels"), _workbook_rels(len(names)))
        zf.writestr(_member("xl/styles.xml"), _HEAD + f'<styleSheet {_NS}><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
                    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
                    '<borders count="1"><border/></borders>'
                    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
                    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
        shared = "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
        zf.writestr(_member("xl/sharedStrings.xml"), _HEAD + f'<sst {_NS} count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>')
    return path


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed time: the same rows give the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


_LETTERS: list[str] = []


def _col(i: int) -> str:
    """Column letters of a 0-based index (A, B, …, Z, AA …), cached."""
    while len(_LETTERS) <= i:
        n, s = len(_LETTERS) + 1, ""
        while n:
            n, rem = divmod(n - 1, 26)
            s = chr(65 + rem) + s
        _LETTERS.append(s)
    return _LETTERS[i]


def _intern(text: str, strings: dict[str, int], quoted: set[int]) -> int:
    """The shared-string index of `text` (characters XML cannot carry removed), added if new."""
    clean = _ILLEGAL.sub("", text)
    k = strings.get(clean)
    if k is None:
        k = strings[clean] = len(strings)
        if looks_like_formula(clean):
            quoted.add(k)
    return k


def _row(r: int, row: Sequence[Any], strings: dict[str, int], quoted: set[int]) -> str:
    cells = []
    for c, v in enumerate(row):
        kind = type(v)
        if kind is str:  # the common cases first, by exact type: this loop runs a million times
            if not v:
                continue
            k = strings.get(v)
            if k is None:  # new, or holding characters XML cannot carry
                k = _intern(v, strings, quoted)
            style = ' s="2"' if k in quoted else ""
            cells.append(f'<c r="{_col(c)}{r}"{style} t="s"><v>{k}</v></c>')
        elif kind is int or kind is float:
            cells.append(_number(f"{_col(c)}{r}", v))
        elif v is not None:
            cells.append(_other(f"{_col(c)}{r}", v, strings, quoted))
    return f'<row r="{r}">{"".join(cells)}</row>'


def _number(ref: str, v: float) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"单元格 {ref} 的值不是有限数：{v!r}")
    return f'<c r="{ref}"><v>{v!r}</v></c>'


def _other(ref: str, v: Any, strings: dict[str, int], quoted: set[int]) -> str:
    """Cells of the rarer types: booleans, numpy scalars, dates, anything else as text."""
    if isinstance(v, (np.integer, np.floating, np.bool_)):
        v = v.item()
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return _number(ref, v)
    if isinstance(v, (date, datetime)):
        day = v.date() if isinstance(v, datetime) else v
        return f'<c r="{ref}" s="1"><v>{(day - _EPOCH).days}</v></c>'
    k = _intern(str(v), strings, quoted)
    style = ' s="2"' if k in quoted else ""
    return f'<c r="{ref}"{style} t="s"><v>{k}</v></c>'


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main}.sharedStrings+xml"/>'
            f"{sheets}</Types>")


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    return (_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
