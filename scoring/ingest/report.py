"""The import report: what a file brought, or every reason it was refused — as text and JSON
(its Excel form is written by `scoring.excel.import_report`, a floor above).

    >>> r = ImportReport(source="tax", file="税务2023.csv", sha256="0" * 64, status="dry_run")
    >>> r.to_text().splitlines()[0]
    '税务 · 税务2023.csv'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

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
    errors: list[CellError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

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
            lines.append(f"错误（共 {len(self.errors)} 处）：")
            for e in self.errors[:limit]:
                value = f" 值 {e.value!r}" if e.value else ""
                lines.append(f"  {e.where()}{value}：{e.reason}")
            if len(self.errors) > limit:
                lines.append(f"  …… 另有 {len(self.errors) - limit} 处，完整清单见 JSON 或 Excel 报告")
        if self.warnings:
            lines.append("提示：")
            lines.extend(f"  {w}" for w in self.warnings)
        return "\n".join(lines)
