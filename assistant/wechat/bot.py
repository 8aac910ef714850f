"""What the assistant says to one WeChat message: the chat core's reply, for the follower's bound
identity, with the WeChat-only parts around it (binding, menu keys, events, voice).

- text: "绑定 123456" binds, "解绑" unbinds, anything else is a question to the chat core;
- voice: its `Recognition` is answered like text; without one, a polite "请发文字";
- events: subscribe (welcome + how to bind; a binding QR scene binds), unsubscribe (the
  follower's session is dropped), CLICK (menu keys → questions), SCAN (a binding scene binds);
- anything else: a polite reply naming what is understood.

Identity comes from the binding alone (`assistant.wechat.bindings.principal_for`). Nothing here
raises: a failure becomes a polite sentence (WeChat shows an error to the follower otherwise).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.access.privacy import Principal
from assistant.errors import ServiceError
from assistant.queries.audit import Audit
from assistant.wechat import bindings, followers
from assistant.wechat.messages import Message
from scoring.errors import NotFound

if TYPE_CHECKING:
    from assistant.chat.service import ChatService

log = logging.getLogger("innopoints.wechat")

# The custom menu's CLICK keys (data/wechat/menu.yaml) and the question each one asks.
MENU_QUESTIONS = {
    "MY_POINTS": "我的积分",
    "MY_CATEGORIES": "我们的积分构成",
    "ADVICE": "我们怎样提高积分",
    "POLICY": "积分贷有什么条件",
    "HELP": "帮助",
}
HOW_TO_BIND = ("绑定方法：登录园区积分系统，在“微信绑定”处获取 6 位绑定码（10 分钟内有效），"
               "然后在这里发送“绑定 绑定码”，例如“绑定 123456”。解除绑定请发送“解绑”。")
WELCOME = "欢迎关注科技创新积分助手！我可以回答积分制度、指标口径和相关政策的问题；企业用户绑定后还可以查本企业的积分、排名和提升建议。\n" + HOW_TO_BIND
TEXT_ONLY = "抱歉，我目前只能看懂文字消息。请用文字提问，例如“积分制度是怎么回事”。"
SEND_TEXT = "没有听清您的语音，请发文字提问。"
TROUBLE = "抱歉，系统暂时无法回答，请稍后再试。"
_BIND = re.compile(r"^\s*绑定\s*[:：]?\s*(\d{6})\s*$")
_SCENE = re.compile(r"^(?:qrscene_)?bind[_:](\d{6})$")
_UNBIND = {"解绑", "解除绑定", "取消绑定"}


class Bot:
    """Answers messages of one or more accounts over one chat service and store."""

    def __init__(
        self, *, chat: ChatService, engine: Engine, clock: Callable[[], datetime],
        audit_for: Callable[[Principal], Audit | None] = lambda p: None,
    ) -> None:
        self.chat = chat
        self.engine = engine
        self.clock = clock
        self.audit_for = audit_for

    def handle(self, msg: Message, *, account: str) -> str:
        """The reply text ("" for none: unsubscribe)."""
        try:
            return self._handle(msg, account=account)
        except ServiceError as exc:  # throttled, rate-limited: its own words
            return exc.message
        except Exception:  # noqa: BLE001 - a follower gets a sentence, never WeChat's error page
            log.exception("wechat: handling a %s message failed", msg.msg_type)
            return TROUBLE

    def _handle(self, msg: Message, *, account: str) -> str:
        if msg.msg_type == "text":
            return self._text(msg.content, msg=msg, account=account)
        if msg.msg_type == "voice":
            said = msg.recognition.strip()
            return self._text(said, msg=msg, account=account) if said else SEND_TEXT
        if msg.msg_type == "event":
            return self._event(msg, account=account)
        return TEXT_ONLY

    def _event(self, msg: Message, *, account: str) -> str:
        event = msg.event.lower()
        if event == "unsubscribe":
            followers.forget(self.engine, account=account, openid=msg.from_user)
            return ""
        scene = _SCENE.match(msg.event_key or "")
        if event in ("subscribe", "scan") and scene:
            return self._bind(scene.group(1), msg=msg, account=account)
        if event == "subscribe":
            return WELCOME
        if event == "click" and msg.event_key in MENU_QUESTIONS:
            return self._ask(MENU_QUESTIONS[msg.event_key], msg=msg, account=account)
        if event == "scan":
            return WELCOME
        return "收到。" + TEXT_ONLY if event == "click" else ""

    def _text(self, text: str, *, msg: Message, account: str) -> str:
        bind = _BIND.match(text)
        if bind:
            return self._bind(bind.group(1), msg=msg, account=account)
        stripped = text.strip()
        if stripped in _UNBIND:
            with Session(self.engine) as session:
                gone = bindings.unbind(session=session, account=account, openid=msg.from_user)
            followers.forget(self.engine, account=account, openid=msg.from_user)
            return "已解除绑定。" if gone else "您还没有绑定账号。" + HOW_TO_BIND
        if stripped.startswith("绑定"):
            return HOW_TO_BIND
        return self._ask(text, msg=msg, account=account)

    def _bind(self, code: str, *, msg: Message, account: str) -> str:
        with Session(self.engine) as session:
            user = bindings.redeem(session=session, account=account, openid=msg.from_user, code=code, now=self.clock())
            who = user.display_name or user.username
        followers.forget(self.engine, account=account, openid=msg.from_user)  # the public's session ends here
        return f"绑定成功：您现在以“{who}”的身份提问。可以问“我的积分”“我们怎样提高积分”。解除绑定请发送“解绑”。"

    def _ask(self, text: str, *, msg: Message, account: str) -> str:
        with self.engine.connect() as conn:  # one connection for who asks and in which session
            principal = bindings.principal_in(conn, account=account, openid=msg.from_user)
            session_id = followers.session_in(conn, account=account, openid=msg.from_user)
        caller = f"wechat:{account}:{msg.from_user}"
        audit = self.audit_for(principal)
        try:
            reply = self.chat.reply(principal=principal, message=text, session_id=session_id,
                                    audit=audit, caller=caller)
        except NotFound:  # the session was another identity's (bound or unbound since): start afresh
            reply = self.chat.reply(principal=principal, message=text, session_id=None, audit=audit,
                                    caller=caller)
        if reply.session_id != session_id:
            followers.remember(self.engine, account=account, openid=msg.from_user, session_id=reply.session_id,
                               now=self.clock())
        out = reply.reply
        if principal.role == "public" and reply.refuse_reason in ("unauthenticated", "injection"):
            out += "\n" + HOW_TO_BIND
        elif reply.suggestions:
            out += "\n您还可以问：" + "；".join(reply.suggestions[:3])
        return out


__all__ = ["HOW_TO_BIND", "MENU_QUESTIONS", "WELCOME", "Bot"]
