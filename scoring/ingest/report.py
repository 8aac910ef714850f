"""The import report: what a file brought, or every reason it was refused — as text and JSON
(its Excel form is written by `scoring.excel.import_report`, a floor above).

    >>> r = ImportReport(source="tax", file="税务2023.csv", sha256="0" * 64, status="dry_run")
    >>> r.to_text().splitlines()[0]
    '税务 · 税务2023.csv'
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import count
from typing import Literal

from pydantic import BaseModel, Field

from scoring.ingest.limits import MAX_ERRORS
from scoring.systems.schema import SOURCES

Status = Literal["imported", "unchanged", "rejected", "dry_run"]
STATUS_TEXT = {"imported": "已导入", "unchanged": "未变化（同一文件已导入过，未重复写入）",
               "rejected": "已拒绝（整个文件未导入，请修改后重新导入）", "dry_run": "试导入通过（未写入数据库）"}
TEXT_LIMIT = 200


class CellError(BaseModel):
    """One rejected cell (or a problem of the whole file when row and column are empty)."""

    sheet: str | None = None
    row: int | None = None
    column: str = ""
    column_letter: str = ""
    value: str = ""
    reason: str

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column_letter or self.column:
            head = f"「{self.column}」" if self.column else ""
            parts.append(f"{self.column_letter} 列{head}")
        return " ".join(parts) or "文件"


class ImportReport(BaseModel):
    """The outcome of importing one file."""

    source: str
    file: str
    sha256: str
    year: int | None = None
    years: list[int] = Field(default_factory=list)
    sheets: list[str] = Field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    values_written: int = 0
    enterprises_created: int = 0
    enterprises_updated: int = 0
    superseded: int = 0
    conflicts: int = 0
    batch_id: int | None = None
    status: Status = "rejected"
    errors: list[CellError] = Field(default_factory=list)  # the first `MAX_ERRORS`, in reading order
    errors_total: int = 0  # every error found (a file with a million bad cells lists the first ones)
    warnings: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    @property
    def error_count(self) -> int:
        """Every error found, listed or not."""
        return max(self.errors_total, len(self.errors))

    def summary(self) -> str:
        """One Chinese line: the status and the counts."""
        batch = f"（第 {self.batch_id} 号批次）" if self.batch_id else ""
        return (f"{STATUS_TEXT[self.status]}{batch}：读取 {self.rows_read} 行，导入 {self.rows_imported} 行，"
                f"拒绝 {self.rows_rejected} 行，写入 {self.values_written} 个数值，新增冲突 {self.conflicts} 处")

    def to_text(self, *, limit: int = TEXT_LIMIT) -> str:
        """The report in Chinese for a terminal; at most `limit` errors (the rest: JSON or Excel)."""
        lines = [f"{SOURCES.get(self.source, self.source)} · {self.file}"]
        years = "、".join(map(str, self.years)) or (str(self.year) if self.year else "-")
        lines.append(f"年度 {years}；工作表 {'、'.join(self.sheets) or '-'}；SHA-256 {self.sha256[:12]}…")
        lines.append(self.summary())
        if self.enterprises_created or self.enterprises_updated:
            lines.append(f"新增企业 {self.enterprises_created} 家，更新企业信息 {self.enterprises_updated} 家")
        if self.superseded:
            lines.append(f"{self.superseded} 个数值取代了同一来源较早批次的值（旧值保留为历史）")
        if self.errors:
            lines.append(f"错误（共 {self.error_count} 处）：")
            for e in self.errors[:limit]:
                value = f" 值 {e.value!r}" if e.value else ""
                lines.append(f"  {e.where()}{value}：{e.reason}")
            if self.error_count > limit:
                listed = min(len(self.errors), MAX_ERRORS)
                lines.append(f"  …… 另有 {self.error_count - limit} 处，JSON 或 Excel 报告列出前 {listed} 处")
        if self.warnings:
            lines.append("提示：")
            lines.extend(f"  {w}" for w in self.warnings)
        return "\n".join(lines)


class ErrorLog:
    """Every error of a file counted, the first `keep` in reading order (file problems, then sheet,
    row, column) kept: a file of a million bad cells costs a bounded list, not a 200 MB report."""

    def __init__(self, *, sheets: Sequence[str] = (), keep: int = MAX_ERRORS) -> None:
        self.keep, self.total = keep, 0
        self.sheets = {name: i for i, name in enumerate(sheets)}
        self.rows: set[tuple[str | None, int]] = set()  # rows with an error, for the rejected-row count
        self._heap: list[tuple[tuple[int, ...], int, CellError]] = []  # the kept, largest key on top
        self._seq = count()

    def add(self, error: CellError) -> None:
        self.total += 1
        if error.row is not None:
            self.rows.add((error.sheet, error.row))
        # Keys negated: heapq keeps the smallest on top, the log must drop its largest.
        key = (-(error.row is not None), -self.sheets.get(error.sheet or "", -1), -(error.row or 0),
               -_column_number(error.column_letter))
        item = (key, -next(self._seq), error)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, item)
        elif item[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, item)

    def extend(self, errors: Sequence[CellError]) -> None:
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[CellError]:
        return iter(self.first())

    def first(self) -> list[CellError]:
        """The kept errors in reading order (ties: the order they were found)."""
        return [error for _, _, error in sorted(self._heap, key=lambda item: item[:2], reverse=True)]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n
