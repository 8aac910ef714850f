"""The service's frequent small writes (a chat turn's save, a WeChat message's claim and kept
reply, the audit trail's batches), one at a time per process and across the workers, each kind on
a connection of its own that stays open. Here in the store because every surface writes this way.

- One at a time (`WRITES`): SQLite's own wait for the write lock is a sleep that grows (1, 2, 5 …
  100 ms) and favours no one, so twenty threads retrying it made a few turns wait most of a
  second; a lock here queues them and leaves SQLite only the other workers to wait for.
- One at a time across the workers too, on a SQLite file (`WorkersLock`): the workers' hot
  writers take an `flock` on a file beside the database around each write, so the one that waits
  looks again every millisecond, instead of sleeping in SQLite's back-off. Two workers at 20
  WeChat followers had spent a fifth of a message's time there (py-spy: the claim's wait for
  `WRITES` while its holder slept in the busy handler), and it made the tail: max 1.6 s.
- A connection kept open (`HotConnection`): checking a connection out of the pool and back in,
  and setting SQLite's busy timeout on it before each write and back after, had cost as much as
  the write's statements (a quarter of a turn's save at 20 WeChat followers). The connection gets
  its timeout once, when it is opened; one that fails is closed and the next write opens another
  (a PostgreSQL restart, a broken socket).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

try:
    import fcntl
except ImportError:  # not on Windows: there SQLite's own wait is all there is
    fcntl = None  # type: ignore[assignment]

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
            hot.workers.close()


class HotConnection:
    """One connection of `engine` for writes made under `WRITES`, SQLite waiting at most `busy_s`
    for the write lock (another process's write: a publish can hold it for seconds; None: the
    engine's own timeout)."""

    def __init__(self, engine: Engine, *, busy_s: float | None) -> None:
        self.engine, self.busy_s = engine, busy_s
        self._conn: Connection | None = None
        self.workers = WorkersLock.beside(engine)
        # How long a write may wait for the other workers' hot writers: as long as SQLite would
        # for its lock (the connection's busy timeout, read when it is opened).
        self._wait = busy_s or 0.0

    def run(self, work: Callable[[Connection], T]) -> T:
        """`work(conn)` in a transaction on the kept connection (the caller holds `WRITES`):
        committed when it returns, rolled back if it raises. A connection found lost (the database
        restarted since the last write) is replaced and the work run again, once: nothing of it
        was committed."""
        for attempt in (1, 2):
            conn = self._conn if self._conn is not None and not self._conn.closed else self._open()
            try:
                with self.workers.held(self._wait), conn.begin():
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
        if conn.dialect.name == "sqlite":
            # On the driver's connection: a PRAGMA there opens no transaction.
            driver = conn.connection.dbapi_connection
            if self.busy_s is not None:
                driver.execute(f"PRAGMA busy_timeout = {int(self.busy_s * 1000)}")  # type: ignore[union-attr]
            else:
                self._wait = driver.execute("PRAGMA busy_timeout").fetchone()[0] / 1000  # type: ignore[union-attr]
        self._conn = conn
        return conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except DBAPIError:  # already broken
                pass


class WorkersLock:
    """An exclusive `flock` on `<database>-writers`, held around each hot write, so that the
    workers' hot writers wait for each other here, a millisecond at a time, instead of in SQLite's
    growing back-off (see the module's text).

    A no-op for PostgreSQL (its row locks wake waiters), for an in-memory database, and where the
    file cannot be opened (a read-only folder: the write fails there anyway, with SQLite's error).
    Only hot writers take it: an import or a publish still holds SQLite's lock for long, and a hot
    writer then waits in SQLite's busy timeout as before, holding this lock, so the other worker's
    hot writer waits here (at most its own budget) rather than in SQLite.
    """

    # Between polls while another worker holds the lock: flock has no timeout, and a blocking
    # wait could not be given up after a save's 2 s budget. 1 ms is far below SQLite's back-off.
    POLL_S = 0.001

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def beside(cls, engine: Engine) -> WorkersLock:
        database = engine.url.database
        if engine.dialect.name != "sqlite" or fcntl is None or not database or database == ":memory:" \
                or database.startswith("file:"):
            return cls(None)
        return cls(os.path.abspath(database) + "-writers")

    def held(self, wait_s: float) -> _Held:
        return _Held(self, wait_s)

    def _acquire(self, wait_s: float) -> bool:
        """True once held; False for no lock to take; OperationalError after `wait_s` of waiting."""
        fd = self._file()
        if fd is None:
            return False
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("flock " + str(self.path), None,
                                           sqlite3.OperationalError("database is locked")) from None
                time.sleep(self.POLL_S)

    def _release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _file(self) -> int | None:
        if self._fd is None and self.path is not None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EROFS, errno.ENOENT, errno.EPERM, errno.ENOSPC):
                    raise
                self.path = None  # writes go on without it (SQLite reports what is wrong with the store)
        return self._fd

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class _Held:
    def __init__(self, lock: WorkersLock, wait_s: float) -> None:
        self.lock, self.wait_s, self.taken = lock, wait_s, False

    def __enter__(self) -> None:
        self.taken = self.lock._acquire(self.wait_s)

    def __exit__(self, *_: object) -> None:
        if self.taken:
            self.lock._release()


__all__ = ["WRITES", "HotConnection", "WorkersLock", "hot_connection"]
