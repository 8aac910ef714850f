"""The FastAPI application: `create_app(settings)`; nothing heavy happens at import time.

    >>> from assistant.config import Settings
    >>> app = create_app(Settings())          # served by `innopoints serve`
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import heap
from assistant.access import accounts
from assistant.access.audit import AuditWriter
from assistant.access.secret import load_or_create
from assistant.api.docs import app_options, install_docs
from assistant.api.errors import error_body, install_error_handlers
from assistant.api.forwarded import TrustedProxies
from assistant.api.principal_cache import PrincipalCache
from assistant.api.request_log import RequestLog, configure_logging
from assistant.api.routes import ROUTERS, imports, portal, wechat
from assistant.chat import sessions as chat_sessions  # its tables join the store's schema check
from assistant.config import Settings
from assistant.queries import portrait_store
from assistant.queries.run_cache import RunCache
from assistant.web import STATIC_DIR
from assistant.wechat.parsing import MAX_BODY as WECHAT_MAX_BODY
from scoring.store import make_engine

if TYPE_CHECKING:
    from assistant.chat.service import ChatService

log = logging.getLogger("innopoints")

DESCRIPTION = """企业科技创新积分管理信息系统的 HTTP 接口。

角色：园区工作人员（official）可查看全部数据；企业用户（enterprise）只能查看本企业的详细数据，
其他企业只能看到公开信息（名称、行业、阶段）；未登录的公众只能看到指标定义与不少于 5 家企业的汇总。
登录：`POST /api/auth/token`（OAuth2 密码模式）获取令牌，或使用 `X-API-Key`。
错误统一为 `{"error": {"code", "message", "details"}}`；每个接口列出它可能返回的错误状态码。

单位与刻度：总分和各项得分以“分”计（随附的各指标体系满分均为 100）；百分位为 0–100；
占比为 0–100（%）；指标的标准化得分为 0–1；单位为 % 的指标值是 0–1 的比例；时间均为 UTC（ISO 8601）。"""


class BodyLimit:
    """Refuse request bodies over the limit with 413, before any route reads them."""

    def __init__(self, app: ASGIApp, limit: int, routes: dict[str, int] | None = None) -> None:
        # `routes`: exact paths with their own limit (file uploads), the rest keep `limit`.
        self.app, self.default, self.routes = app, limit, routes or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.routes.get(scope.get("path", ""), self.default)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(send, limit)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # Without a Content-Length (chunked) the size is only known by reading: read the body up
        # to the limit first, then hand it on. (An error raised while the route reads would be
        # reported by the framework as a parse error, not as 413.)
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps(error_body("payload_too_large", f"请求体超过 {limit} 字节的上限"), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The service with its store engine and caches on `app.state` (loaded in the lifespan).

    `clock` (aware UTC `datetime`s) times login throttling; tests pass a fake one.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Routes read the secret in force from app.state.settings: the configured one, else the
        # data folder's (generated on first start; never a secret written in the source).
        secret = settings.secret_key or load_or_create(settings.secret_path)
        app.state.settings = settings.model_copy(update={"secret_key": secret})
        engine = make_engine(settings.db_url, busy_timeout=settings.database_busy_seconds)
        accounts.ensure_tables(engine)
        portrait_store.ensure_table(engine)
        app.state.engine = engine
        app.state.runs = RunCache(engine, runs=settings.run_cache_runs, recheck_s=settings.recheck_seconds)
        app.state.principals = PrincipalCache(recheck_s=settings.recheck_seconds)
        # Events are spooled to disk before a read is answered; a crashed worker's are committed here.
        app.state.audit = AuditWriter(engine, spool=settings.data_dir / "audit-spool")
        app.state.audit.start()
        # The searcher: jieba, the documents and a saved vector index that fits are loaded before
        # the first request (never encoding); `/api/ready` says when. Vectors not yet encoded
        # follow in the background after the first search.
        from assistant.queries.search_index import SearchIndex

        app.state.search = SearchIndex.from_settings(settings, engine)
        if settings.search_warm_start:
            try:
                await run_in_threadpool(app.state.search.load)
            except Exception:  # noqa: BLE001 - serve without it: `/api/ready` answers 503, the first search retries
                log.exception("loading the search index at start-up failed")
        # The assistant: its vocabulary and classifier are built here, once, and one message is
        # understood before the first request; `/api/ready` waits for it.
        chat_sessions.ensure_tables(engine)
        app.state.chat = None
        try:
            app.state.chat = await run_in_threadpool(partial(_assistant, app, settings, engine))
        except Exception:  # noqa: BLE001 - serve the rest: `/api/ready` answers 503 and `/api/chat` 503
            log.exception("building the assistant at start-up failed")
        # Eligibility ("能评上高企吗") scores the whole zone once; do it now, beside the first requests.
        stop_preparing = threading.Event()
        app.state.chat_prepared = threading.Event()  # `/api/ready` reports it ("evaluations")
        preparing = None
        if app.state.chat is not None:
            preparing = threading.Thread(target=_prepare, args=(app.state.chat, stop_preparing, app.state.chat_prepared),
                                         name="chat-prepare", daemon=True)
            preparing.start()
        # WeChat (official account, WeCom): served only where configured and the assistant is up.
        from assistant.wechat.tables import ensure_tables as wechat_tables

        wechat_tables(engine)
        app.state.wechat = _wechat(app, settings, engine) if app.state.chat is not None else {}
        heap.freeze_long_lived(collect=True)  # a serving worker's warm objects leave the GC's full passes
        yield
        for channel in app.state.wechat.values():
            channel.close()
        stop_preparing.set()
        if preparing is not None:
            preparing.join()  # before the engine goes: the evaluation in progress finishes
        app.state.search.close()
        app.state.audit.stop()
        engine.dispose()

    app = FastAPI(
        title="innopoints 企业科技创新积分",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        # A trailing slash answers 404 in the one error shape (assistant.api.errors), not a
        # bodiless 307 whose Location the framework builds from the Host header.
        redirect_slashes=False,
        **app_options(enabled=settings.docs_enabled),
    )
    app.state.settings = settings
    app.state.clock = clock or (lambda: datetime.now(UTC))
    app.state.proxies = TrustedProxies(settings.trusted_proxies)
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"])
    # WeChat's messages are a few KiB: its callbacks refuse far less than the default.
    body_limits = {imports.UPLOAD_PATH: imports.MAX_UPLOAD_BYTES, **dict.fromkeys(wechat.PATHS, WECHAT_MAX_BODY)}
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, routes=body_limits)
    app.add_middleware(RequestLog)  # outermost: a refused body is logged with its id too
    if settings.docs_enabled:
        install_docs(app)
    for router in ROUTERS:  # each route lists its own error statuses (assistant.api.responses)
        app.include_router(router)
    # The portal's scripts, styles and ECharts, gzip-compressed (ECharts: 1 MB, 330 kB compressed);
    # the API's large answers compress themselves (assistant.api.routes.common.send).
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1024), name="static")
    app.state.html_not_found = portal.not_found_page  # a browser's unknown address: the portal's 404 page
    return app


def _prepare(chat: ChatService, stop: threading.Event, done: threading.Event) -> None:
    try:
        chat.prepare(stop)
        heap.freeze_long_lived(collect=True)  # the evaluations scored ahead, and the run they read
    finally:
        done.set()


def _assistant(app: FastAPI, settings: Settings, engine: Engine) -> ChatService:
    """The chat service over what the lifespan holds; "今年" is the year of the app's clock in Beijing."""
    from assistant.chat import llm
    from assistant.chat.build import build_service
    from assistant.display import BEIJING

    # The optional model (off unless INNOPOINTS_LLM_BASE_URL is set): its wording is kept only when
    # every number is a fact.
    model = llm.configured(
        base_url=settings.llm_base_url, api_key=settings.llm_api_key.get_secret_value(),
        model=settings.llm_model, timeout=settings.llm_timeout_seconds,
    )
    return build_service(
        engine=engine, runs=app.state.runs, index=app.state.search, systems_dir=settings.systems_dir,
        policies_dir=settings.policies_dir, clock=lambda: app.state.clock().astimezone(BEIJING),
        idle=timedelta(minutes=settings.chat_idle_minutes), turns_per_minute=settings.chat_turns_per_minute,
        model=model,
    )


