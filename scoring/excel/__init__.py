"""Workbooks out: the score file, self-report forms, credit lists, import reports, and one writer
(`scoring.excel.writer`, which every one of them goes through)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from scoring.excel.credit_list import credit_list_xlsx
    from scoring.excel.gap_forms import write_forms
    from scoring.excel.import_report import import_report_xlsx
    from scoring.excel.scorefile import score_file
    from scoring.excel.writer import write_csv, write_rows, write_tables

_WHERE = {
    "credit_list_xlsx": "scoring.excel.credit_list",
    "import_report_xlsx": "scoring.excel.import_report",
    "score_file": "scoring.excel.scorefile",
    "write_csv": "scoring.excel.writer",
    "write_forms": "scoring.excel.gap_forms",
    "write_rows": "scoring.excel.writer",
    "write_tables": "scoring.excel.writer",
}

__all__ = [
    "credit_list_xlsx",
    "import_report_xlsx",
    "score_file",
    "write_csv",
    "write_forms",
    "write_rows",
    "write_tables",
]


__getattr__ = lazy_getattr(__name__, _WHERE)
