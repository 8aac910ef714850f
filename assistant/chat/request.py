"""A question made complete: the intent with every slot resolved against the session and the store.

The dialogue (`assistant.chat.dialogue`) turns an `Understanding` plus the session state into a
`Request` (or asks one clarifying question); an answerer (`assistant.chat.answers`) turns a
`Request` into an `Answer` by reading through `assistant.queries` as the asker. Enterprises here are
already resolved to USCCs and already allowed for the asker: the dialogue refuses before asking an
answerer for data the asker may not see (and the queries refuse again if it ever did).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.chat.reply import EnterpriseRef, Entities, Fact, Kind, RefuseReason


@dataclass(frozen=True)
class Request:
    """What to answer: intent and resolved slots (empty years: the latest scored year)."""

    intent: str
    enterprises: tuple[EnterpriseRef, ...] = ()  # compare: two or more, in the order asked
    years: tuple[int, ...] = ()  # yoy: (earlier, later) when both stated
    year_words: tuple[str, ...] = ()  # as typed, e.g. ("去年",)
    category: str | None = None
    indicator: str | None = None
    n: int | None = None
    stage: str | None = None
    industry: str | None = None
    policy: str | None = None
    query: str | None = None  # find_company_fuzzy: the text to search
    text: str = ""  # the cleaned message (for definitions and programme questions)


@dataclass(frozen=True)
class Answer:
    """An answerer's result, before the dialogue adds the session id and saves the state."""

    reply: str
    kind: Kind = "answer"
    facts: tuple[Fact, ...] = ()
    entities: Entities = Entities()
    suggestions: tuple[str, ...] = ()
    refuse_reason: RefuseReason | None = None
    listed: tuple[EnterpriseRef, ...] = ()  # enterprises listed in order ("第三名那家" refers here)
    years: tuple[int, ...] = field(default=())  # the years actually answered (carried to follow-ups)


__all__ = ["Answer", "Request"]
