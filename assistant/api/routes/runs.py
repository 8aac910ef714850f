"""Score runs, zone and evaluation: list and one (metadata only: public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from assistant.api.deps import SessionDep
from assistant.api.responses import errors
from assistant.api.schemas import RunInfo
from assistant.queries import runs
from scoring import store

router = APIRouter(prefix="/api/runs", tags=["评分批次"])


@router.get("", response_model=list[RunInfo], summary="评分批次列表")
def list_runs(session: SessionDep) -> list[store.ScoreRun]:
    """全部评分批次：园区积分与官方评价批次（kind），含已撤回的（status）。"""
    return runs.all_runs(session=session)


@router.get("/{run_id}", response_model=RunInfo, summary="一个评分批次", responses=errors((404, "没有这个评分批次"), 422))
def one_run(run_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="评分批次号（正整数，1–2147483647）")], session: SessionDep) -> store.ScoreRun:
    """一个评分批次：类型（园区积分或官方评价）、指标体系版本、年度、状态、时间、输入批次。"""
    return runs.one_run(session=session, run_id=run_id)
