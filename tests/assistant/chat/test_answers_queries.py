"""The reads the answers added to `assistant.queries`: each applies the privacy rule itself and
audits non-public reads, like the others."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session

from assistant.access.privacy import MIN_GROUP
from assistant.errors import BadRequest, Forbidden
from assistant.queries import portraits
from assistant.queries.aggregates import group_figures
from assistant.queries.portrait_data import portrait_data
from assistant.queries.run_cache import RunCache
from assistant.queries.standing import standing
from assistant.queries.top import MAX_N, top_enterprises
from scoring import store
from scoring.errors import NotFound
from tests.assistant.chat.answer_setup import Setup, make_setup
from tests.assistant.conftest import Zone


class Trail:
    """An audit callback that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def __call__(self, *, action: str, target: str) -> None:
        self.events.append((action, target))


@pytest.fixture(scope="module")
def s(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    setup = make_setup(zone, tmp_path_factory.mktemp("queries"))
    yield setup
    setup.engine.dispose()


def test_top_enterprises_is_for_officials_and_audited(s: Setup) -> None:
    runs = RunCache(s.engine)
    for who in (s.owner, s.public):
        with pytest.raises(Forbidden):
            top_enterprises(principal=who, runs=runs, audit=None, n=3)
    trail = Trail()
    top = top_enterprises(principal=s.official, runs=runs, audit=trail, n=4, stage="growth", category="output")
    df = runs.run_data_for_year(None).scores
    part = df[df["stage"] == "growth"].sort_values(["cat.output", "uscc"], ascending=[False, True])
    assert [i["uscc"] for i in top["items"]] == list(part["uscc"][:4]) and top["size"] == len(part)
    assert [i["points"] for i in top["items"]] == list(part["cat.output"][:4])
    assert trail.events and trail.events[0][0] == "read_ranking"
    with pytest.raises(BadRequest):
        top_enterprises(principal=s.official, runs=runs, audit=None, n=MAX_N + 1)


def test_group_figures_hide_small_groups_from_non_officials(zone: Zone, tmp_path: Path) -> None:
    setup = make_setup(zone, tmp_path)
    few = sorted(setup.names)[: MIN_GROUP - 1]
    with Session(setup.engine) as session:  # a small industry: fewer firms than MIN_GROUP
        for uscc in few:
            firm = session.get(store.Enterprise, uscc)
            assert firm is not None
            firm.industry = "测试小行业"
            session.add(firm)
        session.commit()
    runs = RunCache(setup.engine)
    df = runs.run_data_for_year(None).scores
    large = df["industry"].value_counts().index[0]
    for who in (setup.owner, setup.public):
        assert group_figures(principal=who, runs=runs, industry="测试小行业")["industry"] is None
        shown = group_figures(principal=who, runs=runs, industry=large)["industry"]
        totals = df.loc[df["industry"] == large, "total"].to_numpy(dtype=float)
        assert shown["count"] == len(totals) >= MIN_GROUP and shown["mean_total"] == round(float(totals.mean()), 2)
        assert shown["p75_total"] == round(float(np.quantile(totals, 0.75)), 2)
    trail = Trail()
    assert group_figures(principal=setup.official, runs=runs, industry="测试小行业", audit=trail)["industry"]["count"] == len(few)
    assert trail.events
    setup.engine.dispose()


def test_portrait_data_is_the_portrait_for_those_who_may_see_it(s: Setup) -> None:
    runs = RunCache(s.engine)
    trail = Trail()
    mine = portrait_data(principal=s.owner, runs=runs, uscc=s.own, audit=trail)
    assert mine["uscc"] == s.own and mine["year"] == s.latest and trail.events == [("read_portrait", s.own)]
    assert portrait_data(principal=s.owner, runs=runs, uscc=s.own, audit=None) == mine  # kept: the same answer
    for uscc in (s.other, s.unknown):
        with pytest.raises(NotFound):
            portrait_data(principal=s.owner, runs=runs, uscc=uscc, audit=None)
    with pytest.raises(NotFound):
        portrait_data(principal=s.public, runs=runs, uscc=s.own, audit=None)


def test_standing_is_the_portraits_figures(s: Setup, zone: Zone) -> None:
    runs = RunCache(s.engine)
    for year in (None, zone.years[0]):
        for uscc in zone.own.values():
            with Session(s.engine) as session:
                full = portraits.portrait(principal=s.official, session=session, uscc=uscc, year=year)
            got = standing(principal=s.official, runs=runs, uscc=uscc, year=year, audit=None)
            assert got == {k: full[k] for k in got}
    trail = Trail()
    standing(principal=s.owner, runs=runs, uscc=s.own, audit=trail)
    assert trail.events == [("read_portrait", s.own)]
    for who, uscc in ((s.owner, s.other), (s.owner, s.unknown), (s.public, s.own)):
        with pytest.raises(NotFound):
            standing(principal=who, runs=runs, uscc=uscc, audit=None)
