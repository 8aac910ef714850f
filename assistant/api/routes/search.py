"""Search: find an enterprise from whatever one remembers, and type-ahead suggestions.

Privacy: a hit carries the public profile (name, short name, industry, stage) for everyone;
total, rank and percentile only for callers who may see that enterprise's details (officials;
an enterprise user for its own). Filtering by points is for officials only (403 for others):
it would let anyone bisect another enterprise's points. A search whose answer holds non-public
data is audited like any other read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from assistant.api.deps import AuditDep, PrincipalDep, SearchIndexDep
from assistant.api.responses import errors
from assistant.api.routes.common import IndustryQuery, StageQuery
from assistant.api.schemas import SearchIndexStatus, SearchResults, SuggestResults

router = APIRouter(prefix="/api/search", tags=["搜索"])
MAX_QUERY = 200  # longer than any name, address or product list anyone types
QueryText = Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="要找的企业：全称、简称、拼音、首字母、曾用名、英文名、其他名称（品牌、英文缩写）、股票代码或股票简称、统一社会信用代码或产品（1–200 个字符）")]
PointsMin = Annotated[float | None, Query(ge=0, le=1000, description="总分下限（分，含；0–1000；不得大于 points_max，否则答 400；仅园区工作人员）")]
PointsMax = Annotated[float | None, Query(ge=0, le=1000, description="总分上限（分，含；0–1000；不得小于 points_min，否则答 400；仅园区工作人员）")]


@router.get(
    "", response_model=SearchResults, summary="企业搜索",
    responses=errors((400, "总分下限大于上限"), 401, (403, "按积分筛选仅向园区工作人员开放"), (422, "参数有误，或搜索内容只有空白")),
)
def search(
    principal: PrincipalDep,
    index: SearchIndexDep,
    audit: AuditDep,
    q: QueryText,
    limit: Annotated[int, Query(ge=1, le=50, description="最多返回条数（1–50）")] = 10,
    stage: StageQuery = None,
    industry: IndustryQuery = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="只要积分属于该年度的企业（1990–2100；索引只含最近一次发布评分的年度；不填不限）")] = None,
    points_min: PointsMin = None,
    points_max: PointsMax = None,
    include_weak: Annotated[bool, Query(description="同时返回弱匹配（相关度低于阈值，标记 weak）")] = False,
) -> dict[str, Any]:
    """企业搜索：按简称、错别字、拼音或首字母、繁体、英文名、曾用名、其他名称（品牌、英文缩写）、股票代码（300750 或 300750.SZ）或股票简称、统一社会信用代码或产品查找企业，每条结果说明匹配原因；没有相关企业时返回空列表。"""
    from assistant.queries.search_hits import search as find  # the lifespan loaded the search stack

    return find(principal=principal, index=index, audit=audit, text=q, limit=limit, stage=stage, industry=industry,
                year=year, points_min=points_min, points_max=points_max, include_weak=include_weak)


@router.get("/suggest", response_model=SuggestResults, summary="输入提示", responses=errors(401, (422, "参数有误，或前缀只有空白")))
def suggest(
    principal: PrincipalDep,
    index: SearchIndexDep,
    q: Annotated[str, Query(min_length=1, max_length=50, description="已输入的前缀：名称、简称或拼音（1–50 个字符）")],
    limit: Annotated[int, Query(ge=1, le=20, description="最多返回条数（1–20）")] = 8,
) -> dict[str, Any]:
    """输入提示：按已输入的名称、简称或拼音前缀给出企业名称（只含公开信息）。"""
    from assistant.queries.search_hits import suggest as complete

    return complete(principal=principal, index=index, text=q, limit=limit)


@router.get("/status", response_model=SearchIndexStatus, summary="搜索索引状态", responses=errors(401, (403, "仅向园区工作人员开放")))
def status(principal: PrincipalDep, index: SearchIndexDep) -> dict[str, Any]:
    """搜索索引状态：向量模型、文档数、生成时间、是否需要重建（仅园区工作人员）。"""
    from assistant.queries.search_hits import index_status

    return index_status(principal=principal, index=index)
