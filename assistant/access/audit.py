"""Recording reads of non-public data.

Each read that returns such data calls `record_read` (the HTTP routes through
`assistant.api.audit.audit_read`, which adds the request's path and client). Events go to a
per-process writer that commits them in batches (every `interval` seconds, or at once when `batch`
are waiting, and always at shutdown): with SQLite and several worker processes, one write
transaction per read would make every request queue for the database lock. Readers of the trail
flush first, so nothing recorded is ever missing from what they see.

What is promised:
- Nothing recorded is lost to a crash. With a spool folder (the service uses
  `<data_dir>/audit-spool`), `add` writes the event to this process's spool file before it returns,
  that is before the read is answered; after a crash, even kill -9, the next start commits what
  the dead process had not (`assistant.access.audit_spool`). A power loss can still lose the
  events of the last few seconds that the OS had not written to the disk.
- The writer never dies. A write the database refuses (SQLite locked past its busy timeout while
  a score run publishes, a full disk) is logged and retried with back-off doubling from
  `interval` to `max_backoff` seconds; the batch taken stays in hand, new events queue behind it.
- At least once, not exactly once: a crash between a batch's commit and its spool file's removal
  (microseconds) commits that batch again at the next start (duplicate rows, never missing ones).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from assistant.access.accounts import AuditEvent
from assistant.access.audit_spool import Segment, Spool, available
from assistant.access.privacy import Principal
from scoring.store.hot_writes import WRITES, hot_connection

log = logging.getLogger("innopoints.audit")
_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__
_EMPTY = dict.fromkeys(("username", "role", "action", "target", "path", "client", "detail"), "")


class AuditWriter:
    """A background thread that writes queued audit events in batches, retrying until they are in."""

    def __init__(
        self, engine: Engine, *, spool: Path | None = None, interval: float = 0.2, batch: int = 500,
        max_backoff: float = 5.0,
    ) -> None:
        self.engine = engine
        self.interval = interval
        self.batch = batch
        self.max_backoff = max_backoff
        self.spool = Spool(spool) if spool is not None and available() else None
        self.failures = 0  # consecutive failed writes; 0 once a write succeeds
        self.written = 0  # events committed by this writer
        self.attempted = threading.Condition()  # notified after every write attempt (status, tests)
        self._mu = threading.Lock()  # guards _rows and the spool's open segment
        self._rows: list[dict[str, object]] = []
        self._write_lock = threading.Lock()  # one write at a time: the thread, `flush`, `stop`
        self._taken: list[dict[str, object]] = []  # in hand until committed
        self._segments: list[Segment] = []  # the spool files holding `_taken`
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    @property
    def pending(self) -> int:
        """Events recorded but not yet committed."""
        return len(self._rows) + len(self._taken)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        """Adopt the spool files of processes that are gone, then start writing."""
        if self.spool is not None:
            with self._write_lock:
                for segment, rows in self.spool.adopt():
                    self._taken.extend(rows)
                    self._segments.append(segment)
                    log.warning("audit: %d events from an earlier process's spool %s", len(rows), segment.path.name)
        self._thread.start()

    def add(self, **event: object) -> None:
        """Queue one event (on disk in the spool before this returns); never waits for the database."""
        # Every row has every column: one executemany needs the same keys in each.
        row: dict[str, object] = {"at": datetime.now(UTC), **_EMPTY, **event}
        with self._mu:
            if self.spool is not None:
                try:
                    self.spool.append(row)
                except OSError:  # a full disk must not fail the read: the event is still queued
                    log.exception("audit: spool not written; the event is kept in memory only")
            self._rows.append(row)
            waiting = len(self._rows)
        if waiting >= self.batch:
            self._wake.set()  # the writer thread writes; the caller (maybe the event loop) never waits

    def flush(self) -> bool:
        """Write everything queued so far; False if the database refused (kept and retried).

        Called by readers of the trail and at shutdown; it never raises.
        """
        with self._write_lock:
            return self._write()

    def stop(self) -> None:
        """Stop the thread and write what is left; what cannot be written stays in the spool."""
        self._stop.set()
        self._wake.set()
        if self._thread.ident is not None:  # started
            self._thread.join()
        if self.flush():
            return
        with self._write_lock:
            for segment in self._segments:
                Spool.release(segment)
            left, self._segments = len(self._taken), []
        where = f"left in {self.spool.folder} for the next start" if self.spool is not None else "lost (no spool)"
        log.error("audit: %d events not written at shutdown: %s", left, where)

    def _write(self) -> bool:
        with self._mu:
            self._taken.extend(self._rows)
            self._rows = []
            segment = self.spool.cut() if self.spool is not None else None
        if segment is not None:
            self._segments.append(segment)
        if not self._taken:
            return True
        taken = self._taken
        try:
            # In the hot writers' lane (scoring.store.hot_writes), queued with the chat's and
            # WeChat's writes of this process and the other workers', rather than making one of
            # them sleep in SQLite's back-off five times a second.
            with WRITES:
                hot_connection(self.engine).run(lambda conn: conn.execute(_INSERT, taken))
        except Exception as exc:  # noqa: BLE001 - any refusal: keep the batch, retry later
            with self.attempted:
                self.failures += 1
                self.attempted.notify_all()
            log.warning("audit: %d events not written yet (attempt %d): %s", len(self._taken), self.failures, exc)
            return False
        for done in self._segments:
            Spool.remove(done)
        with self.attempted:
            self.written += len(self._taken)
            self._taken, self._segments, self.failures = [], [], 0
            self.attempted.notify_all()
        return True

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return  # `stop` writes the rest
            try:
                ok = self.flush()
            except Exception:  # noqa: BLE001 - the writer must outlive any surprise; the batch stays in hand
                log.exception("audit: write failed")
                ok = False
            # Back off while the database refuses: a publish holds SQLite's lock for seconds.
            delay = self.interval if ok else min(max(delay, self.interval) * 2, self.max_backoff)


def record_read(
    writer: AuditWriter, principal: Principal, *, action: str, target: str = "", path: str = "", client: str = ""
) -> None:
    """Record who read what, when and from where (public callers never reach non-public data)."""
    writer.add(
        username=principal.username, role=principal.role, action=action, target=target[:200],
        path=path[:300], client=client, detail="",
    )
