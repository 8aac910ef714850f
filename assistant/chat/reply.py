"""The one response shape every channel gets (HTTP, the OpenAI-compatible route, WeChat, the CLI).

```
{session_id, reply, kind: answer|clarify|refuse|redirect, intent, refuse_reason?,
 entities: {enterprises: [{uscc, name}], indicators: [code], categories: [code], years: [int]},
 facts: [{label, value, unit, year, uscc?, source: {kind, run?, indicator?, field?, batch?,
          system?, document?, inputs?}}],
 suggestions: [str]}
```

Grounding rule: every number in `reply` appears in `facts`, equal at the precision shown (years,
list ordinals and numbers the user typed excepted). A number computed from others (a difference, a
share, a what-if gain) is a fact with `source.kind = "derived"` whose `inputs` are the positions of
the facts it came from in the same `facts` list. A fact about one enterprise carries its `uscc`.
A refusal names no enterprise but the asker's own, and its `entities` hold none.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

Kind = Literal["answer", "clarify", "refuse", "redirect"]
RefuseReason = Literal["privacy", "injection", "unauthenticated", "write_attempt", "bulk_export"]
SourceKind = Literal["run", "system", "policy", "aggregate", "derived"]

KINDS: tuple[str, ...] = ("answer", "clarify", "refuse", "redirect")
REFUSE_REASONS: tuple[str, ...] = ("privacy", "injection", "unauthenticated", "write_attempt", "bulk_export")


ECHO_CHARS = 20


def echo(text: str, *, limit: int = ECHO_CHARS) -> str:
    """The user's words as a reply quotes them: at most `limit` characters (a reply stays short,
    whatever was typed)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a published run, a system file, a policy, an aggregate, or derived."""

    kind: SourceKind
    run: int | None = None  # score run id
    indicator: str | None = None  # indicator code
    field: str | None = None  # raw field name
    batch: int | None = None  # import batch id
    system: str | None = None  # indicator-system version
    document: str | None = None  # policy / programme document id
    inputs: tuple[int, ...] = ()  # derived: positions of the facts it came from


@dataclass(frozen=True)
class Fact:
    """One number or value the reply states, with where it came from."""

    label: str
    value: float | int | str | bool | None
    unit: str = ""
    year: int | None = None
    uscc: str | None = None
    source: Source = Source(kind="derived")


@dataclass(frozen=True)
class EnterpriseRef:
    """An enterprise the answer is about: USCC and name."""

    uscc: str
    name: str


@dataclass(frozen=True)
class Entities:
    """What the answer is about."""

    enterprises: tuple[EnterpriseRef, ...] = ()
    indicators: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChatReply:
    """One turn's answer, the same for every channel."""

    session_id: str
    reply: str
    kind: Kind
    intent: str
    refuse_reason: RefuseReason | None = None
    entities: Entities = Entities()
    facts: tuple[Fact, ...] = ()
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (tuples as lists; `refuse_reason` only on refusals; empty source keys dropped).
        Written out rather than `dataclasses.asdict`, whose deep copy was a tenth of a turn."""
        e = self.entities
        out: dict[str, Any] = {
            "session_id": self.session_id, "reply": self.reply, "kind": self.kind, "intent": self.intent,
            "entities": {"enterprises": [{"uscc": x.uscc, "name": x.name} for x in e.enterprises],
                         "indicators": list(e.indicators), "categories": list(e.categories), "years": list(e.years)},
            "facts": [_fact(f) for f in self.facts],
            "suggestions": list(self.suggestions),
        }
        if self.refuse_reason is not None:
            out["refuse_reason"] = self.refuse_reason
        return out


def _fact(f: Fact) -> dict[str, Any]:
    source = {name: (list(v) if isinstance(v, tuple) else v) for name in _SOURCE_FIELDS
              for v in (getattr(f.source, name),) if v not in (None, ())}
    return {"label": f.label, "value": f.value, "unit": f.unit, "year": f.year, "uscc": f.uscc, "source": source}


_SOURCE_FIELDS = tuple(f.name for f in fields(Source))


__all__ = [
    "ECHO_CHARS", "KINDS", "echo", "REFUSE_REASONS", "ChatReply", "EnterpriseRef", "Entities", "Fact", "Kind", "RefuseReason",
    "Source", "SourceKind",
]
