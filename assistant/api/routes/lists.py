"""Lists for banks (积分贷白名单): enterprises above a threshold or the top N per stage (officials)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from assistant.access.audit import audit_read
from assistant.api.deps import PrincipalDep
from assistant.errors import BadRequest
from assistant.access.privacy import require_official
from assistant.api.responses import errors
from assistant.api.routes.common import YearQuery, run_data
from assistant.api.schemas import CreditList
from scoring.excel.credit_list import credit_list_xlsx
from scoring.store.portraits import RunData
from scoring.systems.schema import STAGES

router = APIRouter(prefix="/api/lists", tags=["积分贷白名单"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/credit",
    response_model=CreditList,
    summary="积分贷白名单",
    responses={
        200: {"content": {XLSX: {}}, "description": "JSON，或 format=xlsx 时为 Excel 文件"},
        **errors((400, "min_total 与 top 都没有给出"), 401, (403, "仅向园区工作人员开放"), (404, "该年度（或任何年度）还没有发布的评分"), 422),
    },
)
def credit_list(
    request: Request,
    principal: PrincipalDep,
    year: YearQuery = None,
    min_total: Annotated[float | None, Query(ge=0, le=1000, description="总分不低于该值（分，含；0–1000）")] = None,
    top: Annotated[int | None, Query(ge=1, le=100_000, description="每个阶段前 N 名（1–100000；第 N 名并列的企业都在名单中）")] = None,
    format: Annotated[Literal["json", "xlsx"], Query(description="json，或 xlsx（Excel 文件下载）")] = "json",
) -> Any:
    """积分贷白名单：总分不低于阈值、或每个阶段前 N 名的企业（两者都给时取同时满足者），JSON 或 Excel。"""
    require_official(principal)
    if min_total is None and top is None:
        raise BadRequest("请给出 min_total（总分阈值）或 top（每阶段前 N 名）")
    data = run_data(request, year)
    items, rule = _select(data, min_total, top)
    audit_read(request, principal, action="credit_list", target=rule)
    body = {"year": data.run.year, "run_id": data.run.id, "rule": rule, "items": items}
    if format == "json":
        return body
    name = f"积分贷白名单_{data.run.year}.xlsx"
    workbook = credit_list_xlsx(year=data.run.year, rule=rule, system_version=data.run.system_version,
                                categories=data.system.categories, items=items)
    return Response(
        workbook, media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _select(data: RunData, min_total: float | None, top: int | None) -> tuple[list[dict[str, Any]], str]:
    df = data.scores
    rules = []
    if min_total is not None:
        df = df[df["total"] >= min_total]
        rules.append(f"总分≥{min_total:g}")
    if top is not None:
        df = df[df["rank"] <= top]  # competition rank: ties at the cut all stay on the list
        rules.append(f"各阶段前{top}名")
    df = df.sort_values(["stage", "rank", "uscc"], key=lambda c: c.map(list(STAGES).index) if c.name == "stage" else c)
    cats = [c.code for c in data.system.categories]
    items = [
        {"uscc": r["uscc"], "name": r["name"], "industry": r["industry"], "stage": r["stage"],
         "stage_name": STAGES[r["stage"]], "total": float(r["total"]), "rank": int(r["rank"]),
         "categories": {c: float(r[f"cat.{c}"]) for c in cats}}
        for r in df.to_dict("records")
    ]
    return items, "，".join(rules)

