"""Accounts, credentials and the audit trail (SQLModel tables and keyword-only functions).

Passwords are hashed with Argon2id (argon2-cffi). Access tokens are HS256 JWTs (PyJWT) that
carry the user name and expire; every request re-reads the user, so disabling an account takes
effect at once. API keys for machine clients are 32 random bytes shown once; only their SHA-256
is stored (a high-entropy key needs no slow hash). Failed logins are recorded and throttled per
(client address, user name) with back-off (assistant.access.throttle).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Index, UniqueConstraint, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.access import throttle
from assistant.access.roles import ACCOUNT_ROLES, ROLES, role_choices, role_code
from assistant.access.throttle import LoginFailure
from assistant.errors import Conflict, NotAuthenticated, Unprocessable
from scoring.errors import NotFound
from scoring.store.models import Enterprise
from scoring.uscc import validate_uscc

Role = Literal["admin", "official", "enterprise"]
MIN_PASSWORD = 10
MIN_SECRET = 32
_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("innopoints-no-such-user")

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
ALGORITHM = "HS256"
API_KEY_PREFIX = "ipk_"  # no JWT starts so (a JWT starts with "eyJ"): a bearer of this form is a key


def _now() -> datetime:
    return datetime.now(UTC)


class User(SQLModel, table=True):
    """A person or machine client with a role; enterprise users are bound to one USCC."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    password_hash: str
    role: str
    uscc: str | None = Field(default=None, max_length=18)
    display_name: str = ""
    disabled: bool = False
    created_at: datetime = Field(default_factory=_now)


# Names are unique in any letter case in the database too (migration 0002): the check in
# `check_new_user` names the clash; this index refuses the second of two creations at once.
Index("ux_user_username_lower", func.lower(User.username), unique=True)


