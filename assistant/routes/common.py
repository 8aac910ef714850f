"""Query parameters and helpers shared by several routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from sqlmodel import Session

from scoring.portrait import RunData

YearQuery = Annotated[int | None, Query(ge=1990, le=2100, description="年度（默认最近一次评分的年度）")]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="页码，从 1 开始")]
SizeQuery = Annotated[int, Query(ge=1, le=200, description="每页条数（1–200）")]


def run_data(request: Request, session: Session, year: int | None) -> RunData:
    """The newest published run of `year` (or of the newest year), with its cached shared data."""
    cache = request.app.state.runs
    return cache.run_data(cache.published(session).for_year(year))  # type: ignore[no-any-return]