def _wechat(app: FastAPI, settings: Settings, engine: Engine) -> dict[str, Any]:
    """The configured WeChat channels over the assistant (identity from bindings; reads audited)."""
    from assistant.access.audit import record_read
    from assistant.access.privacy import Principal
    from assistant.queries.audit import Audit
    from assistant.wechat.build import AccountConfig, build_channels
    from assistant.wechat.callback import Account

    def audit_for(principal: Principal) -> Audit | None:
        if principal.role == "public":
            return None

        def audit(*, action: str, target: str) -> None:
            record_read(app.state.audit, principal, action=action, target=target, path="/wechat", client="wechat")

        return audit

    window = settings.wechat_timestamp_window_seconds
    configs = [
        AccountConfig(Account(kind="mp", token=settings.wechat_token.get_secret_value(), receive_id=settings.wechat_app_id,
                              aes_key=settings.wechat_aes_key.get_secret_value(), window_s=window),
                      secret=settings.wechat_app_secret.get_secret_value(), api_base=settings.wechat_api_base),
        AccountConfig(Account(kind="work", token=settings.wework_token.get_secret_value(),
                              receive_id=settings.wework_corp_id, aes_key=settings.wework_aes_key.get_secret_value(),
                              window_s=window),
                      secret=settings.wework_secret.get_secret_value(), api_base=settings.wework_api_base,
                      agent_id=settings.wework_agent_id),
    ]
    return build_channels(configs, chat=app.state.chat, engine=engine, clock=app.state.clock, audit_for=audit_for,
                          reply_s=settings.wechat_reply_seconds, portal_url=settings.portal_url)


def factory() -> FastAPI:
    """For `uvicorn assistant.api.app:factory --factory --no-proxy-headers` (settings from the environment;
    logs as JSON lines with request ids)."""
    configure_logging()
    return create_app(Settings())
