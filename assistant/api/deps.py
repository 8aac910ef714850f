"""Named FastAPI dependencies: route signatures read like prose."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from assistant.access import accounts
from assistant.access.privacy import PUBLIC, Principal
from assistant.api.audit import audit_read
from assistant.api.forwarded import request_client
from assistant.api.principal_cache import PrincipalCache
from assistant.config import Settings
from assistant.errors import Forbidden
from assistant.queries.audit import Audit
from assistant.queries.run_cache import RunCache

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
# The portal's session (assistant.api.routes.portal): the same token in an httpOnly cookie, and a
# CSRF token the pages' script reads from a second cookie and echoes in a header (double submit).
SESSION_COOKIE = "innopoints_session"
CSRF_COOKIE = "innopoints_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_settings(request: Request) -> Settings:
    # async: a plain function would cost a worker-thread round trip on every request.
    return request.app.state.settings


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


async def client_address(request: Request) -> str:
    """The caller's address: forwarded headers count only from `trusted_proxies` (assistant.api.forwarded)."""
    return request_client(request)


async def get_principal(
    request: Request,
    token: Annotated[str | None, Depends(oauth2)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    """The caller: from a bearer token, an API key (`X-API-Key`, or `ipk_…` as the bearer), the
    portal's session cookie, or nobody (public).

    A cookie alone authenticates a request that changes something (POST, PUT, PATCH, DELETE) only
    with the CSRF token in `X-CSRF-Token` (`check_csrf`): another site can make a browser send the
    cookie, not read it. Bearer and API-key clients send no cookie and need no CSRF token.

    A credential verified in the last `recheck_seconds` is answered from memory (no database, no
    worker thread; from half of that time on, re-checked once in the background); otherwise it is
    checked against the users table in a worker thread.
    """
    credential = token or api_key
    if not credential:
        credential = token = request.cookies.get(SESSION_COOKIE)
        if not credential:
            return PUBLIC
        if request.method not in SAFE_METHODS:
            check_csrf(request, credential, request.app.state.settings.secret_key)
    cache: PrincipalCache = request.app.state.principals
    cached = cache.get(credential)
    if cached is not None:
        if cache.claim_recheck(credential):  # past half of recheck_seconds: one re-check, in the background
            state = request.app.state
            threading.Thread(target=_recheck, args=(cache, state.engine, state.settings, credential, token, api_key),
                             name="principal-recheck", daemon=True).start()
        return cached
    principal, expires_in = await run_in_threadpool(
        _verify, request.app.state.engine, request.app.state.settings, token, api_key
    )
    cache.put(credential, principal, expires_in_s=expires_in)
    return principal


def csrf_token(session_token: str, secret: str) -> str:
    """The CSRF token of a session: derived from its token, so a cookie planted by someone else fails."""
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()[:32]


def check_csrf(request: Request, session_token: str, secret: str) -> None:
    """403 unless `X-CSRF-Token` equals both the CSRF cookie and the session's own CSRF token."""
    sent = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    expected = csrf_token(session_token, secret)
    if not (sent and hmac.compare_digest(sent, cookie) and hmac.compare_digest(sent, expected)):
        raise Forbidden("缺少或不正确的 CSRF 令牌（X-CSRF-Token 请求头）：请刷新页面后重试")


def _recheck(cache: PrincipalCache, engine: Engine, settings: Settings, credential: str, token: str | None,
             api_key: str | None) -> None:
    """A kept credential verified again (`PrincipalCache.claim_recheck`): kept on, or dropped."""
    try:
        principal, expires_in = _verify(engine, settings, token, api_key)
    except Exception:  # noqa: BLE001 - refused (user disabled, key revoked) or the database busy
        cache.rechecked(credential, None)
        return
    cache.rechecked(credential, principal, expires_in_s=expires_in)


def _verify(engine: Engine, settings: Settings, token: str | None, api_key: str | None) -> tuple[Principal, float | None]:
    with Session(engine) as session:
        if token and not token.startswith(accounts.API_KEY_PREFIX):
            user = accounts.user_from_token(session=session, token=token, secret=settings.secret_key)
            expires_in = accounts.token_seconds_left(token)
        else:
            # An API key in `X-API-Key`, or as the bearer token: OpenAI-compatible clients can send
            # a key only as `Authorization: Bearer …` (assistant.api.routes.openai_compat).
            key = api_key if api_key else token
            assert key is not None
            user = accounts.user_from_api_key(session=session, key=key)
            expires_in = None
        usccs = accounts.bound_usccs(session=session, user=user) if user.role == "enterprise" else ()
        return Principal(role=user.role, username=user.username, uscc=user.uscc, usccs=usccs), expires_in


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ClientDep = Annotated[str, Depends(client_address)]


async def get_runs(request: Request) -> RunCache:
    return request.app.state.runs


async def get_audit(request: Request, principal: PrincipalDep) -> Audit:
    """The queries' audit callback: records the caller with this request's path and client."""

    def audit(*, action: str, target: str) -> None:
        audit_read(request, principal, action=action, target=target)

    return audit


RunsDep = Annotated[RunCache, Depends(get_runs)]
AuditDep = Annotated[Audit, Depends(get_audit)]


async def get_search_index(request: Request) -> Any:
    return request.app.state.search


if TYPE_CHECKING:
    from assistant.queries.search_index import SearchIndex

    SearchIndexDep = Annotated[SearchIndex, Depends(get_search_index)]
else:  # the search stack (jieba, pypinyin, faiss) is imported by the lifespan, not with the app
    SearchIndexDep = Annotated[Any, Depends(get_search_index)]
