"""The WeChat tables, created next to the store's (by `serve` before its workers, and the lifespan)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from assistant.wechat.bindings import TABLES as BINDING_TABLES
from assistant.wechat.dedupe import WechatDelivery
from assistant.wechat.followers import WechatFollower
from assistant.wechat.tokens import WechatAccessToken


def ensure_tables(engine: Engine) -> None:
    """Create the bindings, codes, deliveries, followers' sessions and access-token tables."""
    tables = (*BINDING_TABLES, WechatDelivery, WechatFollower, WechatAccessToken)
    SQLModel.metadata.create_all(engine, tables=[t.__table__ for t in tables])  # type: ignore[union-attr]  # SQLModel's types omit __table__


__all__ = ["ensure_tables"]
