"""One enterprise's portrait (or standing) for an answer: the enterprise, the year, the read.

Every per-enterprise answerer starts here: find whose data (`subject`), stop with a question or a
refusal if there is none the asker may read, pick the year (a year without scores answers the
latest one, saying so) and read the portrait through `assistant.queries` as the asker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.subject import missing_enterprise, subject
from assistant.chat.answers.years import YearPick, pick_year, published_years
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef, Entities
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.portrait_data import portrait_data
from assistant.queries.standing import standing


@dataclass(frozen=True)
class Read:
    """A portrait read for an answer, with the year picked."""

    portrait: dict[str, Any]
    pick: YearPick

    @property
    def ref(self) -> EnterpriseRef:
        return EnterpriseRef(uscc=self.portrait["uscc"], name=self.portrait["name"])

    @property
    def name(self) -> str:
        """The short name if there is one (phones are narrow), else the name."""
        return str(self.portrait.get("short_name") or self.portrait["name"])

    @property
    def year(self) -> int:
        return int(self.portrait["year"])

    @property
    def run(self) -> int:
        return int(self.portrait["run_id"])

    @property
    def uscc(self) -> str:
        return str(self.portrait["uscc"])

    def entities(self, *, indicators: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> Entities:
        return Entities(enterprises=(self.ref,), indicators=indicators, categories=categories, years=(self.year,))

    def lead(self, body: str) -> str:
        """The note about the year asked (if any), then the body."""
        return f"{self.pick.note}\n{body}" if self.pick.note else body


def read_portrait(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None,
                  full: bool = True) -> Read | Answer:
    """The portrait the request is about, or the answer that stops here (ask which, refuse);
    `full=False`: its standing only (total, rank, stage, categories — no indicators, advice)."""
    stop = missing_enterprise(request, principal)
    if stop is not None:
        return stop
    ref = subject(request, principal)
    assert ref is not None  # missing_enterprise answered otherwise
    pick = pick_year(request, published_years(ctx))
    read = portrait_data if full else standing
    return Read(read(principal=principal, runs=ctx.runs, uscc=ref.uscc, year=pick.year, audit=audit), pick)


def portrait_of_year(read: Read, year: int, *, principal: Principal, ctx: ChatContext,
                     audit: Audit | None) -> dict[str, Any]:
    """The same enterprise's portrait of another scored year."""
    return portrait_data(principal=principal, runs=ctx.runs, uscc=read.uscc, year=year, audit=audit)


__all__ = ["Read", "portrait_of_year", "read_portrait"]
