"""A typed message made plain: one spelling for everything people type on a phone.

`clean` folds the text the way search does (`search.normalize.fold`: NFKC full → half width,
traditional → simplified, lower case, emoji and other symbols dropped), removes zero-width and
other format characters *without* leaving a gap (a zero-width space inside 恒\u200b拓 must not split
the name), turns control characters and every run of whitespace into one space, and keeps at most
`MAX_UNDERSTOOD_CHARS`. Understanding only reads that much: a question is a line or two, and a
longer paste is cut before any work is done on it. The service refuses messages longer than
`MAX_MESSAGE_CHARS` with a polite reply before understanding is asked at all.

>>> clean("  我們公司 的ＴＯＰ５\u200b排名　")
'我们公司 的top5排名'
"""

from __future__ import annotations

import re
import unicodedata

from search.normalize import fold

__all__ = ["MAX_MESSAGE_CHARS", "MAX_UNDERSTOOD_CHARS", "clean"]

# Understanding reads at most this much of a message (a question is a line or two).
MAX_UNDERSTOOD_CHARS = 500
# The service answers longer messages with a polite refusal instead of understanding them.
MAX_MESSAGE_CHARS = 5000
# Folding can only shorten or keep a text's length for what we keep, except NFKC expansions
# (㍿ → 株式会社); cutting the raw text at four times the cap bounds the work on a 5,000-char paste.
_RAW_CUT = 4 * MAX_UNDERSTOOD_CHARS
_SPACES = re.compile(r"\s+")


def _drop_format(text: str) -> str:
    """Zero-width and other format characters (Unicode category Cf) removed without a gap."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean(text: str) -> str:
    """The message folded (繁→简, full → half width, lower case), invisible characters removed,
    whitespace collapsed, at most `MAX_UNDERSTOOD_CHARS` long."""
    text = _drop_format(text[:_RAW_CUT])
    text = fold(text)  # control characters become spaces here
    return _SPACES.sub(" ", text).strip()[:MAX_UNDERSTOOD_CHARS].rstrip()
