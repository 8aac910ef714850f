"""BM25 against a hand-computed reference, coverage and matched terms."""

from __future__ import annotations

import math

import pytest

from search.lexical import LexicalIndex

DOCS = [["光伏", "组件"], ["光伏", "支架", "支架"], ["锂电池", "隔膜"], []]


def _lucene(term: str, doc: list[str], k1: float = 1.2, b: float = 0.75) -> float:
    n = len(DOCS)
    df = sum(term in d for d in DOCS)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    avg = sum(len(d) for d in DOCS) / n
    tf = doc.count(term)
    return idf * tf / (tf + k1 * (1 - b + b * len(doc) / avg)) if tf else 0.0


def test_bm25_matches_hand_computation() -> None:
    index = LexicalIndex(DOCS)
    hits = {h.doc: h for h in index.search(["光伏", "支架"], k=10)}
    for row in (0, 1):
        expected = _lucene("光伏", DOCS[row]) + _lucene("支架", DOCS[row])
        assert hits[row].bm25 == pytest.approx(expected, rel=1e-5)
    assert 2 not in hits


def test_coverage_and_matched_terms() -> None:
    index = LexicalIndex(DOCS)
    hits = index.search(["光伏", "支架", "从未见过"], k=10)
    assert hits[0].doc == 1 and hits[0].matched == ("光伏", "支架")
    assert 0 < hits[0].coverage < 1  # the unseen term counts as missed
    assert hits[1].coverage < hits[0].coverage


def test_empty_inputs() -> None:
    assert LexicalIndex([]).search(["光伏"], k=5) == []
    assert LexicalIndex(DOCS).search([], k=5) == []
    assert LexicalIndex(DOCS).search(["没有"], k=5) == []
