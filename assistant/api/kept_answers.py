"""Answers already kept in memory, sent before the framework's routing and dependencies.

A portrait or a ranking page built once for the published run set is kept as finished bytes
(`RunCache`); sending one costs a dictionary look-up, while FastAPI's routing, dependency solving
and request/response plumbing cost about 0.4 ms of CPU per request: profiled under load (wrk, 50
connections), that was nine tenths of such a request's time in Python, and on two cores what set
the portrait's p95. This middleware answers exactly those requests:

- a GET of `/api/enterprises/{uscc}/portrait` or `/api/rankings`, with its parameters each given
  once in their plain form (`year=2024`, `page=2`; anything else goes to the routes, which parse
  and validate it);
- from a caller whose credential was verified in the last `recheck_seconds` (`known_principal`,
  which reads it exactly as the routes' dependency does);
- whose answer the same query functions the routes call (`cached_portrait_answer`,
  `cached_ranking_answer`) find in memory — so the access rule, the audit event and the bytes sent
  (`send`: gzip when accepted) are the routes' own.

Everything else — a credential to verify, a refusal, an error, an answer not kept yet — goes to
the routes unchanged. `KeptAnswers.served` counts the requests answered here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.access.privacy import Principal
from assistant.api.deps import known_principal, request_audit
from assistant.api.routes.common import send
from assistant.errors import ServiceError
from assistant.queries import portraits, rankings
from assistant.queries.audit import Audit
from assistant.queries.run_cache import Answer, RunCache
from scoring.errors import ScoringError
from scoring.systems.schema import STAGES

PORTRAIT = re.compile(r"/api/enterprises/([^/]{1,64})/portrait")  # the route's UsccPath: 1–64 characters
RANKINGS = "/api/rankings"
YEAR = re.compile(r"(199\d|20\d\d|2100)")  # YearQuery: 1990–2100
PAGE = re.compile(r"[1-9]\d{0,4}|100000")  # PageQuery: 1–100000
SIZE = re.compile(r"[1-9]\d?|1\d\d|200")  # SizeQuery: 1–200
CATEGORY_MAX = 40


@dataclass
class Served:
    """How many requests `KeptAnswers` answered itself."""

    count: int = 0


class KeptAnswers:
    """ASGI middleware: send a kept portrait or ranking page without routing (see the module)."""

    def __init__(self, app: ASGIApp, served: Served) -> None:
        self.app = app
        self.served = served

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            path = scope["path"]
            portrait = PORTRAIT.fullmatch(path)
            if portrait is not None or path == RANKINGS:
                request = Request(scope)
                answer = await _kept(request, None if portrait is None else portrait.group(1))
                if answer is not None:
                    self.served.count += 1
                    await send(answer, request)(scope, receive, send_)
                    return
        await self.app(scope, receive, send_)


async def _kept(request: Request, uscc: str | None) -> Answer | None:
    """The kept answer of a portrait (`uscc`) or ranking request, or None: the routes answer it."""
    params = _plain_params(request)
    if params is None:
        return None
    principal = await known_principal(request)
    if principal is None:
        return None
    runs: RunCache = request.app.state.runs
    audit = request_audit(request, principal)
    try:
        if uscc is not None:
            if set(params) - {"year"}:
                return None
            return portraits.cached_portrait_answer(
                principal=principal, runs=runs, uscc=uscc, year=_year(params), audit=audit,
            )
        return _ranking(params, principal, runs, audit)
    except (ServiceError, ScoringError):  # the route answers it, with its own checks in its own order
        return None


def _plain_params(request: Request) -> dict[str, str] | None:
    """The query parameters if each is given once and all are in their plain form; None otherwise."""
    items = request.query_params.multi_items()
    params = dict(items)
    if len(params) != len(items):
        return None
    if "year" in params and not YEAR.fullmatch(params["year"]):
        return None
    return params


def _year(params: dict[str, str]) -> int | None:
    return int(params["year"]) if "year" in params else None


def _ranking(params: dict[str, str], principal: Principal, runs: RunCache, audit: Audit) -> Answer | None:
    """A kept ranking page, for parameters in the route's ranges (StageCode, PageQuery, SizeQuery)."""
    if set(params) - {"stage", "year", "category", "page", "size"} or params.get("stage") not in STAGES:
        return None
    page, size, category = params.get("page", "1"), params.get("size", "20"), params.get("category")
    if not (PAGE.fullmatch(page) and SIZE.fullmatch(size)) or (category is not None and len(category) > CATEGORY_MAX):
        return None
    return rankings.cached_ranking_answer(
        principal=principal, runs=runs, audit=audit, stage=params["stage"], year=_year(params), category=category,
        page=int(page), size=int(size),
    )


__all__ = ["KeptAnswers", "Served"]
