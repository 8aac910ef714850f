"""The audit trail survives a publish and a crash (assistant.access.audit's promises).

- A connection holds SQLite's write lock (`BEGIN IMMEDIATE`, as a publishing score run does) for
  longer than the busy timeout while audited reads and logins go on: every read is answered, the
  writer keeps retrying and stays alive, and once the lock is released every event is in the table.
- A server killed with SIGKILL loses no event of a read it answered: the next start commits them.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from assistant.access.accounts import AuditEvent
from assistant.access.audit import AuditWriter
from assistant.api.app import create_app
from assistant.queries import portrait_store
from scoring.store import make_engine
from tests.assistant.conftest import (
    PASSWORDS,
    SECRET,
    Zone,
    assert_error,
    bearer,
    copy_zone,
    login,
    make_settings,
)

pytestmark = pytest.mark.sqlite_only  # SQLite's write lock (BEGIN IMMEDIATE) and busy timeout
ROOT = Path(__file__).resolve().parents[2]
BUSY = 0.2  # seconds: the lock below is held for several busy timeouts


class WriteLock:
    """SQLite's write lock held by another connection, as a score run holds it while publishing."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def _wait_failures(writer: AuditWriter, n: int) -> None:
    """Until the writer has been refused `n` times in a row (its busy timeout passed n times)."""
    with writer.attempted:
        assert writer.attempted.wait_for(lambda: writer.failures >= n, timeout=120), writer.failures


def _events(db: Path, action: str) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select username, action, target from auditevent where action = ? order by id", (action,)).fetchall()
    finally:
        conn.close()


@pytest.fixture
def locked_app(zone: Zone, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    folder = copy_zone(zone, tmp_path / "zone")
    settings = make_settings(folder, database_busy_seconds=BUSY, embedder="none", search_warm_start=False)
    with TestClient(create_app(settings)) as client:
        yield client, folder / "innopoints.sqlite"


def test_reads_during_a_lock_longer_than_the_busy_timeout_are_all_audited(locked_app: tuple[TestClient, Path], zone: Zone) -> None:
    client, db = locked_app
    writer: AuditWriter = client.app.state.audit  # type: ignore[attr-defined]
    official, admin = bearer(login(client, "official")), bearer(login(client, "admin"))
    assert client.get("/api/audit", headers=admin).status_code == 200  # the logins are written
    usccs = sorted(zone.own.values())
    lock = WriteLock(db)
    try:
        for uscc in usccs:
            assert client.get(f"/api/enterprises/{uscc}/portrait", headers=official).status_code == 200
            assert client.get(f"/api/enterprises/{uscc}", headers=official).status_code == 200
        # A login during the publish is answered: its event goes through the writer.
        r = client.post("/api/auth/token", data={"username": "enterprise1", "password": PASSWORDS["enterprise1"]})
        assert r.status_code == 200, r.text
        _wait_failures(writer, 2)
        assert writer.alive() and writer.pending >= 2 * len(usccs) + 1
        # A failed login must be committed (throttling counts it): refused with 503, never a 500.
        err = assert_error(client.post("/api/auth/token", data={"username": "official", "password": "wrong-password"}), 503)
        assert "稍后再试" in err["message"]
        # The admin's trail cannot be complete yet: refused, not shown with a hole.
        r = client.get("/api/audit", headers=admin)
        assert_error(r, 503)
        assert r.headers["retry-after"]
        assert _events(db, "read_portrait") == []
    finally:
        lock.release()
    assert writer.alive()
    r = client.get("/api/audit", headers=admin, params={"size": 200})
    assert r.status_code == 200, r.text
    assert [(u, t) for u, _, t in _events(db, "read_portrait")] == [("official", u) for u in usccs]
    assert [(u, t) for u, _, t in _events(db, "read_profile")] == [("official", u) for u in usccs]
    assert [u for u, _, _ in _events(db, "login")][-1] == "enterprise1"
    assert writer.failures == 0 and writer.pending == 0


def test_the_writer_retries_on_its_own_after_the_lock_is_released(tmp_path: Path) -> None:
    """Without any reader flushing, the thread itself writes the batch it kept."""
    db = tmp_path / "audit.sqlite"
    engine = make_engine(f"sqlite:///{db}", busy_timeout=BUSY)
    AuditEvent.metadata.create_all(engine)
    writer = AuditWriter(engine, spool=tmp_path / "spool", interval=0.05, max_backoff=0.2)
    writer.start()
    lock = WriteLock(db)
    try:
        for i in range(7):
            writer.add(username="u", role="official", action="read_portrait", target=str(i))
        _wait_failures(writer, 2)
    finally:
        lock.release()
    with writer.attempted:
        assert writer.attempted.wait_for(lambda: writer.written == 7, timeout=120)
    assert writer.alive()
    writer.stop()
    with Session(engine) as session:
        assert [e.target for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))] == [str(i) for i in range(7)]  # type: ignore[arg-type]
    assert list((tmp_path / "spool").iterdir()) == []  # committed segments are removed
    engine.dispose()


