"""Query parameters and helpers shared by several routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from assistant.api.schemas import StageCode
from scoring.store.portraits import RunData

YearQuery = Annotated[int | None, Query(ge=1990, le=2100, description="年度（1990–2100；默认最近一次发布评分的年度）")]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="页码，从 1 开始（1–100000）")]
SizeQuery = Annotated[int, Query(ge=1, le=200, description="每页条数（1–200）")]
STAGE_TEXT = "成长阶段：startup 初创期、growth 成长期、development 发展期、mature 成熟期"
StageQuery = Annotated[StageCode | None, Query(description=STAGE_TEXT + "（不填为全部阶段）")]
IndustryQuery = Annotated[str | None, Query(max_length=50, description="行业名称，完全一致才算（至多 50 个字符）")]


def run_data(request: Request, year: int | None) -> RunData:
    """The newest published run of `year` (or of the newest year), with its cached shared data."""
    return request.app.state.runs.run_data_for_year(year)  # type: ignore[no-any-return]


async def run_data_async(request: Request, year: int | None) -> RunData:
    """`run_data` for async routes: answered in the event loop when cached, else read in a worker
    thread so that the loop never waits on the database."""
    cache = request.app.state.runs
    data = cache.run_data_if_ready(year)
    if data is None:
        data = await run_in_threadpool(cache.run_data_for_year, year)
    return data  # type: ignore[no-any-return]
