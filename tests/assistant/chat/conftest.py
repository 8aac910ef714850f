"""Fixtures for the assistant: a private copy of the demo zone served with a clock the tests move.

`chat_zone` is one copy per test session served twice on the one store, like two workers: by a
`TestClient` and by a live uvicorn server on 127.0.0.1 (text search only: the items here are not
about vectors); and a `ChatContext` over it for the dialogue's own tests. Its clock stands in the zone's newest scored year, so "今年" is a year
with published scores; the rate limit is off there (`limited` makes an app with one).
Everything a test compares with is read from the store at test time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from assistant.access.privacy import Principal
from assistant.api.app import create_app
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef
from assistant.config import Settings
from assistant.display import BEIJING
from assistant.queries.run_cache import RunCache
from assistant.queries.search_index import SearchIndex
from scoring.store import make_engine
from tests.assistant.conftest import Api, Zone, copy_zone, make_settings, zone_engine


class Clock:
    """A UTC clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Firms:
    """What the tests compare answers with, read from the store."""

    names: dict[str, str]  # USCC → name
    short: dict[str, str | None]  # USCC → short name
    totals: dict[int, dict[str, float]]  # year → USCC → total
    stage: dict[str, str]  # USCC → stage in the newest year

    def ref(self, uscc: str) -> EnterpriseRef:
        return EnterpriseRef(uscc=uscc, name=self.names[uscc])


@dataclass
class ChatZone:
    """A private zone with a served app, a live server, a chat context and the store's figures."""

    settings: Settings
    clock: Clock
    client: TestClient
    api: Api
    url: str
    ctx: ChatContext
    firms: Firms
    own: dict[str, str]
    years: list[int]
    principals: dict[str, Principal] = field(default_factory=dict)

    @property
    def latest(self) -> int:
        return self.years[-1]

    def chat(self, who: str | None, message: str, session_id: str | None = None, **kwargs: Any) -> Any:
        body: dict[str, Any] = {"message": message}
        if session_id is not None:
            body["session_id"] = session_id
        return self.api.post("/api/chat", as_=who, json=body, **kwargs)


def read_firms(folder: Path) -> Firms:
    """The names, totals and stages of a zone folder's database (either store)."""
    engine = zone_engine(folder)
    try:
        with engine.connect() as db:
            names, short = {}, {}
            for uscc, name, short_name in db.execute(text("select uscc, name, short_name from enterprise")):
                names[uscc], short[uscc] = name, short_name
            totals: dict[int, dict[str, float]] = {}
            runs = db.execute(text("select id, year from scorerun where status = 'published' and kind = 'zone' order by id")).all()
            newest = {year: run for run, year in runs}  # the newest published run of each year
            for year, run in newest.items():
                totals[year] = dict(db.execute(text("select uscc, total from enterprisescore where run_id = :run"), {"run": run}).all())
            last = newest[max(newest)]
            stage = dict(db.execute(text("select uscc, stage from enterprisescore where run_id = :run"), {"run": last}).all())
    finally:
        engine.dispose()
    return Firms(names=names, short=short, totals=totals, stage=stage)


def serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve `app` with uvicorn on 127.0.0.1 (a free port) in a thread; waits on its `started` flag."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-chat", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def chat_zone(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatZone]:
    folder = copy_zone(zone, tmp_path_factory.mktemp("chat"))
    settings = make_settings(folder, embedder="none", recheck_seconds=0, chat_turns_per_minute=0)
    clock = Clock(datetime(zone.latest_year, 6, 1, 2, 0, tzinfo=UTC))  # 10:00 in Beijing
    # Two apps on one store, like two workers: one behind the TestClient, one behind uvicorn.
    server, thread, url = serve(create_app(settings, clock=clock))
    engine = make_engine(settings.db_url)
    ctx = ChatContext(
        engine=engine, runs=RunCache(engine, recheck_s=0), index=SearchIndex.from_settings(settings, engine),
        systems_dir=settings.systems_dir, policies_dir=settings.policies_dir,
        clock=lambda: clock().astimezone(BEIJING),
    )
    try:
        with TestClient(create_app(settings, clock=clock)) as client:
            yield ChatZone(settings=settings, clock=clock, client=client, api=Api(client), url=url, ctx=ctx,
                           firms=read_firms(folder), own=dict(zone.own), years=zone.years)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        if ctx.index is not None:
            ctx.index.close()
        engine.dispose()


@pytest.fixture
def limited(zone: Zone, tmp_path: Path) -> Iterator[Callable[..., tuple[TestClient, Clock]]]:
    """`limited(n)`: a private zone whose users may send `n` messages a minute."""
    clients: list[TestClient] = []

    def make(per_minute: int) -> tuple[TestClient, Clock]:
        settings = make_settings(copy_zone(zone, tmp_path / f"lim{len(clients)}"), embedder="none",
                                 chat_turns_per_minute=per_minute)
        clock = Clock(datetime(zone.latest_year, 6, 1, 2, 0, tzinfo=UTC))
        client = TestClient(create_app(settings, clock=clock))
        client.__enter__()
        clients.append(client)
        return client, clock

    yield make
    for c in clients:
        c.__exit__(None, None, None)