def test_a_live_writers_spool_is_never_adopted_by_another(tmp_path: Path) -> None:
    """Two workers share the spool folder: a starting one takes only the files of dead processes."""
    db = tmp_path / "audit.sqlite"
    engine = make_engine(f"sqlite:///{db}", busy_timeout=BUSY)
    AuditEvent.metadata.create_all(engine)
    first = AuditWriter(engine, spool=tmp_path / "spool", interval=0.05)
    first.start()
    lock = WriteLock(db)
    try:
        first.add(username="u", role="official", action="read_portrait", target="first")
        _wait_failures(first, 1)
        second = AuditWriter(engine, spool=tmp_path / "spool", interval=0.05)
        second.start()
        assert second.pending == 0  # the first one's file is locked: it is alive
    finally:
        lock.release()
    first.stop()
    second.stop()
    with Session(engine) as session:
        assert [e.target for e in session.exec(select(AuditEvent))] == ["first"]
    engine.dispose()


CHILD = """
import sys, threading, time
import uvicorn
from assistant.api.app import create_app
from assistant.queries import portrait_store
from assistant.config import Settings

settings = Settings(data_dir=sys.argv[1], environment="test", secret_key=sys.argv[2], embedder="none",
                    search_warm_start=False)
server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
thread = threading.Thread(target=server.run)
thread.start()
while not server.started:
    time.sleep(0.01)
print(server.servers[0].sockets[0].getsockname()[1], flush=True)
thread.join()
"""


def test_reads_answered_before_a_kill_9_are_in_the_trail_after_the_next_start(zone: Zone, tmp_path: Path) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    db = folder / "innopoints.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), SECRET], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    usccs = sorted(zone.own.values())
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())  # printed once the server listens
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            official = bearer(login(http, "official"))
            # Nothing can reach the table while the lock is held: the events live only in the
            # server's memory and spool when it dies.
            lock = WriteLock(db)
            try:
                for uscc in usccs:
                    assert http.get(f"/api/enterprises/{uscc}/portrait", headers=official).status_code == 200
                os.kill(child.pid, signal.SIGKILL)
                assert child.wait(timeout=60) == -signal.SIGKILL
            finally:
                lock.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert _events(db, "read_portrait") == []
    settings = make_settings(folder, embedder="none", search_warm_start=False)
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/audit", headers=bearer(login(client, "admin")), params={"action": "read_portrait"})
        assert r.status_code == 200, r.text
        got: list[dict[str, Any]] = r.json()["items"]
    assert sorted((e["username"], e["target"], e["path"]) for e in got) == [
        ("official", u, f"/api/enterprises/{u}/portrait") for u in usccs
    ]
    assert "official" in [u for u, _, _ in _events(db, "login")]


def test_a_portrait_cache_write_during_a_publish_is_skipped_not_waited_for(tmp_path: Path) -> None:
    """The cache is optional: its write gives up at once (with a long busy timeout a waiting one
    would hang this test while the lock is held) and the pooled connection keeps its timeout."""
    db = tmp_path / "cache.sqlite"
    engine = make_engine(f"sqlite:///{db}", busy_timeout=600)
    portrait_store.ensure_table(engine)
    lock = WriteLock(db)
    try:
        portrait_store.keep(engine, signature=1, run_id=1, uscc="u", body=b"{}")
    finally:
        lock.release()
    with Session(engine) as session:
        assert portrait_store.load(session, signature=1, run_id=1, uscc="u") is None
        assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 600_000
    portrait_store.keep(engine, signature=1, run_id=1, uscc="u", body=b"{}")
    with Session(engine) as session:
        assert portrait_store.load(session, signature=1, run_id=1, uscc="u") == b"{}"
    engine.dispose()
