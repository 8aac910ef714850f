"""Recording reads of non-public data.

Each read that returns such data calls `record_read` (the HTTP routes through
`assistant.api.audit.audit_read`, which adds the request's path and client). Events go to a per-process writer that
commits them in batches (every `interval` seconds, or at once when `batch` are waiting, and always
at shutdown): with SQLite and several worker processes, one write transaction per read would make
every request queue for the database lock. Readers of the trail flush first, so nothing recorded
is ever missing from what they see.
"""

from __future__ import annotations

import queue
import threading
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from assistant.access.accounts import AuditEvent
from assistant.access.privacy import Principal


class AuditWriter:
    """A background thread that writes queued audit events in batches."""

    def __init__(self, engine: Engine, *, interval: float = 0.2, batch: int = 500) -> None:
        self.engine = engine
        self.interval = interval
        self.batch = batch
        self._queue: queue.Queue[dict[str, object]] = queue.Queue()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, **event: object) -> None:
        self._queue.put({"at": datetime.now(UTC), **event})
        if self._queue.qsize() >= self.batch:
            self._wake.set()  # the writer thread writes; the caller (maybe the event loop) never waits

    def flush(self) -> None:
        """Write everything queued so far (called by readers of the trail and at shutdown)."""
        with self._lock:
            rows = []
            while True:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if rows:
                with self.engine.begin() as conn:
                    conn.execute(insert(AuditEvent.__table__), rows)  # type: ignore[attr-defined]

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.flush()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()


def record_read(
    writer: AuditWriter, principal: Principal, *, action: str, target: str = "", path: str = "", client: str = ""
) -> None:
    """Record who read what, when and from where (public callers never reach non-public data)."""
    writer.add(
        username=principal.username, role=principal.role, action=action, target=target[:200],
        path=path[:300], client=client, detail="",
    )
