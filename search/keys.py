"""Exact and prefix lookups of name keys: one sorted array of (key, kind, document).

A sorted Python list bisected twice answers both "which documents have exactly this key" and
"which keys start with this prefix" in O(log n), for the searcher's exact retriever and for
type-ahead; at a million documents (about ten keys each) a lookup stays in microseconds.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from enum import IntEnum
from typing import NamedTuple

__all__ = ["KeyIndex", "KeyKind", "KeyMatch"]


class KeyKind(IntEnum):
    """What a key is; the order is the display priority in type-ahead."""

    NAME = 0
    SHORT = 1
    STOCK_NAME = 2  # 股票简称
    CORE = 3
    TRADE = 4
    ALIAS = 5  # other names: brands, common abbreviations, English acronyms
    FORMER = 6
    FORMER_CORE = 7
    ENGLISH = 8
    ENGLISH_CORE = 9
    PINYIN = 10
    INITIALS = 11
    STOCK_CODE = 12  # the digits of a stock code (search.listings)
    USCC = 13
    PRODUCT = 14  # a product item: only in the searcher's product index, never in type-ahead


class KeyMatch(NamedTuple):
    """One key found: the key text, what kind of key it is, and the document row."""

    key: str
    kind: KeyKind
    doc: int


class KeyIndex:
    """Sorted keys of all documents."""

    def __init__(self, entries: Iterable[tuple[str, int, int]]) -> None:
        """Index (key, kind, document row) triples; duplicates are kept once."""
        # Sorting the keys alone (then reordering kinds and rows) is several times faster than
        # sorting triples; rows ascend within a key because the sort is stable.
        entries = list(entries)
        order = sorted(range(len(entries)), key=lambda i: entries[i][0])
        keys: list[str] = []
        kinds, docs = array("b"), array("i")
        last: tuple[str, int, int] | None = None
        for i in order:
            entry = entries[i]
            if entry != last:
                keys.append(entry[0])
                kinds.append(entry[1])
                docs.append(entry[2])
                last = entry
        self._keys, self._kinds, self._docs = keys, kinds, docs

    def __len__(self) -> int:
        """Number of (key, kind, document) entries."""
        return len(self._keys)

    def _rows(self, lo: int, hi: int, kinds: frozenset[KeyKind] | None) -> list[KeyMatch]:
        return [
            KeyMatch(self._keys[i], KeyKind(self._kinds[i]), self._docs[i])
            for i in range(lo, hi)
            if kinds is None or self._kinds[i] in kinds
        ]

    def exact(self, key: str, *, kinds: frozenset[KeyKind] | None = None) -> list[KeyMatch]:
        """Entries whose key equals ``key`` (optionally only of some kinds)."""
        if not key:
            return []
        lo = bisect_left(self._keys, key)
        return self._rows(lo, bisect_right(self._keys, key, lo), kinds)

    def count_prefix(self, prefix: str) -> int:
        """How many entries start with ``prefix``."""
        lo = bisect_left(self._keys, prefix)
        return bisect_left(self._keys, prefix + "\U0010ffff", lo) - lo

    def prefix(
        self, prefix: str, *, limit: int, kinds: frozenset[KeyKind] | None = None
    ) -> list[KeyMatch]:
        """Up to ``limit`` scanned entries whose key starts with ``prefix``, in key order."""
        if not prefix:
            return []
        lo = bisect_left(self._keys, prefix)
        hi = bisect_left(self._keys, prefix + "\U0010ffff", lo)
        return self._rows(lo, min(hi, lo + limit), kinds)
