"""Indicator systems: list, one with every definition, diff between two versions (public)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from assistant.api.deps import SettingsDep
from assistant.api.responses import errors
from assistant.api.schemas import SystemSummary
from scoring.systems.diff import diff_systems
from scoring.errors import InvalidIndicatorSystem, NotFound
from scoring.systems.loader import find_system, load_all
from scoring.systems.schema import IndicatorSystem

router = APIRouter(prefix="/api/systems", tags=["指标体系"])
VersionPath = Annotated[str, Path(
    min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
    description="指标体系版本，如 1.0、v1.1、hte-2016（字母、数字、. _ -，至多 40 个字符）",
)]
NO_SYSTEM = (404, "没有这个指标体系版本")


@router.get("", response_model=list[SystemSummary], summary="指标体系版本列表")
def list_systems(settings: SettingsDep) -> list[dict[str, Any]]:
    """全部指标体系版本（含两项官方评价）。"""
    return [
        {"version": s.version, "name": s.name, "year": s.year, "indicators": len(s.indicators),
         "categories": len(s.categories), "max_total": s.max_total, "description": s.description}
        for s in load_all(settings.systems_dir).values()
    ]


@router.get("/{version}", response_model=dict[str, Any], summary="一个指标体系的全部定义", responses=errors(NO_SYSTEM, 422))
def one_system(version: VersionPath, settings: SettingsDep) -> dict[str, Any]:
    """一个版本的全部类别、指标定义、阶段规则与结论规则。"""
    return _find(version, settings).model_dump(mode="json")


@router.get("/{old}/diff/{new}", response_model=dict[str, Any], summary="两个版本的差异", responses=errors(NO_SYSTEM, 422))
def diff(old: VersionPath, new: VersionPath, settings: SettingsDep) -> dict[str, Any]:
    """两个版本之间新增、删除和调整的指标。"""
    d = diff_systems(_find(old, settings), _find(new, settings))
    return {**d.as_dict(), "lines": d.lines()}


def _find(version: str, settings: SettingsDep) -> IndicatorSystem:
    try:
        return find_system(version, settings.systems_dir)
    except InvalidIndicatorSystem as exc:
        if "找不到" in exc.problem:
            raise NotFound(exc.problem) from None
        raise
