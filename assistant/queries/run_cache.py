"""In-process caches of what published runs never change: per-run shared data and portraits.

A run is immutable once published, so entries never go stale; a new run simply has a new id.
Which runs are the published ones is re-read at most every `recheck_s` seconds: a hot read path
(a portrait served from this cache) then touches neither the database nor a worker thread, and a
run published by another process shows within `recheck_s`.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.queries import portrait_store
from scoring import store
from scoring.errors import NotFound
from scoring.store.portraits import RunData, load_run_data
from scoring.store.runs import publication_signature


@dataclass(frozen=True)
class Answer:
    """A finished JSON answer, kept both plain and gzip-compressed (compressed once, sent many
    times: a 45 kB portrait becomes ~6 kB, which is most of the cost of sending it)."""

    body: bytes
    gzipped: bytes

    def response(self, request: Request) -> Response:
        """The answer, compressed when the client accepts gzip (browsers and httpx do)."""
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(self.gzipped, media_type="application/json",
                            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(self.body, media_type="application/json", headers={"Vary": "Accept-Encoding"})


@dataclass(frozen=True)
class PublishedRuns:
    """The newest published run of every year, as of `signature` (`publication_signature`)."""

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
    """RunData per run id and a bounded LRU of finished answers (portraits per run set and USCC,
    ranking pages per run)."""

    def __init__(self, engine: Engine, *, portraits: int = 4096, recheck_s: float = 1.0) -> None:
        self.engine = engine
        self.recheck_s = recheck_s
        self._checked_at = float("-inf")
        self._runs: dict[int, RunData] = {}
        self._portraits: OrderedDict[Hashable, bytes] = OrderedDict()
        self._limit = portraits
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._published = PublishedRuns(-1, {})

    def published_if_fresh(self) -> PublishedRuns | None:
        """The published runs as last read, if read less than `recheck_s` ago (no I/O)."""
        with self._lock:
            if time.monotonic() - self._checked_at < self.recheck_s:
                return self._published
        return None

    def published(self) -> PublishedRuns:
        """The published runs: one cheap query when the last check is older than `recheck_s`;
        all runs are re-read only when the publication signature changes."""
        fresh = self.published_if_fresh()
        if fresh is not None:
            return fresh
        with Session(self.engine) as session:
            newest = publication_signature(session=session)  # grows on publication and withdrawal
            with self._lock:
                current = self._published
            if current.signature != newest:
                runs = {y: store.ScoreRun.model_validate(r.model_dump())
                        for y, r in store.latest_runs_by_year(session=session).items()}
                current = PublishedRuns(newest, runs)
                portrait_store.drop_other_signatures(self.engine, signature=newest)
        with self._lock:
            self._published, self._checked_at = current, time.monotonic()
        return current

    def run_data_if_ready(self, year: int | None) -> RunData | None:
        """The shared data of `year`'s run if nothing needs reading (the hot path)."""
        runs = self.published_if_fresh()
        if runs is None:
            return None
        run = runs.for_year(year)
        with self._lock:
            return self._runs.get(run.id)  # type: ignore[arg-type]

    def run_data_for_year(self, year: int | None) -> RunData:
        """The shared data of the newest published run of `year` (or of the newest year)."""
        return self.run_data(self.published().for_year(year))

    def run_data(self, run: store.ScoreRun) -> RunData:
        assert run.id is not None
        with self._lock:
            hit = self._runs.get(run.id)
        if hit is not None:
            return hit
        # One loader per run: under a burst of first requests the others wait for it instead of
        # each reading the whole run (and each holding a database connection meanwhile).
        with self._loading:
            with self._lock:
                hit = self._runs.get(run.id)
            if hit is not None:
                return hit
            with Session(self.engine) as session:
                data = load_run_data(session=session, run=run)
            with self._lock:
                self._runs[run.id] = data
        return data

    def portrait(self, key: Hashable) -> Answer | None:
        with self._lock:
            hit = self._portraits.get(key)
            if hit is not None:
                self._portraits.move_to_end(key)
            return hit

    def keep_portrait(self, key: Hashable, value: bytes) -> Answer:
        answer = Answer(value, gzip.compress(value, compresslevel=6, mtime=0))
        with self._lock:
            self._portraits[key] = answer
            while len(self._portraits) > self._limit:
                self._portraits.popitem(last=False)
        return answer
