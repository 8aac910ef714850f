"""Hits as each caller may see them, and the officials' points filter.

A hit shows the public profile (name, short name, industry, stage) to everyone; total, rank and
percentile, and reasons quoting non-public fields (products, former and English names), only to
callers who may see that firm's details (`assistant.access.privacy`, which also shortens the reasons).
"""

from __future__ import annotations

from math import inf
from typing import TYPE_CHECKING, Any

from assistant.access.privacy import public_reason
from scoring.systems.schema import STAGES
from search.hybrid import Filters, Hit, Suggestion

if TYPE_CHECKING:
    from assistant.queries.search_index import Snapshot


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


def hit_fields(snap: Snapshot, hit: Hit, *, details: bool) -> dict[str, Any]:
    """A hit as the API and CLI show it: public fields, plus points and full reasons when `details`."""
    doc = snap.by_id.get(hit.id)
    info = snap.scores.get(hit.id)
    reasons = list(hit.reasons) if details else list(dict.fromkeys(public_reason(r) for r in hit.reasons))
    item: dict[str, Any] = {
        "uscc": hit.id, "name": hit.name, "short_name": doc.short_name if doc else None,
        "industry": doc.industry if doc else None, "stage": info.stage if info else None,
        "stage_name": STAGES.get(info.stage) if info else None,
        "score": round(float(hit.score), 4), "reasons": reasons, "weak": bool(hit.weak),
    }
    if info is not None and details:
        item.update(total=info.total, rank=info.rank, percentile=info.percentile, year=info.year)
    return item


def suggestion_fields(snap: Snapshot, suggestion: Suggestion, *, details: bool) -> dict[str, str]:
    """A suggestion; `matched` shows a former or English name only to callers who may see details."""
    doc = snap.by_id.get(suggestion.id)
    public = {suggestion.name, doc.short_name if doc else None}
    matched = suggestion.matched if details or suggestion.matched in public else suggestion.name
    return {"uscc": suggestion.id, "name": suggestion.name, "matched": matched}
