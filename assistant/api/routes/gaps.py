"""数据缺口 (officials): what a year's indicator system needs that no source brought; self-report forms."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assistant.api.deps import AuditDep, PrincipalDep, SessionDep, SettingsDep
from assistant.api.responses import errors
from assistant.api.routes.common import PageQuery, SizeQuery
from assistant.api.routes.lists import XLSX
from assistant.queries import gaps

router = APIRouter(prefix="/api/gaps", tags=["数据导入"])
Year = Annotated[int, Query(ge=1990, le=2100, description="评分年度（1990–2100）")]
OFFICIALS_ONLY = (403, "仅向园区工作人员开放")


@router.get("", summary="数据缺口", responses=errors(401, OFFICIALS_ONLY, (404, "该年度还没有任何已导入的数据"), 422))
def gap_report(principal: PrincipalDep, session: SessionDep, settings: SettingsDep, audit: AuditDep, year: Year,
               page: PageQuery = 1, size: SizeQuery = 20) -> dict[str, Any]:
    """该年度指标体系所需、任何数据来源都没有提供的字段：按字段汇总（缺失企业数，多的在前），以及缺少数据的企业（分页）。"""
    return gaps.gap_report(principal=principal, session=session, systems_dir=settings.systems_dir, year=year,
                           audit=audit, page=page, size=size)


@router.get(
    "/form", summary="企业填报表（Excel）",
    responses={200: {"content": {XLSX: {}}, "description": "Excel 文件"},
               **errors(401, OFFICIALS_ONLY, (404, "该企业在该数据年度没有需要填报的缺口，或没有这家企业"), (422, "统一社会信用代码无效，或参数有误"))},
)
def gap_form(
    principal: PrincipalDep, session: SessionDep, settings: SettingsDep, audit: AuditDep, year: Year,
    uscc: Annotated[str, Query(min_length=1, max_length=64, description="统一社会信用代码")],
    data_year: Annotated[int | None, Query(ge=1990, le=2100, description="要填报的数据年度（1990–2100；默认为评分年度；指标需要往年数据时可为往年）")] = None,
) -> Response:
    """一家企业某个数据年度的企业填报表：只列出它缺少、且可由企业填报的字段；填好后按“企业填报”来源导入。"""
    name, data = gaps.gap_form(principal=principal, session=session, systems_dir=settings.systems_dir, year=year,
                               uscc=uscc, data_year=data_year, audit=audit)
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
