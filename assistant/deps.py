"""Named FastAPI dependencies: route signatures read like prose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant import accounts
from assistant.config import Settings
from assistant.privacy import PUBLIC, Principal

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Principal:
    """The caller: from a bearer token, an API key, or nobody (public)."""
    if token:
        user = accounts.user_from_token(session=session, token=token, secret=settings.secret_key)
    elif api_key:
        user = accounts.user_from_api_key(session=session, key=api_key)
    else:
        return PUBLIC
    return Principal(role=user.role, username=user.username, uscc=user.uscc)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ClientDep = Annotated[str, Depends(client_address)]
