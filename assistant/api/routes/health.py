"""Liveness."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from scoring.errors import NotFound

router = APIRouter(tags=["系统"])


@router.get("/", include_in_schema=False)
def root(request: Request) -> RedirectResponse:
    """The portal comes with a later issue; until then the root opens the API documentation."""
    if not request.app.state.settings.docs_enabled:
        raise NotFound("没有这个地址")
    return RedirectResponse("/docs")


@router.get("/api/health", summary="健康检查")
async def health() -> dict[str, str]:
    """服务是否在运行。"""
    return {"status": "ok"}
