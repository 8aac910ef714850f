"""An enterprise's portrait as data (a dict), for surfaces that read it rather than send it: the chat.

The same portrait, the same privacy rule and the same audit as `portraits.portrait_answer`, kept in
the run cache under keys of its own: the HTTP answers there are bodies shaped by the API's schema,
which the chat must neither read in that shape nor replace with another. Published runs never
change, so a kept portrait never goes stale; a new publication changes the run-set signature.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from assistant.access.privacy import Principal, require_details
from assistant.queries.audit import Audit, record
from assistant.queries.profiles import checked_uscc
from assistant.queries.run_cache import RunCache
from scoring.errors import NotFound
from scoring.store.portraits import portrait as build_portrait


def portrait_data(
    *, principal: Principal, runs: RunCache, uscc: str, year: int | None = None, audit: Audit | None,
) -> dict[str, Any]:
    """The portrait of `uscc` in `year`'s published run (default: the newest), as the caller may
    see it (anyone else: NotFound, as for an enterprise that does not exist)."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    published = runs.published()
    run = published.for_year(year)
    key = ("portrait-data", published.signature, run.id, code)
    kept = runs.answer(key)
    if kept is None:
        with Session(runs.engine) as session:
            try:
                data = build_portrait(session=session, uscc=code, year=run.year, run_data=runs.run_data)
            except NotFound:
                raise NotFound(f"找不到统一社会信用代码为 {code} 的企业在 {run.year} 年的评分") from None
        kept = runs.keep_answer(key, json.dumps(data, ensure_ascii=False).encode())
    record(audit, action="read_portrait", target=code)
    answer: dict[str, Any] = json.loads(kept.body)
    return answer


__all__ = ["portrait_data"]
