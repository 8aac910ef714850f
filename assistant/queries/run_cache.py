"""In-process caches of what published runs never change: per-run shared data and finished answers.

A run is immutable once published, so entries never go stale; a new run simply has a new id.
Which runs are the published ones is re-read at most every `recheck_s` seconds: a hot read path
(a portrait served from this cache) then touches neither the database nor a worker thread, and a
run published by another process shows within `recheck_s`. Under load the list is re-read ahead of
time, once, in the background (from half of `recheck_s` on), while requests go on with the list in
hand: were it left to expire, every request arriving during the re-read would find it stale and
read the database itself — with 50 clients, a burst of slow requests every `recheck_s` that set
the p95 (issue 11, item 23).

Both caches are bounded, because every worker process holds its own, and both evict the least
recently used entry. Run data: at most `runs` runs (at 2,791 firms 4.4 MiB each, 10.5 MiB once every
ranking was asked for; most reads ask for the newest year, so a few runs serve nearly every
request, and an evicted run is read again in 0.3–0.6 s on the demo zone). Finished answers: up to
`answer_bytes` (a portrait is about 49 kB plain and 8 kB gzipped at 2,791 firms, so the former
limit of 4,096 answers could pass 200 MiB).
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant import heap
from assistant.queries import portrait_store
from scoring import store
from scoring.errors import NotFound
from scoring.store.portraits import RunData, load_run_data
from scoring.store.runs import publication_signature

log = logging.getLogger(__name__)

RUNS = 4
ANSWER_BYTES = 64 << 20
# A surface's JSON encoder for the answers kept here (the API validates through its response schema).
Encode = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True)
class Answer:
    """A finished JSON answer, kept both plain and gzip-compressed (compressed once, sent many
    times: a 49 kB portrait becomes ~8 kB, which is most of the cost of sending it)."""

    body: bytes
    gzipped: bytes

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)


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
    """`RunData` of at most `runs` runs and finished answers up to `answer_bytes` (portraits per
    run set and USCC, ranking pages per run), each evicting the least recently used."""

    def __init__(self, engine: Engine, *, runs: int = RUNS, answer_bytes: int = ANSWER_BYTES,
                 recheck_s: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 spawn: Callable[[Callable[[], None]], None] | None = None) -> None:
        """`clock` (seconds, monotonic) and `spawn` (runs a job in the background: a daemon thread
        by default) are for tests."""
        if runs < 1:
            raise ValueError(f"runs 至少为 1（收到 {runs}）")
        self.engine = engine
        self.recheck_s = recheck_s
        self._clock = clock
        self._spawn = spawn or _in_thread
        self._refreshing = False
        self.max_runs = runs
        self.answer_bytes = answer_bytes
        self._checked_at = float("-inf")
        self._runs: OrderedDict[int, RunData] = OrderedDict()
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._answers_size = 0
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._published = PublishedRuns(-1, {})

    def published_if_fresh(self) -> PublishedRuns | None:
        """The published runs as last read, if read less than `recheck_s` ago (no I/O here; past
        half of it, one re-read starts in the background)."""
        with self._lock:
            age = self._clock() - self._checked_at
            if age >= self.recheck_s:
                return None
            current = self._published
            ahead = age >= self.recheck_s / 2 and not self._refreshing
            if ahead:
                self._refreshing = True
        if ahead:
            self._spawn(self._refresh)
        return current

    def published(self) -> PublishedRuns:
        """The published runs: one cheap query when the last check is older than `recheck_s`;
        all runs are re-read only when the publication signature changes."""
        fresh = self.published_if_fresh()
        if fresh is not None:
            return fresh
        return self._read_published()

    def _refresh(self) -> None:
        """The background re-read; a failure only leaves the next request to read it itself."""
        try:
            self._read_published()
        except Exception:  # noqa: BLE001 - e.g. the database busy with a publish: retried on demand
            log.warning("re-reading the published runs failed", exc_info=True)
        finally:
            with self._lock:
                self._refreshing = False

    def _read_published(self) -> PublishedRuns:
        started = self._clock()  # what is read is at least as new as this
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
            if started >= self._checked_at:  # a slower, older read never replaces a newer one
                self._published, self._checked_at = current, started
        return current

    def run_data_if_ready(self, year: int | None) -> RunData | None:
        """The shared data of `year`'s run if nothing needs reading (the hot path)."""
        runs = self.published_if_fresh()
        if runs is None:
            return None
        run = runs.for_year(year)
        assert run.id is not None
        return self._held(run.id)

    def run_data_for_year(self, year: int | None) -> RunData:
        """The shared data of the newest published run of `year` (or of the newest year)."""
        return self.run_data(self.published().for_year(year))

    def run_data(self, run: store.ScoreRun) -> RunData:
        """The shared data of `run`: from memory, or read (and kept, evicting the least recently used)."""
        assert run.id is not None
        hit = self._held(run.id)
        if hit is not None:
            return hit
        # One loader at a time: under a burst of first requests the others wait for it instead of
        # each reading the whole run (and each holding a database connection and its memory meanwhile).
        with self._loading:
            hit = self._held(run.id)
            if hit is not None:
                return hit
            with Session(self.engine) as session:
                data = load_run_data(session=session, run=run)
            with self._lock:
                self._runs[run.id] = data
                while len(self._runs) > self.max_runs:
                    self._runs.popitem(last=False)
            heap.freeze_long_lived()  # kept for as long as the run is published (assistant.heap)
        return data

    def held_runs(self) -> list[int]:
        """Ids of the runs whose data is in memory, least recently used first."""
        with self._lock:
            return list(self._runs)

    def _held(self, run_id: int) -> RunData | None:
        with self._lock:
            hit = self._runs.get(run_id)
            if hit is not None:
                self._runs.move_to_end(run_id)
            return hit

    def answer(self, key: Hashable) -> Answer | None:
        """A finished answer kept under `key`, or None (no I/O)."""
        with self._lock:
            hit = self._answers.get(key)
            if hit is not None:
                self._answers.move_to_end(key)
            return hit

    def keep_answer(self, key: Hashable, body: bytes) -> Answer:
        """Keep a finished JSON answer (and its gzip form) under `key`."""
        answer = Answer(body, gzip.compress(body, compresslevel=6, mtime=0))
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._answers_size -= old.size
            self._answers[key] = answer
            self._answers_size += answer.size
            # The newest answer stays even if it alone is over the limit: it is about to be sent.
            while self._answers_size > self.answer_bytes and len(self._answers) > 1:
                _, dropped = self._answers.popitem(last=False)
                self._answers_size -= dropped.size
        return answer


# One thread kept for the re-reads (they never overlap: `_refreshing`): starting a thread for each
# made the request that triggered it wait until the new thread ran, which under load was a while.
_REFRESHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-cache-refresh")


def _in_thread(job: Callable[[], None]) -> None:
    _REFRESHER.submit(job)


__all__ = ["ANSWER_BYTES", "RUNS", "Answer", "Encode", "PublishedRuns", "RunCache"]
