"""The shared reads (`assistant.queries`), called directly: the same answers the routes give, the
privacy rule applied by the query itself, audits only where non-public data is read, and the run
cache bounded.

Everything runs on a private copy of the demo zone; the HTTP answers come from an app on that same
copy, so "same as the route" compares like with like.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.access.privacy import PUBLIC, Principal
from assistant.api.app import create_app
from assistant.api.routes.enterprises import encode_portrait
from assistant.api.routes.rankings import encode_ranking
from assistant.api.schemas import (
    Distribution,
    EnterpriseListItem,
    EnterpriseProfile,
    Page,
    Ranking,
    SearchResults,
)
from assistant.errors import BadRequest, Forbidden, InvalidQuery
from assistant.queries import (
    distributions,
    lists,
    portraits,
    profiles,
    rankings,
    runs,
    search_hits,
    systems,
)
from assistant.queries.run_cache import RunCache
from scoring.errors import NotFound
from scoring.store.portraits import load_run_data
from scoring.uscc import make_usccs
from tests.assistant.conftest import Api, Zone, copy_zone, make_settings

AS = {"official": "official", "own": "enterprise1", "other": "enterprise1", "public": None}


@dataclass
class Served:
    """A private copy of the zone: its app (for the routes' answers) and its store engine."""

    api: Api
    engine: Engine
    app: Any
    principals: dict[str, Principal]
    own: str
    other: str
    unknown: str


@pytest.fixture(scope="module")
def served(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = copy_zone(zone, tmp_path_factory.mktemp("queries"))
    settings = make_settings(folder, embedder="none", search_warm_start=False)
    with TestClient(create_app(settings)) as client:
        own, other = zone.own["enterprise1"], zone.own["enterprise2"]
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with Session(engine) as session:
            from scoring import store

            known = set(store.run_scores(session=session, run_id=store.latest_run(session=session).id)["uscc"])  # type: ignore[arg-type]
        unknown = next(u for u in make_usccs(np.random.default_rng(4242), 50) if u not in known)
        principals = {
            "official": Principal(role="official", username="official"),
            "own": Principal(role="enterprise", username="enterprise1", uscc=own),
            "other": Principal(role="enterprise", username="enterprise1", uscc=own),
            "public": PUBLIC,
        }
        yield Served(Api(client), engine, client.app, principals, own, other, unknown)


@pytest.fixture
def cache(served: Served) -> RunCache:
    """A run cache of its own (not the app's), on the same store.

    The published runs it read stay trusted for an hour: whether a kept answer is served must not
    depend on how long a loaded machine takes between two calls (the default is one second).
    """
    return RunCache(served.engine, recheck_s=3600)


class Trail:
    """An audit callback that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def __call__(self, *, action: str, target: str) -> None:
        self.events.append((action, target))


def target(role: str, s: Served) -> str:
    return s.other if role == "other" else s.own


# ----------------------------------------------------------------------------- same answers as the routes
@pytest.mark.parametrize("role", ["official", "own", "public"])
@pytest.mark.parametrize("params", [{}, {"stage": "growth", "size": 7, "page": 2}, {"sort": "name", "order": "desc"}])
def test_enterprise_page_is_the_routes_answer(served: Served, cache: RunCache, role: str, params: dict[str, Any]) -> None:
    with Session(served.engine) as session:
        got = profiles.enterprise_page(principal=served.principals[role], runs=cache, session=session, audit=None, **params)
    want = served.api.get("/api/enterprises", as_=AS[role], params=params).json()
    assert Page[EnterpriseListItem].model_validate(got).model_dump(mode="json") == want


@pytest.mark.parametrize("role", ["official", "own", "other", "public"])
def test_profile_is_the_routes_answer(served: Served, role: str) -> None:
    uscc = target(role, served)
    with Session(served.engine) as session:
        got = profiles.enterprise_profile(principal=served.principals[role], session=session, uscc=uscc, audit=None)
    want = served.api.get(f"/api/enterprises/{uscc}", as_=AS[role]).json()
    assert EnterpriseProfile.model_validate(got).model_dump(mode="json", exclude_none=True) == want
    assert got["visibility"] == ("public" if role in ("other", "public") else "full")
    if role in ("other", "public"):
        assert "latest" not in got and "products" not in got


@pytest.mark.parametrize("role", ["official", "own"])
def test_portrait_is_the_routes_answer(served: Served, cache: RunCache, zone: Zone, role: str) -> None:
    p = served.principals[role]
    for year in (None, zone.years[0]):
        params = {} if year is None else {"year": year}
        want = served.api.get(f"/api/enterprises/{served.own}/portrait", as_=AS[role], params=params).json()
        answer = portraits.portrait_answer(principal=p, runs=cache, uscc=served.own, year=year, encode=encode_portrait, audit=None)
        assert json.loads(answer.body) == want
        with Session(served.engine) as session:
            built = portraits.portrait(principal=p, session=session, uscc=served.own, year=year, run_data=cache.run_data)
        assert json.loads(encode_portrait(built)) == want
        # Kept: the next read needs no I/O and gives the same bytes.
        again = portraits.cached_portrait_answer(principal=p, runs=cache, uscc=served.own, year=year, audit=None)
        assert again is not None and again.body == answer.body


@pytest.mark.parametrize("params", [{"stage": "growth"}, {"stage": "startup", "category": "FIRST", "page": 2, "size": 5}])
def test_ranking_is_the_routes_answer(served: Served, cache: RunCache, params: dict[str, Any]) -> None:
    if params.get("category") == "FIRST":  # the first category of the newest run's system
        params = {**params, "category": cache.run_data_for_year(None).system.categories[0].code}
    want = served.api.get("/api/rankings", as_="official", params=params).json()
    got = rankings.ranking(principal=served.principals["official"], runs=cache, audit=None, **params)
    assert Ranking.model_validate(got).model_dump(mode="json") == want
    answer = rankings.ranking_answer(principal=served.principals["official"], runs=cache, audit=None, encode=encode_ranking, **params)
    assert json.loads(answer.body) == want


@pytest.mark.parametrize("role", ["official", "own", "public"])
def test_distribution_is_the_routes_answer(served: Served, cache: RunCache, zone: Zone, role: str) -> None:
    for year in (None, zone.years[0]):
        params = {} if year is None else {"year": year}
        got = distributions.distribution(principal=served.principals[role], runs=cache, year=year)
        want = served.api.get("/api/stats/distribution", as_=AS[role], params=params).json()
        assert Distribution.model_validate(got).model_dump(mode="json") == want


def test_credit_list_is_the_routes_answer(served: Served, cache: RunCache) -> None:
    for params in ({"min_total": 60}, {"top": 3}, {"min_total": 50, "top": 10}):
        got = lists.credit_list(principal=served.principals["official"], runs=cache, audit=None, **params)
        assert got.as_dict() == served.api.get("/api/lists/credit", as_="official", params=params).json()
        assert got.data.run.id == got.as_dict()["run_id"]


def test_systems_and_runs_are_the_routes_answers(served: Served) -> None:
    folder = served.app.state.settings.systems_dir
    assert systems.system_summaries(systems_dir=folder) == served.api.get("/api/systems").json()
    assert systems.system_definition(systems_dir=folder, version="1.1") == served.api.get("/api/systems/1.1").json()
    diff = json.loads(json.dumps(systems.system_diff(systems_dir=folder, old="1.0", new="1.1"), ensure_ascii=False))
    assert diff == served.api.get("/api/systems/1.0/diff/1.1").json()
    with pytest.raises(NotFound):
        systems.system_definition(systems_dir=folder, version="9.9")
    with Session(served.engine) as session:
        listed = [r.model_dump(mode="json") for r in runs.all_runs(session=session)]
        assert [r["id"] for r in listed] == [r["id"] for r in served.api.get("/api/runs").json()]
        assert runs.one_run(session=session, run_id=1).id == 1
        with pytest.raises(NotFound):
            runs.one_run(session=session, run_id=10_000)


@pytest.mark.parametrize("role", ["official", "own", "public"])
def test_search_hits_are_the_routes_answer(served: Served, role: str) -> None:
    index = served.app.state.search
    for text in ("光伏组件", "生物医药", served.own):
        got = search_hits.search(principal=served.principals[role], index=index, audit=None, text=f"  {text} ", limit=20)
        want = served.api.get("/api/search", as_=AS[role], params={"q": text, "limit": 20}).json()
        assert SearchResults.model_validate(got).model_dump(mode="json") == want
        for item in got["items"]:
            assert ("total" in item) == served.principals[role].may_see_details(item["uscc"])


# ----------------------------------------------------------------------------- the privacy rule, in the query
@pytest.mark.parametrize("role", ["other", "public"])
def test_another_enterprises_portrait_is_refused_like_a_missing_one(served: Served, cache: RunCache, role: str) -> None:
    p = served.principals[role]

    def refusal(uscc: str) -> list[tuple[type, str]]:
        out = []
        for read in (
            lambda: portraits.portrait_answer(principal=p, runs=cache, uscc=uscc, encode=encode_portrait, audit=None),
            lambda: portraits.cached_portrait_answer(principal=p, runs=cache, uscc=uscc, audit=None),
            lambda: portraits.portrait(principal=p, session=Session(served.engine), uscc=uscc),
        ):
            with pytest.raises(NotFound) as caught:
                read()
            out.append((type(caught.value), str(caught.value).replace(uscc, "<uscc>")))
        return out

    assert refusal(target(role, served)) == refusal(served.unknown)


def test_a_missing_enterprise_is_not_found_for_officials_too(served: Served, cache: RunCache) -> None:
    with pytest.raises(NotFound, match=served.unknown):
        portraits.portrait_answer(principal=served.principals["official"], runs=cache, uscc=served.unknown,
                                  encode=encode_portrait, audit=None)
    with Session(served.engine) as session, pytest.raises(NotFound):
        profiles.enterprise_profile(principal=served.principals["official"], session=session, uscc=served.unknown, audit=None)


@pytest.mark.parametrize("role", ["own", "public"])
def test_officials_only_reads_are_forbidden_to_others(served: Served, cache: RunCache, role: str) -> None:
    p = served.principals[role]
    with pytest.raises(Forbidden):
        rankings.ranking(principal=p, runs=cache, audit=None, stage="growth")
    with pytest.raises(Forbidden):
        lists.credit_list(principal=p, runs=cache, audit=None, min_total=60)
    with pytest.raises(Forbidden):
        distributions.distribution(principal=p, runs=cache, bin_width=5)
    with Session(served.engine) as session, pytest.raises(Forbidden):
        profiles.enterprise_page(principal=p, runs=cache, session=session, audit=None, min_points=50)
    with pytest.raises(Forbidden):
        search_hits.search(principal=p, index=served.app.state.search, audit=None, text="光伏", points_min=10)


def test_bad_arguments_say_what_is_wrong(served: Served, cache: RunCache) -> None:
    official = served.principals["official"]
    with pytest.raises(BadRequest, match="x123"):
        profiles.checked_uscc("x123")
    with pytest.raises(BadRequest, match="nope"):
        rankings.ranking(principal=official, runs=cache, audit=None, stage="nope")
    with pytest.raises(BadRequest, match="weight"):
        rankings.ranking(principal=official, runs=cache, audit=None, stage="growth", category="weight")
    with Session(served.engine) as session, pytest.raises(BadRequest, match="age"):
        profiles.enterprise_page(principal=official, runs=cache, session=session, audit=None, sort="age")
    with pytest.raises(InvalidQuery):
        search_hits.search(principal=official, index=served.app.state.search, audit=None, text="   ")
    with pytest.raises(NotFound, match="1999"):
        distributions.distribution(principal=official, runs=cache, year=1999)


# ----------------------------------------------------------------------------- audits
def test_reads_of_non_public_data_are_audited_and_public_ones_not(served: Served, cache: RunCache) -> None:
    official, own, public = (served.principals[r] for r in ("official", "own", "public"))
    trail = Trail()
    with Session(served.engine) as session:
        profiles.enterprise_page(principal=public, runs=cache, session=session, audit=trail)
        profiles.enterprise_page(principal=own, runs=cache, session=session, audit=trail, size=5)
        profiles.enterprise_profile(principal=own, session=session, uscc=served.other, audit=trail)
        assert trail.events == []  # public profiles and a page without any other firm's points
        profiles.enterprise_page(principal=official, runs=cache, session=session, audit=trail, size=5)
        profiles.enterprise_profile(principal=own, session=session, uscc=served.own, audit=trail)
    portraits.portrait_answer(principal=own, runs=cache, uscc=served.own, encode=encode_portrait, audit=trail)
    rankings.ranking(principal=official, runs=cache, audit=trail, stage="growth")
    lists.credit_list(principal=official, runs=cache, audit=trail, top=1)
    assert trail.events == [
        ("list_enterprises", "5 家"), ("read_profile", served.own), ("read_portrait", served.own),
        ("read_ranking", "growth total"), ("credit_list", "各阶段前1名"),
    ]


# ----------------------------------------------------------------------------- the run cache, bounded
def test_run_cache_keeps_at_most_n_runs_and_rereads_an_evicted_one(served: Served, zone: Zone) -> None:
    assert len(zone.years) >= 3
    cache = RunCache(served.engine, runs=2)
    first = {year: cache.run_data_for_year(year) for year in zone.years}  # more runs than it may keep
    held = cache.held_runs()
    assert len(held) == 2 and held == [first[y].run.id for y in zone.years[-2:]]
    oldest = zone.years[0]
    again = cache.run_data_for_year(oldest)  # evicted: read again, and the same
    assert again is not first[oldest]
    assert again.run.id == first[oldest].run.id
    assert again.scores.equals(first[oldest].scores)
    with Session(served.engine) as session:
        assert again.scores.equals(load_run_data(session=session, run=again.run).scores)
    assert cache.held_runs() == [first[zone.years[-1]].run.id, again.run.id]  # least recently used first
    # A read of a held run counts as a use: it is the last to go.
    cache.run_data_for_year(zone.years[-1])
    assert cache.held_runs()[-1] == first[zone.years[-1]].run.id
    with pytest.raises(ValueError):
        RunCache(served.engine, runs=0)


def test_run_cache_size_comes_from_settings_and_answers_stay_right(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = copy_zone(zone, tmp_path_factory.mktemp("one-run"))
    with TestClient(create_app(make_settings(folder, run_cache_runs=1, embedder="none", search_warm_start=False))) as client:
        cache: RunCache = client.app.state.runs  # type: ignore[attr-defined]
        assert cache.max_runs == 1
        api = Api(client)
        first = {y: api.get("/api/stats/distribution", params={"year": y}).json() for y in zone.years}
        assert len(cache.held_runs()) == 1
        for y in zone.years:  # each read evicts the other years' data, and reads it again right
            assert api.get("/api/stats/distribution", params={"year": y}).json() == first[y]
            assert api.get("/api/rankings", as_="official", params={"year": y, "stage": "growth", "size": 3}).status_code == 200
            assert len(cache.held_runs()) == 1


def test_published_runs_are_reread_ahead_once_in_the_background(served: Served) -> None:
    """Under load the list of published runs never expires in front of the requests: from half of
    `recheck_s` on, one re-read is started (a clock and a background of the test's own: no waiting),
    and requests go on with the list in hand; unused for a whole `recheck_s`, it is read again in the
    request, as before."""
    now = [10.0]
    jobs: list[Any] = []
    cache = RunCache(served.engine, recheck_s=1.0, clock=lambda: now[0], spawn=jobs.append)
    assert cache.published_if_fresh() is None  # never read
    first = cache.published()
    now[0] = 10.49
    assert cache.published_if_fresh() is first and jobs == []
    now[0] = 10.5
    assert all(cache.published_if_fresh() is first for _ in range(50))  # 50 requests at once: one re-read
    assert len(jobs) == 1
    jobs.pop()()
    now[0] = 10.9  # 0.4 s after the re-read began: fresh, no new re-read yet
    assert cache.published_if_fresh() is not None and jobs == []
    now[0] = 11.5  # nobody asked for a whole recheck_s: the request reads it itself
    assert cache.published_if_fresh() is None and jobs == []
    assert cache.published().signature == first.signature


def test_a_failed_background_reread_leaves_it_to_the_next_request(served: Served) -> None:
    from sqlalchemy import create_engine

    now = [0.0]
    jobs: list[Any] = []
    cache = RunCache(served.engine, recheck_s=1.0, clock=lambda: now[0], spawn=jobs.append)
    cache.published()
    cache.engine = create_engine("sqlite:////nonexistent/folder/store.sqlite")  # the database unreadable
    now[0] = 0.6
    assert cache.published_if_fresh() is not None
    jobs.pop()()  # fails, logged
    now[0] = 0.7
    assert cache.published_if_fresh() is not None and len(jobs) == 1  # a new attempt, not stuck


def test_kept_answers_are_bounded_by_bytes(served: Served) -> None:
    cache = RunCache(served.engine, answer_bytes=3000)
    bodies = {k: json.dumps({"k": k, "pad": "x" * 900}).encode() for k in "abcd"}
    for k, body in bodies.items():
        cache.keep_answer(k, body)
    assert cache.answer("a") is None  # the oldest went first
    kept = [k for k in "abcd" if cache.answer(k) is not None]
    assert kept[-1] == "d" and 1 <= len(kept) < 4
    assert all(cache.answer(k).body == bodies[k] for k in kept)  # type: ignore[union-attr]
    huge = b"[" + b"1," * 5000 + b"1]"
    assert cache.keep_answer("huge", huge).body == huge  # over the limit alone: still answered
    assert cache.answer("huge") is not None


# ----------------------------------------------------------------------------- framework-free
def test_queries_import_no_web_framework() -> None:
    code = (
        "import sys, pkgutil, importlib, assistant.queries as q\n"
        "for m in pkgutil.iter_modules(q.__path__): importlib.import_module('assistant.queries.' + m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'fastapi', 'starlette', 'uvicorn'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_merge_small_leaves_only_empty_bins_or_groups_of_five() -> None:
    bins = [[0.0, 10.0, 3], [10.0, 20.0, 7], [20.0, 30.0, 0], [30.0, 40.0, 2], [40.0, 50.0, 9], [50.0, 60.0, 1]]
    merged = distributions.merge_small(bins)
    assert merged == [[0.0, 20.0, 10], [20.0, 30.0, 0], [30.0, 60.0, 12]]  # worked by hand
    assert bins[0] == [0.0, 10.0, 3]  # the input is left alone
