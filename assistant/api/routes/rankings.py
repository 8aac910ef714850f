"""Rankings per stage, by total or by one category (officials only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from assistant.access.audit import audit_read
from assistant.api.deps import PrincipalDep
from assistant.errors import BadRequest
from assistant.access.privacy import require_official
from assistant.api.responses import errors
from assistant.api.routes.common import STAGE_TEXT, PageQuery, SizeQuery, YearQuery, run_data_async
from assistant.api.schemas import Ranking, StageCode

router = APIRouter(prefix="/api/rankings", tags=["排名与分布"])


@router.get(
    "", response_model=Ranking, summary="阶段内排名",
    responses=errors((400, "未知的类别代码"), 401, (403, "仅向园区工作人员开放"), (404, "该年度（或任何年度）还没有发布的评分"), 422),
)
async def ranking(
    request: Request,
    principal: PrincipalDep,
    stage: Annotated[StageCode, Query(description=STAGE_TEXT)],
    year: YearQuery = None,
    category: Annotated[str | None, Query(max_length=40, description="按某一类别的得分排名：类别代码（见 /api/systems/{version}）；不填按总分")] = None,
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