class UserEnterprise(SQLModel, table=True):
    """A further enterprise an enterprise user is bound to (a group's subsidiaries).

    The first binding stays in `User.uscc` (what every single-enterprise account and `Principal.uscc`
    use); these rows add more, in the order they were bound.
    """

    __tablename__ = "user_enterprise"
    __table_args__ = (UniqueConstraint("user_id", "uscc"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    uscc: str = Field(max_length=18)


class ApiKey(SQLModel, table=True):
    """A key for a machine client, acting as its user."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    prefix: str = Field(index=True, max_length=16)
    key_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=_now)
    disabled: bool = False


class AuditEvent(SQLModel, table=True):
    """A read of non-public data, a login or a failed login: who, role, what, when, from where."""

    __table_args__ = (Index("ix_audit_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now)
    username: str = ""
    role: str = ""
    action: str
    target: str = ""
    path: str = ""
    client: str = ""
    detail: str = ""


def ensure_tables(engine: Engine) -> None:
    """Create the account tables next to the store's."""
    SQLModel.metadata.create_all(engine, tables=[t.__table__ for t in (User, UserEnterprise, ApiKey, AuditEvent, LoginFailure)])  # type: ignore[union-attr]  # SQLModel's types omit a table class's __table__


# ----------------------------------------------------------------------------- users
def add_user(
    *, session: Session, username: str, password: str, role: str, uscc: str | None = None, display_name: str = ""
) -> User:
    """Create a user, or refuse with one Chinese sentence naming the bad value (nothing written).

    The role may be a code or its Chinese name (`enterprise`, `企业`); an enterprise user is
    bound to a USCC of an enterprise in the store, others to none; user names are unique in any
    letter case (`Admin` beside `admin` would let one pass for the other).
    """
    code, uscc = check_new_user(session=session, username=username, role=role, uscc=uscc)
    if len(password or "") < MIN_PASSWORD:
        raise Unprocessable(f"密码太短：只有 {len(password or '')} 个字符，至少 {MIN_PASSWORD} 个")
    user = User(username=username, password_hash=_HASHER.hash(password), role=code, uscc=uscc, display_name=display_name)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        # The same name in some letter case was created since the check (the database's unique
        # index): refused as the check would have refused it.
        session.rollback()
        check_new_user(session=session, username=username, role=role, uscc=uscc)
        raise
    session.refresh(user)
    return user


def check_new_user(*, session: Session, username: str, role: str, uscc: str | None = None) -> tuple[str, str | None]:
    """Everything `add_user` checks but the password: the role code and the normalized USCC.

    The command line asks for the password only after these passed.
    """
    if not _USERNAME.match(username or ""):
        raise Unprocessable(f"用户名“{username}”不合要求：须为 3–64 个字母、数字或 _ . @ -")
    code = role_code(role)
    if code is None or code not in ACCOUNT_ROLES:
        hint = "公众不需要账号；" if code == "public" else ""
        raise Unprocessable(f"未知的角色“{role}”：{hint}可用的角色：{role_choices()}")
    if code == "enterprise":
        uscc = _enterprise_uscc(session, uscc)
    elif uscc:
        raise Unprocessable(f"只有企业用户可以绑定统一社会信用代码（角色为 {ROLES[code]}，代码为 {uscc}）")
    taken = session.exec(select(User).where(func.lower(User.username) == username.lower())).first()
    if taken is not None:
        same = "" if taken.username == username else f"（已有用户“{taken.username}”，用户名不区分大小写）"
        raise Conflict(f"用户名“{username}”已存在{same}")
    return code, uscc


def _enterprise_uscc(session: Session, uscc: str | None) -> str:
    """The normalized USCC an enterprise user is bound to: well-formed and in the store."""
    if not uscc:
        raise Unprocessable("企业用户必须绑定统一社会信用代码")
    try:
        code = validate_uscc(uscc)
    except ValueError as exc:
        raise Unprocessable(f"统一社会信用代码“{uscc}”无效：{exc}") from None
    if session.get(Enterprise, code) is None:
        raise Unprocessable(f"统一社会信用代码 {code} 不在库中：库里没有这家企业，不能绑定")
    return code


def bound_usccs(*, session: Session, user: User) -> tuple[str, ...]:
    """Every enterprise this user is bound to: `User.uscc` first, then the further ones in binding order."""
    if user.uscc is None:
        return ()
    more = session.exec(
        select(UserEnterprise.uscc).where(UserEnterprise.user_id == user.id).order_by(col(UserEnterprise.id))
    ).all()
    return ordered_usccs(user.uscc, more)


def ordered_usccs(first: str | None, more: Iterable[str | None]) -> tuple[str, ...]:
    """A user's enterprises from `User.uscc` and its further bindings in binding order (none without the first)."""
    if first is None:
        return ()
    return (first, *(u for u in more if u is not None and u != first))


def bind_enterprise(*, session: Session, username: str, uscc: str) -> User:
    """Bind an enterprise user to one more enterprise (a group's subsidiary); binding twice changes nothing."""
    user = find_user(session=session, username=username)
    if user.role != "enterprise":
        raise Unprocessable(f"只有企业用户可以绑定企业（用户“{user.username}”的角色为 {ROLES.get(user.role, user.role)}）")
    code = _enterprise_uscc(session, uscc)
    session.refresh(user, with_for_update=True)  # one change to a user's bindings at a time (PostgreSQL)
    if code not in bound_usccs(session=session, user=user):
        assert user.id is not None  # a stored user has its id
        session.add(UserEnterprise(user_id=user.id, uscc=code))
        session.commit()
    session.refresh(user)
    return user


def unbind_enterprise(*, session: Session, username: str, uscc: str) -> User:
    """Remove one binding; the user keeps at least one enterprise (the next one becomes the first)."""
    user = find_user(session=session, username=username)
    try:
        code = validate_uscc(uscc)
    except ValueError as exc:
        raise Unprocessable(f"统一社会信用代码“{uscc}”无效：{exc}") from None
    # Read and change the bindings under the user's row lock (PostgreSQL): two unbinds at once must
    # not both pass the "at least one enterprise" check on the same old list.
    session.refresh(user, with_for_update=True)
    bound = bound_usccs(session=session, user=user)
    if code not in bound:
        raise NotFound(f"用户 {user.username} 没有绑定 {code}")
    if len(bound) == 1:
        raise Conflict(f"不能解除用户“{user.username}”唯一的绑定企业：企业用户至少绑定一家企业（可停用该用户）")
    if code == user.uscc:
        # The next binding becomes the first: `User.uscc` always holds one of the user's enterprises.
        user.uscc = bound[1]
        session.add(user)
        code = bound[1]  # its extra row is now redundant
    session.exec(delete(UserEnterprise).where(col(UserEnterprise.user_id) == user.id, col(UserEnterprise.uscc) == code))
    session.commit()
    session.refresh(user)
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.id))).all())


