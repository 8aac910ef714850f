"""Every error, ours or the framework's, becomes `{"error": {"code", "message", "details"}}` here.

The one mapping from errors to HTTP responses (starlette's `exception_handlers`): the service's
own errors (`assistant.errors`) carry their status; domain errors of the scoring core map too
(NotFound → 404, InvalidInput → 422, InvalidIndicatorSystem → 422, UnknownSource → 422
`unknown_source`, StoreError → 409); nothing becomes a bare 500.

A path with a trailing slash is not redirected (the framework's redirect would build its
`Location` from the request's Host header and send no body): it answers 404 here, and the message
names the address without the slash when that one exists.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.errors import ServiceError
from scoring.errors import InvalidIndicatorSystem, InvalidInput, NotFound, ScoringError, StoreError
from scoring.ingest.sources import UnknownSource

log = logging.getLogger("innopoints")


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _json(status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


_FIELD_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "文本过长",
    "string_too_short": "文本过短",
    "string_pattern_mismatch": "格式不对",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "不是合法的 JSON",
}


# What the database says when it is not at fault for the request: (words in its message, status,
# code, Chinese message). SQLite: its write lock held past the busy timeout (a long publish), a
# read-only file, a full disk. Both: a server that went away (PostgreSQL stopped or restarting:
# the pool drops its connections and reconnects by itself once the server is back).
_REFUSALS = (
    (("locked", "busy"), 503, "database_busy", "数据库正忙（可能正在发布评分），请稍后再试"),
    (("readonly", "read-only"), 503, "database_read_only", "数据库文件只读，无法写入：请检查数据文件及其所在目录的写权限"),
    (("disk is full", "no space left"), 507, "database_disk_full", "数据库所在磁盘已满，无法写入：请清理磁盘空间后重试（本次操作未做任何改动）"),
)
_UNREACHABLE = ("database_unavailable", "数据库暂时无法连接（可能正在重启），请稍后再试")


def database_refusal(exc: DBAPIError) -> tuple[int, str, str] | None:
    """(status, code, Chinese message) when the database refused for a reason of its own, else None."""
    text = str(exc.orig).lower()
    for words, status, code, message in _REFUSALS:
        if any(w in text for w in words):
            return status, code, message
    if exc.connection_invalidated or (isinstance(exc, OperationalError) and exc.orig is not None
                                      and type(exc.orig).__module__.startswith("psycopg")):
        return 503, *_UNREACHABLE
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Register the one mapping from errors to JSON responses."""

    @app.exception_handler(ServiceError)
    async def _service(_: Request, exc: ServiceError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _json(404, "not_found", str(exc))

    @app.exception_handler(InvalidInput)
    async def _invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        details = [{"row": p.row, "column": p.column, "value": str(p.value), "reason": p.reason} for p in exc.problems]
        return _json(422, "invalid_input", str(exc), details)

    @app.exception_handler(InvalidIndicatorSystem)
    async def _invalid_system(_: Request, exc: InvalidIndicatorSystem) -> JSONResponse:
        return _json(422, "invalid_indicator_system", str(exc), {"file": exc.file, "where": exc.where})

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        return _json(409, "conflict", str(exc))

    @app.exception_handler(UnknownSource)
    async def _unknown_source(_: Request, exc: UnknownSource) -> JSONResponse:
        return _json(422, "unknown_source", str(exc))

    @app.exception_handler(ScoringError)
    async def _scoring(_: Request, exc: ScoringError) -> JSONResponse:
        return _json(422, "scoring_error", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()))
            reason = _FIELD_MESSAGES.get(err.get("type", ""), "不符合要求")
            details.append({"where": where, "reason": reason, "input": repr(err.get("input"))[:200]})
        first = details[0] if details else {"where": "", "reason": "不符合要求"}
        return _json(422, "invalid_request", f"请求参数有误：{first['where']} {first['reason']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # A browser opening an address that is no page gets the portal's not-found page (API
        # clients, which never ask for text/html first, keep the JSON shape).
        html_not_found = getattr(request.app.state, "html_not_found", None)
        if exc.status_code == 404 and html_not_found is not None and _browser_page(request):
            return await html_not_found(request)
        # 400 from the framework: a body it could not parse at all (not UTF-8, not JSON).
        messages = {400: "请求体无法解析：须为 UTF-8 编码的 JSON", 404: "没有这个地址", 405: "不支持该请求方法",
                    401: "需要登录", 403: "无权访问"}
        message = messages.get(exc.status_code, str(exc.detail))
        if exc.status_code == 404:
            message += _without_slash_hint(request)
        return _json(exc.status_code, f"http_{exc.status_code}", message, None, getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        refusal = database_refusal(exc)
        if refusal is not None:
            status, code, message = refusal
            log.warning("database refused a request: %s", code, exc_info=exc)
            return _json(status, code, message, None, {"Retry-After": "5"} if status == 503 else None)
        log.exception("database error", exc_info=exc)
        return _json(500, "internal_error", "服务器内部错误，请稍后再试")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _json(500, "internal_error", "服务器内部错误，请稍后再试")


API_PREFIXES = ("/api/", "/v1/", "/wechat", "/docs", "/redoc", "/openapi.json", "/static/")


def _browser_page(request: Request) -> bool:
    """A browser's navigation to a page address (not the API's, not a static file)."""
    accept = request.headers.get("accept", "")
    return (request.method == "GET" and accept.startswith("text/html")
            and not request.url.path.startswith(API_PREFIXES))


def _without_slash_hint(request: Request) -> str:
    """'（请去掉末尾的“/”：/api/runs）' when the path without its trailing slash is a route."""
    path = request.url.path
    if len(path) < 2 or not path.endswith("/"):
        return ""
    bare = path.rstrip("/") or "/"
    scope = {**request.scope, "path": bare}
    if any(route.matches(scope)[0] != Match.NONE for route in request.app.router.routes):
        return f"（请去掉末尾的“/”：{bare}）"
    return ""
