"""The one writer: formula-like text stays text, numbers keep their formats, writes are atomic."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from scoring.excel.errors import OutputNotWritable
from scoring.excel.writer import POINTS, Column, Sheet, write_csv, write_rows, write_tables

RISKY = ['=HYPERLINK("http://example.invalid","点此")', "+86 519 8888", "-1+2", "@SUM(A1)", "=1+1"]


def assert_text(cell: Any, value: str) -> None:
    assert cell.value == value and cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value, cell.data_type)


def test_formula_like_text_is_written_as_text() -> None:
    rows = [[text, 1.5] for text in RISKY] + [["常州甲科技有限公司", -2.25]]
    data = write_tables(None, [Sheet("表", [Column("企业名称"), Column("得分", 8, POINTS)], rows, title=["=标题"])])
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas, if any, would come back as formulas
    ws = book["表"]
    assert_text(ws["A1"], "=标题")
    for r, text in enumerate(RISKY, start=3):
        assert_text(ws.cell(r, 1), text)
    plain = ws.cell(len(RISKY) + 3, 1)
    assert plain.data_type == "s" and not plain.quotePrefix
    assert [ws.cell(r, 2).value for r in range(3, len(RISKY) + 4)] == [1.5] * len(RISKY) + [-2.25]
    assert {ws.cell(r, 2).data_type for r in range(3, len(RISKY) + 4)} == {"n"}
    assert {ws.cell(r, 2).number_format for r in range(3, len(RISKY) + 4)} == {POINTS}
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert ws.freeze_panes == "A3" and ws.column_dimensions["B"].width == 8


def test_csv_puts_an_apostrophe_before_formula_like_text(tmp_path: Path) -> None:
    rows = [[text, 61.456] for text in RISKY] + [[None, None]]
    path = write_csv(tmp_path / "t.csv", Sheet("表", [Column("名称"), Column("总分", number_format=POINTS)], rows))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["名称", "总分"]
    assert got[1:] == [["'" + text, "61.46"] for text in RISKY] + [["", ""]]


def test_the_bulk_writer_keeps_text_as_text_too(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["名称", "数量"], *([t, 3] for t in RISKY), ["普通文本", 4.5]]
    path = write_rows(tmp_path / "bulk.xlsx", [("表1", rows)])
    ws = openpyxl.load_workbook(path)["表1"]
    for r, text in enumerate(RISKY, start=2):
        assert_text(ws.cell(r, 1), text)
    assert not ws.cell(len(RISKY) + 2, 1).quotePrefix
    assert pd.read_excel(path)["数量"].tolist() == [3] * len(RISKY) + [4.5]


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path) -> None:
    path = write_tables(tmp_path / "t.xlsx", [Sheet("表", [Column("a")], [["旧"]])])
    before = path.read_bytes()

    def rows() -> Iterator[list[Any]]:
        yield ["新"]
        raise RuntimeError("the data source broke half-way")

    with pytest.raises(RuntimeError):
        write_tables(path, [Sheet("表", [Column("a")], rows())])
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_unwritable_targets_are_one_chinese_line(tmp_path: Path) -> None:
    sheet = Sheet("表", [Column("a")], [["x"]])
    with pytest.raises(OutputNotWritable, match="文件夹 .* 不存在"):
        write_tables(tmp_path / "没有" / "t.xlsx", [sheet])
    with pytest.raises(OutputNotWritable, match="是一个文件夹"):
        write_csv(tmp_path, sheet)
