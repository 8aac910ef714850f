"""What a conversation remembers between turns: the topic, the last list, a question left open.

Kept per session in the store (`assistant.chat.sessions`) as JSON, so that any worker and any
restart continues it. What the state holds and why:

- `last`: the last question answered (intent and resolved slots) — "那去年呢" changes its year;
- `topic`: the last question about data, kept while an aside (a definition, help, small talk) is
  answered, so that "那去年呢" after "研发投入强度是什么意思" returns to the points asked before;
- `listed`: the enterprises of the last list in order — "第三名那家呢" refers here;
- `recent`: the last few enterprises answered about — "他俩谁高" compares the last two;
- `pending`: a question the assistant asked ("和谁比？", "您问的是哪家企业？"): the slot it waits
  for (passed to the NLU as `expecting`), the request it would complete and the choices offered.

    >>> state = DialogueState(last=Topic(intent="my_total_points", years=(2025,)))
    >>> DialogueState.from_json(state.to_json()) == state
    True
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from pydantic import TypeAdapter

from assistant.chat.reply import EnterpriseRef
from assistant.chat.request import Request

# Intents that answer beside the conversation's topic rather than replace it.
ASIDES: frozenset[str] = frozenset({"indicator_definition", "programme_info", "help", "chitchat_out_of_scope"})
Slot = Literal["company", "indicator"]
RECENT = 4  # enterprises remembered for "他俩" / "这两家"


@dataclass(frozen=True)
class Topic:
    """One question with its slots resolved: what a follow-up carries."""

    intent: str
    enterprises: tuple[EnterpriseRef, ...] = ()
    years: tuple[int, ...] = ()
    year_words: tuple[str, ...] = ()
    category: str | None = None
    indicator: str | None = None
    n: int | None = None
    stage: str | None = None
    industry: str | None = None
    policy: str | None = None

    @classmethod
    def of(cls, request: Request, *, intent: str | None = None) -> Topic:
        """The topic of a request (`intent`: the one asked, when the request answers another)."""
        return cls(
            intent=intent or request.intent, enterprises=request.enterprises, years=request.years,
            year_words=request.year_words, category=request.category, indicator=request.indicator,
            n=request.n, stage=request.stage, industry=request.industry, policy=request.policy,
        )

    def request(self, *, intent: str | None = None, text: str = "", query: str | None = None) -> Request:
        """The request this topic asks (with another intent, e.g. own rank instead of a list)."""
        return Request(
            intent=intent or self.intent, enterprises=self.enterprises, years=self.years,
            year_words=self.year_words, category=self.category, indicator=self.indicator, n=self.n,
            stage=self.stage, industry=self.industry, policy=self.policy, query=query, text=text,
        )


@dataclass(frozen=True)
class Pending:
    """A question the assistant asked and the answer it waits for."""

    slot: Slot  # what the next message is read as (`understand(..., expecting=slot)`)
    topic: Topic  # the request so far
    candidates: tuple[EnterpriseRef, ...] = ()  # enterprises offered to choose from
    options: tuple[str, ...] = ()  # indicator codes offered to choose from


@dataclass(frozen=True)
class DialogueState:
    """A session's memory (see the module docstring)."""

    last: Topic | None = None
    topic: Topic | None = None
    listed: tuple[EnterpriseRef, ...] = ()
    pending: Pending | None = None
    recent: tuple[EnterpriseRef, ...] = ()  # the last enterprises answered about, newest last ("他俩")
    refused: bool = False  # the last turn refused another enterprise's data: "它" then means that firm

    @property
    def expecting(self) -> Slot | None:
        return self.pending.slot if self.pending is not None else None

    def after_answer(self, asked: Topic, *, listed: tuple[EnterpriseRef, ...] = ()) -> DialogueState:
        """The state once `asked` was answered: it becomes the last question, and the topic unless
        it is an aside; a new list replaces the last one; an open question is closed."""
        topic = self.topic if asked.intent in ASIDES else asked
        recent = tuple(e for e in self.recent if e not in asked.enterprises) + asked.enterprises
        return DialogueState(last=asked, topic=topic, listed=listed or self.listed, pending=None,
                             recent=recent[-RECENT:])

    def asking(self, pending: Pending) -> DialogueState:
        """The state while waiting for the answer to a question the assistant asked."""
        return replace(self, pending=pending)

    def unchanged(self) -> DialogueState:
        """After a refusal or a reply that answered nothing: the topic stays, an open question closes."""
        return replace(self, pending=None)

    def to_json(self) -> str:
        return _ADAPTER.dump_json(self).decode()

    @classmethod
    def from_json(cls, text: str | None) -> DialogueState:
        """The stored state; an empty or unreadable one (an older format) starts afresh."""
        if not text:
            return cls()
        try:
            return _ADAPTER.validate_json(text)
        except ValueError:
            return cls()


_ADAPTER: TypeAdapter[DialogueState] = TypeAdapter(DialogueState)

__all__ = ["ASIDES", "DialogueState", "Pending", "Slot", "Topic"]
