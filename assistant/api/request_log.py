"""Structured logs: one JSON object per line, each carrying the request id of the request it is about.

`RequestLog` (pure ASGI middleware) takes the request id from `X-Request-ID` when the caller (nginx:
`proxy_set_header X-Request-ID $request_id;`) sent a sane one, else makes one; it echoes it in the
response, keeps it in a context variable for every log record written while the request is
served (`JsonFormatter` adds it), and logs one `request` line with method, path, status and time.
`configure_logging()` installs the JSON formatter on the root logger; `innopoints serve` and the
uvicorn factory call it, tests leave logging alone.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER", "JsonFormatter", "RequestLog", "configure_logging", "request_id"]

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")  # no spaces, quotes or newlines: it goes into logs
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access = logging.getLogger("innopoints.request")
_FIELDS = ("method", "path", "status", "duration_ms", "client")


class RequestLog:
    """Give every HTTP request an id (echoed as X-Request-ID) and log it as one JSON line when done."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(HEADER.lower().encode(), b"").decode("latin-1")
        rid = given if _SANE.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        start, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER.lower().encode(), rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access.info("request", extra={
                "method": scope.get("method"), "path": scope.get("path"), "status": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1), "client": client[0] if client else None,
            })
            request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "request_id", …}`: one line per record, UTF-8 text kept."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        out.update({k: getattr(record, k) for k in _FIELDS if hasattr(record, k)})
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the service and uvicorn (its own access log is left off: ours has the id)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in ("innopoints", "uvicorn.error"):
        logging.getLogger(name).setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
