"""WeChat: the official account's callback (`/wechat`), WeCom's (`/wechat/work`), the binding
code a logged-in user asks for, and the admins' list of bindings.

The callbacks speak WeChat's protocol (`assistant.wechat`); every refusal — a bad signature or
timestamp, another appid, tampered ciphertext, hostile or malformed XML, an oversized body — is
answered 4xx before anything is written. An account not configured answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import PlainTextResponse, Response

from assistant.access.privacy import require_admin
from assistant.api.audit import audit_read
from assistant.api.deps import PrincipalDep, SessionDep
from assistant.api.responses import errors
from assistant.api.schemas import WechatBindingCode, WechatBindingPublic
from assistant.errors import NotAuthenticated
from assistant.wechat import bindings
from assistant.wechat.parsing import MAX_BODY
from scoring.errors import NotFound

if TYPE_CHECKING:
    from assistant.wechat.channel import Channel

router = APIRouter(tags=["微信"])
PATHS = {"/wechat": "mp", "/wechat/work": "work"}
CALLBACK_ERRORS = errors((400, "不是有效的微信消息（非 XML、含 DOCTYPE/实体、缺字段、密文或填充无效）"),
                         (403, "签名或时间戳无效，或消息不是发给本账号的"), (404, "未配置该微信账号"),
                         (413, f"消息体超过 {MAX_BODY} 字节"))
XML_OK: dict[int | str, dict[str, Any]] = {200: {"description": "被动回复（XML；加密消息的回复同样加密）或 success",
                "content": {"application/xml": {}, "text/plain": {}}}}


def _channel(request: Request, kind: str) -> Channel:
    channels: dict[str, Channel] = getattr(request.app.state, "wechat", None) or {}
    if kind not in channels:
        raise NotFound("未配置该微信账号")
    return channels[kind]


def _query(request: Request) -> dict[str, str]:
    return dict(request.query_params.items())


async def _verify(request: Request, kind: str) -> Response:
    text = _channel(request, kind).verify(_query(request))
    return PlainTextResponse(text)


async def _receive(request: Request, kind: str) -> Response:
    channel = _channel(request, kind)
    body = await request.body()
    out = await channel.receive(_query(request), body)
    media = "text/plain" if out == "success" else "application/xml"
    return Response(out.encode(), media_type=media)


@router.get("/wechat", summary="公众号服务器地址验证", responses={**CALLBACK_ERRORS, **XML_OK})
async def wechat_verify(request: Request) -> Response:
    """微信公众平台验证服务器地址：签名正确时原样返回 echostr。"""
    return await _verify(request, "mp")


@router.post("/wechat", summary="公众号消息回调", responses={**CALLBACK_ERRORS, **XML_OK})
async def wechat_receive(request: Request) -> Response:
    """接收公众号消息（明文、兼容、安全模式），以被动回复作答；超过 4.5 秒的回答先回复 success，再经客服消息接口推送。"""
    return await _receive(request, "mp")


@router.get("/wechat/work", summary="企业微信回调地址验证", responses={**CALLBACK_ERRORS, **XML_OK})
async def wework_verify(request: Request) -> Response:
    """企业微信验证回调地址：解密 echostr 后返回明文。"""
    return await _verify(request, "work")


@router.post("/wechat/work", summary="企业微信消息回调", responses={**CALLBACK_ERRORS, **XML_OK})
async def wework_receive(request: Request) -> Response:
    """接收企业微信应用消息（加密），以加密的被动回复作答。"""
    return await _receive(request, "work")


@router.post(
    "/api/wechat/binding-code", response_model=WechatBindingCode, status_code=201, summary="获取微信绑定码",
    responses=errors(401, (403, "只有企业用户和园区工作人员可以绑定微信"), (429, "获取绑定码太频繁")),
)
def binding_code(request: Request, principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """为当前用户生成 6 位一次性绑定码（10 分钟内有效）：在公众号中发送“绑定 绑定码”即把该微信与本账号绑定。"""
    if not principal.username:
        raise NotAuthenticated("请先登录再获取绑定码", headers={"WWW-Authenticate": "Bearer"})
    issued = bindings.issue_code(session=session, username=principal.username, now=request.app.state.clock())
    audit_read(request, principal, action="wechat_binding_code", target=principal.username)
    return {"code": issued.code, "expires_at": issued.expires_at}


@router.get("/api/wechat/bindings", response_model=list[WechatBindingPublic], summary="微信绑定列表",
            responses=errors(401, (403, "仅向管理员开放")))
def list_bindings(request: Request, principal: PrincipalDep, session: SessionDep) -> list[dict[str, Any]]:
    """全部微信绑定（仅管理员）。"""
    require_admin(principal)
    rows = bindings.list_bindings(session=session)
    audit_read(request, principal, action="list_wechat_bindings", target=f"{len(rows)} 个")
    return rows


@router.delete(
    "/api/wechat/bindings/{binding_id}", response_model=WechatBindingPublic, summary="解除一个微信绑定",
    responses=errors(401, (403, "仅向管理员开放"), (404, "没有这个绑定"), 422),
)
def revoke_binding(binding_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="绑定编号（1–2147483647，见微信绑定列表）")], request: Request,
                   principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    """解除一个微信绑定，立即生效：该微信此后按公众身份回答（仅管理员）。"""
    require_admin(principal)
    row = bindings.revoke(session=session, binding_id=binding_id)
    audit_read(request, principal, action="revoke_wechat_binding", target=f"#{binding_id} {row['username']}")
    return row
