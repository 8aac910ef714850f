"""In-process caches of what published runs never change: per-run shared data and portraits.

A run is immutable once published, so entries never go stale; a new run simply has a new id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.portrait import RunData, load_run_data


class RunCache:
    """RunData per run id and a bounded LRU of portraits per (run id, USCC)."""

    def __init__(self, engine: Engine, *, portraits: int = 4096) -> None:
        self.engine = engine
        self._runs: dict[int, RunData] = {}
        self._portraits: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
        self._limit = portraits
        self._lock = threading.Lock()

    def run_data(self, run: store.ScoreRun) -> RunData:
        assert run.id is not None
        with self._lock:
            hit = self._runs.get(run.id)
        if hit is not None:
            return hit
        with Session(self.engine) as session:
            data = load_run_data(session=session, run=run)
        with self._lock:
            self._runs[run.id] = data
        return data

    def portrait(self, run_id: int, uscc: str) -> dict[str, Any] | None:
        with self._lock:
            hit = self._portraits.get((run_id, uscc))
            if hit is not None:
                self._portraits.move_to_end((run_id, uscc))
            return hit

    def keep_portrait(self, run_id: int, uscc: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._portraits[(run_id, uscc)] = value
            while len(self._portraits) > self._limit:
                self._portraits.popitem(last=False)
