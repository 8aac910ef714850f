"""The HTTP form of the audit trail: a read recorded with the request's path and client."""

from __future__ import annotations

from fastapi import Request

from assistant.access.audit import AuditWriter, record_read
from assistant.access.privacy import Principal
from assistant.api.forwarded import request_client


def audit_read(request: Request, principal: Principal, *, action: str, target: str = "") -> None:
    """Record a read of non-public data made through this request (path with query, client address)."""
    writer: AuditWriter = request.app.state.audit
    query = f"?{request.url.query}" if request.url.query else ""
    record_read(
        writer, principal, action=action, target=target, path=str(request.url.path) + query,
        client=request_client(request),
    )
