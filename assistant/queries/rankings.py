"""Rankings within a stage, by total or by one category: individual points of many enterprises,
so for officials only."""

from __future__ import annotations

from typing import Any

from assistant.access.privacy import Principal, require_official
from assistant.errors import BadRequest
from assistant.queries.audit import Audit, record
from assistant.queries.run_cache import Answer, Encode, RunCache
from scoring.store.portraits import RunData
from scoring.systems.schema import STAGES


def ranking(
    *, principal: Principal, runs: RunCache, audit: Audit | None, stage: str, year: int | None = None,
    category: str | None = None, page: int = 1, size: int = 20,
) -> dict[str, Any]:
    """One page of `stage`'s ranking in `year`'s run: `{items, total, page, size, year, run_id, stage, category}`."""
    _check(principal, stage, page, size)
    data = runs.run_data_for_year(year)
    _check_category(data, category)
    out = _page(data, stage, category, page, size)
    record(audit, action="read_ranking", target=f"{stage} {category or 'total'}")
    return out


def ranking_answer(
    *, principal: Principal, runs: RunCache, audit: Audit | None, stage: str, year: int | None = None,
    category: str | None = None, page: int = 1, size: int = 20, encode: Encode,
) -> Answer:
    """`ranking` as a finished JSON answer, kept per run and page (a run never changes). No I/O
    when `runs.run_data_if_ready(year)` has the run's data (an async surface may call it in its loop)."""
    _check(principal, stage, page, size)
    data = runs.run_data_for_year(year)
    _check_category(data, category)
    key = ("ranking", data.run.id, stage, category, page, size)
    answer = runs.answer(key)
    if answer is None:
        answer = runs.keep_answer(key, encode(_page(data, stage, category, page, size)))
    record(audit, action="read_ranking", target=f"{stage} {category or 'total'}")
    return answer


def _check(principal: Principal, stage: str, page: int, size: int) -> None:
    require_official(principal)
    if stage not in STAGES:
        raise BadRequest(f"未知的阶段 {stage}；可用的阶段：{'、'.join(STAGES)}")
    if page < 1 or size < 1:
        raise BadRequest(f"页码和每页条数至少为 1（收到 page={page}，size={size}）")


def _check_category(data: RunData, category: str | None) -> None:
    if category is not None and category not in data.system.category_by_code:
        valid = "、".join(data.system.category_by_code)
        raise BadRequest(f"未知的类别 {category}；可用的类别：{valid}")


def _page(data: RunData, stage: str, category: str | None, page: int, size: int) -> dict[str, Any]:
    ranked = data.ranking(stage, category)
    return {"items": ranked[(page - 1) * size : page * size], "total": len(ranked), "page": page, "size": size,
            "year": data.run.year, "run_id": data.run.id, "stage": stage, "category": category}


__all__ = ["ranking", "ranking_answer"]
