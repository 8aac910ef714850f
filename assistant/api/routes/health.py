"""Liveness and readiness."""

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError

from assistant.api.responses import errors
from assistant.errors import Unavailable
from scoring.store import migrate

router = APIRouter(tags=["系统"])


@router.get("/api/health", summary="健康检查")
async def health() -> dict[str, str]:
    """服务进程是否在运行（存活检查：不访问数据库；负载均衡与 systemd 用它判断是否重启）。"""
    return {"status": "ok"}


@router.get("/api/ready", summary="就绪检查", responses=errors((503, "尚未就绪：数据库不可读或结构版本落后，或搜索索引、智能助手尚未载入")))
def ready(request: Request) -> dict[str, Any]:
    """服务是否可以接受请求：数据库可读且结构版本为最新（schema）、搜索索引与智能助手已载入（semantic 表示向量检索是否已参与）；未就绪时返回 503。"""
    state = request.app.state
    revision: str | None = None
    try:
        with state.engine.connect() as conn:
            revision = migrate.revision_of(conn)
        store = True
    except SQLAlchemyError:
        store = False
    schema = store and revision == migrate.head()
    snap = state.search.peek()
    audit = state.audit
    chat = getattr(state, "chat", None) is not None
    prepared = getattr(state, "chat_prepared", None)
    report = {
        "store": store, "schema": {"current": schema, "revision": revision, "head": migrate.head()},
        "search": snap is not None, "semantic": bool(snap and snap.semantic),
        "documents": len(snap.documents) if snap is not None else None, "chat": chat,
        # The assistant's evaluations (能评上高企吗) scored ahead; not needed to serve, only to be quick.
        "evaluations": bool(prepared is not None and prepared.is_set()),
        "audit": {"writing": audit.alive(), "pending": audit.pending, "failures": audit.failures},
    }
    if store and not schema:
        raise Unavailable(f"服务未就绪：数据库结构版本为 {revision}，本程序需要 {migrate.head()}（运行 innopoints db upgrade）",
                          details=report, headers={"Retry-After": "5"})
    if not (store and snap is not None and chat):
        parts = (("数据库", store), ("搜索索引", snap is not None), ("智能助手", chat))
        missing = "、".join(name for name, ok in parts if not ok)
        raise Unavailable(f"服务尚未就绪：{missing}尚未载入", details=report, headers={"Retry-After": "5"})
    return {"status": "ready", **report}