def find_user(*, session: Session, username: str) -> User:
    """The user of this name in any letter case (names are unique so), or NotFound (404)."""
    user = session.exec(select(User).where(func.lower(User.username) == (username or "").lower())).first()
    if user is None:
        raise NotFound(f"没有用户 {username}")
    return user


def set_disabled(*, session: Session, username: str, disabled: bool = True, actor: str | None = None) -> User:
    """Disable or re-enable a user; an admin may not disable itself (`actor`), nor anyone the last active admin."""
    user = find_user(session=session, username=username)
    if disabled and actor is not None and actor.lower() == user.username.lower():
        raise Conflict(f"不能停用自己的账号“{user.username}”：请由另一位管理员操作")
    if disabled and user.role == "admin" and not user.disabled:
        # One statement checks and writes: two admins disabling each other at once cannot both
        # succeed and leave the zone without an admin. On SQLite the write lock makes that statement
        # atomic; PostgreSQL's READ COMMITTED gives each UPDATE the snapshot of its start, so the
        # active admins' rows are locked first (in id order, no deadlock): the second disable waits
        # for the first to commit, and its UPDATE then sees that commit.
        session.exec(
            select(User.id).where(User.role == "admin", col(User.disabled).is_(False))
            .order_by(col(User.id)).with_for_update()
        ).all()
        others = (
            select(func.count()).select_from(User)
            .where(User.role == "admin", col(User.disabled).is_(False), User.id != user.id)
            .scalar_subquery()
        )
        done = session.exec(update(User).where(col(User.id) == user.id, others > 0).values(disabled=True))
        session.commit()
        if done.rowcount == 0:
            raise Conflict(f"不能停用最后一位启用中的管理员“{user.username}”：请先新建或启用另一位管理员")
    else:
        user.disabled = disabled
        session.add(user)
        session.commit()
    session.refresh(user)
    return user


# ----------------------------------------------------------------------------- login
def authenticate(
    *, session: Session, username: str, password: str, client: str, audit: Callable[..., None] | None = None,
    now: datetime | None = None,
) -> User:
    """The user for these credentials; a failure is recorded (and audited) and says nothing more.

    `audit` (the service's `AuditWriter.add`) takes the login events instead of this session, so
    that a successful login writes nothing while a score run holds SQLite's write lock; a failed
    one still commits its `LoginFailure` at once (throttling in every worker counts it).
    """
    user = session.exec(select(User).where(User.username == username)).first()
    ok = False
    # Verify against a dummy hash for unknown users too: the answer's timing must not tell
    # whether a user name exists.
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        ok = _HASHER.verify(stored, password) and user is not None and not user.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:  # `ok` implies a user; said here for the type checker
        throttle.record_failure(session=session, username=username, client=client, now=now or _now())
        _login_event(session, audit, username=username[:64], role="", action="login_failed", client=client)
        session.commit()
        raise NotAuthenticated("用户名或密码错误，或账号已停用")
    _login_event(session, audit, username=user.username, role=user.role, action="login", client=client)
    session.commit()
    return user


def _login_event(
    session: Session, audit: Callable[..., None] | None, *, username: str, role: str, action: str, client: str,
) -> None:
    if audit is not None:
        audit(username=username, role=role, action=action, client=client)
    else:
        session.add(AuditEvent(username=username, role=role, action=action, client=client))


def _signing_key(secret: str) -> str:
    # A missing secret must fail loudly: an empty HMAC key would let anyone sign tokens.
    if len(secret) < MIN_SECRET:
        raise RuntimeError("the token-signing secret is not loaded")
    return secret


