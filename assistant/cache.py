"""In-process caches of what published runs never change: per-run shared data and portraits.

A run is immutable once published, so entries never go stale; a new run simply has a new id.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.errors import NotFound
from scoring.portrait import RunData, load_run_data


@dataclass(frozen=True)
class PublishedRuns:
    """The newest published run of every year, as of `signature` (the newest run id)."""

    signature: int
    by_year: dict[int, store.ScoreRun]

    def for_year(self, year: int | None) -> store.ScoreRun:
        if not self.by_year:
            raise NotFound("还没有发布的评分结果")
        if year is None:
            return self.by_year[max(self.by_year)]
        if year not in self.by_year:
            raise NotFound(f"{year} 年还没有发布的评分结果")
        return self.by_year[year]


class RunCache:
    """RunData per run id and a bounded LRU of portraits per (run id, USCC)."""

    def __init__(self, engine: Engine, *, portraits: int = 4096) -> None:
        self.engine = engine
        self._runs: dict[int, RunData] = {}
        self._portraits: OrderedDict[Hashable, bytes] = OrderedDict()
        self._limit = portraits
        self._lock = threading.Lock()
        self._published = PublishedRuns(-1, {})

    def published(self, session: Session) -> PublishedRuns:
        """The published runs; re-read only when a newer run id appears."""
        newest = store.newest_run_id(session=session)
        with self._lock:
            current = self._published
        if current.signature == newest:
            return current
        runs = {y: store.ScoreRun.model_validate(r.model_dump()) for y, r in store.latest_runs_by_year(session=session).items()}
        fresh = PublishedRuns(newest, runs)
        with self._lock:
            self._published = fresh
        return fresh

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

    def portrait(self, key: Hashable) -> bytes | None:
        with self._lock:
            hit = self._portraits.get(key)
            if hit is not None:
                self._portraits.move_to_end(key)
            return hit

    def keep_portrait(self, key: Hashable, value: bytes) -> None:
        with self._lock:
            self._portraits[key] = value
            while len(self._portraits) > self._limit:
                self._portraits.popitem(last=False)
