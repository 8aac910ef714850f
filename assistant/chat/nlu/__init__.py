"""PLACEHOLDER (branch chat-dialogue only): the merge replaces this file with the nlu helper's package.

A minimal stand-in with the agreed interface — `Vocabulary.from_systems`, `understand`, `clean` — so
that the dialogue, the service and the surfaces run before the real understanding is merged. It
recognises a handful of phrasings by regular expressions; nothing else depends on its internals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.chat.understanding import CompanyRef, Guard, Slots, Understanding

_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_GUARDS: tuple[tuple[Guard, re.Pattern[str]], ...] = (
    ("injection", re.compile(r"忽略.{0,6}(指令|规则|提示)|系统提示|system prompt", re.I)),
    ("identity_claim", re.compile(r"我是(科技局|管理员|园区工作人员|领导)")),
    ("write_attempt", re.compile(r"(改成|修改|删除|删掉|调高|调低)")),
    ("bulk_export", re.compile(r"(导出|下载).{0,6}(全部|所有)")),
)
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("help", re.compile(r"^(帮助|help|你能做什么|怎么用)$", re.I)),
    ("top_n_list", re.compile(r"前\s*(\d+|[一二三四五六七八九十]+)\s*(名|强)|排行榜|top\s*\d+", re.I)),
    ("compare_companies", re.compile(r"对比|比较|比一比")),
    ("yoy_change", re.compile(r"涨了|跌了|变化")),
    ("rank_in_stage", re.compile(r"排名|排第几")),
    ("indicator_definition", re.compile(r"怎么算|什么意思|口径")),
    ("find_company_fuzzy", re.compile(r"^(找|查找|搜索|帮我找)")),
    ("my_total_points", re.compile(r"总积分|总分|积分多少|多少分")),
    ("chitchat_out_of_scope", re.compile(r"^(你好|您好|谢谢|天气)")),
)
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_SELF = re.compile(r"我们|我司|本企业|本公司|我公司")
_PREVIOUS = re.compile(r"^(它|这家|那家)")
_LIST_ITEM = re.compile(r"第\s*(\d+|[一二三四五六七八九十])\s*(名|家|个)")
_MENTION = re.compile(r"^(?:帮我找|查找|搜索|找)?(.{2,40}?)(?:的|今年|去年|前年|总积分|总分|排名)")
_AFTER_WITH = re.compile(r"(?:跟|和|与)(.{2,40}?)(?:比|对比|比较|$)")
_RD = re.compile(r"研发投入|研发费用")


@dataclass(frozen=True)
class Vocabulary:
    """PLACEHOLDER: the real one knows every indicator, category, stage and industry."""

    industries: tuple[str, ...] = ()

    @classmethod
    def from_systems(cls, systems_dir: Path, *, industries: Iterable[str] = ()) -> Vocabulary:
        return cls(industries=tuple(industries))


def clean(text: str) -> str:
    """Full→half width (NFKC), control and zero-width characters removed, blanks squeezed."""
    return re.sub(r"\s+", " ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))).strip()


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMERALS.get(word, 0)


def understand(text: str, *, vocab: Vocabulary, today: date, expecting: str | None = None) -> Understanding:
    """PLACEHOLDER: a few phrasings only."""
    text = clean(text)
    guard = next((g for g, rx in _GUARDS if rx.search(text)), None)
    intent = next((name for name, rx in _INTENTS if rx.search(text)), None)
    years = tuple(y for word, y in (("今年", today.year), ("去年", today.year - 1), ("前年", today.year - 2)) if word in text)
    year_words = tuple(w for w in ("今年", "去年", "前年") if w in text)
    years += tuple(int(y) for y in re.findall(r"(20\d\d)\s*年", text))
    companies: tuple[str, ...] = ()
    company_ref: CompanyRef | None = None
    list_index = None
    if (m := _LIST_ITEM.search(text)) is not None:
        company_ref, list_index = "list_item", _number(m.group(1))
    elif _SELF.search(text):
        company_ref = "self"
    elif _PREVIOUS.search(text):
        company_ref = "previous"
    elif expecting == "company":
        found = _AFTER_WITH.search(text)
        companies = (found.group(1) if found else text.strip("呢吧吗？?"),)
    elif (m := _MENTION.search(text)) is not None and intent not in (None, "help", "chitchat_out_of_scope"):
        companies = (m.group(1),)
        if intent == "compare_companies" and (other := _AFTER_WITH.search(text)) is not None:
            companies = (m.group(1).removeprefix("对比").removeprefix("对比下"), other.group(1))
    if intent == "compare_companies" and not companies and (m := re.search(r"对比下?(.{2,40})$", text)):
        companies = (m.group(1),)
    n = None
    if (m := re.search(r"前\s*(\d+|[一二三四五六七八九十]+)", text)) is not None:
        n = _number(m.group(1))
    indicator = "IN02" if _RD.search(text) else None
    follow_up = bool(re.search(r"^(那|它|这家)|呢$", text)) and intent is None or company_ref == "previous"
    slots = Slots(companies=companies, company_ref=company_ref, list_index=list_index, years=years,
                  year_words=year_words, n=n, indicator=indicator)
    return Understanding(intent=intent, confidence=0.9 if intent else 0.0, slots=slots, guard=guard,
                         follow_up=follow_up, text=text)


__all__ = ["Vocabulary", "clean", "understand"]
