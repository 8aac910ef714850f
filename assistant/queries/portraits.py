"""An enterprise's portrait (企业创新画像) for a caller who may see its details.

Anyone else is refused exactly like an enterprise that does not exist. A portrait reads a dozen
queries and explains 121 indicators (its advice was computed when the run was published), about
ten milliseconds, so the finished JSON answer is kept: in this process (`RunCache`, keyed by run
set, run and USCC) and in the store shared by the workers (`portrait_store`). Published runs never
change; a new run (of any year: the trend) changes the key.

`encode` turns a portrait into its JSON bytes (the API passes its response schema); every surface
sharing one `RunCache` and store must pass the same one, since the answers are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from assistant.access.privacy import Principal, require_details
from assistant.queries import portrait_store
from assistant.queries.audit import Audit, record
from assistant.queries.profiles import checked_uscc
from assistant.queries.run_cache import Answer, Encode, RunCache
from scoring import store
from scoring.errors import NotFound
from scoring.store.portraits import RunData
from scoring.store.portraits import portrait as build_portrait


def portrait(
    *, principal: Principal, session: Session, uscc: str, year: int | None = None,
    run_data: Callable[[store.ScoreRun], RunData] | None = None,
) -> dict[str, Any]:
    """The portrait of `uscc` in `year` (default: the newest), built now (`run_data`: e.g.
    `RunCache.run_data`, to share a run's data between portraits)."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    run = store.latest_run(session=session, year=year)
    try:
        return build_portrait(session=session, uscc=code, year=run.year, run_data=run_data)
    except NotFound:
        raise NotFound(f"找不到统一社会信用代码为 {code} 的企业在 {run.year} 年的评分") from None


def cached_portrait_answer(
    *, principal: Principal, runs: RunCache, uscc: str, year: int | None = None, audit: Audit | None,
) -> Answer | None:
    """The finished answer if it is in memory and the published runs were read recently: no I/O
    at all (an async surface answers it in its event loop); None otherwise."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    published = runs.published_if_fresh()
    if published is None:
        return None
    answer = runs.answer(_key(published.signature, published.for_year(year), code))
    if answer is not None:
        record(audit, action="read_portrait", target=code)
    return answer


def portrait_answer(
    *, principal: Principal, runs: RunCache, uscc: str, year: int | None = None, encode: Encode, audit: Audit | None,
) -> Answer:
    """The finished JSON answer: from memory, from the store shared by the workers, or built
    (and kept in both)."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    published = runs.published()
    run = published.for_year(year)
    key = _key(published.signature, run, code)
    answer = runs.answer(key)
    if answer is None:
        answer = runs.keep_answer(key, _body(runs, published.signature, run, code, encode))
    record(audit, action="read_portrait", target=code)
    return answer


def _key(signature: int, run: store.ScoreRun, uscc: str) -> tuple[int, int | None, str]:
    return (signature, run.id, uscc)


def _body(runs: RunCache, signature: int, run: store.ScoreRun, uscc: str, encode: Encode) -> bytes:
    """The answer from the store shared by the workers, or built (and stored there)."""
    assert run.id is not None
    with Session(runs.engine) as session:
        body = portrait_store.load(session, signature=signature, run_id=run.id, uscc=uscc)
        if body is not None:
            return body
        try:
            data = build_portrait(session=session, uscc=uscc, year=run.year, run_data=runs.run_data)
        except NotFound:
            raise NotFound(f"找不到统一社会信用代码为 {uscc} 的企业在 {run.year} 年的评分") from None
    body = encode(data)
    portrait_store.keep(runs.engine, signature=signature, run_id=run.id, uscc=uscc, body=body)
    return body


__all__ = ["cached_portrait_answer", "portrait", "portrait_answer"]
