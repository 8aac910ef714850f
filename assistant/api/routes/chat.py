"""The assistant over HTTP: `POST /api/chat` and `GET /api/chat/sessions/{id}`.

Identity is the caller's credential (bearer token or API key), exactly as for every other route;
nothing in a message changes it. A session belongs to whoever opened it: another caller's session
id answers 404. Each user may send `chat_turns_per_minute` messages a minute (the public counted
per client address); more answer 429 with `Retry-After`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path, Request

from assistant.access.privacy import Principal
from assistant.api.deps import AuditDep, PrincipalDep
from assistant.api.forwarded import request_client
from assistant.api.responses import errors
from assistant.api.schemas import SESSION_ID, ChatHistory, ChatIn, ChatOut
from assistant.errors import Unavailable

if TYPE_CHECKING:
    from assistant.chat.service import ChatService

router = APIRouter(tags=["智能助手"])
TOO_MANY = (429, "提问太频繁：每个用户每分钟的消息数有上限（公众按客户端地址计），请按 Retry-After 等待后再试")
NOT_READY = (503, "智能助手尚未就绪（服务正在启动）")
BAD_BODY = (400, "请求体无法解析（不是 UTF-8 编码的 JSON）")


def chat_service(request: Request) -> ChatService:
    """The assistant the lifespan built, or 503 while it is not there."""
    service: ChatService | None = getattr(request.app.state, "chat", None)
    if service is None:
        raise Unavailable("智能助手尚未就绪，请稍后再试", headers={"Retry-After": "5"})
    return service


def caller_key(principal: Principal, request: Request) -> str:
    """Whom the rate limit counts: the user, or for the public its address."""
    if principal.username:
        return f"{principal.role}:{principal.username}"
    return f"public@{request_client(request)}"


@router.post(
    "/api/chat", response_model=ChatOut, response_model_exclude_unset=True, summary="向智能助手提问",
    responses=errors(BAD_BODY, 401, (404, "会话号属于他人"), 413, (422, "请求参数有误（消息超过 20000 字、会话号格式不对）"),
                     TOO_MANY, NOT_READY),
)
def chat(body: ChatIn, request: Request, principal: PrincipalDep, audit: AuditDep) -> dict[str, Any]:
    """向智能助手提问：企业用户问本企业的积分、排名、指标与提升建议，园区工作人员可问任意企业，公众可问积分制度与指标口径；带上 session_id 即可追问（如“那去年呢”）。"""
    reply = chat_service(request).reply(principal=principal, message=body.message, session_id=body.session_id,
                                        audit=audit, caller=caller_key(principal, request))
    return reply.to_dict()


@router.get(
    "/api/chat/sessions/{session_id}", response_model=ChatHistory, response_model_exclude_unset=True,
    summary="对话记录", responses=errors(401, (404, "没有这个会话、会话已过期，或属于他人"), 422, NOT_READY),
)
def chat_session(
    session_id: Annotated[str, Path(pattern=SESSION_ID, description="会话号")], request: Request,
    principal: PrincipalDep,
) -> dict[str, Any]:
    """本人的一个会话的全部对话（从早到晚）；他人的会话答 404。"""
    return chat_service(request).history(principal=principal, session_id=session_id)
