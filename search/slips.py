"""When a near spelling of a name is a slip of the user and when it names another firm.

A query one character away from a local name is either a typo of it or the name of a firm the
store does not hold: 天和光能 is 天合光能 misspelt, but 迈瑞医疗 (a well-known firm elsewhere) is
not 源瑞医疗, nor 美的 美德. What tells them apart is what else agrees:

* a homophone (天和 for 天合) is how pinyin input goes wrong, and counts as a slip;
* another character in the trade name (字号) is half of a two-character trade name, the part
  that says which firm it is; it counts only when more agrees: three or more characters of the
  name beyond the trade name (九晖医疗科技 for 朝晖医疗科技), a trade name of three characters of
  which two agree (忠威森 for 艾威森), or the region typed being the firm's (常州天台光能有限公司);
* anything further off (two characters, a length that differs) counts only with the region;
* in mixed input (耀yu机器人) the hanzi typed are certain: a firm with another character read
  the same way there (瑶裕) is a homophone of the query, below the firm typed.

A common industry word (医疗, 汽车, 电子) agreeing is no evidence: hundreds of firms share it, so a
name from elsewhere lands one character from one of them by chance (measured: 33 of 264 well-known
firms did, on the demo zone of 2,857; ``benchmarks/search_quality.py``).
"""

from __future__ import annotations

from search.names import NameForms
from search.normalize import NameNormalizer
from search.pinyin import PinyinTable
from search.query import Query

__all__ = ["SlipJudge"]

# The shortest agreeing rest of a name (beyond its trade name) that makes a one-character slip
# in the trade name credible: 3 characters (医疗科技, 骨科器械), not one industry word (医疗).
MIN_AGREEING_REST = 3
_ADMIN_SUFFIXES = "省市区县"


class SlipJudge:
    """Decides whether a near spelling of a firm's name is corroborated as a slip."""

    def __init__(self, normalizer: NameNormalizer, pinyin: PinyinTable) -> None:
        """Share the searcher's normalizer and pinyin table."""
        self._normalizer = normalizer
        self._pinyin = pinyin

    def corroborated(self, q: Query, form: str, f: NameForms) -> bool:
        """Whether the query's core, near the name ``form`` of firm ``f``, is a slip of it."""
        if self.region_agrees(q, f):
            return True
        c = q.core
        head = form[: len(c)]
        if len(head) != len(c):
            return False
        diffs = [i for i, (a, b) in enumerate(zip(c, head, strict=True)) if a != b]
        if len(diffs) != 1:
            return False
        at = diffs[0]
        if self._same_sound(c[at], head[at]):
            return True
        trade, _ = self._normalizer.split_trade(form)
        if at >= len(trade) or len(trade) >= 3:
            return True
        return len(c) - len(trade) >= MIN_AGREEING_REST

    def region_agrees(self, q: Query, f: NameForms) -> bool:
        """Whether the query names a region (常州, changzhou) that the firm's name holds."""
        region = q.region
        if not region:
            return False
        if region in f.full:
            return True
        return len(region) >= 3 and region[-1] in _ADMIN_SUFFIXES and region[:-1] in f.full

    def _same_sound(self, a: str, b: str) -> bool:
        readings = lambda ch: {v[0] for v in self._pinyin.variants(ch) if v}  # noqa: E731
        return bool(readings(a) & readings(b))

    def typed_differs(self, typed: str, text: str) -> bool:
        """Whether a hanzi of mixed input differs from the character of ``text`` read at the
        same place in the pinyin (耀 typed where the firm has 瑶): a homophone, not the name."""
        readings = self._pinyin.syllables(text)
        if len(readings) != len(text):  # not one syllable per character: no place to compare
            return False
        chars, at = {}, 0
        for ch, reading in zip(text, readings, strict=True):
            chars[at] = ch
            at += len(reading)
        # The typed text's syllables: one per hanzi, one per run of latin letters.
        syllables = iter(self._pinyin.syllables(typed))
        at, in_run = 0, False
        for ch in typed:
            if ch.isascii():
                if not in_run:
                    at += len(next(syllables, ""))
                in_run = True
                continue
            in_run = False
            if chars.get(at, ch) != ch:
                return True
            at += len(next(syllables, ""))
        return False
