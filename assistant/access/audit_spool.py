"""The audit writer's spool: each event is on disk before the read it records is answered.

Each process appends its events, one JSON line each, to its own segment file under the spool
folder and holds an exclusive `flock` on it while the file is open. A segment is removed once its
events are committed to the database. A segment whose lock can be taken belongs to a process that
is gone (the kernel drops a dead process's locks, even after kill -9): the next writer to start
adopts it and commits its events. One `write(2)` per event reaches the OS page cache, which
outlives the process; only a power loss can lose lines not yet on the disk (no fsync per event).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no spool, events stay in memory until written
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("innopoints.audit")
SUFFIX = ".jsonl"


@dataclass
class Segment:
    """One spool file, open and locked by this process."""

    path: Path
    fd: int
    lines: int = 0


def available() -> bool:
    """Whether this platform can spool (it needs `flock`)."""
    return fcntl is not None


class Spool:
    """Segments of one process under `folder`: append, cut, remove; adopt those of dead processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._names = itertools.count()
        self._current: Segment | None = None

    def append(self, row: dict[str, object]) -> None:
        """Add one event to the current segment (the caller serializes appends)."""
        if self._current is None:
            self._current = self._open()
        line = json.dumps(row, ensure_ascii=False, default=_encode) + "\n"
        os.write(self._current.fd, line.encode("utf-8"))
        self._current.lines += 1

    def cut(self) -> Segment | None:
        """The segment holding every event appended so far (None if none); later ones start a new one."""
        segment, self._current = self._current, None
        return segment

    @staticmethod
    def remove(segment: Segment) -> None:
        """Its events are committed: delete the file, then let go of its lock."""
        with contextlib.suppress(FileNotFoundError):
            segment.path.unlink()
        os.close(segment.fd)

    @staticmethod
    def release(segment: Segment) -> None:
        """Let go of a segment whose events are not committed: the next writer to start adopts it."""
        os.close(segment.fd)

    def adopt(self) -> Iterator[tuple[Segment, list[dict[str, object]]]]:
        """Segments left by processes that are gone, each locked by us now, with their events."""
        assert fcntl is not None
        for path in sorted(self.folder.glob("*" + SUFFIX)):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue  # committed and removed by its owner meanwhile
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)  # a live process owns it
                continue
            if os.fstat(fd).st_nlink == 0:  # removed by its owner between our open and our lock
                os.close(fd)
                continue
            segment = Segment(path, fd)
            rows = list(_read(fd, path))
            segment.lines = len(rows)
            yield segment, rows

    def _open(self) -> Segment:
        assert fcntl is not None
        path = self.folder / f"{os.getpid()}-{os.urandom(4).hex()}-{next(self._names)}{SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return Segment(path, fd)


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _read(fd: int, path: Path) -> Iterator[dict[str, object]]:
    """The events of a segment; a torn last line (power loss mid-write) is skipped with a warning."""
    with os.fdopen(os.dup(fd), "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                row = json.loads(raw)
                row["at"] = datetime.fromisoformat(row["at"])
            except (ValueError, KeyError, TypeError):
                log.warning("audit spool %s line %d unreadable, skipped", path.name, number)
                continue
            yield row


__all__ = ["Segment", "Spool", "available"]
