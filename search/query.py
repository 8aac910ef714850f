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
    parts: tuple[str, ...]  # the space-separated parts, compact, region words alone left out
    region: str  # the region the user typed before the name (常州; changzhou → 常州), else ""
    latin: str  # the compact text when it is all ASCII letters/digits, else ""
    latin_core: str  # ``latin`` without a leading region in pinyin/English (changzhou yaoyu → yaoyu)
    has_hanzi: bool
    mixed: bool  # hanzi and latin letters together: 天he光能
    pinyin: str  # full pinyin of the core (hanzi read, latin kept): 天he光能 → tianheguangneng
    syllables: tuple[str, ...]  # the syllables of ``pinyin``
    words: tuple[str, ...]  # latin words (English names), region words left out if others remain
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
        # Regions typed in pinyin or English (changzhou, Jiangsu), read from the same region list
        # as the hanzi ones; industry words in pinyin, so that tianning guangdian keeps 天宁.
        self._latin_regions = pinyin.keys_of(normalizer.regions)
        self._latin_name_words = frozenset(pinyin.keys_of(normalizer.name_words))

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
        words = _WORD.findall(text)
        region, latin_core = "", latin
        if latin:
            region, latin_core = self._latin_region(words)
        elif 0 < flat.find(core):  # what core() stripped in front: region words
            region = flat[: flat.find(core)]
        syllables = tuple(self._pinyin.syllables(core))
        parts = [compact(p) for p in text.split(" ")]
        has_hanzi = any(is_hanzi(ch) for ch in flat)
        regions = self._normalizer.regions
        named_words = [w for w in words if w not in self._latin_regions] or words
        terms = tuple(
            t for t in self._segmenter.query_terms(text) if t not in self._normalizer.regions
        )
        return Query(
            text=text,
            compact=flat,
            core=core,
            trade=trade,
            descriptor=descriptor,
            named=core != flat or bool(region),
            spaced=sum(1 for p in parts if p) > 1,
            parts=tuple(p for p in parts if p and p not in regions and p not in self._latin_regions),
            region=region,
            latin=latin,
            latin_core=latin_core,
            has_hanzi=has_hanzi,
            mixed=has_hanzi and any(ch.isascii() for ch in core),
            pinyin="".join(syllables),
            syllables=syllables,
            words=tuple(named_words),
            terms=terms,
        )

    def _latin_region(self, words: list[str]) -> tuple[str, str]:
        """(region in hanzi, the rest compact) of a latin query that starts with a region.

        changzhou yaoyu → (常州, yaoyu); changzhouyaoyu likewise; a region that is all the query
        says, or that stands before industry words only (tianning guangdian: 天宁光电), stays.
        """
        rest = list(words)
        regions = []
        while len(rest) > 1 and rest[0] in self._latin_regions:
            if all(w in self._latin_name_words for w in rest[1:]):
                break
            regions.append(self._latin_regions[rest.pop(0)])
        if not regions and len(rest) == 1:
            word = rest[0]
            for size in range(len(word) - 4, 3, -1):  # the longest region first, 4+ letters left
                head, tail = word[:size], word[size:]
                if head in self._latin_regions and tail not in self._latin_name_words:
                    regions.append(self._latin_regions[head])
                    rest = [tail]
                    break
        return "".join(regions), "".join(rest)

    @staticmethod
    def uscc_like(query: Query) -> bool:
        """Whether the query could be a (partial) unified social credit code."""
        code = query.compact
        return bool(_USCC_CHARS.fullmatch(code)) and any(c.isdigit() for c in code)
