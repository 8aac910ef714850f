"""Named FastAPI dependencies: route signatures read like prose."""

from __future__ import annotations

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
from assistant.queries.audit import Audit
from assistant.queries.run_cache import RunCache

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


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
    """The caller: from a bearer token, an API key, or nobody (public).

    A credential verified in the last `recheck_seconds` is answered from memory (no database, no
    worker thread); otherwise it is checked against the users table in a worker thread.
    """
    credential = token or api_key
    if not credential:
        return PUBLIC
    cached = _cached(request, token, api_key)
    if cached is not None:
        return cached
    principal, expires_in = await run_in_threadpool(
        _verify, request.app.state.engine, request.app.state.settings, token, api_key
    )
    request.app.state.principals.put(credential, principal, expires_in_s=expires_in)
    return principal


def _cached(request: Request, token: str | None, api_key: str | None) -> Principal | None:
    """The principal the request's credential proved recently, if kept; past half of
    `recheck_seconds`, one re-check starts in the background (`PrincipalCache.claim_recheck`)."""
    credential = token or api_key
    assert credential
    cache: PrincipalCache = request.app.state.principals
    principal = cache.get(credential)
    if principal is not None and cache.claim_recheck(credential):
        state = request.app.state
        threading.Thread(target=_recheck, args=(cache, state.engine, state.settings, credential, token, api_key),
                         name="principal-recheck", daemon=True).start()
    return principal


def _recheck(cache: PrincipalCache, engine: Engine, settings: Settings, credential: str, token: str | None,
             api_key: str | None) -> None:
    try:
        principal, expires_in = _verify(engine, settings, token, api_key)
    except Exception:  # noqa: BLE001 - refused (user disabled, key revoked) or the database busy
        cache.rechecked(credential, None)
        return
    cache.rechecked(credential, principal, expires_in_s=expires_in)


def _verify(engine: Engine, settings: Settings, token: str | None, api_key: str | None) -> tuple[Principal, float | None]:
    with Session(engine) as session:
        if token:
            user = accounts.user_from_token(session=session, token=token, secret=settings.secret_key)
            expires_in = accounts.token_seconds_left(token)
        else:
            assert api_key is not None
            user = accounts.user_from_api_key(session=session, key=api_key)
            expires_in = None
        return Principal(role=user.role, username=user.username, uscc=user.uscc), expires_in


async def known_principal(request: Request) -> Principal | None:
    """The caller if it sent a credential verified in the last `recheck_seconds`, read exactly as
    `get_principal` reads it; None otherwise (no credential, or one still to verify). No I/O."""
    token = await oauth2(request)
    api_key = await api_key_header(request)
    if not (token or api_key):
        return None
    return _cached(request, token, api_key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ClientDep = Annotated[str, Depends(client_address)]


async def get_runs(request: Request) -> RunCache:
    return request.app.state.runs


async def get_audit(request: Request, principal: PrincipalDep) -> Audit:
    """The queries' audit callback: records the caller with this request's path and client."""
    return request_audit(request, principal)


def request_audit(request: Request, principal: Principal) -> Audit:
    """An audit callback recording `principal`'s reads with this request's path and client."""

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
