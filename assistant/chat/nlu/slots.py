"""The slots a segmented message states: companies, references, years, N, stage, industry,
category, indicator (or the candidates to ask between), policy, and the direction of a change.

Company mentions are among what is left once every known word is read: the `name` chunks of
`segment`, kept when they look like a name (恒锐智能: a trade name and an industry word; hengrui:
pinyin) or stand where a company stands (和B比, 查一下B, B的总分, 那B呢) — two characters or more,
one when the dialogue has just asked "和谁比？". Latin chunks separated by a space are one mention
("heng tuo"). Accepted mentions become `company` segments; the dialogue resolves them through
search.

>>> from assistant.chat.nlu.vocabulary import Vocabulary
>>> vocab = Vocabulary.from_systems(train=False)
>>> read_slots("恒托智能去年的研发占比", vocab=vocab, today=date(2026, 5, 20)).slots.companies
('恒托智能',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.chat.nlu.numbers import find_list_index, find_n, find_years, relative_year
from assistant.chat.nlu.segment import Segment, SegmentKind, segment
from assistant.chat.nlu.vocabulary import Vocabulary
from assistant.chat.understanding import CompanyRef, Slots

__all__ = ["Reading", "company_mentions", "read_slots"]

# The masked text the classifier and the rules read: slots become one placeholder character each
# (upper case never occurs in cleaned text), so "恒锐的研发占比" and "博岳的专利" read alike.
PLACEHOLDERS = {"indicator": "I", "category": "C", "stage": "S", "industry": "D", "policy": "P",
                "company": "E", "year": "Y", "n": "N", "list_index": "L", "number": "0"}

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


_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ue|ve|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|er|a|o|e|i|u|v))+"
)
_ACRONYM = re.compile(r"[bcdfghjklmnpqrstwxyz]{2,6}")
# Words that announce a company before it (和B比, 查一下B, 那B呢) or follow it (B的总分, B呢).
_BEFORE = frozenset(
    "和 跟 与 同 及 对比 比较 比一比 比一下 对比下 vs pk 查 查下 查一下 查查 查询 查找 找 找下 找一下 找找 搜 搜下 搜一下 "
    "搜索 叫 叫做 名叫 有没有 是否有 那 那么 关于 看看 看下 看一下 我是 本人 作为 清空 删除 删掉 把 拿 帮我查".split()
)
_AFTER = frozenset(
    "呢 和 跟 与 同 vs pk 比 对比 相比 这家 这家企业 公司 企业 有限公司 是哪家 简介 全称 简称 在园区 在 总分 总积分 积分 "
    "得分 分数 排名 名次 排第几 第几 阶段 是做什么 今年 去年 属于".split()
)
_AFTER_DE = frozenset(
    "总分 总积分 积分 得分 分数 排名 名次 阶段 数据 情况 全称 简称 明细 信息 成绩 法人 法定代表人 老板 财务 总经理 董事长 负责人 "
    "呢 排第几 第几 企业 公司".split()
)
_WHICH = frozenset("哪家 哪个 什么 谁 做什么 啥 哪个公司 哪一家".split())


def _only_name_words(chunk: str, vocab: Vocabulary) -> bool:
    """Whether a chunk is made of industry words of names only (科技, 智能装备, 新材料科技)."""
    i = 0
    while i < len(chunk):
        for end in range(len(chunk), i, -1):
            if chunk[i:end] in vocab.name_words:
                i = end
                break
        else:
            return False
    return True


def _has_name_word(chunk: str, vocab: Vocabulary) -> bool:
    """Whether a chunk holds an industry word of names after a trade name (恒锐智能, 鼎泰精机)."""
    return any(chunk[i:j] in vocab.name_words for i in range(1, len(chunk)) for j in range(i + 2, len(chunk) + 1))


def _looks_latin_name(chunk: str) -> bool:
    """Pinyin (hengrui, "yaoyu jiqiren") or initials (hrzn), not English words (prompt, select)."""
    tokens = chunk.split()
    return 0 < len(tokens) <= 4 and all(_PINYIN.fullmatch(t) or _ACRONYM.fullmatch(t) for t in tokens)


def _word(seg: Segment | None) -> str:
    return seg.surface if seg is not None and seg.kind == "term" else ""


def _in_context(before: Segment | None, after: Segment | None, after_next: Segment | None) -> bool:
    """Whether the words around a chunk say it is a company (和B比, 查一下B, B的总分, 那B呢)."""
    if _word(before) in _BEFORE or _word(after) in _AFTER:
        return True
    if _word(after) == "是" and _word(after_next) in _WHICH:
        return True
    if after is not None and after.kind in ("year", "n"):
        return True
    if after is not None and after.kind == "term" and after.meaning is not None and (
        after.meaning.indicators or after.meaning.category or after.meaning.policy or after.meaning.stage
    ):
        return True
    if _word(after) == "的":
        nxt = after_next
        return nxt is not None and (_word(nxt) in _AFTER_DE or
            (nxt.kind == "term" and nxt.meaning is not None and nxt.meaning.is_slot))
    return False


def company_mentions(segments: tuple[Segment, ...], vocab: Vocabulary, *, expecting: bool = False) -> tuple[Segment, ...]:
    """The name segments that are company mentions: "heng tuo" joined into one, in order.

    A chunk is a mention when the dialogue has just asked for a company, when it holds an
    industry word of names after a trade name (恒锐智能), when it is pinyin or initials, or when
    the words around it say so; "今天天气" or "讲个笑话" are not.
    """
    joined: list[Segment] = []
    for seg in segments:
        if seg.kind == "name" and joined and joined[-1].kind == "name" and seg.text.isascii() and joined[-1].text.isascii() \
                and seg.start == joined[-1].end + 1:
            last = joined.pop()
            joined.append(Segment("name", last.start, seg.end, f"{last.text} {seg.text}"))
        elif seg.kind != "space":
            joined.append(seg)
    found: list[Segment] = []
    for k, seg in enumerate(joined):
        if seg.kind != "name":
            continue
        text = seg.text.strip()
        bare = text.replace(" ", "")
        if bare.isdigit() or len(bare) < (1 if expecting else 2):
            continue
        before = joined[k - 1] if k > 0 else None
        after = joined[k + 1] if k + 1 < len(joined) else None
        after_next = joined[k + 2] if k + 2 < len(joined) else None
        if expecting or (
            not _only_name_words(bare, vocab)
            and ((_looks_latin_name(text) if text.isascii() else _has_name_word(bare, vocab))
                 or _in_context(before, after, after_next))
        ):
            found.append(seg)
    return tuple(found)


def _direction(masked: str) -> Literal["up", "down", "either"] | None:
    up, down = bool(_UP.search(masked)), bool(_DOWN.search(masked))
    if _EITHER.search(masked) or (up and down):
        return "either"
    return "up" if up else "down" if down else None


def read_slots(text: str, *, vocab: Vocabulary, today: date, expecting: str | None = None) -> Reading:
    """Segment a cleaned message and read the slots it states (nothing from the session)."""
    marks: list[tuple[SegmentKind, object]] = [("year", f) for f in find_years(text, today=today)]
    marks += [("n", f) for f in find_n(text)]
    index = find_list_index(text)
    if index is not None:
        marks.insert(0, ("list_index", index))
    segments = tuple(segment(text, vocab, marks=marks))  # type: ignore[arg-type]

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
            m = None  # 星辰医疗这家企业: an apposition, not a pointer to the previous company
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
