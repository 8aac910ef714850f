"""Each follower's chat session (one per openid and account), kept in the store across workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, UniqueConstraint, bindparam, delete
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from scoring.store.hot_writes import WRITES


class WechatFollower(SQLModel, table=True):
    """The chat session a follower is in (the chat core expires it; a new one replaces it)."""

    __tablename__ = "wechat_follower"
    __table_args__ = (UniqueConstraint("account", "openid"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=160)
    openid: str = Field(max_length=128)
    session_id: str = Field(max_length=64)
    seen_at: datetime


_TABLE: Table = WechatFollower.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_SESSION_OF = core_select(_TABLE.c.session_id).where(_TABLE.c.account == bindparam("b_account"),
                                                     _TABLE.c.openid == bindparam("b_openid"))


def session_of(engine: Engine, *, account: str, openid: str) -> str | None:
    """The follower's current chat session id, if it has one."""
    with engine.connect() as conn:
        return session_in(conn, account=account, openid=openid)


def session_in(conn: Connection, *, account: str, openid: str) -> str | None:
    """`session_of` on a connection the caller holds."""
    found: str | None = conn.execute(_SESSION_OF, {"b_account": account, "b_openid": openid}).scalar()
    return found


def remember(engine: Engine, *, account: str, openid: str, session_id: str, now: datetime) -> None:
    with WRITES, Session(engine) as db:
        row = db.exec(select(WechatFollower).where(WechatFollower.account == account,
                                                   WechatFollower.openid == openid)).first()
        if row is None:
            row = WechatFollower(account=account, openid=openid, session_id=session_id, seen_at=now)
        row.session_id, row.seen_at = session_id, now
        db.add(row)
        db.commit()


def forget(engine: Engine, *, account: str, openid: str) -> None:
    """Drop the follower's session (unsubscribed, bound or unbound: the next message starts afresh)."""
    with Session(engine) as db:
        db.exec(delete(WechatFollower).where(col(WechatFollower.account) == account,
                                             col(WechatFollower.openid) == openid))
        db.commit()


__all__ = ["WechatFollower", "forget", "remember", "session_in", "session_of"]
