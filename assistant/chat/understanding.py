"""What understanding a message yields (`assistant.chat.nlu.understand`), before context and data.

Understanding is pure text work: no store, no search index, no caller. It finds the intent (rules
first, then the classifier, with a calibrated confidence), the slots the message states, and
whether the message is a follow-up that leans on the conversation ("那去年呢", "它的研发投入呢",
"第三名那家呢"). The dialogue (`assistant.chat.dialogue`) then fills what is missing from the
session state, resolves company mentions through the search layer, and decides what to answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What a message tries that no typed words can grant (answered as `refuse`, whatever the role).
Guard = Literal["injection", "identity_claim", "write_attempt", "bulk_export"]
# How a message points at an enterprise without naming it.
CompanyRef = Literal["self", "previous", "list_item", "pair"]


@dataclass(frozen=True)
class Slots:
    """Slot values the message itself states (None: not stated)."""

    companies: tuple[str, ...] = ()  # company mentions as typed ("恒托智能", "hengtuo"), in order
    company_ref: CompanyRef | None = None  # 我们/我司 → self; 它/这家 → previous; 第三名那家 → list_item; 他俩 → pair
    list_index: int | None = None  # 1-based position in the last list ("第三名那家" → 3)
    years: tuple[int, ...] = ()  # calendar years, relative ones resolved with the clock
    year_words: tuple[str, ...] = ()  # as typed ("去年"), to say "2025 年（去年）"
    n: int | None = None  # 前十 / top5 / 前三名
    stage: str | None = None  # stage code (startup/growth/development/mature)
    industry: str | None = None  # industry as the store names it
    category: str | None = None  # category code of the system
    indicator: str | None = None  # indicator code of the system
    indicator_candidates: tuple[str, ...] = ()  # several close indicator matches: ask which
    policy: str | None = None  # policy / evaluation id: "tsme-2017", "hte-2016", a data/policies id
    compare_direction: Literal["up", "down", "either"] | None = None  # "涨了还是跌了"


@dataclass(frozen=True)
class Understanding:
    """The intent (None: not understood), its confidence (0–1, calibrated), slots, and flags."""

    intent: str | None
    confidence: float
    slots: Slots = field(default_factory=Slots)
    guard: Guard | None = None
    follow_up: bool = False  # elliptical: carry intent/slots from the session state
    alternatives: tuple[tuple[str, float], ...] = ()  # next-best intents with their confidence
    about_item: bool = False  # "这项", "该指标": the indicator the conversation is about
    asks_property: bool = False  # "怎么算的", "满分多少": how the conversation's indicator is scored
    compares: bool = False  # "和第一名比呢", "谁高": a comparison with what the conversation is about
    text: str = ""  # the cleaned message (繁→简, full→half width, control characters removed)


__all__ = ["CompanyRef", "Guard", "Slots", "Understanding"]
