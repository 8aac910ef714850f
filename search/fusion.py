"""Score fusion: many retrievers' calibrated evidence → one ranked list on one 0–1 scale.

Each retriever reports *evidence*: a document, a calibrated score on the searcher's scale (see
``search.hybrid``: ≥ 0.9 certain, 0.7–0.9 strong, threshold–0.7 plausible, below it weak), a
reason in Chinese and optionally a cap. Per document the best evidence of each source counts;
the fused score is the best score, lifted by the second-best source:

    fused = min(cap, s1 + SUPPORT · (1 − s1) · s2)

Why score fusion and not reciprocal-rank fusion: RRF only orders, and its 1/(60 + rank) values
mean nothing on their own, so it cannot say "nothing relevant"; calibrated scores can, with one
threshold for every query. Why only the second source and SUPPORT = 0.3: a second independent
retriever agreeing (name and product, BM25 and vectors) should break ties and lift a plausible
hit, but several weak signals must not add up to a confident one (noisy-OR would turn three
0.5s into 0.875). With 0.3 the lift is at most 0.3 of the remaining headroom: 0.6 + 0.6 → 0.72.
Caps let a retriever veto: a name that differs from the query by a whole word (天合储能 against
天合光能) names another firm, whatever its products say.

The result does not depend on the order of the evidence (ties broken by reason text and row).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["SUPPORT", "Evidence", "Fused", "fuse"]

SUPPORT = 0.3


class Evidence(NamedTuple):
    """One retriever's claim that a document matches: calibrated score (0–1) and why."""

    doc: int
    source: str
    score: float
    reason: str
    cap: float = 1.0


class Fused(NamedTuple):
    """A document's fused score (0–1) and its reasons, strongest first."""

    doc: int
    score: float
    reasons: tuple[str, ...]


def fuse(evidence: Iterable[Evidence], *, support: float = SUPPORT) -> list[Fused]:
    """Fuse evidence per document, best first (ties by row), independent of input order."""
    by_doc: dict[int, list[Evidence]] = {}
    for item in evidence:
        by_doc.setdefault(item.doc, []).append(item)
    fused = []
    for doc, items in by_doc.items():
        items.sort(key=lambda e: (-e.score, e.source, e.reason, e.cap))
        best: dict[str, float] = {}
        for item in items:
            best.setdefault(item.source, item.score)
        top = sorted(best.values(), reverse=True)
        score = top[0] + (support * (1.0 - top[0]) * top[1] if len(top) > 1 else 0.0)
        score = min([score, *(e.cap for e in items)])
        reasons = tuple(dict.fromkeys(e.reason for e in items if e.reason))
        fused.append(Fused(doc, round(max(0.0, min(1.0, score)), 6), reasons))
    fused.sort(key=lambda f: (-f.score, f.doc))
    return fused
