"""Product prefixes: the firms whose product starts with what was typed (工业机器人 → 工业机器人系统集成).

BM25 sees a product as jieba cuts it, and both ends lose a query that is the start of a product:
a product learnt as one word (工业机器人系统集成) is indexed with its 2- and 3-character pieces
only (jieba's search mode), so 工业机器人 misses it and ranks it behind every firm that makes
plain 工业机器人, past the BM25 list's end where there are many; a start that jieba cannot cut
(户用光伏 → 户 / 用 / 光伏) keeps only 光伏, which every solar firm covers. A sorted list of the
product items answers "which items start with this" with two bisections (``search.keys``), and
the typed start then counts as one query term, met by the firms whose products hold it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from search.documents import Document, product_items
from search.keys import KeyIndex, KeyKind
from search.lexical import LexicalHit
from search.normalize import compact

__all__ = ["ProductIndex"]

_PRODUCT = frozenset({KeyKind.PRODUCT})


class ProductIndex:
    """Prefix lookups over the product items of the documents (row = position)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        """Index every product item of every document."""
        self._keys = KeyIndex(
            (compact(item), KeyKind.PRODUCT, row)
            for row, doc in enumerate(documents)
            for item in product_items(doc.products)
        )

    def starting(self, text: str, *, limit: int) -> set[int]:
        """Rows (at most ``limit`` scanned items) with a product item that starts with ``text``."""
        return {m.doc for m in self._keys.prefix(text, limit=limit, kinds=_PRODUCT)}

    def starts(
        self, parts: Sequence[str], terms: Sequence[str], hits: Sequence[LexicalHit], *, limit: int
    ) -> tuple[tuple[str, ...], list[LexicalHit]]:
        """Query terms and BM25 hits, with each hanzi query part that starts a product item as
        one more term and the firms of those items as more hits (scored on their text)."""
        out_terms, out_hits = list(terms), list(hits)
        seen = {h.doc for h in hits}
        for part in parts:
            if len(part) < 2 or part.isascii():
                continue
            rows = self.starting(part, limit=limit)
            if rows:
                out_terms += [part] if part not in out_terms else []
                out_hits += [LexicalHit(row, 0.0, 0.0, ()) for row in sorted(rows - seen)]
                seen |= rows
        return tuple(out_terms), out_hits
