"""Errors of the scoring core.

    ScoringError
     ├── InvalidIndicatorSystem      a system file is broken (names file, where and problem)
     │    ├── UnknownRule            a rule kind that does not exist (lists the valid ones)
     │    └── ExpressionError        a formula or condition that does not parse or check
     ├── InvalidInput                raw data that cannot be scored (lists every problem)
     └── StoreError                  the SQL store refuses an operation
          └── NotFound               an enterprise, run or system that is not in the store

Messages are Chinese: officials read them. Each error keeps its parts as attributes so that the
service can render them as structured details.
"""

from __future__ import annotations

from dataclasses import dataclass


class ScoringError(Exception):
    """Base class of every error the scoring core raises."""


class InvalidIndicatorSystem(ScoringError):
    """An indicator-system file is broken."""

    def __init__(self, problem: str, *, file: str = "", where: str = "") -> None:
        self.problem = problem
        self.file = file
        self.where = where
        parts = [p for p in (file, where) if p]
        prefix = "：".join(parts)
        super().__init__(f"{prefix}：{problem}" if prefix else problem)

    def located(self, *, file: str = "", where: str = "") -> InvalidIndicatorSystem:
        """Return a copy that also says which file and which place it comes from."""
        err = type(self).__new__(type(self))
        InvalidIndicatorSystem.__init__(
            err, self.problem, file=file or self.file, where=where or self.where
        )
        return err


class UnknownRule(InvalidIndicatorSystem):
    """A rule kind that is not in the registry."""


class ExpressionError(InvalidIndicatorSystem):
    """A formula or condition that does not parse or refers to something unknown."""


@dataclass(frozen=True)
class InputProblem:
    """One bad cell of raw input: where it is and what is wrong (Chinese)."""

    row: str
    column: str
    value: object
    reason: str

    def __str__(self) -> str:
        return f"{self.row}，列 {self.column}，值 {self.value!r}：{self.reason}"


class InvalidInput(ScoringError):
    """Raw data that cannot be scored; nothing was computed or written."""

    def __init__(self, problems: list[InputProblem], *, source: str = "") -> None:
        self.problems = problems
        self.source = source
        head = f"{source}：" if source else ""
        shown = "；".join(str(p) for p in problems[:10])
        more = f"（另有 {len(problems) - 10} 处）" if len(problems) > 10 else ""
        super().__init__(f"{head}输入数据有 {len(problems)} 处错误：{shown}{more}")


class StoreError(ScoringError):
    """The SQL store refuses an operation."""


class NotFound(StoreError):
    """An enterprise, a score run or an indicator system that is not in the store."""
