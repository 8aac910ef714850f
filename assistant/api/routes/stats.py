"""Distributions for a year: stage split, points histogram, category averages per stage."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request

from assistant.api.deps import PrincipalDep
from assistant.errors import Forbidden
from assistant.access.privacy import MIN_GROUP, suppress_small
from assistant.api.responses import errors
from assistant.api.routes.common import YearQuery, run_data
from assistant.api.schemas import Distribution
from scoring.systems.schema import STAGES

router = APIRouter(prefix="/api/stats", tags=["排名与分布"])


def _merge_small(bins: list[list[float]]) -> list[list[float]]:
    """Merge each bin of 1–4 enterprises into its neighbour until every bin is empty or ≥ MIN_GROUP,
    so that the public sees only groups of at least five and nothing is left to subtract."""
    out = [b[:] for b in bins]
    i = 0
    while i < len(out):
        if 0 < out[i][2] < MIN_GROUP and len(out) > 1:
            j = i + 1 if i + 1 < len(out) else i - 1
            lo, hi = min(out[i][0], out[j][0]), max(out[i][1], out[j][1])
            merged = [lo, hi, out[i][2] + out[j][2]]
            k = min(i, j)
            out[k : k + 2] = [merged]
            i = max(k - 1, 0)
            continue
        i += 1
    return out


@router.get(
    "/distribution", response_model=Distribution, summary="年度积分分布",
    responses=errors(401, (403, "自定义直方图区间仅向园区工作人员开放"), (404, "该年度（或任何年度）还没有发布的评分"), 422),
)
def distribution(
    request: Request,
    principal: PrincipalDep,
    year: YearQuery = None,
    bin_width: Annotated[float, Query(ge=1, le=100, description="直方图每个区间的宽度（分，1–100；非园区工作人员只能用默认的 10）")] = 10,
) -> dict[str, Any]:
    """年度分布：各阶段企业数与占比、总分直方图、各阶段各类别平均分（对非工作人员：少于 5 家的组隐藏，直方图区间合并到每组至少 5 家）。"""
    if not principal.sees_all and bin_width != 10:
        # With free bin widths, a wide bin minus the narrow ones inside it gives back a hidden one.
        raise Forbidden("自定义直方图区间仅向园区工作人员开放")
    data = run_data(request, year)
    df = data.scores
    n = len(df)
    counts = {code: int((df["stage"] == code).sum()) for code in STAGES}
    hidden = {code for code, c in counts.items() if suppress_small(c, principal) is None}
    if len(hidden) == 1:  # the total minus the others would give it back: hide the next smallest too
        others = sorted((c, code) for code, c in counts.items() if code not in hidden and c > 0)
        if others:
            hidden.add(others[0][1])
    stages = [
        {"stage": code, "name": name, "count": None if code in hidden else counts[code],
         "share": None if code in hidden else (round(counts[code] / n * 100, 1) if n else 0.0)}
        for code, name in STAGES.items()
    ]
    top = data.system.max_total
    edges = np.arange(0, top + bin_width, bin_width)
    binned, _ = np.histogram(df["total"].clip(upper=top), bins=edges)
    bins = [[float(lo), float(hi), int(c)] for lo, hi, c in zip(edges[:-1], edges[1:], binned)]
    if not principal.sees_all:
        bins = _merge_small(bins)
    histogram = [{"lo": lo, "hi": hi, "count": c} for lo, hi, c in bins]
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
