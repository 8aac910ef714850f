"""Each follower's chat session (one per openid and account), kept in the store across workers."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, UniqueConstraint, bindparam, delete
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.expression import Executable
from sqlmodel import Field, Session, SQLModel, col

from scoring.store.hot_writes import WRITES, hot_connection


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
    """Keep the follower's chat session, on the hot writers' lane (`hot_writes`). One statement
    inserts or updates: a follower's first two messages answered at once by two workers both
    found no row, and the second insert failed on the unique key, losing its answer."""
    row = {"account": account, "openid": openid, "session_id": session_id, "seen_at": now}
    with WRITES:
        hot_connection(engine).run(lambda conn: conn.execute(_upsert(conn.dialect.name), row))


@cache
def _upsert(dialect: str) -> Executable:
    """INSERT … ON CONFLICT (account, openid) DO UPDATE, in the dialect's words (SQLite, PostgreSQL)."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    insert = module.insert(_TABLE)
    return insert.on_conflict_do_update(
        index_elements=[_TABLE.c.account, _TABLE.c.openid],
        set_={"session_id": insert.excluded.session_id, "seen_at": insert.excluded.seen_at},
    )


def forget(engine: Engine, *, account: str, openid: str) -> None:
    """Drop the follower's session (unsubscribed, bound or unbound: the next message starts afresh)."""
    with Session(engine) as db:
        db.exec(delete(WechatFollower).where(col(WechatFollower.account) == account,
                                             col(WechatFollower.openid) == openid))
        db.commit()


__all__ = ["WechatFollower", "forget", "remember", "session_in", "session_of"]
