"""Score runs, zone and evaluation: list and one (metadata only: public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from assistant.api.deps import SessionDep
from assistant.api.schemas import ErrorResponse, RunInfo
from scoring import store
from scoring.errors import NotFound

router = APIRouter(prefix="/api/runs", tags=["评分批次"], responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


@router.get("", response_model=list[RunInfo])
def list_runs(session: SessionDep) -> list[store.ScoreRun]:
    """全部评分批次：园区积分与官方评价批次（kind），含已撤回的（status）。"""
    return store.list_runs(session=session)


@router.get("/{run_id}", response_model=RunInfo)
def one_run(run_id: Annotated[int, Path(ge=1, le=2**31)], session: SessionDep) -> store.ScoreRun:
    """一个评分批次：类型（园区积分或官方评价）、指标体系版本、年度、状态、时间、输入批次。"""
    run = session.get(store.ScoreRun, run_id)
    if run is None:
        raise NotFound(f"没有第 {run_id} 次评分")
    return run
