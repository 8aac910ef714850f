"""Workbooks out: the score file, self-report forms, credit lists, and one writer."""

from scoring.excel.gap_forms import write_forms
from scoring.excel.scorefile import score_file
from scoring.excel.writer import write_xlsx

__all__ = ["score_file", "write_forms", "write_xlsx"]
