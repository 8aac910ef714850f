"""The kept connection of the hot-path writes (`scoring.store.hot_writes`), on both stores: it is
outside the pool (its busy timeout never reaches another caller), it is replaced when the database
lost it (the work runs once, on the new one), and it goes when the engine is disposed. On a SQLite
file the workers' hot writers queue on a lock file (`WorkersLock`): another process holding it
makes a write wait (at most its budget), and its release lets the write through."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from scoring.store import make_engine
from scoring.store.db import BUSY_TIMEOUT_S
from scoring.store.hot_writes import WRITES, WorkersLock, hot_connection
from tests.pg_cluster import Cluster


@pytest.fixture
def engine(store_url: str) -> Engine:
    engine = make_engine(store_url)
    _table(engine)
    return engine


def _table(engine: Engine) -> None:
    key = "INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE note (id {key}, body TEXT NOT NULL)"))


def _write(engine: Engine, body: str, *, busy_s: float | None = None) -> None:
    with WRITES:
        hot_connection(engine, busy_s=busy_s).run(lambda conn: conn.execute(text("INSERT INTO note (body) VALUES (:b)"), {"b": body}))


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT body FROM note ORDER BY id"))]


def test_writes_commit_and_the_pool_keeps_the_engines_timeout(engine: Engine) -> None:
    _write(engine, "一", busy_s=0.5)
    _write(engine, "二", busy_s=0.5)
    assert _notes(engine) == ["一", "二"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(BUSY_TIMEOUT_S * 1000)


def test_a_write_that_fails_is_rolled_back_and_the_next_one_works(engine: Engine) -> None:
    with pytest.raises(DBAPIError), WRITES:
        hot_connection(engine).run(lambda conn: conn.execute(text("INSERT INTO no_such_table VALUES (1)")))
    _write(engine, "之后")
    assert _notes(engine) == ["之后"]


def test_the_busy_timeout_bounds_the_wait_for_sqlites_write_lock(store_url: str, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a publish holds
        with pytest.raises(OperationalError):
            _write(engine, "等不到", busy_s=0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _write(engine, "等到了", busy_s=0)
    assert _notes(engine) == ["等到了"]


def _backends(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")).scalar() or 0)


@pytest.mark.postgres
def test_a_lost_connection_is_replaced_and_the_write_made_once(pg_cluster: Cluster, pg_template: str) -> None:
    engine = make_engine(pg_cluster.url(pg_cluster.create("hot", template=pg_template)))
    _table(engine)
    _write(engine, "一")
    with engine.begin() as conn:  # the database drops the kept connection (as a restart would)
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    assert killed == 1
    _write(engine, "二")  # no error: a new connection, the insert made once
    assert _notes(engine) == ["一", "二"]
    before = _backends(engine)
    engine.dispose()  # the kept connection goes with the engine
    assert _backends(make_engine(str(engine.url.render_as_string(hide_password=False)))) < before


# Another worker process: takes the hot writers' lock of the database, says so, and holds it until
# its standard input closes.
_OTHER_WORKER = """
import sys
from scoring.store.hot_writes import WorkersLock
from scoring.store import make_engine
lock = WorkersLock.beside(make_engine(sys.argv[1]))
with lock.held(60):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_another_workers_hot_write_holds_ours_back_until_it_is_done(store_url: str, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the workers' lock is SQLite's (PostgreSQL's own locks wake their waiters)")
    other = subprocess.Popen([sys.executable, "-c", _OTHER_WORKER, store_url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3])
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        assert Path(f"{engine.url.database}-writers").exists()
        with pytest.raises(OperationalError, match="database is locked"):
            _write(engine, "等不到", busy_s=0.05)  # its budget runs out while the other holds the lock
        done = threading.Event()

        def write_when_free() -> None:
            _write(engine, "等到了", busy_s=120)
            done.set()

        waiting = threading.Thread(target=write_when_free)
        waiting.start()
        assert not done.is_set() and _notes(engine) == []  # it cannot have written: the lock is held
    finally:
        assert other.stdin is not None
        other.stdin.close()  # the other worker's write is done
        other.wait()
    waiting.join()
    assert done.is_set() and _notes(engine) == ["等到了"]


def test_no_lock_file_where_none_can_be_made_and_none_for_postgresql(engine: Engine, tmp_path: Path) -> None:
    missing = WorkersLock(str(tmp_path / "no-such-folder" / "innopoints.sqlite-writers"))
    with missing.held(0):  # nothing to take: the write goes on, SQLite reports what is wrong
        pass
    assert missing.path is None
    if engine.dialect.name == "postgresql":
        assert WorkersLock.beside(engine).path is None
    memory = make_engine("sqlite://")
    assert WorkersLock.beside(memory).path is None
