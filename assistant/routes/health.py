"""Liveness."""

from fastapi import APIRouter

router = APIRouter(tags=["系统"])


@router.get("/api/health")
def health() -> dict[str, str]:
    """服务是否在运行。"""
    return {"status": "ok"}
