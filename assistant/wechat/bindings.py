"""Bindings, the only source of identity in WeChat: a follower's openid (per account) → a user.

- A logged-in enterprise or official user asks for a one-time code (`issue_code`): 6 digits,
  valid `CODE_TTL` (10 minutes), single use; a new code replaces the user's unused one; at most
  `CODES_PER_WINDOW` codes per user per `CODE_TTL`.
- The follower sends "绑定 123456": `redeem` binds its openid to the code's user (one statement
  marks the code used, so two workers cannot both use it). Expired, used and unknown codes are
  refused with the same words; after `ATTEMPTS_PER_WINDOW` wrong codes an openid waits (6 digits
  are guessable otherwise).
- "解绑" (`unbind`) or an admin (`revoke`) ends a binding. A disabled user's binding grants nothing.
- Unbound followers are the public. Nothing typed — a USCC, a name, "我是管委会的" — changes this.

Times are UTC from the caller's clock (`now`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Index, Table, UniqueConstraint, bindparam, delete, func, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.access import accounts
from assistant.access.privacy import PUBLIC, Principal
from assistant.errors import Forbidden, TooManyAttempts
from scoring.errors import NotFound

CODE_TTL = timedelta(minutes=10)
CODES_PER_WINDOW = 5
ATTEMPTS_PER_WINDOW = 5
BINDABLE_ROLES = ("enterprise", "official")


class WechatBindingCode(SQLModel, table=True):
    """A one-time code a user asked for, to bind a WeChat follower to the account."""

    __tablename__ = "wechat_binding_code"
    __table_args__ = (Index("ix_wechat_binding_code_code", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class WechatBinding(SQLModel, table=True):
    """A follower (openid of one account) bound to a user."""

    __tablename__ = "wechat_binding"
    __table_args__ = (UniqueConstraint("account", "openid"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=160)  # "mp:<appid>" or "work:<corpid>"
    openid: str = Field(max_length=128)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime


class WechatBindAttempt(SQLModel, table=True):
    """A wrong code a follower sent (the throttle's count)."""

    __tablename__ = "wechat_bind_attempt"
    __table_args__ = (Index("ix_wechat_bind_attempt_who", "account", "openid", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=160)
    openid: str = Field(max_length=128)
    at: datetime


TABLES = (WechatBindingCode, WechatBinding, WechatBindAttempt)


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


_USER: Table = accounts.User.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_MORE: Table = accounts.UserEnterprise.__table__  # type: ignore[attr-defined]
_BOUND: Table = WechatBinding.__table__  # type: ignore[attr-defined]
# The follower's user and its further enterprises (one row each, in binding order; one row with
# `more` None for none), built once.
_PRINCIPAL = (
    core_select(_USER.c.username, _USER.c.role, _USER.c.uscc, _USER.c.disabled, _MORE.c.uscc.label("more"))
    .select_from(_BOUND.join(_USER, _USER.c.id == _BOUND.c.user_id).outerjoin(_MORE, _MORE.c.user_id == _USER.c.id))
    .where(_BOUND.c.account == bindparam("b_account"), _BOUND.c.openid == bindparam("b_openid"))
    .order_by(_MORE.c.id)
)


def issue_code(*, session: Session, username: str, now: datetime) -> IssuedCode:
    """A new 6-digit code for this enterprise or official user (its unused older code is void)."""
    user = accounts.find_user(session=session, username=username)
    if user.disabled or user.role not in BINDABLE_ROLES:
        raise Forbidden("只有企业用户和园区工作人员可以绑定微信")
    recent = session.exec(select(func.count()).select_from(WechatBindingCode).where(
        WechatBindingCode.user_id == user.id, col(WechatBindingCode.created_at) > now - CODE_TTL)).one()
    if recent >= CODES_PER_WINDOW:
        raise TooManyAttempts("获取绑定码太频繁，请 10 分钟后再试", headers={"Retry-After": str(int(CODE_TTL.total_seconds()))})
    session.exec(update(WechatBindingCode).where(
        col(WechatBindingCode.user_id) == user.id, col(WechatBindingCode.used_at).is_(None)).values(used_at=now))
    active = set(session.exec(select(WechatBindingCode.code).where(
        col(WechatBindingCode.used_at).is_(None), col(WechatBindingCode.expires_at) > now)).all())
    code = _draw(active)
    assert user.id is not None
    row = WechatBindingCode(code=code, user_id=user.id, created_at=now, expires_at=now + CODE_TTL)
    session.add(row)
    session.commit()
    return IssuedCode(code=code, expires_at=row.expires_at)


def _draw(taken: set[str]) -> str:
    while True:  # a million codes, a handful active: one draw almost always
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            return code


def redeem(*, session: Session, account: str, openid: str, code: str, now: datetime) -> accounts.User:
    """Bind this follower to the code's user; Forbidden (same words whatever was wrong) or TooManyAttempts."""
    failures = session.exec(select(func.count()).select_from(WechatBindAttempt).where(
        WechatBindAttempt.account == account, WechatBindAttempt.openid == openid,
        col(WechatBindAttempt.at) > now - CODE_TTL)).one()
    if failures >= ATTEMPTS_PER_WINDOW:
        raise TooManyAttempts("绑定码错误次数过多，请 10 分钟后再试")
    row = session.exec(select(WechatBindingCode).where(
        WechatBindingCode.code == code, col(WechatBindingCode.used_at).is_(None),
        col(WechatBindingCode.expires_at) > now)).first()
    user = session.get(accounts.User, row.user_id) if row is not None else None
    claimed = row is not None and session.exec(update(WechatBindingCode).where(
        col(WechatBindingCode.id) == row.id, col(WechatBindingCode.used_at).is_(None)).values(used_at=now)).rowcount == 1
    if not claimed or user is None or user.disabled or user.role not in BINDABLE_ROLES:
        session.rollback()
        session.add(WechatBindAttempt(account=account, openid=openid, at=now))
        session.exec(delete(WechatBindAttempt).where(col(WechatBindAttempt.at) < now - CODE_TTL))
        session.commit()
        raise Forbidden("绑定码无效、已使用或已过期，请在系统中重新获取")
    assert user.id is not None
    session.exec(delete(WechatBinding).where(col(WechatBinding.account) == account, col(WechatBinding.openid) == openid))
    session.add(WechatBinding(account=account, openid=openid, user_id=user.id, created_at=now))
    session.commit()
    return user


def unbind(*, session: Session, account: str, openid: str) -> bool:
    """End this follower's binding; False if it had none."""
    gone = session.exec(delete(WechatBinding).where(col(WechatBinding.account) == account,
                                                    col(WechatBinding.openid) == openid))
    session.commit()
    return bool(gone.rowcount)


def principal_for(engine: Engine, *, account: str, openid: str) -> Principal:
    """Who this follower is: the bound user (if still active), else the public."""
    with engine.connect() as conn:
        return principal_in(conn, account=account, openid=openid)


def principal_in(conn: Connection, *, account: str, openid: str) -> Principal:
    """`principal_for` on a connection the caller holds (one connection for a message's reads):
    one Core statement, the bound user with its further enterprises (a message's hot path)."""
    rows = conn.execute(_PRINCIPAL, {"b_account": account, "b_openid": openid}).all()
    if not rows:
        return PUBLIC
    user = rows[0]
    if user.disabled or user.role not in BINDABLE_ROLES:
        return PUBLIC
    usccs = accounts.ordered_usccs(user.uscc, (r.more for r in rows)) if user.role == "enterprise" else ()
    return Principal(role=user.role, username=user.username, uscc=user.uscc, usccs=usccs)


def list_bindings(*, session: Session) -> list[dict[str, Any]]:
    """Every binding, oldest first: number, account, openid, user, role, since when."""
    rows = session.exec(select(WechatBinding, accounts.User).join(
        accounts.User, col(accounts.User.id) == col(WechatBinding.user_id)).order_by(col(WechatBinding.id))).all()
    return [{"id": b.id, "account": b.account, "openid": b.openid, "username": u.username, "role": u.role,
             "disabled": u.disabled, "created_at": _utc(b.created_at)} for b, u in rows]


def revoke(*, session: Session, binding_id: int) -> dict[str, Any]:
    """Delete one binding (an admin's act); NotFound if there is none of that number."""
    found = [b for b in list_bindings(session=session) if b["id"] == binding_id]
    if not found:
        raise NotFound(f"没有编号为 {binding_id} 的微信绑定")
    session.exec(delete(WechatBinding).where(col(WechatBinding.id) == binding_id))
    session.commit()
    return found[0]


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


__all__ = ["CODE_TTL", "TABLES", "IssuedCode", "WechatBinding", "WechatBindingCode", "issue_code", "list_bindings",
           "principal_for", "principal_in", "redeem", "revoke", "unbind"]
