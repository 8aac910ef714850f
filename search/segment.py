"""Chinese word segmentation: a private jieba tokenizer with our user dictionary.

Words come from data/dicts/user_words.txt plus whatever the searcher adds from the documents
(short names, core names, products, industries). The global ``jieba.dt`` is never touched: two
searchers with different documents must not share words. Loading jieba's default dictionary
costs about a second, so it is loaded once per process into a template tokenizer and each
``Segmenter`` starts from a copy of its frequency table (tens of milliseconds).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

from search.dicts import DEFAULT_DICT_DIR, read_entries
from search.normalize import fold

__all__ = ["Segmenter"]

_LATIN = re.compile("[a-z0-9]+")

# A document word competes with jieba's own words; this frequency (a common word's order of
# magnitude in jieba's dictionary) keeps 天合光能 whole without outranking everyday words.
USER_WORD_FREQ = 300
_template_lock = threading.Lock()


@cache
def _template() -> jieba.Tokenizer:
    with _template_lock:
        # jieba logs "Building prefix dict ... Loading model cost ..." at DEBUG to stderr through its
        # own handler; a command's output is no place for it.
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return tokenizer


class Segmenter:
    """Segments folded text into words and into retrieval terms (stop words dropped)."""

    def __init__(self, words: Iterable[str] = (), *, dict_dir: Path = DEFAULT_DICT_DIR) -> None:
        """Build a private tokenizer knowing the dictionary words and the given words."""
        template = _template()
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.FREQ = dict(template.FREQ)
        self._tokenizer.total = template.total
        self._tokenizer.initialized = True
        for fields in read_entries(dict_dir / "user_words.txt"):
            freq = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else USER_WORD_FREQ
            self.add_word(fold(fields[0]), freq)
        for word in words:
            self.add_word(word)
        self.stopwords = frozenset(fold(f[0]) for f in read_entries(dict_dir / "stopwords.txt"))

    def add_word(self, word: str, freq: int = USER_WORD_FREQ) -> None:
        """Teach the tokenizer one word (what ``jieba.Tokenizer.add_word`` does, minus its lock)."""
        if len(word) < 2:
            return
        table = self._tokenizer.FREQ
        if table.get(word, 0) < freq:
            self._tokenizer.total += freq - table.get(word, 0)
            table[word] = freq
        for end in range(1, len(word)):
            table.setdefault(word[:end], 0)

    def cut(self, text: str) -> list[str]:
        """Words of a folded text in order (no HMM guessing: the same text always cuts the same)."""
        return [w for w in self._tokenizer.cut(text, HMM=False) if w.strip()]

    def query_terms(self, text: str) -> list[str]:
        """Terms of a query, plus each run of unknown single characters as one term.

        天合储能 cuts into 天 / 合 / 储能 when no firm is called 天合: dropping the single
        characters would leave 储能 alone and every storage maker would cover the whole query.
        Kept as the (unknown) term 天合, the run counts as missed, as it should.
        """
        runs: list[str] = []
        run = ""
        for word in [*self.cut(text), " "]:
            if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and word not in self.stopwords:
                run += word
                continue
            if len(run) >= 2:
                runs.append(run)
            run = ""
        return self.terms(text) + runs

    def terms(self, text: str) -> list[str]:
        """Retrieval terms: search-mode words (光伏组件 → 光伏, 组件, 光伏组件) minus stop words."""
        out = []
        for word in self._tokenizer.cut_for_search(text, HMM=False):
            if len(word) < 2 or word in self.stopwords or not any(ch.isalnum() for ch in word):
                continue
            out.append(word)
            if not word.isascii() and _LATIN.search(word):
                # A learnt word like agv搬运机器人 must still answer to agv.
                out += [w for w in _LATIN.findall(word) if len(w) >= 2]
        return out
