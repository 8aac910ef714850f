"""Hits as each caller may see them, and the officials' points filter.

A hit shows the public profile (name, short name, industry, stage) to everyone; total, rank and
percentile, and reasons quoting non-public fields (products, former and English names, aliases),
only to callers who may see that firm's details (`assistant.access.privacy`, which also shortens the reasons).
What a caller may not see, it cannot search by either: the public and enterprises search the
snapshot's public searcher (public fields only), an enterprise its own firm with every field too;
suggestions for them likewise complete public fields only. Officials search everything.
Filtering by points is for officials only: it would let anyone bisect another enterprise's points.
A search whose answer holds non-public data is audited like any other read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import fields
from math import inf
from typing import TYPE_CHECKING, Any

from assistant.access.privacy import Principal, public_document, public_reason, require_official
from assistant.errors import BadRequest, Forbidden, InvalidQuery
from assistant.queries.audit import Audit, record
from scoring.systems.schema import STAGES
from search.hybrid import Document, Filters, Hit, Suggestion

if TYPE_CHECKING:
    from assistant.queries.search_index import SearchIndex, Snapshot


def checked_text(text: str) -> str:
    """The text to search for, stripped; InvalidQuery if nothing is left."""
    stripped = text.strip()
    if not stripped:
        raise InvalidQuery("搜索内容不能为空")
    return stripped


def search(
    *, principal: Principal, index: SearchIndex, audit: Audit | None, text: str, limit: int = 10,
    stage: str | None = None, industry: str | None = None, year: int | None = None,
    points_min: float | None = None, points_max: float | None = None, include_weak: bool = False,
) -> dict[str, Any]:
    """Enterprises matching `text`, each hit as the caller may see it: `{query, items, semantic, year}`."""
    query = checked_text(text)
    if points_min is not None or points_max is not None:
        if not principal.sees_all:
            raise Forbidden("按积分筛选仅向园区工作人员开放")
        if points_min is not None and points_max is not None and points_min > points_max:
            raise BadRequest("总分下限不能大于上限")
    snap = index.current()
    if principal.sees_all:
        hits = run_search(snap, query, limit=limit, stage=stage, industry=industry, year=year,
                          points_min=points_min, points_max=points_max, include_weak=include_weak)
    else:
        hits = public_search(snap, query, own=principal.bound, limit=limit, stage=stage, industry=industry, year=year,
                             include_weak=include_weak)
    items = [hit_fields(snap, h, details=principal.may_see_details(h.id)) for h in hits]
    if any(i.get("total") is not None for i in items):
        record(audit, action="search", target=f"{query[:60]}（{len(items)} 条）")
    # Vectors serve officials only (the public searcher has none: see `search_index`).
    return {"query": query, "items": items, "semantic": snap.semantic and principal.sees_all, "year": snap.year}


def suggest(*, principal: Principal, index: SearchIndex, text: str, limit: int = 8) -> dict[str, Any]:
    """Names for a typed prefix, completing only fields the caller may see: `{query, items}`."""
    query = checked_text(text)
    snap = index.current()
    found = (snap.searcher if principal.sees_all else snap.public).suggest(query, limit=limit)
    items = [suggestion_fields(snap, s, details=principal.may_see_details(s.id)) for s in found]
    return {"query": query, "items": items}


def index_status(*, principal: Principal, index: SearchIndex) -> dict[str, Any]:
    """The search index's embedder, size, build time and whether it needs rebuilding (officials)."""
    require_official(principal)
    return index.status()


def run_search(
    snap: Snapshot, text: str, *, limit: int, stage: str | None = None, industry: str | None = None,
    year: int | None = None, points_min: float | None = None, points_max: float | None = None,
    include_weak: bool = False,
) -> list[Hit]:
    """Search the snapshot; a points range is applied here, from the scores beside the searcher."""
    filters = Filters(stage=stage, industry=industry, year=year)
    plain = filters == Filters()
    if points_min is None and points_max is None:
        return snap.searcher.search(text, limit=limit, filters=None if plain else filters, include_weak=include_weak)
    # Every hit, then the range: the searcher's order is final, so cutting after filtering is exact.
    hits = snap.searcher.search(text, limit=max(len(snap.documents), 1), filters=filters, include_weak=include_weak)
    lo, hi = (-inf if points_min is None else points_min), (inf if points_max is None else points_max)
    kept = [h for h in hits if (info := snap.scores.get(h.id)) is not None and lo <= info.total <= hi]
    return kept[:limit]


def public_search(
    snap: Snapshot, text: str, *, own: str | Collection[str] | None, limit: int, stage: str | None = None,
    industry: str | None = None, year: int | None = None, include_weak: bool = False,
) -> list[Hit]:
    """Hits through public fields only, and through any field for the caller's own firms `own`
    (one USCC, or every enterprise an account bound to several holds)."""
    filters = Filters(stage=stage, industry=industry, year=year)
    filters_or_none = None if filters == Filters() else filters
    hits = snap.public.search(text, limit=limit, filters=filters_or_none, include_weak=include_weak)
    owned = {own} if isinstance(own, str) else set(own or ())
    owned &= set(snap.by_id)
    if not owned:
        return hits
    # Every hit of the full searcher, to find the own firms wherever they rank among all firms.
    best = {h.id: h for h in hits}
    for hit in snap.searcher.search(text, limit=len(snap.documents), filters=filters_or_none,
                                    include_weak=include_weak):
        if hit.id in owned and (hit.id not in best or hit.score >= best[hit.id].score):
            best[hit.id] = hit
    # The searcher's order: score, then name and USCC (never points).
    return sorted(best.values(), key=lambda h: (-h.score, h.name, h.id))[:limit]


def hit_fields(snap: Snapshot, hit: Hit, *, details: bool) -> dict[str, Any]:
    """A hit as the API and CLI show it: public fields, plus points and full reasons when `details`."""
    doc = snap.by_id.get(hit.id)
    info = snap.scores.get(hit.id)
    reasons = list(hit.reasons) if details else list(dict.fromkeys(public_reason(r) for r in hit.reasons))
    item: dict[str, Any] = {
        "uscc": hit.id, "name": hit.name, "short_name": doc.short_name if doc else None,
        "industry": doc.industry if doc else None,
        "stock_codes": list(doc.stock_codes) if doc else None, "stock_names": list(doc.stock_names) if doc else None,
        "stage": info.stage if info else None,
        "stage_name": STAGES.get(info.stage) if info else None,
        "score": round(float(hit.score), 4), "reasons": reasons, "weak": bool(hit.weak),
    }
    if info is not None and details:
        item.update(total=info.total, rank=info.rank, percentile=info.percentile, year=info.year)
    return item


def suggestion_fields(snap: Snapshot, suggestion: Suggestion, *, details: bool) -> dict[str, str]:
    """A suggestion; `matched` shows a non-public field (a former or English name, an alias) only
    to callers who may see details."""
    doc = snap.by_id.get(suggestion.id)
    public = {suggestion.name, *(_texts(public_document(doc)) if doc else ())}
    matched = suggestion.matched if details or suggestion.matched in public else suggestion.name
    return {"uscc": suggestion.id, "name": suggestion.name, "matched": matched}


def _texts(doc: Document) -> Iterator[str]:
    """Every text a document holds, names and lists of names alike."""
    for value in (getattr(doc, f.name) for f in fields(doc)):
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, str))
