"""Calibrated evidence from the retrievers other than names: USCC, BM25 coverage, vectors.

Each function turns one retriever's raw output into ``Evidence`` on the searcher's 0–1 scale
(see ``search.hybrid``); the constants below are where that calibration lives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from search.documents import Document, business_reason
from search.fusion import Evidence
from search.keys import KeyIndex, KeyKind
from search.lexical import LexicalHit, LexicalIndex
from search.names import NameForms

__all__ = ["lexical_evidence", "uscc_evidence", "vector_evidence"]

_USCC = frozenset({KeyKind.USCC})
# A query that reads as a name is about *which* firm; semantic closeness then only supports.
NAMELIKE_VECTOR_CAP = 0.35
SPECIFIC_IDF = 1.5


def uscc_evidence(keys: KeyIndex, code: str) -> list[Evidence]:
    """The firm with this USCC (1.0), or those whose USCC starts with ≥ 8 of its characters."""
    exact = keys.exact(code, kinds=_USCC)
    if exact:
        return [Evidence(m.doc, "uscc", 1.0, "统一社会信用代码") for m in exact]
    if len(code) < 8:
        return []
    found = keys.prefix(code, limit=20, kinds=_USCC)
    # A unique prefix identifies the firm; a few firms sharing it are all plausible; a prefix
    # shared by many (a region's first digits, 91320411) says nothing about which firm.
    score = 0.9 if len(found) == 1 else 0.6 if len(found) <= 5 else 0.4
    return [Evidence(m.doc, "uscc", score, "统一社会信用代码前缀") for m in found]


def lexical_evidence(
    terms: Sequence[str],
    hits: Sequence[LexicalHit],
    lexical: LexicalIndex,
    docs: Sequence[Document],
    forms: Sequence[NameForms],
    business: Callable[[int], str],
    *,
    namelike: bool,
) -> list[Evidence]:
    """BM25 hits scored by how much of the query (IDF-weighted) their business text covers."""
    if not hits:
        return []
    # Coverage is recomputed on the text itself: a query word counts when it occurs in the
    # firm's products/industry/scope, even where jieba cut the two texts differently
    # (磷酸铁锂正极 against 磷酸铁锂正极材料). Unknown words weigh most (IDF of a single
    # document), so a name in the query (天合 光伏组件) keeps other module makers weak.
    weights = {t: lexical.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    # A query of words most firms have (科技, 技术) says nothing about which firm: full credit
    # needs the IDF of a word in at most a quarter of the firms (Lucene IDF ≈ 1.5).
    specific = min(1.0, total / SPECIFIC_IDF)
    best = max(h.bm25 for h in hits) or 1.0
    matches = []
    for h in hits:
        matched = [t for t in weights if t in business(h.doc)]
        matches.append((h, matched, sum(weights[t] for t in matched) / total))
    coverages = sorted((c for _, _, c in matches), reverse=True)
    # One firm alone covering most of a descriptive query (转向节锻件: only the forge makes
    # 转向节) is telling even where a word is missing; a runner-up as good takes that away.
    lead = coverages[0] - (coverages[1] if len(coverages) > 1 else 0.0)
    out = []
    for h, matched, coverage in matches:
        # All words → 0.75 (strong), three quarters → 0.51 (plausible), half → 0.34 (weak);
        # the BM25 share (≤ 0.02) only orders firms that cover the query equally.
        score = 0.2 + 0.55 * coverage**2 * specific + 0.02 * h.bm25 / best
        if coverage == coverages[0] and coverage >= 0.5 and not namelike:
            score += 0.1 * min(lead / 0.3, 1.0) * specific
        reason = business_reason(docs[h.doc], forms[h.doc], matched)
        out.append(Evidence(h.doc, "lexical", score, reason))
    return out


def vector_evidence(
    scores: npt.NDArray[np.float32],
    rows: Sequence[int],
    docs: Sequence[Document],
    *,
    floor: float,
    ceiling: float,
    namelike: bool,
) -> list[Evidence]:
    """Nearest passages (cosines, best first, and their document rows) as evidence."""
    if not len(rows):
        return []
    # e5 cosines crowd into 0.8–0.95 whatever the query, so the absolute value says little;
    # measured on the demo zone, a product query's right firm sits at 0.86–0.92 and clear of
    # the runner-up by 0.01–0.05, while a query for an absent firm scores as high but in a
    # crowd (margin ≤ 0.005; a brand the model knows, 格力电器 → 车辆空调, ~0.01). Hence:
    # closeness within [floor, ceiling] (0.2–0.6) plus up to 0.2 for the top hit's margin;
    # alone that reaches "plausible" only when both are clear.
    span = max(ceiling - floor, 1e-6)
    margin = float(scores[0] - scores[1]) if len(rows) > 1 else 0.0
    out = []
    for rank, (cos, row) in enumerate(zip(scores.tolist(), rows, strict=True)):
        closeness = min(max((cos - floor) / span, 0.0), 1.0)
        if closeness <= 0:
            continue
        score = 0.2 + 0.4 * closeness
        if rank == 0:  # clear of the crowd by 0.03 or more: up to 0.2 more
            score += 0.2 * min(margin / 0.03, 1.0)
        if namelike:
            score = min(score, NAMELIKE_VECTOR_CAP)
        doc = docs[row]
        what = doc.products or doc.industry or doc.name
        out.append(Evidence(row, "vector", score, f"语义相近: {what}"))
    return out
