"""Which scored year an answer is about, and what to say when the year asked has no scores.

Relative years ("今年", "去年") are calendar years, resolved by understanding with the clock. A
year asked for that has no published run is answered with the latest scored year, saying so:
"2026 年度积分尚未发布，最近一期为 2025 年度。" — never a guess and never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.chat.context import ChatContext
from assistant.chat.request import Request
from scoring.errors import NotFound


@dataclass(frozen=True)
class YearPick:
    """The year answered, the year asked (None: not stated), and the note when they differ."""

    year: int
    asked: int | None = None
    word: str = ""  # as typed ("去年"), said beside the year
    note: str = ""

    @property
    def label(self) -> str:
        """ "2025 年度" or "2025 年度（去年）"."""
        return f"{self.year} 年度" + (f"（{self.word}）" if self.word and self.asked == self.year else "")


def published_years(ctx: ChatContext) -> list[int]:
    """The years with a published zone run, oldest first (metadata: public)."""
    years = sorted(ctx.runs.published().by_year)
    if not years:
        raise NotFound("还没有发布的评分结果")
    return years


def missing_year_note(asked: int, years: Sequence[int]) -> str:
    """What to say about a year without published scores (the latest is answered instead)."""
    latest = years[-1]
    if asked > latest:
        return f"{asked} 年度积分尚未发布，最近一期为 {latest} 年度。"
    scored = "、".join(f"{y} 年" for y in years)  # "2023 年": a year, which the grounding check knows
    return f"{asked} 年度没有积分评分结果（已评分的年度：{scored}），以下为最近一期 {latest} 年度。"


def pick_year(request: Request, years: Sequence[int]) -> YearPick:
    """The year of a one-year answer: the latest stated year if published, else the latest
    scored year with a note; the latest scored year when none is stated."""
    word = request.year_words[-1] if request.year_words else ""
    if not request.years:
        return YearPick(year=years[-1])
    asked = request.years[-1]
    if asked in years:
        return YearPick(year=asked, asked=asked, word=word)
    return YearPick(year=years[-1], asked=asked, word=word, note=missing_year_note(asked, years))


__all__ = ["YearPick", "missing_year_note", "pick_year", "published_years"]
