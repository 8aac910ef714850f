"""Enterprises: the list, one profile, one portrait, the official evaluations computed on its data."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import AuditDep, PrincipalDep, RunsDep, SessionDep, SettingsDep
from assistant.api.responses import errors
from assistant.api.routes.common import (
    IndustryQuery,
    PageQuery,
    SizeQuery,
    StageQuery,
    YearQuery,
    send,
)
from assistant.api.schemas import EnterpriseListItem, EnterpriseProfile, Evaluations, Page, Portrait
from assistant.queries import eligibility, portraits, profiles
from scoring.uscc import CHARSET

router = APIRouter(prefix="/api/enterprises", tags=["企业"])
# The schema states the GB 32100 form; the service also takes full-width characters and blanks
# (as typed with a Chinese IME) and normalizes them, and checks the check character itself, so
# that a refusal names the bad character (422) instead of a bare pattern mismatch.
USCC_PATTERN = f"^[{CHARSET}{CHARSET[10:].lower()}]{{18}}$"
UsccPath = Annotated[str, Path(
    min_length=1, max_length=64, json_schema_extra={"pattern": USCC_PATTERN},
    description="统一社会信用代码：18 位，字符取自 0–9 和除 I、O、S、V、Z 外的大写字母（小写亦可），"
                "第 18 位为 GB 32100 校验位；格式或校验位不对时答 422",
)]
BAD_USCC = (422, "统一社会信用代码格式或校验位不对，或参数有误")
NO_RUN = (404, "该年度（或任何年度）还没有发布的评分")


@router.get(
    "", response_model=Page[EnterpriseListItem], summary="企业列表",
    responses=errors((400, "总分下限大于上限"), 401, (403, "按积分筛选或排序仅向园区工作人员开放"), NO_RUN, 422),
)
def list_enterprises(
    principal: PrincipalDep,
    session: SessionDep,
    runs: RunsDep,
    audit: AuditDep,
    year: YearQuery = None,
    stage: StageQuery = None,
    industry: IndustryQuery = None,
    min_points: Annotated[float | None, Query(ge=0, le=1000, description="总分下限（分，含；0–1000；不得大于 max_points，否则答 400；仅园区工作人员）")] = None,
    max_points: Annotated[float | None, Query(ge=0, le=1000, description="总分上限（分，含；0–1000；不得小于 min_points，否则答 400；仅园区工作人员）")] = None,
    sort: Annotated[Literal["name", "total", "rank", "uscc"], Query(
        description="排序依据：name 名称、total 总分、rank 阶段内排名、uscc 统一社会信用代码（total 与 rank 仅园区工作人员）")] = "uscc",
    order: Annotated[Literal["asc", "desc"], Query(description="asc 升序、desc 降序")] = "asc",
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> dict[str, Any]:
    """企业列表：可按阶段、行业、年度筛选；按积分筛选和排序仅限园区工作人员。"""
    return profiles.enterprise_page(
        principal=principal, runs=runs, session=session, audit=audit, year=year, stage=stage, industry=industry,
        min_points=min_points, max_points=max_points, sort=sort, order=order, page=page, size=size,
    )


@router.get(
    "/{uscc}", response_model=EnterpriseProfile, response_model_exclude_none=True, summary="企业概况",
    responses=errors(401, (404, "没有这家企业"), BAD_USCC),
)
def profile(uscc: UsccPath, principal: PrincipalDep, session: SessionDep, audit: AuditDep) -> dict[str, Any]:
    """企业概况：公开信息对所有人可见；其余信息仅本企业与园区工作人员可见。"""
    return profiles.enterprise_profile(principal=principal, session=session, uscc=uscc, audit=audit)


@router.get(
    "/{uscc}/portrait", response_model=Portrait, summary="企业创新画像",
    responses=errors(
        401, (404, "没有这家企业在该年度的评分、该年度没有发布的评分，或无权查看（仅本企业与园区工作人员）"), BAD_USCC,
    ),
)
async def portrait(
    request: Request, uscc: UsccPath, principal: PrincipalDep, runs: RunsDep, audit: AuditDep, year: YearQuery = None,
) -> Response:
    """企业创新画像：总分、各类别得分与同阶段均值和上四分位、阶段内排名、逐项指标得分与解释、缺失数据、提分建议、历年趋势。"""
    # The hot path (a portrait already built for the current run set) stays in the event loop and
    # touches no database; everything else runs in a worker thread.
    answer = portraits.cached_portrait_answer(principal=principal, runs=runs, uscc=uscc, year=year, audit=audit)
    if answer is None:
        answer = await run_in_threadpool(partial(
            portraits.portrait_answer, principal=principal, runs=runs, uscc=uscc, year=year,
            encode=encode_portrait, audit=audit,
        ))
    return send(answer, request)


@router.get(
    "/{uscc}/evaluations", response_model=Evaluations, summary="官方评价测算（科小、高企）",
    responses=errors(
        401, (404, "该年度没有发布的评分、没有这家企业，或无权查看（仅本企业与园区工作人员）"), BAD_USCC,
    ),
)
def evaluations(
    uscc: UsccPath, principal: PrincipalDep, runs: RunsDep, audit: AuditDep, settings: SettingsDep,
    year: YearQuery = None,
) -> dict[str, Any]:
    """按园区已有数据测算该企业能否通过科技型中小企业评价、高新技术企业认定：各项结论、得分与所缺数据（仅供参考，以主管部门审核为准）。"""
    return eligibility.evaluations(principal=principal, engine=runs.engine, runs=runs, systems_dir=settings.systems_dir,
                                   uscc=uscc, year=year, audit=audit)


def encode_portrait(data: dict[str, Any]) -> bytes:
    """A portrait's JSON as the schema shapes it (kept and shared by every worker)."""
    return Portrait.model_validate(data).model_dump_json().encode()
