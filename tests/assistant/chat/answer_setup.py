"""What the answer tests share: a chat context over a private copy of the demo zone, the askers,
and checks every answer must pass (grounded, derived inputs in range, refusals naming nobody).

A module of plain functions, not a conftest: the fixtures live in each test module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.access.privacy import PUBLIC, Principal
from assistant.chat.answers import answer
from assistant.chat.context import ChatContext
from assistant.chat.grounding import ungrounded
from assistant.chat.reply import EnterpriseRef
from assistant.chat.request import Answer, Request
from assistant.queries.run_cache import RunCache
from assistant.queries.search_index import SearchIndex
from innopoints_data import DATA_DIR
from scoring import store
from scoring.uscc import make_usccs
from tests.assistant.conftest import Zone, copy_zone, zone_url

SYSTEMS_DIR = DATA_DIR / "indicator_systems"
POLICIES_DIR = DATA_DIR / "policies"


@dataclass
class Setup:
    """A chat context on a private copy of the zone, and who asks."""

    ctx: ChatContext
    engine: Engine
    own: str  # enterprise1's USCC
    other: str  # another scored enterprise (enterprise2's)
    unknown: str  # a valid USCC of no enterprise
    names: dict[str, str]  # USCC → name, every enterprise of the latest run
    official: Principal
    owner: Principal
    public: Principal
    latest: int
    years: list[int]

    def ask(self, who: Principal, request: Request) -> Answer:
        return answer(request, principal=who, ctx=self.ctx, audit=None)


def make_setup(zone: Zone, folder: Path, *, clock_year: int | None = None) -> Setup:
    """A private copy of the zone and a context whose clock reads March of `clock_year`
    (default: the year after the latest scored year, which is therefore unpublished)."""
    copy = copy_zone(zone, folder)
    engine = store.make_engine(zone_url(copy))
    year = clock_year if clock_year is not None else zone.latest_year + 1
    # recheck_s: the published runs read once stay trusted for the module (no timing in tests).
    ctx = ChatContext(engine=engine, runs=RunCache(engine, recheck_s=3600),
                      index=SearchIndex(engine, copy / "search", None, background=False),
                      systems_dir=SYSTEMS_DIR, policies_dir=POLICIES_DIR, clock=lambda: datetime(year, 3, 1, 9, 0))
    with Session(engine) as session:
        run = store.latest_run(session=session)
        assert run.id is not None
        scores = store.run_scores(session=session, run_id=run.id)
    names = dict(zip(scores["uscc"], scores["name"], strict=True))
    unknown = next(u for u in make_usccs(np.random.default_rng(4242), 50) if u not in names)
    own, other = zone.own["enterprise1"], zone.own["enterprise2"]
    return Setup(
        ctx=ctx, engine=engine, own=own, other=other, unknown=unknown, names=names,
        official=Principal(role="official", username="official"),
        owner=Principal(role="enterprise", username="enterprise1", uscc=own),
        public=PUBLIC, latest=zone.latest_year, years=zone.years,
    )


def ref(uscc: str) -> tuple[EnterpriseRef, ...]:
    return (EnterpriseRef(uscc=uscc, name=""),)


def check(a: Answer, request: Request) -> None:
    """What every answer must be: grounded; derived facts pointing at earlier facts; a refusal
    with no entities; 2–4 suggestions."""
    assert a.reply.strip(), a
    assert ungrounded(a.reply, a.facts, user_text=request.text) == [], (a.reply, a.facts)
    for k, fact in enumerate(a.facts):
        if fact.source.kind == "derived":
            assert all(0 <= i < k for i in fact.source.inputs), (k, fact)
    if a.kind == "refuse":
        assert a.refuse_reason is not None and a.entities.enterprises == () and a.listed == () and a.facts == ()
    assert 2 <= len(a.suggestions) <= 4, a.suggestions


def names_in(text: str, names: dict[str, str], *, but: str | None = None) -> list[str]:
    """Enterprise names (full) of the zone that `text` mentions, other than `but`'s."""
    return [n for u, n in names.items() if u != but and n in text]
