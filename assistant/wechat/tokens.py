"""The access token of the customer-service API: fetched once, cached in the store, shared by
every worker, refreshed `MARGIN` before it expires.

WeChat invalidates the previous token when a new one is fetched, so two workers must not both
fetch: the one that wins a lease (a conditional UPDATE) fetches; the others keep using the
current token while it is valid, or wait for the new one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

log = logging.getLogger("innopoints.wechat")
MARGIN = timedelta(minutes=5)
LEASE = timedelta(seconds=15)
WAIT_STEP_S = 0.2


class WechatAccessToken(SQLModel, table=True):
    """The current access token of one account, and who is fetching the next one."""

    __tablename__ = "wechat_access_token"
    account: str = Field(primary_key=True, max_length=160)
    token: str = Field(default="", max_length=1024)
    expires_at: datetime | None = None
    lease_until: datetime | None = None


class TokenUnavailable(RuntimeError):
    """No valid access token could be had (the fetch failed, or another worker's did)."""


Fetch = Callable[[], tuple[str, int]]  # → (access_token, expires_in seconds)


class AccessTokens:
    """`get()` the token in force for `account`; `invalidate(token)` after WeChat refused it."""

    def __init__(self, engine: Engine, *, account: str, fetch: Fetch, clock: Callable[[], datetime]) -> None:
        self.engine, self.account, self.fetch, self.clock = engine, account, fetch, clock
        with Session(engine) as db:
            if db.get(WechatAccessToken, account) is None:
                db.add(WechatAccessToken(account=account))
                try:
                    db.commit()
                except IntegrityError:  # another worker made the row first
                    db.rollback()

    def _row(self) -> WechatAccessToken:
        with Session(self.engine) as db:
            row = db.get(WechatAccessToken, self.account)
            assert row is not None  # made in __init__
            return row

    def get(self) -> str:
        now = self.clock()
        row = self._row()
        if row.token and row.expires_at is not None and _utc(row.expires_at) - MARGIN > now:
            return row.token
        if self._lease(now):
            try:
                token, expires_in = self.fetch()
            except Exception:
                self._store(token="", expires_at=None)
                raise
            self._store(token=token, expires_at=now + timedelta(seconds=int(expires_in)))
            return token
        if row.token and row.expires_at is not None and _utc(row.expires_at) > now:
            return row.token  # still valid; another worker is fetching its successor
        for _ in range(int(LEASE.total_seconds() / WAIT_STEP_S)):
            time.sleep(WAIT_STEP_S)
            row = self._row()
            if row.token and row.expires_at is not None and _utc(row.expires_at) > self.clock():
                return row.token
        raise TokenUnavailable("another worker's access-token fetch did not finish")

    def invalidate(self, token: str) -> None:
        """WeChat said this token is invalid or expired: the next `get` fetches anew."""
        with Session(self.engine) as db:
            db.exec(update(WechatAccessToken).where(col(WechatAccessToken.account) == self.account,
                                                    col(WechatAccessToken.token) == token).values(expires_at=None))
            db.commit()

    def _lease(self, now: datetime) -> bool:
        with Session(self.engine) as db:
            won = db.exec(update(WechatAccessToken).where(
                col(WechatAccessToken.account) == self.account,
                or_(col(WechatAccessToken.lease_until).is_(None), col(WechatAccessToken.lease_until) < now),
            ).values(lease_until=now + LEASE))
            db.commit()
            return bool(won.rowcount)

    def _store(self, *, token: str, expires_at: datetime | None) -> None:
        with Session(self.engine) as db:
            db.exec(update(WechatAccessToken).where(col(WechatAccessToken.account) == self.account).values(
                token=token, expires_at=expires_at, lease_until=None))
            db.commit()


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


__all__ = ["AccessTokens", "TokenUnavailable", "WechatAccessToken"]
