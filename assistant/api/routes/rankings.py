"""Rankings per stage, by total or by one category (officials only)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from assistant.api.deps import AuditDep, PrincipalDep, RunsDep
from assistant.api.responses import errors
from assistant.api.routes.common import (
    STAGE_TEXT,
    PageQuery,
    SizeQuery,
    YearQuery,
    send,
    when_ready,
)
from assistant.api.schemas import Ranking, StageCode
from assistant.queries import rankings

router = APIRouter(prefix="/api/rankings", tags=["排名与分布"])


@router.get(
    "", response_model=Ranking, summary="阶段内排名",
    responses=errors((400, "未知的类别代码"), 401, (403, "仅向园区工作人员开放"), (404, "该年度（或任何年度）还没有发布的评分"), 422),
)
async def ranking(
    request: Request,
    principal: PrincipalDep,
    runs: RunsDep,
    audit: AuditDep,
    stage: Annotated[StageCode, Query(description=STAGE_TEXT)],
    year: YearQuery = None,
    category: Annotated[str | None, Query(max_length=40, description="按某一类别的得分排名：类别代码（见 /api/systems/{version}）；不填按总分")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> Response:
    """某一阶段的企业排名：按总分，或按某一类别得分（仅园区工作人员）。"""
    # Answered in the event loop when the run's data is in memory (a kept page is then sent as is).
    answer = await when_ready(runs, year, partial(
        rankings.ranking_answer, principal=principal, runs=runs, audit=audit, stage=stage, year=year,
        category=category, page=page, size=size, encode=encode_ranking,
    ))
    return send(answer, request)


def encode_ranking(page: dict[str, Any]) -> bytes:
    """A ranking page's JSON as the schema shapes it."""
    return Ranking.model_validate(page).model_dump_json().encode()
