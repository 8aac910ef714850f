"""The writes on a message's hot path (a chat turn's save, a WeChat message's claim), one at a
time per process, each kind on a connection of its own that stays open.

- One at a time (`WRITES`): SQLite's own wait for the write lock is a sleep that grows (1, 2, 5 …
  100 ms) and favours no one, so twenty threads retrying it made a few turns wait most of a
  second; a lock here queues them and leaves SQLite only the other workers to wait for.
- A connection kept open (`HotConnection`): checking a connection out of the pool and back in,
  and setting SQLite's busy timeout on it before each write and back after, had cost as much as
  the write's statements (a quarter of a turn's save at 20 WeChat followers). The connection gets
  its timeout once, when it is opened; one that fails is closed and the next write opens another
  (a PostgreSQL restart, a broken socket).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

T = TypeVar("T")
# The process's writes on the hot path of a message, one at a time (see the module's text).
WRITES = threading.Lock()


_KEPT: weakref.WeakKeyDictionary[Engine, dict[float | None, HotConnection]] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def hot_connection(engine: Engine, *, busy_s: float | None = None) -> HotConnection:
    """The process's kept connection of `engine` for writes that wait at most `busy_s` for
    SQLite's write lock (None: the engine's own timeout); closed when the engine is disposed."""
    with _KEPT_LOCK:
        kept = _KEPT.get(engine)
        if kept is None:
            kept = _KEPT[engine] = {}
            event.listen(engine, "engine_disposed", _close_all)
        if busy_s not in kept:
            kept[busy_s] = HotConnection(engine, busy_s=busy_s)
        return kept[busy_s]


def _close_all(engine: Engine) -> None:
    with _KEPT_LOCK:
        kept = _KEPT.pop(engine, {})
    with WRITES:  # not in the middle of a write
        for hot in kept.values():
            hot.close()


class HotConnection:
    """One connection of `engine` for writes made under `WRITES`, SQLite waiting at most `busy_s`
    for the write lock (another process's write: a publish can hold it for seconds; None: the
    engine's own timeout)."""

    def __init__(self, engine: Engine, *, busy_s: float | None) -> None:
        self.engine, self.busy_s = engine, busy_s
        self._conn: Connection | None = None

    def run(self, work: Callable[[Connection], T]) -> T:
        """`work(conn)` in a transaction on the kept connection (the caller holds `WRITES`):
        committed when it returns, rolled back if it raises. A connection found lost (the database
        restarted since the last write) is replaced and the work run again, once: nothing of it
        was committed."""
        for attempt in (1, 2):
            conn = self._conn if self._conn is not None and not self._conn.closed else self._open()
            try:
                with conn.begin():
                    return work(conn)
            except IntegrityError:  # the statement's fault (a claimed key): the connection is fine
                raise
            except DBAPIError as exc:
                self.close()  # lost, broken, or timed out: the next write opens another
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def _open(self) -> Connection:
        conn = self.engine.connect()
        # Out of the pool: it holds its own busy timeout, so it must never serve anyone else,
        # and closing it closes it.
        conn.detach()
        if conn.dialect.name == "sqlite" and self.busy_s is not None:
            # On the driver's connection: a PRAGMA there opens no transaction.
            conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {int(self.busy_s * 1000)}")  # type: ignore[union-attr]
        self._conn = conn
        return conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except DBAPIError:  # already broken
                pass


__all__ = ["WRITES", "HotConnection", "hot_connection"]
