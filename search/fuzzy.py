"""Fuzzy name matching: an n-gram shortlist, then rapidfuzz edit distances on the shortlist only.

Scoring every name for every query (``process.extract`` over all names) is what makes plain
fuzzy search both slow and wrong: at a million names it costs seconds, and WRatio rewards any
name that shares the long, common part (常州…有限公司). Here an inverted index from grams —
characters and character pairs of core names, pinyin syllables and syllable pairs, English
words — yields the few hundred documents that share the rarest grams with the query (IDF
weighted), and only those are compared character by character.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import cast

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

__all__ = ["GramIndex", "char_grams", "edit_distance", "pinyin_grams", "word_grams"]


def char_grams(text: str) -> list[str]:
    """Characters and adjacent character pairs of a compact text."""
    return [*text, *(text[i : i + 2] for i in range(len(text) - 1))]


def pinyin_grams(syllables: Sequence[str]) -> list[str]:
    """Syllables and syllable pairs, marked so they never collide with English words."""
    marked = ["~" + s for s in syllables]
    return [*marked, *(marked[i] + marked[i + 1] for i in range(len(marked) - 1))]


def word_grams(words: Iterable[str]) -> list[str]:
    """English (latin) words, marked apart from pinyin syllables."""
    return ["@" + w for w in words]


def edit_distance(a: str, b: str) -> int:
    """Edits between two strings, a swap of two neighbours counting as one (OSA)."""
    return int(OSA.distance(a, b))


class GramIndex:
    """Inverted index from grams to document rows, with an IDF-weighted shortlist."""

    def __init__(self, doc_grams: Iterable[Iterable[str]]) -> None:
        """Index the grams of each document (row = position in the iterable)."""
        vocab: dict[str, int] = {}
        docs, grams = array("i"), array("i")
        n_docs = 0
        for row, items in enumerate(doc_grams):
            n_docs = row + 1
            ids = {vocab.setdefault(gram, len(vocab)) for gram in items}
            grams.extend(ids)
            docs.extend(repeat(row, len(ids)))
        gram_ids = np.frombuffer(grams, dtype=np.int32)
        order = np.argsort(gram_ids, kind="stable")
        self._postings = np.frombuffer(docs, dtype=np.int32)[order].copy()
        counts = np.bincount(gram_ids, minlength=len(vocab))
        self._indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._indptr[1:])
        self._vocab = vocab
        self.n_docs = n_docs

    def df(self, gram: str) -> int:
        """How many documents contain the gram."""
        gid = self._vocab.get(gram)
        return 0 if gid is None else int(self._indptr[gid + 1] - self._indptr[gid])

    def shortlist(
        self, grams: Iterable[str], *, k: int, max_df: float = 0.05, min_share: float = 0.0
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """Up to ``k`` document rows sharing the most IDF weight of grams with the query.

        Grams in more than ``max_df`` of the documents (科, 技) are skipped while rarer ones
        exist: they cannot tell documents apart and would make every query touch most postings.
        Rows sharing less than ``min_share`` of the query's (indexed) gram weight are dropped.
        """
        found = []
        for gram in set(grams):
            gid = self._vocab.get(gram)
            if gid is not None:
                lo, hi = int(self._indptr[gid]), int(self._indptr[gid + 1])
                found.append((hi - lo, lo, hi))
        if not found or self.n_docs == 0:
            return np.empty(0, np.int32), np.empty(0, np.float64)
        limit = max(max_df * self.n_docs, 50.0)
        rare = [f for f in found if f[0] <= limit] or [min(found)]
        parts = [self._postings[lo:hi] for _, lo, hi in rare]
        weights = [np.full(df, np.log(1.0 + self.n_docs / df)) for df, _, _ in rare]
        rows = np.concatenate(parts)
        weight = np.concatenate(weights)
        if len(rows) * 8 > self.n_docs:
            # Many postings: one dense pass over all rows beats sorting the postings.
            # With weights, bincount counts in floats (numpy's stubs say integers).
            dense = cast("npt.NDArray[np.float64]", np.bincount(rows, weights=weight, minlength=self.n_docs))
            uniq = np.flatnonzero(dense).astype(np.int32)
            scores = dense[uniq]
        else:
            uniq, inverse = np.unique(rows, return_inverse=True)
            scores = cast("npt.NDArray[np.float64]", np.bincount(inverse, weights=weight))
        if min_share > 0:
            total = sum(np.log(1.0 + self.n_docs / df) for df, _, _ in rare)
            keep = scores >= min_share * total
            uniq, scores = uniq[keep], scores[keep]
        if len(uniq) > k:
            top = np.argpartition(-scores, k - 1)[:k]
            uniq, scores = uniq[top], scores[top]
        return uniq.astype(np.int32), scores
