"""The import report as an Excel file for an official: 概况 (summary), 错误 (every refused cell), 提示.

    >>> import io, openpyxl
    >>> from scoring.ingest.report import CellError, ImportReport
    >>> r = ImportReport(source="tax", file="税务.csv", sha256="0" * 64,
    ...                  errors=[CellError(row=3, column="企业名称", column_letter="B", value="=1+1", reason="示例")])
    >>> book = openpyxl.load_workbook(io.BytesIO(import_report_xlsx(r, None)))
    >>> book.sheetnames, book["错误"]["E2"].data_type
    (['概况', '错误', '提示'], 's')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from scoring.excel.writer import BEIJING, Column, Sheet, write_tables
from scoring.systems.labels import SOURCES

if TYPE_CHECKING:
    from scoring.ingest.report import ImportReport

__all__ = ["import_report_xlsx"]

ERROR_COLUMNS = (Column("工作表", 14), Column("行", 8), Column("列", 6), Column("列名", 28), Column("值", 24),
                 Column("原因", 70))


@overload
def import_report_xlsx(report: ImportReport, target: Path) -> Path: ...
@overload
def import_report_xlsx(report: ImportReport, target: None) -> bytes: ...
def import_report_xlsx(report: ImportReport, target: Path | None) -> Path | bytes:
    """Write the report's workbook to `target` (or return its bytes)."""
    from scoring.ingest.report import STATUS_TEXT

    summary: list[tuple[str, Any]] = [
        ("数据来源", SOURCES.get(report.source, report.source)), ("文件", report.file), ("SHA-256", report.sha256),
        ("年度", "、".join(map(str, report.years)) or (report.year or "")), ("工作表", "、".join(report.sheets)),
        ("结果", STATUS_TEXT[report.status]), ("批次号", report.batch_id or ""),
        ("读取行数", report.rows_read), ("导入行数", report.rows_imported), ("拒绝行数", report.rows_rejected),
        ("写入数值个数", report.values_written), ("新增企业", report.enterprises_created),
        ("更新企业信息", report.enterprises_updated), ("新增冲突", report.conflicts), ("错误处数", report.error_count),
        ("生成时间", report.created_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S 北京时间")),
    ]
    errors = ([e.sheet or "", e.row, e.column_letter, e.column, e.value, e.reason] for e in report.errors)
    return write_tables(target, [
        Sheet("概况", [Column("项目", 16), Column("内容", 70)], summary),
        Sheet("错误", ERROR_COLUMNS, errors),
        Sheet("提示", [Column("提示", 100)], ([w] for w in report.warnings)),
    ])
