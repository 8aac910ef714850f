"""Enterprises: the list, one profile, one portrait."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from assistant.queries import portrait_store
from assistant.access.audit import audit_read
from assistant.queries.run_cache import RunCache
from assistant.api.deps import PrincipalDep, SessionDep
from assistant.errors import BadRequest, Forbidden
from assistant.access.privacy import public_view, require_details
from assistant.api.responses import errors
from assistant.api.routes.common import IndustryQuery, PageQuery, SizeQuery, StageQuery, YearQuery, run_data
from assistant.api.schemas import EnterpriseListItem, EnterpriseProfile, LatestScore, Page, Portrait
from scoring import store
from scoring.errors import NotFound
from scoring.store.portraits import portrait as build_portrait
from scoring.systems.schema import STAGES
from scoring.store import ScoreRun
from scoring.uscc import validate_uscc

router = APIRouter(prefix="/api/enterprises", tags=["企业"])
UsccPath = Annotated[str, Path(min_length=1, max_length=64, description="统一社会信用代码（18 位，含校验位；字母大小写均可）")]
NO_RUN = (404, "该年度（或任何年度）还没有发布的评分")
SORTS = {"name": "name", "total": "total", "rank": "rank", "uscc": "uscc"}


def checked_uscc(uscc: str) -> str:
    """A USCC from a path, or a 422 saying what is wrong with it."""
    try:
        return validate_uscc(uscc)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


@router.get(
    "", response_model=Page[EnterpriseListItem], summary="企业列表",
    responses=errors((400, "总分下限大于上限"), 401, (403, "按积分筛选或排序仅向园区工作人员开放"), NO_RUN, 422),
)
def list_enterprises(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    year: YearQuery = None,
    stage: StageQuery = None,
    industry: IndustryQuery = None,
    min_points: Annotated[float | None, Query(ge=0, le=1000, description="总分下限（分，含；0–1000；仅园区工作人员）")] = None,
    max_points: Annotated[float | None, Query(ge=0, le=1000, description="总分上限（分，含；0–1000；仅园区工作人员）")] = None,
    sort: Annotated[Literal["name", "total", "rank", "uscc"], Query(
        description="排序依据：name 名称、total 总分、rank 阶段内排名、uscc 统一社会信用代码（total 与 rank 仅园区工作人员）")] = "uscc",
    order: Annotated[Literal["asc", "desc"], Query(description="asc 升序、desc 降序")] = "asc",
    page: PageQuery = 1,
    size: SizeQuery = 20,
) -> dict[str, Any]:
    """企业列表：可按阶段、行业、年度筛选；按积分筛选和排序仅限园区工作人员。"""
    if not principal.sees_all and (min_points is not None or max_points is not None or sort in ("total", "rank")):
        # A points filter would let anyone bisect another enterprise's points.
        raise Forbidden("按积分筛选或排序仅向园区工作人员开放")
    if min_points is not None and max_points is not None and min_points > max_points:
        raise BadRequest("总分下限不能大于上限")
    data = run_data(request, year)
    df = data.scores
    if stage:
        df = df[df["stage"] == stage]
    if industry:
        df = df[df["industry"] == industry]
    if min_points is not None:
        df = df[df["total"] >= min_points]
    if max_points is not None:
        df = df[df["total"] <= max_points]
    df = df.sort_values([SORTS[sort], "uscc"], ascending=[order == "asc", True])
    part = df.iloc[(page - 1) * size : page * size]
    shorts = _short_names(session, part["uscc"].tolist())
    items = []
    for row in part.itertuples():
        item: dict[str, Any] = {
            "uscc": row.uscc, "name": row.name, "short_name": shorts.get(row.uscc), "industry": row.industry,
            "stage": row.stage, "stage_name": STAGES[row.stage],
        }
        if principal.may_see_details(row.uscc):
            item.update(total=row.total, rank=row.rank, percentile=row.percentile)
        items.append(item)
    if principal.sees_all:
        audit_read(request, principal, action="list_enterprises", target=f"{len(items)} 家")
    return {"items": items, "total": int(len(df)), "page": page, "size": size}


def _short_names(session: SessionDep, usccs: list[str]) -> dict[str, str | None]:
    return store.short_names(session=session, usccs=usccs)


@router.get(
    "/{uscc}", response_model=EnterpriseProfile, response_model_exclude_none=True, summary="企业概况",
    responses=errors((400, "统一社会信用代码格式或校验位不对"), 401, (404, "没有这家企业"), 422),
)
def profile(request: Request, uscc: UsccPath, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """企业概况：公开信息对所有人可见；其余信息仅本企业与园区工作人员可见。"""
    code = checked_uscc(uscc)
    ent = store.enterprise(session=session, uscc=code)
    trend = store.enterprise_trend(session=session, uscc=code)
    stage = trend[-1]["stage"] if trend else None
    full: dict[str, Any] = {
        **ent.model_dump(), "stage": stage, "stage_name": STAGES.get(stage or ""), "visibility": "full",
        "latest": LatestScore(**{k: trend[-1][k] for k in ("year", "total", "rank", "percentile")}) if trend else None,
    }
    if not principal.may_see_details(code):
        return {**public_view(full), "visibility": "public"}
    audit_read(request, principal, action="read_profile", target=code)
    return full


@router.get(
    "/{uscc}/portrait", response_model=Portrait, summary="企业创新画像",
    responses=errors(
        (400, "统一社会信用代码格式或校验位不对"), 401,
        (404, "没有这家企业在该年度的评分、该年度没有发布的评分，或无权查看（仅本企业与园区工作人员）"), 422,
    ),
)
async def portrait(request: Request, uscc: UsccPath, principal: PrincipalDep, year: YearQuery = None) -> Response:
    """企业创新画像：总分、各类别得分与同阶段均值和上四分位、阶段内排名、逐项指标得分与解释、缺失数据、提分建议、历年趋势。"""
    code = checked_uscc(uscc)
    require_details(principal, code)
    cache = request.app.state.runs
    # The hot path (a portrait already built for the current run set) stays in the event loop and
    # touches no database; everything else runs in a worker thread.
    runs = cache.published_if_fresh() or await run_in_threadpool(cache.published)
    run = runs.for_year(year)
    # Published runs never change, so the finished, validated JSON is kept per run set and
    # enterprise; a new run (of any year: the trend) changes the key.
    key = (runs.signature, run.id, code)
    answer = cache.portrait(key)
    if answer is None:
        answer = cache.keep_portrait(key, await run_in_threadpool(_portrait_json, cache, runs.signature, run, code))
    audit_read(request, principal, action="read_portrait", target=code)
    return answer.response(request)


def _portrait_json(cache: RunCache, signature: int, run: ScoreRun, uscc: str) -> bytes:
    """The portrait answer: from the store shared by the workers, or built (and stored there)."""
    assert run.id is not None
    with Session(cache.engine) as session:
        body = portrait_store.load(session, signature=signature, run_id=run.id, uscc=uscc)
        if body is not None:
            return body
        try:
            data = build_portrait(session=session, uscc=uscc, year=run.year, run_data=cache.run_data)
        except NotFound:
            raise NotFound(f"找不到统一社会信用代码为 {uscc} 的企业在 {run.year} 年的评分") from None
    body = Portrait.model_validate(data).model_dump_json().encode()
    portrait_store.keep(cache.engine, signature=signature, run_id=run.id, uscc=uscc, body=body)
    return body
