"""The audit trail (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from assistant.access import accounts
from assistant.access.privacy import require_admin
from assistant.api.deps import PrincipalDep, SessionDep
from assistant.api.responses import errors
from assistant.api.routes.common import PageQuery, SizeQuery
from assistant.api.schemas import AuditEventPublic, Page
from assistant.errors import Unavailable

router = APIRouter(prefix="/api/audit", tags=["审计"])


@router.get("", response_model=Page[AuditEventPublic], summary="审计记录", responses=errors(401, (403, "仅向管理员开放"), 422, (503, "审计记录暂时无法写入（数据库正忙），请稍后再试")))
def audit_log(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    username: Annotated[str | None, Query(max_length=64, description="只看这个用户的记录（用户名，完全一致；至多 64 个字符）")] = None,
    action: Annotated[str | None, Query(max_length=40, description="只看这种操作，如 read_portrait、login、login_failed（至多 40 个字符）")] = None,
    page: PageQuery = 1,
    size: SizeQuery = 50,
) -> dict[str, Any]:
    """审计记录：谁、以什么角色、在何时从何处读取了哪家企业的非公开数据；登录与失败登录（仅管理员）。"""
    require_admin(principal)
    # Events of this process still queued are part of the trail: a trail with a hole is refused.
    if not request.app.state.audit.flush():
        raise Unavailable("审计记录暂时无法写入（数据库正忙，可能正在发布评分），请稍后再试",
                          headers={"Retry-After": "5"})
    rows, total = accounts.audit_events(session=session, offset=(page - 1) * size, limit=size, username=username, action=action)
    return {"items": [r.model_dump() for r in rows], "total": total, "page": page, "size": size}
