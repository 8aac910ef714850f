"""Name forms of a document (full, core, trade, short, former, English, aliases, stock short
names, pinyin) and their keys; stock codes become keys too (``search.listings``).

Built once per document at index time: the keys go into the ``KeyIndex`` (exact and prefix
lookups), the grams into the ``GramIndex`` (fuzzy shortlist), and the forms themselves are
what ``search.matching`` compares a query with.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

from search.fuzzy import char_grams, pinyin_grams, word_grams
from search.keys import KeyKind
from search.listings import listing_keys
from search.normalize import NameNormalizer, compact, fold
from search.pinyin import PinyinTable, is_hanzi

__all__ = ["FormBuilder", "IndexEntry", "NameForms", "PinyinForm"]

_WORD = re.compile(r"[a-z0-9]+")
# English legal and filler words: "Co., Ltd." says nothing about which firm it is.
_ENGLISH_FILLER = frozenset(
    "co ltd limited inc corp corporation company group llc gmbh plc the and of".split()
)


def _has_hanzi(text: str) -> bool:
    return any(map(is_hanzi, text))


class NamedDocument(Protocol):
    """What the builder reads from a document (``search.hybrid.Document`` satisfies it)."""

    # Read-only, so that a frozen dataclass satisfies it.
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def short_name(self) -> str | None: ...

    @property
    def former_names(self) -> tuple[str, ...]: ...

    @property
    def english_name(self) -> str | None: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def stock_names(self) -> tuple[str, ...]: ...

    @property
    def stock_codes(self) -> tuple[str, ...]: ...


class PinyinForm(NamedTuple):
    """The pinyin of one hanzi form: its text, kind, every full key and every initials key."""

    text: str
    kind: KeyKind
    fulls: tuple[str, ...]  # the default reading first, then alternates (重 zhong/chong)
    initials: tuple[str, ...]

    @property
    def full(self) -> str:
        """The full pinyin under the default readings."""
        return self.fulls[0]


class NameForms(NamedTuple):
    """Every normalized form of one document's names."""

    full: str
    core: str
    trade: str
    descriptor: str
    shorts: tuple[str, ...]
    formers: tuple[tuple[str, str, str], ...]  # (as registered, compact, core)
    english: str  # compact, all words
    english_core: str  # compact, filler and region words dropped
    english_words: tuple[str, ...]
    pinyin: tuple[PinyinForm, ...]  # of core, trade, short, former, alias and stock short names
    aliases: tuple[tuple[str, str, str], ...] = ()  # (as written, compact, core): brands, acronyms
    stock_names: tuple[tuple[str, str, str], ...] = ()  # (as written, compact, core)


class IndexEntry(NamedTuple):
    """What indexing one document produces: its forms, exact/prefix keys and shortlist grams."""

    forms: NameForms
    keys: list[tuple[str, int, int]]
    grams: list[str]


