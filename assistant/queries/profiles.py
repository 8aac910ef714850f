"""Enterprises as the caller may see them: a page of the list, and one profile.

Everyone sees the public profile (name, short name, industry, stage, stock listings); points, rank, percentile and
the rest of the master data only callers who may see that enterprise's details. Filtering or
sorting by points is for officials: a points filter would let anyone bisect another's points.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from assistant.access.privacy import Principal, public_view
from assistant.errors import BadRequest, Forbidden, Unprocessable
from assistant.queries.audit import Audit, record
from assistant.queries.run_cache import RunCache
from scoring import store
from scoring.systems.schema import STAGES
from scoring.uscc import validate_uscc

SORTS = ("name", "total", "rank", "uscc")
ORDERS = ("asc", "desc")


def checked_uscc(uscc: str) -> str:
    """A USCC as given by a caller, normalized, or Unprocessable (422) saying what is wrong with it."""
    try:
        return validate_uscc(uscc)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


def enterprise_page(
    *,
    principal: Principal,
    runs: RunCache,
    session: Session,
    audit: Audit | None,
    year: int | None = None,
    stage: str | None = None,
    industry: str | None = None,
    min_points: float | None = None,
    max_points: float | None = None,
    sort: str = "uscc",
    order: str = "asc",
    page: int = 1,
    size: int = 20,
) -> dict[str, Any]:
    """One page of the enterprises of `year`'s published run: `{items, total, page, size}`."""
    if not principal.sees_all and (min_points is not None or max_points is not None or sort in ("total", "rank")):
        # A points filter would let anyone bisect another enterprise's points.
        raise Forbidden("按积分筛选或排序仅向园区工作人员开放")
    if min_points is not None and max_points is not None and min_points > max_points:
        raise BadRequest("总分下限不能大于上限")
    if sort not in SORTS or order not in ORDERS:
        raise BadRequest(f"未知的排序 {sort} {order}；可用：{'、'.join(SORTS)}，{'、'.join(ORDERS)}")
    if page < 1 or size < 1:
        raise BadRequest(f"页码和每页条数至少为 1（收到 page={page}，size={size}）")
    df = runs.run_data_for_year(year).scores
    if stage:
        df = df[df["stage"] == stage]
    if industry:
        df = df[df["industry"] == industry]
    if min_points is not None:
        df = df[df["total"] >= min_points]
    if max_points is not None:
        df = df[df["total"] <= max_points]
    df = df.sort_values([sort, "uscc"], ascending=[order == "asc", True])
    part = df.iloc[(page - 1) * size : page * size]
    names = store.public_names(session=session, usccs=part["uscc"].tolist())
    items = []
    for row in part.itertuples():
        item: dict[str, Any] = {
            "uscc": row.uscc, "name": row.name, "industry": row.industry, "stage": row.stage,
            "stage_name": STAGES[row.stage], **names.get(row.uscc, {}),
        }
        if principal.may_see_details(row.uscc):
            item.update(total=row.total, rank=row.rank, percentile=row.percentile)
        items.append(item)
    if principal.sees_all:
        record(audit, action="list_enterprises", target=f"{len(items)} 家")
    elif any("total" in item for item in items):  # an enterprise's own points on the page
        record(audit, action="list_enterprises", target=str(principal.uscc))
    return {"items": items, "total": len(df), "page": page, "size": size}


def enterprise_profile(*, principal: Principal, session: Session, uscc: str, audit: Audit | None) -> dict[str, Any]:
    """One enterprise: in full (`visibility: full`) for callers who may see its details, else
    only its public profile (`visibility: public`); NotFound if there is no such enterprise."""
    code = checked_uscc(uscc)
    ent = store.enterprise(session=session, uscc=code)
    trend = store.enterprise_trend(session=session, uscc=code)
    stage = trend[-1]["stage"] if trend else None
    full: dict[str, Any] = {
        **ent.model_dump(), "stage": stage, "stage_name": STAGES.get(stage or ""), "visibility": "full",
        "latest": {k: trend[-1][k] for k in ("year", "total", "rank", "percentile")} if trend else None,
    }
    if not principal.may_see_details(code):
        return {**public_view(full), "visibility": "public"}
    record(audit, action="read_profile", target=code)
    return full


__all__ = ["SORTS", "checked_uscc", "enterprise_page", "enterprise_profile"]
