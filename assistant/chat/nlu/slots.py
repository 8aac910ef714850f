"""The slots a segmented message states: companies, references, years, N, stage, industry,
category, indicator (or the candidates to ask between), policy, and the direction of a change.

Company mentions are chosen among what no known word covers by `companies.company_mentions`.

>>> from assistant.chat.nlu.vocabulary import Meaning, Vocabulary
>>> vocab = Vocabulary.from_systems(train=False)
>>> read_slots("恒托智能去年的研发占比", vocab=vocab, today=date(2026, 5, 20)).slots.companies
('恒托智能',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.chat.nlu.companies import company_mentions
from assistant.chat.nlu.numbers import Found, find_list_index, find_n, find_years, relative_year
from assistant.chat.nlu.segment import Segment, SegmentKind, segment
from assistant.chat.nlu.vocabulary import Meaning, Vocabulary
from assistant.chat.understanding import CompanyRef, Slots

__all__ = ["PLACEHOLDERS", "Reading", "read_slots"]

# The masked text the classifier and the rules read: slots become one placeholder character each
# (upper case never occurs in cleaned text), so "恒锐的研发占比" and "博岳的专利" read alike.
PLACEHOLDERS = {"indicator": "I", "category": "C", "stage": "S", "industry": "D", "policy": "P",
                "company": "E", "year": "Y", "n": "N", "list_index": "L", "number": "0"}

# "研发那项", "标准这一项": the word before names an indicator vaguely (ask which when several).
_THAT_ITEM = re.compile(r"(?:那|这)(?:一)?(?:项|个指标)")
# Words of a registered name left after the company mention (…科技|有限公司): part of it.
_FIRM_SUFFIXES = frozenset({"有限公司", "有限责任公司", "股份有限公司", "股份公司", "公司", "企业", "集团"})
# A ratio asked with no indicator named ("我们占比多少"): one of the indicators that are ratios.
_RATIO_WORDS = ("占比", "比例", "比重")
_EITHER = re.compile(r"走势|趋势|涨了?还是跌|升了?还是降|增加?了?还是减少?|增还是减|高了?还是低|多了?还是少|涨跌|升降|增减|有没有变|怎么变|变化|变动|变了|差异|差别|差了多少")
_UP = re.compile(r"涨|增长了|增加了|上升|提高了|提升了|多了|高了|进步|升了|增幅|长了多少|增长多少|增加多少")
_DOWN = re.compile(r"跌|下降|降低了|减少了|少了|低了|退步|下滑|降了|跌幅|掉了|掉分|下跌")


@dataclass(frozen=True)
class Reading:
    """A message read: its segments, the slots they state, and the masked text."""

    segments: tuple[Segment, ...]
    slots: Slots
    masked: str
    plain: str = ""  # the text with pinyin and homophone typos read as the words they are


def _direction(masked: str) -> Literal["up", "down", "either"] | None:
    up, down = bool(_UP.search(masked)), bool(_DOWN.search(masked))
    if _EITHER.search(masked) or (up and down):
        return "either"
    return "up" if up else "down" if down else None


def _vague_indicators(segments: tuple[Segment, ...], text: str, vocab: Vocabulary) -> tuple[Segment, ...]:
    """"X那项" read as the indicators whose names hold X, "高企那项" as the indicator FD22 (not
    the policy), and a ratio word with no indicator named as the ratios: the candidates to ask
    between, or the one indicator."""
    out = list(segments)
    for m in reversed(list(_THAT_ITEM.finditer(text))):
        k = next((j for j, seg in enumerate(out) if seg.end == m.start()), None)
        if k is None:
            continue
        seg, meaning = out[k], out[k].meaning
        # The words "那一项" themselves are no name (一项 would be taken for a company).
        rest = [j for j in range(k + 1, len(out)) if out[j].start < m.end()]
        end = max([m.end(), *(out[j].end for j in rest)])
        tail = Segment("term", m.start(), end, text[m.start():end], text[m.start():end], Meaning(word=True))
        if seg.kind == "term" and meaning is not None and meaning.indicators:
            # 高企那项: the indicator, not the policy
            known = Segment("term", seg.start, seg.end, seg.text, seg.surface, Meaning(indicators=meaning.indicators),
                            how=seg.how) if meaning.policy else seg
            out[k : k + 1 + len(rest)] = [known, tail]
            continue
        if seg.kind not in ("name", "term") or (meaning is not None and (meaning.is_slot or meaning.ref)):
            continue
        word = seg.text
        for size in range(min(len(word), 6), 0 if len(word) == 1 else 1, -1):
            if word[-size:] in vocab.name_words:
                break  # 恒拓科技那项: the end of a company's name (科技, 智能), not an indicator
            codes = vocab.indicators_containing(word[-size:])
            if not codes:
                continue
            at = seg.end - size
            found = Segment("term", at, seg.end, word[-size:], word[-size:], Meaning(indicators=codes), how="fuzzy")
            head = [Segment("name", seg.start, at, text[seg.start:at])] if at > seg.start else []
            out[k : k + 1 + len(rest)] = [*head, found, tail]
            break
    if not any(s.kind == "term" and s.meaning is not None and (s.meaning.indicators or s.meaning.category) for s in out):
        for k, seg in enumerate(out):
            if seg.kind == "term" and seg.surface in _RATIO_WORDS:
                codes = tuple(dict.fromkeys(c for w in _RATIO_WORDS for c in vocab.indicators_containing(w, limit=99)))
                out[k] = Segment("term", seg.start, seg.end, seg.text, seg.surface, Meaning(indicators=codes[:10]),
                                 how="fuzzy")
                break
    return tuple(out)


def read_slots(text: str, *, vocab: Vocabulary, today: date, expecting: str | None = None) -> Reading:
    """Segment a cleaned message and read the slots it states (nothing from the session)."""
    marks: list[tuple[SegmentKind, Found]] = [("year", f) for f in find_years(text, today=today)]
    marks += [("n", f) for f in find_n(text)]
    index = find_list_index(text)
    if index is not None:
        marks.insert(0, ("list_index", index))
    segments = _vague_indicators(tuple(segment(text, vocab, marks=marks)), text, vocab)

    years: list[int] = []
    year_words: list[str] = []
    n = list_index = None
    stage = industry = category = policy = indicator = None
    candidates: tuple[str, ...] = ()
    ref: CompanyRef | None = None
    mentions = company_mentions(segments, vocab, expecting=expecting == "company")
    spans = [(m.start, m.end) for m in mentions]
    segments = tuple(
        Segment("company", s.start, s.end, s.text)
        if s.kind == "name" and any(a <= s.start and s.end <= b for a, b in spans)
        # A relative year typed in pinyin (qunian) is a year like 去年.
        else Segment("year", s.start, s.end, s.text, value=relative_year(s.surface, today))
        if s.kind == "term" and s.how == "pinyin" and relative_year(s.surface, today) is not None
        else s
        for s in segments
    )
    masked: list[str] = []
    plain: list[str] = []
    for k, seg in enumerate(segments):
        if seg.kind == "space" and 0 < k < len(segments) - 1 and "term" in (segments[k - 1].kind, segments[k + 1].kind):
            pass  # "wo shi guanliyuan" reads 我是管理员, without the gaps pinyin needs
        else:
            plain.append(seg.surface if seg.kind == "term" else seg.text)
        m = seg.meaning
        if m is not None and m.ref == "previous" and k > 0 and segments[k - 1].kind == "company":
            continue  # 星辰医疗这家企业: an apposition, not a pointer to the previous company (E总分)
        if seg.kind == "year" and seg.value is not None:
            if seg.value not in years:
                years.append(seg.value)
                year_words.append(seg.text)
            masked.append(PLACEHOLDERS["year"])
        elif seg.kind == "n":
            n = n or seg.value
            masked.append(PLACEHOLDERS["n"])
        elif seg.kind == "list_index":
            list_index = list_index or seg.value
            masked.append("第" + PLACEHOLDERS["list_index"])
        elif seg.kind == "number":
            masked.append(PLACEHOLDERS["number"])
        elif seg.kind == "company":
            if not (masked and masked[-1] == PLACEHOLDERS["company"]):  # "heng tuo": one E
                masked.append(PLACEHOLDERS["company"])
        elif seg.kind == "space":
            continue
        elif seg.kind == "name":
            masked.append(seg.text)
        elif seg.kind == "term" and m is not None and m.word and seg.surface in _FIRM_SUFFIXES and masked[-1:] == ["E"]:
            continue  # 江苏旭维电子科技|有限公司: one company
        elif seg.kind == "term" and m is None:
            masked.append(seg.surface)
        elif seg.kind == "term" and m is not None:
            if m.indicators and indicator is None and not candidates:
                if len(m.indicators) == 1:
                    indicator = m.indicators[0]
                else:
                    candidates = m.indicators
            category = category or m.category
            stage = stage or m.stage
            industry = industry or m.industry
            policy = policy or m.policy
            ref = ref or m.ref
            if m.policy:
                masked.append(PLACEHOLDERS["policy"])
            elif m.indicators:
                masked.append(PLACEHOLDERS["indicator"])
            elif m.category:
                masked.append(PLACEHOLDERS["category"])
            elif m.stage:
                masked.append(PLACEHOLDERS["stage"])
            elif m.industry:
                masked.append(PLACEHOLDERS["industry"])
            elif m.ref:
                masked.append("我们" if m.ref == "self" else "它")
            else:
                masked.append(seg.surface)
    masked_text = "".join(masked)
    companies = tuple(dict.fromkeys(m.text.strip() for m in mentions))
    if list_index is not None:
        ref = "list_item"
    slots = Slots(
        companies=companies,
        company_ref=ref,
        list_index=list_index,
        years=tuple(years),
        year_words=tuple(year_words),
        n=n,
        stage=stage,
        industry=industry,
        category=category,
        indicator=indicator,
        indicator_candidates=candidates,
        policy=policy,
        compare_direction=_direction(masked_text),
    )
    return Reading(segments, slots, masked_text, "".join(plain))
