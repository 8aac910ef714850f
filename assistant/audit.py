"""Recording reads of non-public data: one call per route that returns such data."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from assistant import accounts
from assistant.privacy import Principal


def audit_read(session: Session, principal: Principal, request: Request, *, action: str, target: str = "") -> None:
    """Record who read what, when and from where (public callers never reach non-public data)."""
    accounts.record(
        session=session,
        username=principal.username,
        role=principal.role,
        action=action,
        target=target,
        path=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        client=request.client.host if request.client else "",
    )
