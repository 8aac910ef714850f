"""Login throttling per (client address, user name) with exponential back-off, and a ceiling per address.

Why per pair: counted per user name alone, five wrong passwords from anywhere lock the real user
out; counted per address alone, they lock every user behind one office NAT or proxy. So:

- a pair (address, name) has `free` failures; after that each attempt must wait
  `base_s · 2^k` seconds after the pair's latest failure (k: failures beyond `free`), at most
  `max_wait_s`. A success forgives the pair. The same name from another address is untouched.
  A pair's failures are remembered for a day (`PAIR_MEMORY`), so waiting does not reset the back-off.
- one address may fail `address_failures` times within `window_s`, over all names together
  (against password spraying: one password tried on many names); far above what an office reaches.

Names are compared in lower case (user names are unique in any letter case). The clock is an
argument (`now`): the service passes its own, tests a fake one.

    >>> LoginPolicy().wait_s(7)   # the 7th failure of a pair: 2^(7-5) seconds
    4.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Index, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.errors import TooManyAttempts

PAIR_MEMORY = timedelta(days=1)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LoginFailure(SQLModel, table=True):
    """A failed login, kept for throttling (the audit trail keeps its own record)."""

    __table_args__ = (Index("ix_loginfailure_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True)
    client: str = Field(index=True)
    at: datetime = Field(default_factory=_utcnow)


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are free, how the wait grows, and the ceiling per address."""

    free: int = 5
    base_s: float = 1.0
    max_wait_s: float = 15 * 60
    address_failures: int = 100
    window_s: float = 15 * 60

    def wait_s(self, failures: int) -> float:
        """Seconds a pair with this many failures waits after its latest one."""
        if failures < self.free:
            return 0.0
        # min() before the power: 2^k of a large k would overflow a float.
        return min(self.base_s * 2.0 ** min(failures - self.free, 64), self.max_wait_s)


def check(*, session: Session, username: str, client: str, policy: LoginPolicy, now: datetime) -> int:
    """Refuse (429 with Retry-After) an attempt that must wait; else the pair's failures so far."""
    name = username.lower()[:64]
    count, latest = session.exec(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == name, LoginFailure.client == client, LoginFailure.at >= now - PAIR_MEMORY,
        )
    ).one()
    if count and latest is not None:
        until = _aware(latest) + timedelta(seconds=policy.wait_s(count))
        if now < until:
            raise _refusal("登录失败次数过多", until - now)
    since = now - timedelta(seconds=policy.window_s)
    recent = select(LoginFailure.at).where(LoginFailure.client == client, LoginFailure.at > since)
    spent = session.exec(select(func.count()).select_from(recent.subquery())).one()
    if spent >= policy.address_failures:
        # The address may try again once enough of its failures have left the window.
        oldest = session.exec(recent.order_by(col(LoginFailure.at)).offset(spent - policy.address_failures)).first()
        free_at = _aware(oldest or now) + timedelta(seconds=policy.window_s)
        raise _refusal("此地址登录失败次数过多", max(free_at - now, timedelta(seconds=1)))
    return int(count)


def record_failure(*, session: Session, username: str, client: str, now: datetime) -> None:
    """Count a failed attempt (the caller commits) and drop failures too old to matter."""
    session.add(LoginFailure(username=username.lower()[:64], client=client, at=now))
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - PAIR_MEMORY))


def forgive(*, session: Session, username: str, client: str) -> None:
    """A successful login clears its pair's failures (those of the address's other names stay)."""
    name = username.lower()[:64]
    session.exec(delete(LoginFailure).where(col(LoginFailure.username) == name, col(LoginFailure.client) == client))
    session.commit()


def _aware(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time stored here is UTC.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _refusal(reason: str, wait: timedelta) -> TooManyAttempts:
    seconds = max(1, math.ceil(wait.total_seconds()))
    when = f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"
    return TooManyAttempts(f"{reason}，请 {when}后再试", headers={"Retry-After": str(seconds)})