class FormBuilder:
    """Computes name forms, index keys and shortlist grams of documents."""

    def __init__(self, normalizer: NameNormalizer, pinyin: PinyinTable) -> None:
        """Share the searcher's normalizer and pinyin table."""
        self.normalizer = normalizer
        self.pinyin = pinyin
        # Regions as they appear in English names (Changzhou, Jiangsu): pinyin of the words.
        self._english_regions = frozenset(pinyin.keys_of(normalizer.regions)) | {"china", "prc"}

    def forms(self, doc: NamedDocument) -> NameForms:
        """All name forms of a document."""
        return self.entry(doc, 0).forms

    def entry(self, doc: NamedDocument, row: int) -> IndexEntry:
        """Forms, keys and grams of the document at ``row``, each reading computed once."""
        norm = self.normalizer
        folded = fold(doc.name)
        full, core = compact(folded), norm.core(folded)  # core() needs the brackets: 欣迈（常州）…
        trade, descriptor = norm.split_trade(core)
        short = compact(fold(doc.short_name or ""))
        shorts = (short,) if len(short) >= 2 else ()
        formers = self._named(doc.former_names)
        aliases, stock_names = self._named(doc.aliases), self._named(doc.stock_names)
        words = _WORD.findall(fold(doc.english_name or ""))
        core_words = tuple(
            w for w in words if w not in _ENGLISH_FILLER and w not in self._english_regions
        )
        core_variants = self.pinyin.variants(core)
        hanzi_only = len(core_variants[0]) == len(core)  # one syllable per character
        pinyin_forms: list[PinyinForm] = []
        grams = char_grams(core)
        done: set[str] = set()
        for text, kind in (
            (core, KeyKind.CORE), (trade, KeyKind.TRADE), *((s, KeyKind.SHORT) for s in shorts),
            *((c, KeyKind.FORMER_CORE) for _, _, c in formers),
            # Brands and stock short names in hanzi are typed in pinyin too, whole (博岳股份:
            # bygf) or as core (博岳); acronyms are not.
            *((text, KeyKind.ALIAS) for _, flat, c in aliases for text in (flat, c) if _has_hanzi(text)),
            *((text, KeyKind.STOCK_NAME) for _, flat, c in stock_names for text in (flat, c) if _has_hanzi(text)),
        ):
            if not text or text in done:
                continue
            done.add(text)
            if hanzi_only and core.startswith(text):  # trade and most short names: a prefix
                variants = list(dict.fromkeys(v[: len(text)] for v in core_variants))
            else:
                variants = self.pinyin.variants(text)
            pinyin_forms.append(
                PinyinForm(
                    text, kind,
                    tuple(dict.fromkeys("".join(v) for v in variants)),
                    tuple(dict.fromkeys("".join(x[0] for x in v) for v in variants)),
                )
            )
            if kind != KeyKind.TRADE:
                grams += pinyin_grams(variants[0])
                if kind != KeyKind.CORE:
                    grams += char_grams(text)
        grams += word_grams(core_words)
        forms = NameForms(
            full=full, core=core, trade=trade, descriptor=descriptor, shorts=shorts,
            formers=formers, english="".join(words), english_core="".join(core_words),
            english_words=core_words, pinyin=tuple(pinyin_forms), aliases=aliases,
            stock_names=stock_names,
        )
        keys = self._keys(forms, row, doc.id)
        keys += [(key, KeyKind.STOCK_CODE, row) for key in listing_keys(doc.stock_codes)]
        return IndexEntry(forms, keys, grams)

    def _named(self, names: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
        """(as written, compact, core) of each of several names of one kind."""
        folded = ((name, fold(name)) for name in names if name)
        return tuple((name, compact(f), self.normalizer.core(f)) for name, f in folded if compact(f))

    @staticmethod
    def _keys(forms: NameForms, row: int, uscc: str) -> list[tuple[str, int, int]]:
        """(key, kind, row) entries for the exact/prefix index."""
        out = [(compact(fold(uscc)), KeyKind.USCC, row), (forms.full, KeyKind.NAME, row)]
        out += [(forms.core, KeyKind.CORE, row), (forms.trade, KeyKind.TRADE, row)]
        out += [(s, KeyKind.SHORT, row) for s in forms.shorts]
        for _, flat, core in forms.formers:
            out += [(flat, KeyKind.FORMER, row), (core, KeyKind.FORMER_CORE, row)]
        for kind, named in ((KeyKind.ALIAS, forms.aliases), (KeyKind.STOCK_NAME, forms.stock_names)):
            out += [(key, kind, row) for _, flat, core in named for key in dict.fromkeys((flat, core))]
        if forms.english:
            out += [(forms.english, KeyKind.ENGLISH, row)]
            out += [(forms.english_core, KeyKind.ENGLISH_CORE, row)]
        for p in forms.pinyin:
            out += [(full, KeyKind.PINYIN, row) for full in p.fulls]
            out += [(initials, KeyKind.INITIALS, row) for initials in p.initials]
        return [k for k in out if k[0]]
