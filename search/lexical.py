"""Lexical retrieval: BM25 (bm25s, Lucene variant) over jieba terms of what a firm does.

Documents are the terms of products, industry, business scope and the industry words of the
name. bm25s builds the score matrix (one column per term); queries read the columns of their
terms directly, so a query costs O(postings of its terms), not O(documents).

Besides the BM25 sum each hit carries its *coverage*: the share of the query's IDF weight that
the document contains, counting query terms the corpus has never seen as missed. BM25 sums are
not comparable across queries; coverage is, and it is what the searcher calibrates against
("做汽车车灯的" fully covered by a lamp maker, "天合 储能" only half by a storage maker).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import bm25s
import numpy as np

__all__ = ["LexicalHit", "LexicalIndex"]


class LexicalHit(NamedTuple):
    """One document found by BM25: row, BM25 sum, coverage (0–1), matched query terms."""

    doc: int
    bm25: float
    coverage: float
    matched: tuple[str, ...]


class LexicalIndex:
    """BM25 index over pre-tokenized documents."""

    def __init__(self, doc_terms: Iterable[Sequence[str]], *, k1: float = 1.2, b: float = 0.75):
        """Index the terms of each document (row = position); k1/b are the usual BM25 knobs."""
        vocab: dict[str, int] = {}
        corpus = [[vocab.setdefault(t, len(vocab)) for t in terms] for terms in doc_terms]
        self.n_docs = len(corpus)
        self._vocab = vocab
        self._retriever: bm25s.BM25 | None = None
        if vocab:
            self._retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
            self._retriever.index((corpus, vocab), create_empty_token=False, show_progress=False)
            scores = self._retriever.scores
            self._data, self._indices, self._indptr = (
                scores["data"], scores["indices"], scores["indptr"],
            )

    def df(self, term: str) -> int:
        """How many documents contain the term."""
        tid = self._vocab.get(term)
        return 0 if tid is None else int(self._indptr[tid + 1] - self._indptr[tid])

    def idf(self, term: str) -> float:
        """Lucene IDF of a term; an unseen term gets the IDF of a term in a single document."""
        df = max(self.df(term), 1)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def search(self, terms: Sequence[str], *, k: int, max_df: float = 0.2) -> list[LexicalHit]:
        """The ``k`` documents with the highest BM25 sum for the query terms.

        Terms in more than ``max_df`` of the documents (科技 at a million firms) are not read
        when rarer ones exist: their postings would dominate the cost and barely move BM25.
        """
        # At most 30 distinct terms, so their set fits exactly in a float's 53-bit mantissa.
        unique = list(dict.fromkeys(terms))[:30]
        if not unique or self._retriever is None:
            return []
        total_idf = sum(self.idf(t) for t in unique)
        rows, scores, covered, bits = [], [], [], []
        common = self.n_docs * max_df
        rare = [t for t in unique if 0 < self.df(t) <= common]
        for index, term in enumerate(unique):
            tid = self._vocab.get(term)
            if tid is None or (rare and term not in rare):
                continue
            lo, hi = int(self._indptr[tid]), int(self._indptr[tid + 1])
            rows.append(self._indices[lo:hi])
            scores.append(self._data[lo:hi])
            covered.append(np.full(hi - lo, self.idf(term) / total_idf))
            bits.append(np.full(hi - lo, float(1 << index)))
        if not rows:
            return []
        flat = np.concatenate(rows)
        if len(flat) * 8 > self.n_docs:  # many postings: a dense pass beats sorting them
            docs = np.flatnonzero(np.bincount(flat, minlength=self.n_docs))
            inverse, size = flat, self.n_docs
        else:
            docs, inverse = np.unique(flat, return_inverse=True)
            size = len(docs)
        bm25 = np.bincount(inverse, weights=np.concatenate(scores), minlength=size)
        coverage = np.bincount(inverse, weights=np.concatenate(covered), minlength=size)
        mask = np.bincount(inverse, weights=np.concatenate(bits), minlength=size)
        if size != len(docs):
            bm25, coverage, mask = bm25[docs], coverage[docs], mask[docs]
        # Rank by coverage first, then BM25: a document matching every term beats one that
        # repeats a single term, which raw BM25 sums do not guarantee.
        rank = np.round(coverage, 6) * 1e6 + bm25
        top = np.argpartition(-rank, k - 1)[:k] if len(docs) > k else np.arange(len(docs))
        top = top[np.lexsort((docs[top], -rank[top]))]
        return [
            LexicalHit(
                int(docs[i]),
                float(bm25[i]),
                float(min(coverage[i], 1.0)),
                tuple(t for j, t in enumerate(unique) if int(mask[i]) >> j & 1),
            )
            for i in top
        ]