def issue_token(user: User, *, secret: str, minutes: int) -> str:
    """A signed access token for this user, valid for `minutes`."""
    secret = _signing_key(secret)
    now = _now()
    claims = {"sub": user.username, "role": user.role, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_from_token(*, session: Session, token: str, secret: str) -> User:
    """Verify signature and expiry, then re-read the user (disabled users are refused)."""
    try:
        claims = jwt.decode(token, _signing_key(secret), algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("登录已过期，请重新登录", headers={"WWW-Authenticate": "Bearer"}) from None
    except jwt.PyJWTError:
        raise NotAuthenticated("访问令牌无效", headers={"WWW-Authenticate": "Bearer"}) from None
    return _active_user(session, str(claims.get("sub", "")))


def token_seconds_left(token: str) -> float:
    """Seconds until an (already verified) token expires."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"]) - time.time()


def _active_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.disabled:
        raise NotAuthenticated("账号不存在或已停用", headers={"WWW-Authenticate": "Bearer"})
    return user


# ----------------------------------------------------------------------------- API keys
def create_api_key(*, session: Session, username: str) -> str:
    """A new key for a user; the clear key is returned once and never stored."""
    user = session.exec(select(User).where(func.lower(User.username) == (username or "").lower())).first()
    if user is None or user.disabled:
        raise NotFound(f"没有可用的用户 {username}")
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None  # a stored user has its id
    session.add(ApiKey(user_id=user.id, prefix=key[:12], key_hash=hashlib.sha256(key.encode()).hexdigest()))
    session.commit()
    return key


def list_api_keys(*, session: Session, username: str) -> list[ApiKey]:
    """A user's API keys, oldest first (their prefixes, never the keys)."""
    user = find_user(session=session, username=username)
    return list(session.exec(select(ApiKey).where(ApiKey.user_id == user.id).order_by(col(ApiKey.id))).all())


def revoke_api_key(*, session: Session, username: str, key_id: int) -> ApiKey:
    """Revoke one of a user's API keys at once (revoking a revoked key changes nothing)."""
    user = find_user(session=session, username=username)
    key = session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound(f"用户 {user.username} 没有编号为 {key_id} 的 API 密钥")
    if not key.disabled:
        key.disabled = True
        session.add(key)
        session.commit()
        session.refresh(key)
    return key


def public_api_key(key: ApiKey) -> dict[str, Any]:
    """What may be shown of a key: its number, its first characters, when made, whether revoked."""
    return {"id": key.id, "prefix": key.prefix, "created_at": key.created_at, "revoked": key.disabled}


def user_from_api_key(*, session: Session, key: str) -> User:
    digest = hashlib.sha256(key.encode()).hexdigest()
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.disabled == False)).first()  # noqa: E712
    if row is None:
        raise NotAuthenticated("API 密钥无效")
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        raise NotAuthenticated("API 密钥所属账号已停用")
    return user


# ----------------------------------------------------------------------------- audit
def record(*, session: Session, username: str, role: str, action: str, target: str = "", path: str = "", client: str = "", detail: str = "") -> None:
    """Append one audit event (its own commit: the trail survives a failing request)."""
    session.add(AuditEvent(username=username, role=role, action=action, target=target[:200], path=path[:300], client=client, detail=detail[:500]))
    session.commit()


def audit_events(*, session: Session, offset: int = 0, limit: int = 50, username: str | None = None, action: str | None = None) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if username:
        stmt, count = stmt.where(AuditEvent.username == username), count.where(AuditEvent.username == username)
    if action:
        stmt, count = stmt.where(AuditEvent.action == action), count.where(AuditEvent.action == action)
    rows = session.exec(stmt.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(session.exec(count).one())


def public_user(user: User, *, usccs: tuple[str, ...] | None = None) -> dict[str, Any]:
    """What an admin sees of a user; `usccs`: every bound enterprise (default: `User.uscc` alone)."""
    bound = list(usccs) if usccs is not None else ([user.uscc] if user.uscc else [])
    return {"username": user.username, "role": user.role, "uscc": user.uscc, "usccs": bound,
            "display_name": user.display_name, "disabled": user.disabled}
