"""Liveness and readiness."""

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from assistant.api.responses import errors
from assistant.errors import Unavailable

router = APIRouter(tags=["系统"])


@router.get("/api/health", summary="健康检查")
async def health() -> dict[str, str]:
    """服务是否在运行。"""
    return {"status": "ok"}


@router.get("/api/ready", summary="就绪检查", responses=errors((503, "尚未就绪：数据库不可读，或搜索索引、智能助手尚未载入")))
def ready(request: Request) -> dict[str, Any]:
    """服务是否可以接受请求：数据库可读、搜索索引与智能助手已载入（semantic 表示向量检索是否已参与）；未就绪时返回 503。"""
    state = request.app.state
    try:
        with state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        store = True
    except SQLAlchemyError:
        store = False
    snap = state.search.peek()
    audit = state.audit
    chat = getattr(state, "chat", None) is not None
    prepared = getattr(state, "chat_prepared", None)
    report = {
        "store": store, "search": snap is not None, "semantic": bool(snap and snap.semantic),
        "documents": len(snap.documents) if snap is not None else None, "chat": chat,
        # The assistant's evaluations (能评上高企吗) scored ahead; not needed to serve, only to be quick.
        "evaluations": bool(prepared is not None and prepared.is_set()),
        "audit": {"writing": audit.alive(), "pending": audit.pending, "failures": audit.failures},
    }
    if not (store and snap is not None and chat):
        parts = (("数据库", store), ("搜索索引", snap is not None), ("智能助手", chat))
        missing = "、".join(name for name, ok in parts if not ok)
        raise Unavailable(f"服务尚未就绪：{missing}尚未载入", details=report, headers={"Retry-After": "5"})
    return {"status": "ready", **report}
