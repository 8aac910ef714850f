"""Sessions in the store: owned, expiring on an injected clock, shared by workers, covered by the
schema check, and counting each caller's turns for the rate limit."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from assistant.api.app import create_app
from assistant.chat.sessions import ChatSession, ChatTurn, SessionStore, ensure_tables
from assistant.chat.state import DialogueState, Pending, Topic
from assistant.errors import RateLimited
from scoring.errors import NotFound, StoreError
from scoring.store import make_engine
from scoring.store.db import BUSY_TIMEOUT_S
from tests.assistant.chat.conftest import ChatZone, Clock
from tests.assistant.conftest import Api, Zone, copy_zone, make_settings

T0 = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    e = make_engine(f"sqlite:///{tmp_path / 'chat.sqlite'}")
    ensure_tables(e)
    return e


def _turn(store: SessionStore, owner: str, session_id: str | None, state: DialogueState, now: datetime,
          caller: str | None = None) -> str:
    s = store.open(owner=owner, session_id=session_id, now=now)
    store.save(s, state=state, message="问", reply={"reply": "答"}, caller=caller or owner, now=now)
    return s.id


def test_state_round_trips_and_ids_are_random(engine: Engine) -> None:
    store = SessionStore(engine)
    state = DialogueState(last=Topic(intent="my_total_points", years=(2025,)),
                          pending=Pending(slot="company", topic=Topic(intent="compare_companies")))
    sid = _turn(store, "official:o", None, state, T0)
    assert len(sid) >= 32 and sid != _turn(store, "official:o", None, state, T0)
    again = store.open(owner="official:o", session_id=sid, now=T0 + timedelta(minutes=1))
    assert (again.id, again.new, again.state) == (sid, False, state)


def test_another_owners_session_is_not_found_and_an_unknown_one_starts_afresh(engine: Engine) -> None:
    store = SessionStore(engine)
    sid = _turn(store, "enterprise:enterprise1", None, DialogueState(), T0)
    with pytest.raises(NotFound):
        store.open(owner="enterprise:enterprise2", session_id=sid, now=T0)
    with pytest.raises(NotFound):
        store.history(owner="enterprise:enterprise2", session_id=sid, now=T0)
    fresh = store.open(owner="enterprise:enterprise1", session_id="no-such-session-id", now=T0)
    assert fresh.new and fresh.id != "no-such-session-id"  # a client never chooses its id


def test_sessions_expire_after_the_idle_time(engine: Engine) -> None:
    store = SessionStore(engine, idle=timedelta(minutes=30))
    state = DialogueState(last=Topic(intent="rank_in_stage"))
    sid = _turn(store, "official:o", None, state, T0)
    _turn(store, "official:o", sid, state, T0 + timedelta(minutes=29))  # a turn keeps it alive
    assert not store.open(owner="official:o", session_id=sid, now=T0 + timedelta(minutes=58)).new
    assert store.history(owner="official:o", session_id=sid, now=T0 + timedelta(minutes=59))["turns"]
    later = T0 + timedelta(minutes=29 + 31)
    with pytest.raises(NotFound):
        store.history(owner="official:o", session_id=sid, now=later)
    after = store.open(owner="official:o", session_id=sid, now=later)  # opening a new one purges the old
    assert after.new and after.state == DialogueState()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from chat_session where id = ?", (sid,)).scalar() == 0
        assert conn.exec_driver_sql("select count(*) from chat_turn where session_id = ?", (sid,)).scalar() == 0


def test_the_rate_limit_counts_a_callers_turns_in_the_last_minute(engine: Engine) -> None:
    store = SessionStore(engine, turns_per_minute=2)
    sid = _turn(store, "official:o", None, DialogueState(), T0)
    store.check_rate(caller="official:o", now=T0 + timedelta(seconds=10))
    _turn(store, "official:o", sid, DialogueState(), T0 + timedelta(seconds=20))
    with pytest.raises(RateLimited) as refused:
        store.check_rate(caller="official:o", now=T0 + timedelta(seconds=30))
    assert refused.value.headers == {"Retry-After": "30"} and "秒后再试" in refused.value.message
    store.check_rate(caller="public@198.51.100.7", now=T0 + timedelta(seconds=30))  # others are not counted
    store.check_rate(caller="official:o", now=T0 + timedelta(seconds=61))


def test_an_older_session_table_is_refused_by_the_schema_check(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("create table chat_session (id varchar primary key, owner varchar, created_at datetime, seen_at datetime)")
    conn.close()
    with pytest.raises(StoreError, match="chat_session") as refused:
        make_engine(f"sqlite:///{db}")
    assert "state" in str(refused.value) and "turns" in str(refused.value)
    assert ChatSession.__tablename__ == "chat_session" and ChatTurn.__tablename__ == "chat_turn"


def test_a_session_continues_on_another_worker_and_after_a_restart(chat_zone: ChatZone, zone: Zone,
                                                                   tmp_path: Path) -> None:
    cz = chat_zone
    first = cz.chat("enterprise1", f"我们{cz.latest}年总积分多少")
    assert first.status_code == 200, first.text
    sid = first.json()["session_id"]
    # The other worker (the live server on the same store) continues it.
    with httpx.Client(base_url=cz.url, headers=cz.api.headers("enterprise1")) as other:
        then = other.post("/api/chat", json={"message": "那去年呢", "session_id": sid})
    assert then.status_code == 200, then.text
    body = then.json()
    assert body["session_id"] == sid and body["intent"] == "my_total_points"
    assert [e["uscc"] for e in body["entities"]["enterprises"]] == [cz.own["enterprise1"]]
    assert body["entities"]["years"] == [cz.latest - 1]
    # A third app started later on the same store (a restart) still has it.
    with TestClient(create_app(cz.settings, clock=cz.clock)) as restarted:
        history = Api(restarted).get(f"/api/chat/sessions/{sid}", as_="enterprise1")
    assert history.status_code == 200, history.text
    assert [t["message"] for t in history.json()["turns"]] == [f"我们{cz.latest}年总积分多少", "那去年呢"]


def test_expiry_over_http_uses_the_apps_clock(zone: Zone, tmp_path: Path) -> None:
    clock = Clock(datetime(zone.latest_year, 6, 1, 2, 0, tzinfo=UTC))
    settings = make_settings(copy_zone(zone, tmp_path / "exp"), embedder="none", chat_idle_minutes=10)
    with TestClient(create_app(settings, clock=clock)) as client:
        api = Api(client)
        sid = api.post("/api/chat", as_="official", json={"message": "帮助"}).json()["session_id"]
        clock.advance(minutes=9)
        assert api.post("/api/chat", as_="official", json={"message": "帮助", "session_id": sid}).json()["session_id"] == sid
        clock.advance(minutes=11)
        assert api.get(f"/api/chat/sessions/{sid}", as_="official").status_code == 404
        fresh = api.post("/api/chat", as_="official", json={"message": "帮助", "session_id": sid}).json()
        assert fresh["session_id"] != sid


@pytest.mark.sqlite_only  # SQLite's write lock (BEGIN IMMEDIATE) and PRAGMA busy_timeout
def test_a_publish_holding_the_write_lock_does_not_hold_the_answer(engine: Engine) -> None:
    store = SessionStore(engine, save_wait_s=0)
    sid = _turn(store, "official:o", None, DialogueState(), T0)
    writer = sqlite3.connect(engine.url.database or "", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # what a score run holds while it publishes
        s = store.open(owner="official:o", session_id=sid, now=T0)  # reads go on (WAL)
        assert not store.save(s, state=DialogueState(last=Topic(intent="help")), message="问", reply={}, caller="o",
                              now=T0)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert store.save(s, state=DialogueState(last=Topic(intent="help")), message="问", reply={}, caller="o", now=T0)
    assert store.open(owner="official:o", session_id=sid, now=T0).state.last == Topic(intent="help")
    with engine.connect() as conn:  # the pooled connection has the engine's timeout back
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(BUSY_TIMEOUT_S * 1000)
