"""Rankings per stage, by total or by one category (officials only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from assistant.access.audit import audit_read
from assistant.api.deps import PrincipalDep
from assistant.errors import BadRequest
from assistant.access.privacy import require_official
from assistant.api.routes.common import PageQuery, SizeQuery, YearQuery, run_data_async
from assistant.api.schemas import ErrorResponse, Ranking, StageCode

router = APIRouter(prefix="/api/rankings", tags=["排名与分布"], responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


@router.get("", response_model=Ranking)
async def ranking(
    request: Request,
    principal: PrincipalDep,
    stage: StageCode,
    year: YearQuery = None,
    category: Annotated[str | None, Query(max_length=40, description="按某一类别得分排名（类别代码）")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> Response:
    """某一阶段的企业排名：按总分，或按某一类别得分（仅园区工作人员）。"""
    require_official(principal)
    data = await run_data_async(request, year)
    if category is not None and category not in data.system.category_by_code:
        valid = "、".join(data.system.category_by_code)
        raise BadRequest(f"未知的类别 {category}；可用的类别：{valid}")
    # A run never changes, so each page's finished JSON is kept like a portrait.
    key = ("ranking", data.run.id, stage, category, page, size)
    answer = request.app.state.runs.portrait(key)
    if answer is None:
        ranked = data.ranking(stage, category)
        page_ = {"items": ranked[(page - 1) * size : page * size], "total": len(ranked), "page": page, "size": size,
                 "year": data.run.year, "run_id": data.run.id, "stage": stage, "category": category}
        answer = request.app.state.runs.keep_portrait(key, Ranking.model_validate(page_).model_dump_json().encode())
    audit_read(request, principal, action="read_ranking", target=f"{stage} {category or 'total'}")
    return answer.response(request)
