"""Lists for banks (积分贷白名单): enterprises above a threshold or the top N per stage (officials)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assistant.api.deps import AuditDep, PrincipalDep, RunsDep
from assistant.api.responses import errors
from assistant.api.routes.common import YearQuery
from assistant.api.schemas import CreditList
from assistant.queries import lists
from scoring.excel.credit_list import credit_list_xlsx

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
    principal: PrincipalDep,
    runs: RunsDep,
    audit: AuditDep,
    year: YearQuery = None,
    min_total: Annotated[float | None, Query(ge=0, le=1000, description="总分不低于该值（分，含；0–1000）；min_total 与 top 至少给一个，都不给答 400")] = None,
    top: Annotated[int | None, Query(ge=1, le=100_000, description="每个阶段前 N 名（1–100000；第 N 名并列的企业都在名单中）；min_total 与 top 至少给一个，都不给答 400")] = None,
    format: Annotated[Literal["json", "xlsx"], Query(description="json，或 xlsx（Excel 文件下载）")] = "json",
) -> Any:
    """积分贷白名单：总分不低于阈值、或每个阶段前 N 名的企业（至少给出其一；两者都给时取同时满足者），JSON 或 Excel。"""
    found = lists.credit_list(principal=principal, runs=runs, audit=audit, year=year, min_total=min_total, top=top)
    body, data = found.as_dict(), found.data
    if format == "json":
        return body
    name = f"积分贷白名单_{data.run.year}.xlsx"
    workbook = credit_list_xlsx(year=data.run.year, rule=found.rule, system_version=data.run.system_version,
                                categories=data.system.categories, items=found.items)
    return Response(
        workbook, media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )

