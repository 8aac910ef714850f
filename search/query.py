"""Query analysis: one pass from raw user text to every form the retrievers need."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.normalize import MAX_QUERY_CHARS, NameNormalizer, compact, fold
from search.pinyin import PinyinTable, is_hanzi
from search.segment import Segmenter

__all__ = ["Query", "QueryAnalyzer"]

_USCC_CHARS = re.compile(r"[0-9a-z]{8,18}")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Query:
    """A normalized query: the text and its name, pinyin, word and term forms."""

    text: str  # folded, truncated, single-spaced
    compact: str  # letters, digits and hanzi only
    core: str  # region words and legal forms stripped
    trade: str  # core without its trailing industry words
    descriptor: str  # those industry words
    named: bool  # carries a legal form or a region word: the user typed a registered name
    spaced: bool  # several space-separated parts: a name plus a product, say
    latin: str  # the compact text when it is all ASCII letters/digits, else ""
    has_hanzi: bool
    mixed: bool  # hanzi and latin letters together: 天he光能
    pinyin: str  # full pinyin of the core (hanzi read, latin kept): 天he光能 → tianheguangneng
    syllables: tuple[str, ...]  # the syllables of ``pinyin``
    words: tuple[str, ...]  # latin words (English names)
    terms: tuple[str, ...]  # BM25 terms


class QueryAnalyzer:
    """Turns raw query text into a ``Query`` (or None when nothing searchable is left)."""

    def __init__(
        self, normalizer: NameNormalizer, pinyin: PinyinTable, segmenter: Segmenter, *,
        max_chars: int = MAX_QUERY_CHARS,
    ) -> None:
        """Share the searcher's normalizer, pinyin table and segmenter."""
        self._normalizer = normalizer
        self._pinyin = pinyin
        self._segmenter = segmenter
        self._max_chars = max_chars

    def analyze(self, raw: str) -> Query | None:
        """The analyzed query, or None for empty, punctuation-only or symbol-only text."""
        # Cut first: a 10,000-character paste must cost no more than a 100-character one.
        text = " ".join(fold(str(raw)[: self._max_chars * 2])[: self._max_chars].split())
        flat = compact(text)
        if not flat:
            return None
        core = self._normalizer.core(text)
        trade, descriptor = self._normalizer.split_trade(core)
        latin = flat if flat.isascii() else ""
        syllables = tuple(self._pinyin.syllables(core))
        parts = [compact(p) for p in text.split(" ")]
        has_hanzi = any(is_hanzi(ch) for ch in flat)
        terms = tuple(
            t for t in self._segmenter.query_terms(text) if t not in self._normalizer.regions
        )
        return Query(
            text=text,
            compact=flat,
            core=core,
            trade=trade,
            descriptor=descriptor,
            named=core != flat,
            spaced=sum(1 for p in parts if p) > 1,
            latin=latin,
            has_hanzi=has_hanzi,
            mixed=has_hanzi and any(ch.isascii() for ch in core),
            pinyin="".join(syllables),
            syllables=syllables,
            words=tuple(_WORD.findall(text)),
            terms=terms,
        )

    @staticmethod
    def uscc_like(query: Query) -> bool:
        """Whether the query could be a (partial) unified social credit code."""
        code = query.compact
        return bool(_USCC_CHARS.fullmatch(code)) and any(c.isdigit() for c in code)
