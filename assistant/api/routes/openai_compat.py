"""The assistant behind the OpenAI chat-completions protocol: any chat UI and the openai SDK work.

- `POST /v1/chat/completions`, non-stream and stream (server-sent events: one
  `chat.completion.chunk` per piece, the last with `finish_reason: "stop"`, a usage chunk when
  `stream_options.include_usage`, then `data: [DONE]`).
- `GET /v1/models`: the one model, `innopoints`. Any `model` a client sends is answered by it
  (clients often send a default name; the answer always says `innopoints`).

What is trusted: identity only from the credential, exactly as on `/api/…` (a JWT or an API key
as `Authorization: Bearer …` — the only way OpenAI clients send one — or `X-API-Key`; the portal's
chat widget streams through this route with its session cookie and `X-CSRF-Token`). The question
is the last `user` message; `system`, `assistant` and earlier messages are never read: they are the
client's, and could claim any role or any figure. The conversation's context is the server's
session: sent as the `X-Session-Id` header, or as the `user` field (which every OpenAI client can
set); the answer names it in the `X-Session-Id` header and in `innopoints.session_id`. The full
structured answer (kind, intent, entities, facts, suggestions) is the extra field `innopoints`,
on the completion and on the last chunk.

Errors keep the service's one shape `{"error": {"code", "message", "details"}}`: OpenAI clients read
`error.message` and `error.code` from it (the openai SDK raises e.g. `RateLimitError` whose
`.code` is `rate_limited` and whose `.body["message"]` is the Chinese text).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import AuditDep, PrincipalDep
from assistant.api.responses import errors
from assistant.api.routes.chat import BAD_BODY, NOT_READY, TOO_MANY, caller_key, chat_service
from assistant.api.schemas import SESSION_ID
from assistant.errors import Unprocessable

router = APIRouter(prefix="/v1", tags=["OpenAI 兼容接口"])
MODEL_ID = "innopoints"
MODEL_CREATED = 1767225600  # 2026-01-01T00:00:00Z: when this assistant's protocol was first served
_SESSION = re.compile(SESSION_ID)
# Pieces of a streamed reply: up to and including each sentence-ending mark.
_PIECE = re.compile(r"[^。！？；\n]*[。！？；\n]?")


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(default="text", max_length=40)
    text: str | None = Field(default=None, max_length=20_000)


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(max_length=40, description="system、user、assistant 等；只读取最后一条 user 消息")
    content: str | list[ContentPart] | None = Field(default=None, description="文本，或文本片段列表（非文本片段忽略）")


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class CompletionIn(BaseModel):
    """An OpenAI chat-completions request; options this assistant has no use for are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(default=MODEL_ID, max_length=200, description="模型名：任意值都由 innopoints 回答")
    messages: list[Message] = Field(min_length=1, max_length=1000, description="对话消息；问题是最后一条 user 消息")
    stream: bool = Field(default=False, description="是否以 SSE 流式返回")
    stream_options: StreamOptions | None = None
    user: str | None = Field(default=None, max_length=200, description="会话号（上一轮回答的 innopoints.session_id），可代替 X-Session-Id 请求头")


def question(messages: list[Message]) -> str:
    """The last user message's text (text parts joined); 422 when there is none."""
    for message in reversed(messages):
        if message.role != "user":
            continue
        if isinstance(message.content, list):
            return "".join(p.text or "" for p in message.content if p.type == "text")
        return message.content or ""
    raise Unprocessable("messages 中没有用户（user）消息：问题取自最后一条 user 消息")


def session_of(header: str | None, user: str | None) -> str | None:
    """The session to continue: the header's, else the `user` field when it is a session id."""
    if header:
        if not _SESSION.match(header):
            raise Unprocessable("X-Session-Id 格式不对：应为 1–64 个字母、数字、_ 或 -")
        return header
    return user if user and _SESSION.match(user) else None


@router.post(
    "/chat/completions", summary="对话（OpenAI 兼容）",
    responses={**errors(BAD_BODY, 401, (404, "会话号属于他人"), 413, (422, "请求有误（没有 user 消息、会话号格式不对等）"),
                        TOO_MANY, NOT_READY),
               200: {"description": "chat.completion 对象；stream 为 true 时为 text/event-stream"}},
)
def completions(
    body: CompletionIn, request: Request, principal: PrincipalDep, audit: AuditDep,
    x_session_id: Annotated[str | None, Header(max_length=64, description="会话号（上一轮回答的 innopoints.session_id）")] = None,
) -> Any:
    """OpenAI 兼容的对话接口：身份只取自令牌或 API 密钥；问题取最后一条 user 消息，system/assistant 消息不被采信；结构化回答在 innopoints 字段。"""
    text = question(body.messages)
    reply = chat_service(request).reply(
        principal=principal, message=text, session_id=session_of(x_session_id, body.user), audit=audit,
        caller=caller_key(principal, request),
    ).to_dict()
    ident, created = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())
    usage = {"prompt_tokens": len(text), "completion_tokens": len(reply["reply"]),
             "total_tokens": len(text) + len(reply["reply"])}  # counted in characters: there is no tokenizer
    headers = {"X-Session-Id": reply["session_id"]}
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        events = _events(ident, created, reply, usage if include_usage else None)
        # X-Accel-Buffering: nginx (README) passes each event on at once instead of buffering the reply.
        return EventSourceResponse(events, headers={**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    completion = {
        "id": ident, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply["reply"], "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": usage, "innopoints": reply,
    }
    return JSONResponse(completion, headers=headers)


def _events(ident: str, created: int, reply: dict[str, Any], usage: dict[str, int] | None) -> Iterator[bytes]:
    """The SSE stream of one reply: role, the text sentence by sentence, stop (with `innopoints`), usage, [DONE]."""
    base = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}
    extra = {"usage": None} if usage is not None else {}

    def chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        data = {**base, "choices": [choice], **extra, **more}
        return format_sse_event(data_str=json.dumps(data, ensure_ascii=False))

    yield chunk({"role": "assistant", "content": ""})
    for piece in _PIECE.findall(reply["reply"]):
        if piece:
            yield chunk({"content": piece})
    yield chunk({}, "stop", innopoints=reply)
    if usage is not None:
        yield format_sse_event(data_str=json.dumps({**base, "choices": [], "usage": usage}, ensure_ascii=False))
    yield format_sse_event(data_str="[DONE]")


@router.get("/models", summary="模型列表（OpenAI 兼容）")
def models() -> dict[str, Any]:
    """可用的模型：innopoints（即本系统的智能助手）。"""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": MODEL_CREATED, "owned_by": "innopoints"}]}
