"""Liveness."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

router = APIRouter(tags=["系统"])


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    """The portal comes with a later issue; until then the root opens the API documentation."""
    return RedirectResponse("/docs")


@router.get("/api/health", summary="健康检查")
async def health() -> dict[str, str]:
    """服务是否在运行。"""
    return {"status": "ok"}
