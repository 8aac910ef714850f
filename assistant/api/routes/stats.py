"""Distributions for a year: stage split, points histogram, category averages per stage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from assistant.api.deps import AuditDep, PrincipalDep, RunsDep
from assistant.api.responses import errors
from assistant.api.routes.common import YearQuery
from assistant.api.schemas import Distribution
from assistant.queries import distributions

router = APIRouter(prefix="/api/stats", tags=["排名与分布"])


@router.get(
    "/distribution", response_model=Distribution, summary="年度积分分布",
    responses=errors(401, (403, "自定义直方图区间仅向园区工作人员开放"), (404, "该年度（或任何年度）还没有发布的评分"), 422),
)
def distribution(
    principal: PrincipalDep,
    runs: RunsDep,
    audit: AuditDep,
    year: YearQuery = None,
    bin_width: Annotated[float, Query(ge=1, le=100, description="直方图每个区间的宽度（分，1–100；非园区工作人员只能用默认的 10）")] = 10,
) -> dict[str, Any]:
    """年度分布：各阶段企业数与占比、总分直方图、各阶段各类别平均分（对非工作人员：少于 5 家的组隐藏，直方图区间合并到每组至少 5 家）。"""
    return distributions.distribution(principal=principal, runs=runs, year=year, bin_width=bin_width, audit=audit)
