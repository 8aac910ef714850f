"""The hybrid searcher: exact keys, fuzzy names, pinyin, BM25 and vectors, fused and explained.

>>> searcher = HybridSearcher([Document(id="91320411MA1XXXXX0X", name="常州天合光能有限公司",
...                                      short_name="天合光能", products="光伏组件")])
>>> [(h.name, h.reasons[0]) for h in searcher.search("天和光能")]
[('常州天合光能有限公司', '同音字: 天和光能→天合光能')]
>>> searcher.search("天合储能")  # a near-miss: another firm, not in the store
[]

Scores are on one scale, 0–1, the same for every query and every retriever:

* ≥ 0.9  certain: the query is one of the firm's names, keys or its USCC or stock code;
* 0.7–0.9 strong: homophone, full pinyin, initials, a name prefix, one wrong trade-name character
  that the rest of the query corroborates (``search.slips``);
* ``threshold`` (0.5)–0.7 plausible: product/industry matches, near spellings, semantic neighbours,
  a name with an extra term its profile does not hold;
* below ``threshold`` weak: returned only with ``include_weak=True`` and marked ``weak``.

A query naming a firm that is not in the store therefore returns an empty list: a well-known firm
elsewhere one character or one homophone from a local one (迈瑞医疗, 美的集团) included, and a
query that reads as a name no profile here knows (比亚迪, 赣锋锂业) gets no verdict from vectors,
whatever the model associates with it.

Candidates come from index lookups only (exact/prefix keys, an n-gram shortlist, BM25 postings,
product prefixes, the vector index), never from a scan of all names, so the cost of a query grows
slowly with the number of firms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from search.dicts import DEFAULT_DICT_DIR
from search.documents import Document, Filters, document_terms, document_words, passage_text
from search.errors import IndexMismatch, InvalidArgument
from search.fusion import SUPPORT, Evidence, fuse
from search.fuzzy import GramIndex, char_grams, pinyin_grams, word_grams
from search.keys import KeyIndex, KeyKind
from search.lexical import LexicalIndex
from search.listings import listing_evidence
from search.matching import NameMatcher
from search.names import FormBuilder, NameForms
from search.normalize import MAX_QUERY_CHARS, NameNormalizer, fold
from search.pinyin import PinyinTable
from search.products import ProductIndex
from search.query import Query, QueryAnalyzer
from search.segment import Segmenter
from search.signals import lexical_evidence, uscc_evidence, vector_evidence
from search.suggest import Suggester, Suggestion

if TYPE_CHECKING:
    from pathlib import Path

    from search.vector import Embedder, VectorIndex

__all__ = [
    "Document", "Filters", "Hit", "HybridSearcher", "SearchOptions", "Suggestion", "passage_text",
]

_TRADE_KINDS = frozenset({KeyKind.TRADE, KeyKind.SHORT})


class Hit(NamedTuple):
    """One search result: USCC, name, calibrated score (0–1), reasons in Chinese, weak flag."""

    id: str
    name: str
    score: float
    reasons: tuple[str, ...]
    weak: bool


@dataclass(frozen=True)
class SearchOptions:
    """Tuning knobs of the searcher; the defaults are the calibrated ones."""

    threshold: float = 0.5  # hits scoring below are weak
    shortlist: int = 200  # most documents compared character by character per query
    lexical_k: int = 50  # BM25 hits considered
    vector_k: int = 30  # nearest passages considered
    support: float = SUPPORT  # see search.fusion
    # e5 cosines of related query/passage pairs sit in a narrow band; see search.signals.
    vector_floor: float = 0.84
    vector_ceiling: float = 0.92
    max_query_chars: int = MAX_QUERY_CHARS
    dict_dir: Path = field(default=DEFAULT_DICT_DIR)


def _check_limit(limit: int) -> None:
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise InvalidArgument(f"limit must be a positive integer, got {limit!r}")


class HybridSearcher:
    """Finds enterprises by whatever an official remembers; every hit says why it matched."""

    passage = staticmethod(passage_text)

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        embedder: Embedder | None = None,
        vectors: VectorIndex | None = None,
        user_words: Iterable[str] = (),
        options: SearchOptions | None = None,
    ) -> None:
        """Index the documents (and their vectors, encoding them if only an embedder is given)."""
        self.options = opts = options or SearchOptions()
        self.documents: list[Document] = list(documents)
        self._rows = {doc.id: row for row, doc in enumerate(self.documents)}
        if len(self._rows) != len(self.documents):
            raise InvalidArgument("documents must have distinct ids")
        normalizer = NameNormalizer.from_dir(opts.dict_dir)
        pinyin = PinyinTable.from_dir(opts.dict_dir)
        builder = FormBuilder(normalizer, pinyin)
        self._forms: list[NameForms] = []
        keys: list[tuple[str, int, int]] = []

        def grams(keys: list[tuple[str, int, int]]) -> Iterable[list[str]]:
            # Streamed: a million documents' grams never sit in memory at once.
            for row, doc in enumerate(self.documents):
                entry = builder.entry(doc, row)
                self._forms.append(entry.forms)
                keys.extend(entry.keys)
                yield entry.grams

        self._grams = GramIndex(grams(keys))
        self._keys = KeyIndex(keys)
        del keys
        words = [*user_words, *document_words(self.documents, self._forms)]
        segmenter = self._segmenter = Segmenter(words, dict_dir=opts.dict_dir)
        self._lexical = LexicalIndex(document_terms(self.documents, self._forms, segmenter))
        self._products = ProductIndex(self.documents)
        self._analyzer = QueryAnalyzer(
            normalizer, pinyin, segmenter, max_chars=opts.max_query_chars
        )
        self._matcher = NameMatcher(normalizer, pinyin)
        self._normalizer = normalizer
        self._suggester = Suggester(
            self._keys, self._analyzer, self.documents, max_chars=opts.max_query_chars
        )
        self._business_cache: dict[int, str] = {}
        self._embedder = embedder
        self._vectors, self._vector_rows = self._attach_vectors(embedder, vectors)

    def _attach_vectors(
        self, embedder: Embedder | None, vectors: VectorIndex | None
    ) -> tuple[VectorIndex | None, np.ndarray]:
        if vectors is None and embedder is not None and self.documents:
            from search.vector import VectorIndex

            encoded = embedder.encode_passages([passage_text(d) for d in self.documents])
            vectors = VectorIndex.build(
                [d.id for d in self.documents], encoded, embedder=getattr(embedder, "name", "")
            )
        if vectors is None:
            return None, np.empty(0, np.int64)
        unknown = [i for i in vectors.ids if i not in self._rows]
        if unknown:
            raise IndexMismatch(
                f"vector index holds {len(unknown)} ids not among the documents, e.g. {unknown[0]}"
            )
        return vectors, np.array([self._rows[i] for i in vectors.ids], dtype=np.int64)

    def __len__(self) -> int:
        """Number of indexed documents."""
        return len(self.documents)

    def search(
        self, query: str, *, limit: int = 10, filters: Filters | None = None,
        include_weak: bool = False,
    ) -> list[Hit]:
        """The best ``limit`` hits for a query, strongest first; [] when nothing is relevant."""
        _check_limit(limit)
        q = self._analyzer.analyze(query) if isinstance(query, str) else None
        if q is None or not self.documents:
            return []
        hits = []
        evidence = self._evidence(q, wide=filters is not None)
        for fused in fuse(evidence, support=self.options.support):
            doc = self.documents[fused.doc]
            weak = fused.score < self.options.threshold
            if (weak and not include_weak) or (filters is not None and not filters.admits(doc)):
                continue
            hits.append((fused, doc, weak))
        # Equal scores (a trade name or initials shared by several firms): by name, then USCC.
        hits.sort(key=lambda h: (-h[0].score, self._tie_order(h[0].doc)))
        return [
            Hit(doc.id, doc.name, round(f.score, 4), f.reasons, weak)
            for f, doc, weak in hits[:limit]
        ]

    def suggest(self, prefix: str, *, limit: int = 8) -> list[Suggestion]:
        """Type-ahead: firms whose name, short name, core name, pinyin or initials start so."""
        _check_limit(limit)
        if not isinstance(prefix, str) or not self.documents:
            return []
        return self._suggester.suggest(prefix, limit=limit)

    def _evidence(self, q: Query, *, wide: bool) -> list[Evidence]:
        """Every retriever's calibrated evidence for the query (``wide``: filters will cut)."""
        opts = self.options
        grow = 3 if wide else 1  # filters drop hits afterwards: look further
        evidence: list[Evidence] = []
        candidates: set[int] = set()
        if QueryAnalyzer.uscc_like(q):
            evidence += uscc_evidence(self._keys, q.compact)
        evidence += listing_evidence(self._keys, self.documents, q.compact)
        for key in {q.compact, q.core, q.latin, q.latin_core, q.pinyin} - {""}:
            rows = {m.doc for m in self._keys.exact(key)}
            if len(rows) > opts.shortlist:  # thk, tianhe at a million firms: a stable slice, by name
                rows = set(sorted(rows, key=self._tie_order)[: opts.shortlist])
            candidates |= rows
        if q.latin and len(q.latin) >= 2:
            kinds = frozenset({KeyKind.PINYIN, KeyKind.INITIALS, KeyKind.ENGLISH_CORE})
            for text in {q.latin, q.latin_core}:
                found = self._keys.prefix(text, limit=opts.shortlist, kinds=kinds)
                candidates.update(m.doc for m in found)
        elif q.pinyin and q.pinyin != q.core and len(q.syllables) >= 2:
            kinds = frozenset({KeyKind.PINYIN})
            found = self._keys.prefix(q.pinyin, limit=opts.shortlist, kinds=kinds)
            candidates.update(m.doc for m in found)
        grams = char_grams(q.core) if q.has_hanzi else []
        grams += pinyin_grams(q.syllables) if len(q.syllables) >= 2 else []
        grams += word_grams(q.words)
        # A firm sharing under a fifth of the query's gram weight cannot be one or two edits
        # away from it; dropping those keeps the character-by-character comparisons few.
        shortlist, _ = self._grams.shortlist(grams, k=opts.shortlist * grow, min_share=0.2)
        candidates.update(shortlist.tolist())
        lexical = self._lexical.search(q.terms, k=opts.lexical_k * grow)
        terms, lexical = self._products.starts(q.parts, q.terms, lexical, limit=opts.shortlist * grow)
        candidates.update(h.doc for h in lexical)
        known_trade = q.trade != q.core and bool(self._keys.exact(q.trade, kinds=_TRADE_KINDS))
        for row in candidates:
            evidence += self._matcher.match(
                q, self._forms[row], row, partial(self._business, row),
                known_trade=known_trade,
            )
        # A query that reads as a name (a legal form or region, a known trade name, any name
        # evidence, a name the zone does not know) asks *which* firm: what firms do may then
        # support a hit, never decide it.
        unknown_name = self._unknown_name(q)
        namelike = q.named or known_trade or unknown_name or any(e.score >= 0.5 for e in evidence)
        if unknown_name and len(q.trade) >= 2 and q.trade not in terms:
            # jieba may leave no term of it (天能电池 → 天 / 能 / 电池, 能 a stop word): the trade
            # name still counts as a query word, one that no battery maker here covers.
            terms += (q.trade,)
        evidence += lexical_evidence(
            terms, lexical, self._lexical, self.documents, self._forms, self._business,
            namelike=namelike,
        )
        if self._vectors is not None and self._embedder is not None:
            if not any(e.score >= 0.9 for e in evidence):  # a certain name needs no semantics
                evidence += self._vector_evidence(q, k=opts.vector_k * grow, namelike=namelike)
        return evidence

    def _unknown_name(self, q: Query) -> bool:
        """Whether a hanzi query reads as the name of a firm that no profile here knows: one
        word that none holds (比亚迪, 创维), or an unknown trade name before industry words
        (赣锋锂业, 蓝思科技). What the embedding model associates with a well-known name
        (比亚迪 → 汽车部件) is then its knowledge of the world, not evidence about a local firm;
        a description in several words (自动喂猫器) is left to it."""
        if not q.has_hanzi or q.mixed:
            return False
        words = self._segmenter.cut(q.core)
        one_word = len(words) == 1 or all(len(w) == 1 for w in words)
        if one_word and q.terms and not any(self._known(t) for t in q.terms):
            return True
        return (
            2 <= len(q.trade) <= 3 and bool(q.descriptor)
            and self._normalizer.is_descriptor(q.descriptor) and not self._known(q.trade)
        )

    def _known(self, word: str) -> bool:
        """Whether some profile holds the word: a BM25 term, the start of a product, a name key."""
        return (
            self._lexical.df(word) > 0 or bool(self._products.starting(word, limit=1))
            or bool(self._keys.exact(word))
        )

    def _vector_evidence(self, q: Query, *, k: int, namelike: bool) -> list[Evidence]:
        assert self._vectors is not None and self._embedder is not None
        scores, positions = self._vectors.search(self._embedder.encode_queries([q.text]), k)
        keep = positions[0] >= 0
        rows = self._vector_rows[positions[0][keep]].tolist()
        return vector_evidence(
            scores[0][keep], rows, self.documents, floor=self.options.vector_floor,
            ceiling=self.options.vector_ceiling, namelike=namelike,
        )

    def _tie_order(self, row: int) -> tuple[str, str]:
        """Order among equals: name, then USCC — stable across runs, and never points: an order by
        points among equal hits would tell any caller which firm scores higher."""
        doc = self.documents[row]
        return (doc.name, doc.id)

    def _business(self, row: int) -> str:
        """Folded products, industry, scope and name industry words of a document (cached)."""
        text = self._business_cache.get(row)
        if text is None:
            if len(self._business_cache) >= 50_000:
                self._business_cache.clear()  # a bound, not an LRU: refilling costs microseconds
            doc = self.documents[row]
            parts = (doc.products, doc.industry, doc.business_scope, self._forms[row].descriptor)
            text = self._business_cache[row] = fold("；".join(p for p in parts if p))
        return text
