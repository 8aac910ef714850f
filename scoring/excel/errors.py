"""Errors of the workbooks out; each reads as one Chinese line naming the path.

    ScoringError (scoring.errors)
     └── ExcelError
          ├── InputNotReadable      the table to score is missing, a folder or not a table
          └── OutputNotWritable     the folder is missing, the path is a folder, no permission
"""

from __future__ import annotations

from scoring.errors import ScoringError

__all__ = ["ExcelError", "InputNotReadable", "OutputNotWritable"]


class ExcelError(ScoringError):
    """Base class of the errors of reading or writing a workbook here."""


class InputNotReadable(ExcelError):
    """The input file cannot be read as a table."""


class OutputNotWritable(ExcelError):
    """The output file cannot be written."""
