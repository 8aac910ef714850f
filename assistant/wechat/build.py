"""Build the channels (official account, WeCom) once per process from what a surface holds.

No settings are read here: `assistant.api.app` passes the configured values. An account without
a token is not served (its route answers 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
from sqlalchemy.engine import Engine

from assistant.access.privacy import Principal
from assistant.queries.audit import Audit
from assistant.wechat.bot import Bot
from assistant.wechat.callback import Account, Callback
from assistant.wechat.channel import Channel, account_key
from assistant.wechat.delivery import REPLY_S, Delivery
from assistant.wechat.push import Pusher, token_fetcher
from assistant.wechat.tables import ensure_tables
from assistant.wechat.tokens import AccessTokens

ASSISTANT_PAGE = "/assistant"  # the portal's 智能助手 page (assistant.web)

if TYPE_CHECKING:
    from assistant.chat.service import ChatService


@dataclass(frozen=True)
class AccountConfig:
    """What a deployment sets for one account: its callback (`Account`) and how to push to it."""

    account: Account
    secret: str = ""  # AppSecret / the WeCom application's Secret: needed to push late answers
    api_base: str = ""
    agent_id: str = ""


def build_channels(
    configs: list[AccountConfig], *, chat: ChatService, engine: Engine, clock: Callable[[], datetime],
    audit_for: Callable[[Principal], Audit | None], reply_s: float = REPLY_S, http: httpx.Client | None = None,
    portal_url: str = "",
) -> dict[str, Channel]:
    """Channel by kind ("mp", "work") for each configured account; `portal_url`: the portal's
    public address, linked (its 智能助手 page) from answers too long for one WeChat message."""
    ensure_tables(engine)
    bot = Bot(chat=chat, engine=engine, clock=clock, audit_for=audit_for)
    client = http or httpx.Client(timeout=10.0)
    out: dict[str, Channel] = {}
    for c in configs:
        a = c.account
        if not a.token:
            continue
        key = account_key(a.kind, a.receive_id)
        pusher = None
        if c.secret and c.api_base:
            fetch = token_fetcher(client, kind=a.kind, api_base=c.api_base, app_id=a.receive_id, secret=c.secret)
            tokens = AccessTokens(engine, account=key, fetch=fetch, clock=clock)
            pusher = Pusher(client, kind=a.kind, api_base=c.api_base, tokens=tokens, agent_id=c.agent_id)
        callback = Callback(a, clock=lambda: clock().timestamp())
        delivery = Delivery(bot=bot, engine=engine, account=key, clock=clock, pusher=pusher, reply_s=reply_s,
                            more_at=f"{portal_url}{ASSISTANT_PAGE}" if portal_url else "")
        out[a.kind] = Channel(callback, delivery)
    return out


__all__ = ["AccountConfig", "build_channels"]
