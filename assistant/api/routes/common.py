"""Query parameters and helpers shared by several routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from assistant.api.schemas import StageCode
from assistant.queries.run_cache import Answer, RunCache
from scoring.errors import NotFound

T = TypeVar("T")

YearQuery = Annotated[int | None, Query(ge=1990, le=2100, description="年度（1990–2100；默认最近一次发布评分的年度）")]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="页码，从 1 开始（1–100000）")]
SizeQuery = Annotated[int, Query(ge=1, le=200, description="每页条数（1–200）")]
STAGE_TEXT = "成长阶段：startup 初创期、growth 成长期、development 发展期、mature 成熟期"
StageQuery = Annotated[StageCode | None, Query(description=STAGE_TEXT + "（不填为全部阶段）")]
IndustryQuery = Annotated[str | None, Query(max_length=50, description="行业名称，完全一致才算（至多 50 个字符）")]


def send(answer: Answer, request: Request) -> Response:
    """A kept answer, gzip-compressed when the client accepts gzip (browsers and httpx do)."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(answer.gzipped, media_type="application/json",
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(answer.body, media_type="application/json", headers={"Vary": "Accept-Encoding"})


async def when_ready(runs: RunCache, year: int | None, call: Callable[[], T]) -> T:
    """`call()` in the event loop when `year`'s run data is already in memory (no I/O), else in a
    worker thread, so that the loop never waits on the database."""
    try:
        ready = runs.run_data_if_ready(year) is not None
    except NotFound:
        ready = False  # `call` raises it, after its own checks: a caller refused sees 403 first
    return call() if ready else await run_in_threadpool(call)
