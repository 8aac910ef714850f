"""WeChat retries a message it got no answer to (3 times, 5 s apart): each is processed once.

The first delivery claims the message's key (MsgId, or sender + CreateTime for events) with an
INSERT into the store, so the claim holds across workers; a retry finds the row and gets the
reply the first one gave (if it was answered passively) or nothing ("success": the answer is
being, or was, pushed through the customer-service API). Rows older than `KEEP` are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from assistant.chat.sessions import WRITES

KEEP = timedelta(hours=1)  # WeChat's retries come within 15 s
PURGE_EVERY = timedelta(minutes=1)


class WechatDelivery(SQLModel, table=True):
    """One message seen: its key, when, and the passive reply it got (None: none yet, or pushed)."""

    __tablename__ = "wechat_delivery"
    __table_args__ = (Index("ix_wechat_delivery_at", "at"),)
    key: str = Field(primary_key=True, max_length=400)
    at: datetime
    reply: str | None = None


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
    full = f"{account}|{key}"[:400]
    with WRITES, Session(engine) as db:  # queued with the chat's writes, not in SQLite's growing busy sleeps
        if _purge_due(now):
            db.exec(delete(WechatDelivery).where(col(WechatDelivery.at) < now - KEEP))
        db.add(WechatDelivery(key=full, at=now))
        try:
            db.commit()
            return Claim(first=True)
        except IntegrityError:
            db.rollback()
        row = db.get(WechatDelivery, full)
        return Claim(first=False, reply=row.reply if row is not None else None)


def answered(engine: Engine, *, account: str, key: str, reply: str) -> None:
    """Keep the passive reply, for a retry of the same message."""
    with WRITES, Session(engine) as db:
        db.exec(update(WechatDelivery).where(col(WechatDelivery.key) == f"{account}|{key}"[:400]).values(reply=reply))
        db.commit()


__all__ = ["Claim", "WechatDelivery", "answered", "claim"]
