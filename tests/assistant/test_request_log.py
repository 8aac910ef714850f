"""Structured logs: every request gets an id (the caller's X-Request-ID when sane), echoed back and
carried by its JSON log line."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import httpx
import pytest

from assistant.api.request_log import JsonFormatter


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("innopoints.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(level)


def _records(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_request_id_is_echoed_and_logged_as_json(live_server: str, lines: io.StringIO) -> None:
    with httpx.Client(base_url=live_server) as client:
        given = client.get("/api/health", headers={"X-Request-ID": "nginx-7f3a:01"})
        made = client.get("/api/systems")
        hostile = client.get("/api/health", headers={"X-Request-ID": 'x" injected\tline'})
    assert given.headers["X-Request-ID"] == "nginx-7f3a:01"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Request-ID"])  # not echoed into the logs
    records = {r["request_id"]: r for r in _records(lines)}
    first = records["nginx-7f3a:01"]
    assert first["message"] == "request" and first["method"] == "GET" and first["path"] == "/api/health"
    assert first["status"] == 200 and first["level"] == "info" and first["logger"] == "innopoints.request"
    assert isinstance(first["duration_ms"], float) and first["client"] == "127.0.0.1"
    assert records[made.headers["X-Request-ID"]]["path"] == "/api/systems"


def test_an_error_answer_carries_its_id_too(live_server: str, lines: io.StringIO) -> None:
    with httpx.Client(base_url=live_server) as client:
        missing = client.get("/api/nowhere", headers={"X-Request-ID": "abc-404"})
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == "abc-404"
    assert [r["status"] for r in _records(lines) if r["request_id"] == "abc-404"] == [404]
