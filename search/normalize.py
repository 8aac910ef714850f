"""Normalization of enterprise names and queries.

``fold`` makes two spellings of one text equal: NFKC (full width → half width), traditional →
simplified (OpenCC t2s), lower case, control characters, emoji and other symbols dropped.
``compact`` keeps letters, digits and hanzi only. ``NameNormalizer`` strips region words and
legal forms into a *core name* (常州天合光能有限公司 → 天合光能) and splits the core into the trade
name (字号, 天合) and its industry words (光能), the order the name-registration rules prescribe.

>>> NameNormalizer.from_dir().core(fold("江苏天合光能（常州）股份有限公司"))
'天合光能'
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from search.dicts import DEFAULT_DICT_DIR, read_entries

__all__ = ["MAX_QUERY_CHARS", "NameNormalizer", "compact", "fold", "to_simplified"]

# Nobody types a name or a product longer than this; longer input is cut before any work is done.
MAX_QUERY_CHARS = 100

_NON_ALNUM = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"[(\[【〔{]([^()\[\]【】〔〕{}]*)[)\]】〕}]")
# Administrative suffixes whose removal still leaves a usable region word (常州市 → 常州).
_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "区", "县")
_ZONE_WORDS = ("高新", "经开", "工业园")
# Emoji, pictographs, arrows, dingbats, private-use and variation selectors: never part of a name.
_SYMBOLS = re.compile(
    "[\u2190-\u2bff\ue000-\uf8ff\ufe00-\ufe0f\ufff0-\uffff"
    "\U0001f000-\U0001faff\U000e0000-\U000e007f\U000f0000-\U0010ffff]"
)


@cache
def _opencc() -> Any:  # OpenCC has no type information
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s table changes; text without any of them is already simplified."""
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets.split(" ")[0] != source:
            chars.add(source)
    return frozenset(chars)


@lru_cache(maxsize=8192)
def _convert(text: str) -> str:
    return str(_opencc().convert(text))


def to_simplified(text: str) -> str:
    """Traditional characters converted to simplified ones (OpenCC t2s, phrase-aware)."""
    # The full converter costs ~85 µs per name; checking for a traditional character first makes
    # the common case (mainland names are simplified already) nearly free.
    if _traditional_chars().isdisjoint(text):
        return text
    return _convert(text)


def fold(text: str) -> str:
    """Width-folded, simplified, lower-case text without control characters or symbols."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # controls, format characters, lone surrogates
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    if not text.isascii():
        text = to_simplified(_SYMBOLS.sub(" ", text))
    return text.lower()


def compact(text: str) -> str:
    """Only the letters, digits and hanzi of a (folded) text."""
    return _NON_ALNUM.sub("", text)


def _region_forms(word: str) -> list[str]:
    forms = [word]
    for suffix in _ADMIN_SUFFIXES:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 2 and not base.endswith(_ZONE_WORDS):
            forms.append(base)
            break
    return forms


class NameNormalizer:
    """Core names (region words and legal forms stripped) and trade-name splits of names."""

    def __init__(self, *, regions: set[str], legal_forms: set[str], name_words: set[str]) -> None:
        """Take the region words, legal forms and industry words (all folded) to strip."""
        self.regions = frozenset(regions)
        self.legal_forms = frozenset(legal_forms)
        self.name_words = frozenset(name_words)
        # Lookups by the first/last two characters keep stripping O(1) per name instead of a
        # scan over hundreds of words (it runs once per name at build time, a million times).
        self._heads: dict[str, list[str]] = {}
        for word in sorted(self.regions, key=len, reverse=True):
            self._heads.setdefault(word[:2], []).append(word)
        self._tails: dict[str, list[str]] = {}
        for word in sorted(self.regions | self.legal_forms, key=len, reverse=True):
            self._tails.setdefault(word[-2:], []).append(word)
        self._word_lengths = sorted({len(w) for w in self.name_words}, reverse=True)

    @classmethod
    def from_dir(cls, dict_dir: Path = DEFAULT_DICT_DIR) -> NameNormalizer:
        """The normalizer of data/dicts/ (regions.txt, legal_forms.txt, name_words.txt)."""
        regions = {
            form
            for fields in read_entries(dict_dir / "regions.txt")
            for form in _region_forms(fold(fields[0]))
        }
        legal = {fold(f[0]) for f in read_entries(dict_dir / "legal_forms.txt")}
        words = {fold(f[0]) for f in read_entries(dict_dir / "name_words.txt")}
        return cls(regions=regions, legal_forms=legal, name_words=words)

    def _unbracket(self, text: str) -> str:
        def repl(match: re.Match[str]) -> str:
            inner = compact(match.group(1))
            return "" if inner in self.regions or inner in self.legal_forms else inner

        return _BRACKETED.sub(repl, text) if "(" in text or "[" in text or "【" in text else text

    def core(self, text: str) -> str:
        """The core name of a folded name: 常州市新北区天合光能股份有限公司 → 天合光能."""
        name = compact(self._unbracket(text))
        changed = True
        while changed:  # 有限公司常州分公司 needs several rounds: 分公司, 常州, 有限公司
            changed = False
            for word in (*self._tails.get(name[-2:], ()), *self._tails.get(name[-1:], ())):
                if name.endswith(word) and len(name) - len(word) >= 2:
                    name, changed = name[: -len(word)], True
                    break
        while True:
            word = next((w for w in self._heads.get(name[:2], ()) if name.startswith(w)), None)
            rest = name[len(word) :] if word else ""
            # 天宁光电科技 keeps 天宁: without it no trade name would be left.
            if not word or len(rest) < 2 or not self._has_trade(rest):
                return name
            name = rest

    def split_trade(self, core: str) -> tuple[str, str]:
        """(trade name, industry words) of a core name: 耀裕机器人科技 → (耀裕, 机器人科技)."""
        trade = core
        while True:
            for size in self._word_lengths:
                if len(trade) - size >= 2 and trade[-size:] in self.name_words:
                    trade = trade[:-size]
                    break
            else:
                break
        # Trade names are two or three characters; four or more left means industry words the
        # list lacks (重华精密锻造 before 锻造 was listed), and the first two are the best guess.
        if len(trade) >= 4 and not trade.isascii():
            trade = trade[:2]
        return trade, core[len(trade) :]

    def is_descriptor(self, text: str) -> bool:
        """Whether a text is industry words only (机器人科技, 锂业), as follows a trade name."""
        while text:
            size = next((n for n in self._word_lengths if text[-n:] in self.name_words), 0)
            if not size:
                return False
            text = text[:-size]
        return True

    def _has_trade(self, core: str) -> bool:
        return self.split_trade(core)[0] not in self.name_words
