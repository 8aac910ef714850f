"""Indicator systems: list, one with every definition, diff between two versions (public)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from assistant.api.deps import SettingsDep
from assistant.api.responses import errors
from assistant.api.schemas import SystemSummary
from assistant.queries import systems

router = APIRouter(prefix="/api/systems", tags=["指标体系"])
VersionPath = Annotated[str, Path(
    min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
    description="指标体系版本，如 1.0、v1.1、hte-2016（字母、数字、. _ -，至多 40 个字符）",
)]
NO_SYSTEM = (404, "没有这个指标体系版本")


@router.get("", response_model=list[SystemSummary], summary="指标体系版本列表")
def list_systems(settings: SettingsDep) -> list[dict[str, Any]]:
    """全部指标体系版本（含两项官方评价）。"""
    return systems.system_summaries(systems_dir=settings.systems_dir)


@router.get("/{version}", response_model=dict[str, Any], summary="一个指标体系的全部定义", responses=errors(NO_SYSTEM, 422))
def one_system(version: VersionPath, settings: SettingsDep) -> dict[str, Any]:
    """一个版本的全部类别、指标定义、阶段规则与结论规则。"""
    return systems.system_definition(systems_dir=settings.systems_dir, version=version)


@router.get("/{old}/diff/{new}", response_model=dict[str, Any], summary="两个版本的差异", responses=errors(NO_SYSTEM, 422))
def diff(old: VersionPath, new: VersionPath, settings: SettingsDep) -> dict[str, Any]:
    """两个版本之间新增、删除和调整的指标。"""
    return systems.system_diff(systems_dir=settings.systems_dir, old=old, new=new)
