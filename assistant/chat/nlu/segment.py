"""A cleaned message cut into what it says: known words, years, counts, numbers, and names.

Forward maximum matching over the vocabulary (the longest known surface at each position wins:
研发投入强度 over 研发投入, 高企 over 高), tried three ways at each position and the longest taken:
as typed; by sound, for the homophone a pinyin keyboard slips in (研发废用 → 研发费用, 总份 → 总分;
at least half of the characters must be the word's own, so a trade name is not read as a word);
and, for latin letters, as toneless pinyin of a word (zongfen → 总分, "yanfa feiyong" → 研发费用),
pinyin and characters mixed included (yanfa费用, chengzhang期).
What no word covers is kept as `name` chunks: the candidates for company mentions. Years, counts
and list positions are found first (`numbers`) and passed in as marks.

Afterwards, a typo that is neither a homophone nor a known word (研发费占比, 研发经废总额) is
matched by edit distance against the indicator surfaces (rapidfuzz), on a name chunk alone or
together with the known word beside it; and a one-character question word between two name
pieces one of which is a single character is taken back into the name (嘉和智能 stays one name,
while 恒锐和博岳 is two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from assistant.chat.nlu.numbers import Found
from assistant.chat.nlu.vocabulary import Meaning, Vocabulary
from scoring.uscc import CHARSET
from search.pinyin import is_hanzi

__all__ = ["Segment", "SegmentKind", "segment"]

SegmentKind = Literal["term", "year", "n", "list_index", "number", "name", "company", "space"]
_LATIN_TOKEN = re.compile(r"[a-z][a-z0-9&]*")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A typed USCC (cleaned text is lower case): one name, not a number and a letter.
_USCC = re.compile(rf"[0-9a-z]{{2}}[0-9]{{6}}[{CHARSET.lower()}]{{10}}(?![0-9a-z])")
_MAX_SOUND = 12  # the longest word matched by sound (longer ones are names of indicators)


@dataclass(frozen=True)
class Segment:
    """A piece of the message: its kind, where it is, the text as typed, and what it reads as."""

    kind: SegmentKind
    start: int
    end: int
    text: str
    surface: str = ""  # the known word it reads as (总分 for "zongfen" or "总份")
    meaning: Meaning | None = None
    value: int | None = None  # year, count or list position
    how: Literal["exact", "sound", "pinyin", "fuzzy", ""] = ""


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _exact(text: str, i: int, limit: int, vocab: Vocabulary) -> tuple[str, int] | None:
    for end in range(min(limit, i + vocab.longest), i, -1):
        word = text[i:end]
        if word in vocab.meanings:
            # A latin word must stand alone: "pct" matches in "pct申请" and "top5", not in "pctx".
            if word[-1].isascii() and word[-1].isalpha() and end < len(text) and text[end].isascii() and text[end].isalpha():
                continue
            if word[0].isascii() and word[0].isalpha() and i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
                continue
            return word, end
    return None


def _sound(text: str, i: int, limit: int, vocab: Vocabulary) -> tuple[str, int] | None:
    run = i
    while run < limit and run - i < _MAX_SOUND and is_hanzi(text[run]):
        run += 1
    if run - i < 2:
        return None
    syllables = tuple(vocab.pinyin.reading(ch) for ch in text[i:run])
    for size in range(run - i, 1, -1):
        surface = vocab.sounds.get(syllables[:size])
        if surface is not None and vocab.meanings[surface].ref is None:
            typed = text[i : i + size]
            same = sum(a == b for a, b in zip(typed, surface, strict=True))
            # Two characters read alike too often by chance (那嘉 / 那家): the first must be the
            # word's own (总份 → 总分, 排民 → 排名); longer words need half their characters.
            if (2 * same >= size and size > 2) or (size == 2 and typed[0] == surface[0]):
                return surface, i + size
    return None


def _pinyin(text: str, i: int, limit: int, vocab: Vocabulary) -> tuple[str, int] | None:
    """Up to four latin tokens (single spaces between them) read as the pinyin of one word."""
    ends: list[int] = []
    keys: list[str] = []
    pos = i
    for _ in range(4):
        m = _LATIN_TOKEN.match(text, pos)
        if not m or m.end() > limit or (m.end() < len(text) and _is_latin(text[m.end()])):
            break
        keys.append((keys[-1] if keys else "") + m.group(0))
        ends.append(m.end())
        pos = m.end() + 1 if m.end() < len(text) and text[m.end()] == " " else len(text) + 1
    # Pinyin run on into characters: "yanfa投入强度" is 研发投入强度, "chengzhang期" 成长期 (the
    # characters typed must be the word's own).
    mixed: tuple[str, int] | None = None
    if keys and len(keys[-1]) >= 2:
        key, run = keys[-1], ends[-1]
        while run < limit and run - ends[-1] < _MAX_SOUND and is_hanzi(text[run]):
            key += vocab.pinyin.reading(text[run])
            run += 1
            surface = vocab.latin.get(key)
            if surface is not None and surface.endswith(text[ends[-1] : run]):
                mixed = (surface, run)
    if mixed is not None:
        return mixed
    for key, end in zip(reversed(keys), reversed(ends), strict=True):
        if len(key) >= 2 and key in vocab.latin:
            return vocab.latin[key], end
    return None


def segment(text: str, vocab: Vocabulary, *, marks: Sequence[tuple[SegmentKind, Found]] = ()) -> list[Segment]:
    """The segments of a cleaned message, in order; `marks` are years, counts, list positions."""
    starts: dict[int, tuple[SegmentKind, Found]] = {}
    taken_until = -1
    for kind, found in sorted(marks, key=lambda m: (m[1].start, -m[1].end)):
        if found.start >= taken_until:  # overlapping marks: the first one wins
            starts[found.start] = (kind, found)
            taken_until = found.end
    out: list[Segment] = []
    pending_start = -1

    def flush(at: int) -> None:
        nonlocal pending_start
        if pending_start >= 0:
            out.append(Segment("name", pending_start, at, text[pending_start:at]))
            pending_start = -1

    i, n = 0, len(text)
    while i < n:
        if i in starts:
            flush(i)
            kind, found = starts[i]
            out.append(Segment(kind, found.start, found.end, text[found.start : found.end], value=found.value))
            i = found.end
            continue
        ch = text[i]
        if not (ch.isalnum() or ch == "&"):  # spaces, punctuation
            flush(i)
            out.append(Segment("space", i, i + 1, ch))
            i += 1
            continue
        limit = min((s for s in starts if s > i), default=n)
        best: tuple[str, int, Literal["exact", "sound", "pinyin"]] | None = None
        found_word = _exact(text, i, limit, vocab)
        if found_word:
            best = (*found_word, "exact")
        found_word = _sound(text, i, limit, vocab)
        if found_word and (best is None or found_word[1] > best[1]):
            best = (*found_word, "sound")
        # Pinyin only at the start of a latin word.
        if _is_latin(ch) and not (i > 0 and _is_latin(text[i - 1])):
            found_word = _pinyin(text, i, limit, vocab)
            if found_word and (best is None or found_word[1] > best[1]):
                best = (*found_word, "pinyin")
        if best is not None and _joins_name(vocab.meanings[best[0]], pending_start >= 0):
            if pending_start < 0:
                pending_start = i
            i = best[1]
            continue
        if best is not None:
            flush(i)
            surface, end, how = best
            out.append(Segment("term", i, end, text[i:end], surface, vocab.meanings[surface], how=how))
            i = end
            continue
        uscc = _USCC.match(text, i) if ch.isdigit() and (i == 0 or not _is_latin(text[i - 1])) else None
        if uscc:
            flush(i)
            out.append(Segment("name", i, uscc.end(), uscc.group(0)))
            i = uscc.end()
            continue
        digits = _DIGITS.match(text, i) if ch.isdigit() else None
        if digits and (pending_start < 0 or not _is_latin(text[i - 1])):
            flush(i)
            out.append(Segment("number", i, digits.end(), digits.group(0)))
            i = digits.end()
            continue
        if pending_start < 0:
            pending_start = i
        if _is_latin(ch):  # a latin word no vocabulary reading covers stays whole
            while i < n and (_is_latin(text[i]) or text[i] == "&") and i not in starts:
                i += 1
            continue
        i += 1
    flush(n)
    out = _side_by_side(_registered_names(out, text, vocab), text, vocab)
    return _fuzzy_indicators(_rejoin_names(out, text), text, vocab)


def _joins_name(meaning: Meaning, after_name: bool) -> bool:
    """Whether a known word is part of the name around it: a name word (科技), or an industry
    right after a name (博岳新材料 is a name, 新材料行业 an industry)."""
    if meaning.name_part and not (meaning.is_slot or meaning.word or meaning.ref):
        return True
    return after_name and meaning.industry is not None and not (meaning.indicators or meaning.policy)


# One-character words that are never part of a trade name (和, 高, 成 are: 嘉和, 高盛).
_NEVER_IN_NAMES = frozenset("的了吗呢啊呀吧嘛么哦哈呗啦喽是把被让给到从对为比跟与或都也就还再又那这个些下点几谁哪")
# One-character words that start no trade name in front of a two-character one (查荣泰, 和荣泰).
_VERBS = frozenset("查找搜看问叫")
_NOT_BEFORE_NAMES = _NEVER_IN_NAMES | _VERBS | frozenset("和同及我你他她它")
# The legal forms a registered name ends with (江苏旭维电子科技有限公司); a bare 公司 or 集团 after
# a name is a word of the question (晨河公司), read as such by `companies`.
_LEGAL_FORM = re.compile(r"(?:集团)?(?:股份有限公司|有限责任公司|有限公司|股份公司)")
_NAME_BRACKETS = frozenset("（）()")
_CONNECTORS = frozenset("和跟与同及")


def _in_registered_name(seg: Segment, vocab: Vocabulary) -> bool:
    """Whether a piece can stand inside a registered name: a name chunk, a name or industry word
    (材料, 光电), a bracket (南美（常州）微电子), or a one-character word (高冠, 嘉和)."""
    if seg.kind == "name":
        return True
    if seg.kind == "space":
        return seg.text in _NAME_BRACKETS
    m = seg.meaning
    if seg.kind != "term" or m is None or m.ref or m.indicators or m.category or m.stage or m.policy:
        return False
    return m.name_part or m.industry is not None or seg.surface in vocab.name_words or (
        len(seg.text) == 1 and seg.text not in _NEVER_IN_NAMES and seg.text not in _VERBS)


def _name_word_at(chunk: str, i: int, vocab: Vocabulary) -> int:
    """The end of the longest name or industry word at `i` in `chunk` (`i` when none starts there)."""
    for end in range(min(len(chunk), i + vocab.longest), i + 1, -1):
        word = chunk[i:end]
        if word in vocab.name_words or (word in vocab.meanings and vocab.meanings[word].industry is not None):
            return end
    return i


def _side_by_side(segments: list[Segment], text: str, vocab: Vocabulary) -> list[Segment]:
    """臻安半导体奥锦碳材 → 臻安半导体|奥锦碳材: a name is a trade name then industry words, so a
    trade name of two characters or more after the industry words begins a second name."""
    out: list[Segment] = []
    for seg in segments:
        chunk = seg.text
        if seg.kind != "name" or not all(is_hanzi(ch) for ch in chunk) or _LEGAL_FORM.search(chunk):
            out.append(seg)
            continue
        cuts: list[int] = []
        i, after_words = 0, False
        while i < len(chunk):
            end = _name_word_at(chunk, i, vocab)
            if end > i:
                i, after_words = end, True
                continue
            trade_end = i
            while trade_end < len(chunk) and _name_word_at(chunk, trade_end, vocab) == trade_end:
                trade_end += 1
            if after_words and trade_end - i >= 2:
                cuts.append(i)
            i, after_words = trade_end, False
        bounds = [0, *cuts, len(chunk)]
        out += [Segment("name", seg.start + a, seg.start + b, chunk[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return out


def _registered_names(segments: list[Segment], text: str, vocab: Vocabulary) -> list[Segment]:
    """江苏展星光电科技|有|限责任|公司 → one name: a full registered name, up to its legal form, is
    one mention (the words it holds, 有 or 材料, are the name's own)."""
    out = list(segments)
    for m in reversed(list(_LEGAL_FORM.finditer(text))):
        a, b = m.span()
        first = next((k for k, seg in enumerate(out) if seg.end > a), None)
        last = next((k for k in range(len(out) - 1, -1, -1) if out[k].start < b), None)
        if first is None or last is None or out[last].end != b:
            continue
        k = first if out[first].start < a and _in_registered_name(out[first], vocab) else first - 1
        start = first
        while k >= 0 and _in_registered_name(out[k], vocab):
            if out[k].text in _CONNECTORS and a - out[k].end >= 4:
                break  # 和江苏旭维电子科技有限公司: the name begins after 和 (嘉和电子 keeps it)
            start, k = k, k - 1
        while start < first and out[start].kind == "space":
            start += 1
        if sum(is_hanzi(ch) for ch in text[out[start].start : a]) < 2:
            continue  # 这家有限公司: no name before the legal form
        out[start : last + 1] = [Segment("name", out[start].start, b, text[out[start].start : b])]
    return out


def _joinable(seg: Segment) -> bool:
    """A name chunk, or a known word that a name ends with (嘉和 + 电子)."""
    if seg.kind == "name":
        return True
    m = seg.meaning
    return seg.kind == "term" and m is not None and (m.name_part or m.industry is not None) and not (
        m.indicators or m.policy or m.ref or m.category or m.stage
    )


def _rejoin_names(segments: list[Segment], text: str) -> list[Segment]:
    """嘉|和|电子 → 嘉和电子: a one-character word beside a one-character name piece is part of it;
    高|冠和邦悦 → 高冠|和邦悦: the word before it first, when nothing but words stands before that
    (the name then ends, and 和 is the "and" between two names); and 高|冠家 → 高冠家: a
    one-character word that no question starts with, before a two-character piece, at the start of
    the message or after a word."""
    out = list(segments)
    i = 0
    while i < len(out):
        seg = out[i]
        prev = out[i - 1] if i > 0 else None
        prev_alone = prev is not None and prev.kind == "term" and len(prev.text) == 1 and (i < 2 or out[i - 2].kind != "name")
        if (seg.kind == "name" and len(seg.text) == 2 and all(is_hanzi(ch) for ch in seg.text) and prev_alone
                and prev is not None and prev.text not in _NOT_BEFORE_NAMES and not _names_slot(prev)):
            out[i - 1 : i + 1] = [Segment("name", prev.start, seg.end, text[prev.start : seg.end])]
            continue
        if not (seg.kind == "name" and len(seg.text) == 1 and not seg.text.isascii()):
            i += 1
            continue
        nxt = out[i + 1] if i + 1 < len(out) else None
        if prev_alone and prev is not None and prev.text not in _NEVER_IN_NAMES and not _names_slot(prev):
            i, last = i - 1, i
        elif nxt is not None and nxt.kind == "term" and len(nxt.text) == 1 and nxt.text not in _NEVER_IN_NAMES:
            last = i + 1
            if last + 1 < len(out) and _joinable(out[last + 1]):
                last += 1
        else:
            i += 1
            continue
        start, end = out[i].start, out[last].end
        out[i : last + 1] = [Segment("name", start, end, text[start:end])]
        i += 1
    return out


def _names_slot(seg: Segment) -> bool:
    m = seg.meaning
    return m is not None and bool(m.is_slot or m.ref)


def _max_edits(length: int) -> int:
    return 1 if length < 8 else 2


def _closest(query: str, vocab: Vocabulary) -> tuple[str, tuple[str, ...]] | None:
    """The indicator surface(s) within a typo or two of `query`: (surface, codes of all tied)."""
    if len(query) < 5 or not all(is_hanzi(ch) or _is_latin(ch) or ch == "&" for ch in query):
        return None
    edits = _max_edits(len(query))
    hits = process.extract(query, vocab.fuzzy_terms, scorer=Levenshtein.distance, score_cutoff=edits, limit=20)
    if not hits:
        return None
    best = min(h[1] for h in hits)
    tied = [h[0] for h in hits if h[1] == best and abs(len(h[0]) - len(query)) <= edits]
    if not tied:
        return None
    codes = tuple(dict.fromkeys(c for s in tied for c in vocab.meanings[s].indicators))
    return tied[0], codes


def _typo_of(chunk: str, surface: str, known: str) -> bool:
    """Whether `chunk` is a misspelt part of `surface` beside the word `known` it holds: at most half
    of its characters differ from what the surface has in their place (研发经废 for 研发经费)."""
    if surface.startswith(known):
        rest = surface[len(known) :]
    elif surface.endswith(known):
        rest = surface[: len(surface) - len(known)]
    else:
        return True  # the known word is itself misspelt in the join: nothing to compare apart
    return 2 * Levenshtein.distance(chunk, rest) <= len(chunk)


def _names_indicator(seg: Segment) -> bool:
    return seg.kind == "term" and seg.meaning is not None and bool(seg.meaning.indicators)


def _fuzzy_indicators(segments: list[Segment], text: str, vocab: Vocabulary) -> list[Segment]:
    """Name chunks (alone, or with an indicator word beside them) that are an indicator with a typo."""
    out = list(segments)
    i = 0
    while i < len(out):
        seg = out[i]
        if seg.kind != "name":
            i += 1
            continue
        options: list[tuple[int, int]] = [(i, i)]  # (first, last) segment positions to join
        # A word beside the chunk is joined only to a chunk of two or more characters: one
        # character more (研发费 + 占) reads as a different indicator too easily.
        beside = len(seg.text) >= 2
        if beside and i > 0 and _names_indicator(out[i - 1]):
            options.insert(0, (i - 1, i))
        if beside and i + 1 < len(out) and _names_indicator(out[i + 1]):
            options.insert(0, (i, i + 1))
        for first, last in options:
            start, end = out[first].start, out[last].end
            hit = _closest(text[start:end], vocab)
            if hit is None:
                continue
            surface, codes = hit
            known = out[first] if out[first].kind == "term" else out[last]
            if first != last and len(surface) <= len(known.surface):
                continue  # the join reads no better than the word already found
            if first != last and not _typo_of(seg.text, surface, known.surface):
                continue  # 晟天|有效发明专利 is not 授权有效发明专利: a name before the indicator
            meaning = Meaning(indicators=codes)
            out[first : last + 1] = [Segment("term", start, end, text[start:end], surface, meaning, how="fuzzy")]
            i = first
            break
        i += 1
    return out
