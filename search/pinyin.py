"""Pinyin keys of names: full (tianheguangneng) and initials (thgn), toneless.

Readings come from pypinyin's per-character default, corrected by the hand-checked table
data/dicts/pinyin_overrides.txt: single characters whose usual reading in names differs from
pypinyin's default (长 → chang, not zhang; 晟 → sheng, not cheng) and phrases that fix a
reading in context (重庆 chong qing, 银行 yin hang). Readings are cached per distinct character:
pypinyin's phrase-aware ``lazy_pinyin`` costs ~300 µs per name, too slow for a million names.
Characters read two ways in names (重 zhong/chong, 单 dan/shan) have alternates in the table;
``variants`` spells a name every way (at most four), so either reading finds it. Latin letters and
digits pass through as runs, so mixed text (天he光能, tian合) gives the same key as the all-hanzi
spelling.

>>> PinyinTable.from_dir().full("长海晟天")
'changhaishengtian'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from search.dicts import DEFAULT_DICT_DIR, read_entries
from search.errors import DictionaryError

__all__ = ["PinyinTable", "is_hanzi"]

_ALL_HANZI = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]+")


def is_hanzi(ch: str) -> bool:
    """Whether a character is a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class PinyinTable:
    """Toneless readings of names with hand-checked overrides."""

    def __init__(
        self,
        overrides: dict[str, tuple[str, ...]] | None = None,
        alternates: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Take overrides (character or phrase → one reading per character) and alternates."""
        self._chars: dict[str, str] = {}
        self._alternates = dict(alternates or {})
        self._phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for key, readings in (overrides or {}).items():
            if len(key) == 1:
                self._chars[key] = readings[0]
            else:
                self._phrases.setdefault(key[0], []).append((key, readings))
        for entries in self._phrases.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)
        self._heads = frozenset(self._phrases)

    @classmethod
    def from_dir(cls, dict_dir: Path = DEFAULT_DICT_DIR) -> PinyinTable:
        """The table with data/dicts/pinyin_overrides.txt applied."""
        path = dict_dir / "pinyin_overrides.txt"
        overrides, alternates = {}, {}
        for key, *fields in read_entries(path, min_fields=2):
            if len(key) == 1 and len(fields) == 1 and "|" in fields[0]:
                default, *others = fields[0].split("|")
                fields, alternates[key] = [default], tuple(others)
            readings = [r for field in fields for r in field.split("|")]
            if len(fields) != len(key) or not all(r.isascii() and r.isalpha() for r in readings):
                raise DictionaryError(f"{path}: {key!r} needs one toneless reading per character")
            overrides[key] = tuple(fields)
        return cls(overrides, alternates)

    def reading(self, ch: str) -> str:
        """The default toneless reading of one hanzi in names."""
        found = self._chars.get(ch)
        if found is None:
            # pypinyin's character table directly: its first reading is what pinyin(ch) gives,
            # without loading the phrase dictionaries (~50 MB) that single characters never use.
            from pypinyin.contrib.tone_convert import to_normal
            from pypinyin.pinyin_dict import pinyin_dict

            readings = pinyin_dict.get(ord(ch))
            found = to_normal(readings.split(",")[0]) if readings else ""
            found = found if found.isascii() and found.isalpha() else ""
            self._chars[ch] = found
        return found

    def syllables(self, text: str) -> list[str]:
        """Readings of the hanzi of a folded text; runs of latin letters and digits kept whole."""
        fixed = None if self._heads.isdisjoint(text) else self._phrase_readings(text)
        if fixed is None and _ALL_HANZI.fullmatch(text):  # the common case, kept quick
            chars = self._chars
            out = [chars[ch] if ch in chars else self.reading(ch) for ch in text]
            return [r for r in out if r] if "" in out else out
        out = []
        run: list[str] = []
        for i, ch in enumerate(text):
            if ch.isascii():
                if ch.isalnum():
                    run.append(ch)
                    continue
            elif is_hanzi(ch):
                if run:
                    out.append("".join(run).lower())
                    run = []
                syllable = fixed.get(i) if fixed else None
                syllable = syllable or self.reading(ch)
                if syllable:
                    out.append(syllable)
                continue
            if run:
                out.append("".join(run).lower())
                run = []
        if run:
            out.append("".join(run).lower())
        return out

    def variants(self, text: str, *, limit: int = 4) -> list[tuple[str, ...]]:
        """Syllables of the text under each reading of its two-way characters, default first."""
        base = self.syllables(text)
        if not self._alternates or self._alternates.keys().isdisjoint(text):
            return [tuple(base)]
        fixed = self._phrase_readings(text) or {}
        out = [tuple(base)]
        position = -1
        for i, ch in enumerate(text):
            if ch.isascii() and ch.isalnum() and (i == 0 or not text[i - 1].isascii()):
                position += 1  # a latin run is one syllable slot
            elif is_hanzi(ch):
                position += 1
                if ch in self._alternates and i not in fixed and self.reading(ch):
                    out += [
                        v[:position] + (alt,) + v[position + 1 :]
                        for v in list(out) for alt in self._alternates[ch]
                    ]
                    if len(out) >= limit:
                        return out[:limit]
        return out

    def _phrase_readings(self, text: str) -> dict[int, str] | None:
        fixed: dict[int, str] | None = None
        for i, ch in enumerate(text):
            for phrase, readings in self._phrases.get(ch, ()):
                if text.startswith(phrase, i):
                    fixed = fixed if fixed is not None else {}
                    for j, reading in enumerate(readings):
                        fixed.setdefault(i + j, reading)
                    break
        return fixed

    def keys_of(self, words: Iterable[str]) -> dict[str, str]:
        """Full pinyin → word for hanzi words (常州 → changzhou), to recognise them typed in latin."""
        return {self.full(w): w for w in words if w and not w.isascii()}

    def full(self, text: str) -> str:
        """The full pinyin key without spaces: 天合光能 → tianheguangneng."""
        return "".join(self.syllables(text))

    def initials(self, text: str) -> str:
        """The first letters of the syllables: 天合光能 → thgn."""
        return "".join(s[0] for s in self.syllables(text))
