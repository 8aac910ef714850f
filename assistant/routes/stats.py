"""Distributions for a year: stage split, points histogram, category averages per stage."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request

from assistant.deps import PrincipalDep, SessionDep
from assistant.privacy import MIN_GROUP, suppress_small
from assistant.routes.common import YearQuery, run_data
from assistant.views import Distribution, ErrorResponse
from scoring.schema import STAGES

router = APIRouter(prefix="/api/stats", tags=["排名与分布"], responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


@router.get("/distribution", response_model=Distribution)
def distribution(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    year: YearQuery = None,
    bin_width: Annotated[float, Query(gt=0, le=100, description="直方图的分数区间宽度")] = 10,
) -> dict[str, Any]:
    """年度分布：各阶段企业数与占比、总分直方图、各阶段各类别平均分（少于 5 家的组对公众隐藏）。"""
    data = run_data(request, session, year)
    df = data.scores
    n = len(df)
    stages = []
    for code, name in STAGES.items():
        count = int((df["stage"] == code).sum())
        shown = suppress_small(count, principal)
        stages.append({"stage": code, "name": name, "count": shown,
                       "share": None if shown is None else round(count / n * 100, 1) if n else 0.0})
    top = data.system.max_total
    edges = np.arange(0, top + bin_width, bin_width)
    counts, _ = np.histogram(df["total"].clip(upper=top), bins=edges)
    histogram = [{"lo": float(lo), "hi": float(hi), "count": suppress_small(int(c), principal)}
                 for lo, hi, c in zip(edges[:-1], edges[1:], counts)]
    categories = []
    for cat in data.system.categories:
        by_stage: dict[str, float | None] = {}
        for code in STAGES:
            part = df.loc[df["stage"] == code, f"cat.{cat.code}"]
            visible = principal.sees_all or len(part) >= MIN_GROUP
            by_stage[code] = round(float(part.mean()), 2) if len(part) and visible else None
        categories.append({"code": cat.code, "name": cat.name, "max_points": cat.max_points, "by_stage": by_stage})
    return {"year": data.run.year, "run_id": data.run.id, "system": data.run.system_version, "enterprises": n,
            "stages": stages, "histogram": histogram, "categories": categories}
