"""WeChat retries a message it got no answer to (3 times, 5 s apart): each is processed once.

The first delivery claims the message's key (MsgId, or sender + CreateTime for events) with an
INSERT into the store, so the claim holds across workers; a retry finds the row and gets the
reply the first one gave (if it was answered passively) or nothing ("success": the answer is
being, or was, pushed through the customer-service API). Rows older than `KEEP` are deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, Table, bindparam, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from scoring.store.hot_writes import WRITES, hot_connection

KEEP = timedelta(hours=1)  # WeChat's retries come within 15 s
PURGE_EVERY = timedelta(minutes=1)


class WechatDelivery(SQLModel, table=True):
    """One message seen: its key, when, and the passive reply it got (None: none yet, or pushed)."""

    __tablename__ = "wechat_delivery"
    __table_args__ = (Index("ix_wechat_delivery_at", "at"),)
    key: str = Field(primary_key=True, max_length=400)
    at: datetime
    reply: str | None = None


# Built once (Core statements on a plain connection: a message's claim is on its hot path).
_TABLE: Table = WechatDelivery.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_CLAIM = insert(_TABLE)
_REPLY_OF = select(_TABLE.c.reply).where(_TABLE.c.key == bindparam("b_key"))
_ANSWERED = update(_TABLE).where(_TABLE.c.key == bindparam("b_key")).values(reply=bindparam("b_reply"))
_PURGE = delete(_TABLE).where(_TABLE.c.at < bindparam("b_before"))

_last_purge: list[datetime] = []  # per process: old rows go once a minute, not on every message


def _purge_due(now: datetime) -> bool:
    if _last_purge and now - _last_purge[0] < PURGE_EVERY and now >= _last_purge[0]:
        return False
    _last_purge[:] = [now]
    return True


@dataclass(frozen=True)
class Claim:
    first: bool
    reply: str | None = None


def claim(engine: Engine, *, account: str, key: str, now: datetime) -> Claim:
    """First delivery of this message (process it), or a retry (with the reply given, if any)."""
    full = _full_key(account, key)
    with WRITES:  # queued with the chat's writes (`hot_writes`), on a connection kept for them
        hot = hot_connection(engine)
        if _purge_due(now):
            hot.run(lambda conn: conn.execute(_PURGE, {"b_before": now - KEEP}))
        try:
            hot.run(lambda conn: conn.execute(_CLAIM, {"key": full, "at": now, "reply": None}))
            return Claim(first=True)
        except IntegrityError:
            pass
    with engine.connect() as conn:
        reply = conn.execute(_REPLY_OF, {"b_key": full}).scalar()
    return Claim(first=False, reply=reply)


def answered(engine: Engine, *, account: str, replies: Mapping[str, str]) -> None:
    """Keep the passive replies given (message key → reply), for retries of the same messages."""
    if not replies:
        return
    rows = [{"b_key": _full_key(account, k), "b_reply": r} for k, r in replies.items()]
    with WRITES:
        hot_connection(engine).run(lambda conn: conn.execute(_ANSWERED, rows))


def _full_key(account: str, key: str) -> str:
    return f"{account}|{key}"[:400]


__all__ = ["Claim", "WechatDelivery", "answered", "claim"]
