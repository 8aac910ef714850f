"""The service's search index: a searcher over the store, vectors saved in the data folder.

- Documents and scores: `assistant.queries.search_docs` (the searcher never holds points).
- Store signature: enterprise count, newest batch id, newest published run id — it changes with
  every import and every score run. It is re-read at most every `recheck_s` seconds (one cheap
  query); a change rebuilds the searcher on the next search.
- Files, under `<data_dir>/search/<embedder>/`: `vectors/` (the faiss index, its ids, each row's
  passage hash and the signature it was built for) and `passages/` (passage vectors by sha1 of the
  text). A rebuild reuses both: a score run changes no passage, so the saved index serves as is; an
  import adds rows for its new firms (encoding only texts never seen); only a changed passage (a
  rename) rebuilds the index, from cached vectors.
- Callers who may not see a firm's details search `Snapshot.public`: the same firms with their
  public fields only (`assistant.access.privacy.public_document`), so that no hit, reason or
  suggestion comes through a field they may not see.
- Start-up never encodes: the lifespan builds the text retrievers and loads a saved index that fits
  (`load`) before the service answers, and `/api/ready` says so. A search that finds
  no current searcher builds the text retrievers at once (seconds) and encodes up to
  `SYNC_ENCODE_LIMIT` new passages within the request (an import of a few firms). Anything more,
  or an HNSW rebuild (minutes), goes to one background thread while searches run on the text
  retrievers alone (`Snapshot.semantic` is false meanwhile). `innopoints index build` does it all
  in the foreground with a progress bar.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from assistant.access.privacy import public_document
from assistant.config import Settings
from assistant.queries.search_docs import ScoreInfo, load_documents, make_embedder, store_signature
from search.errors import IndexMismatch, IndexNotBuilt
from search.hybrid import Document, HybridSearcher, passage_text
from search.vector import (
    HNSW_ABOVE,
    Embedder,
    PassageCache,
    Progress,
    VectorIndex,
    encode_passages,
    text_key,
)

log = logging.getLogger("innopoints.search")
SYNC_ENCODE_LIMIT = 32  # ~0.5–1.5 s of encoding on an idle host: an import of a few firms is searchable at once
BATCH = 16  # texts per encoding call: shutdown waits for at most one such call
CACHE_SAVE_SECONDS = 60.0  # a long background encoding keeps its progress across a restart


@dataclass(frozen=True)
class Snapshot:
    """One searcher over one store state; replaced whole, never changed."""

    searcher: HybridSearcher
    public: HybridSearcher  # the same firms, public fields only: for callers who may not see details
    signature: str
    documents: list[Document]
    scores: Mapping[str, ScoreInfo]
    semantic: bool  # the vector retriever takes part
    year: int | None  # the year of the scores in the documents
    built_at: datetime
    by_id: Mapping[str, Document] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {d.id: d for d in self.documents})


@dataclass(frozen=True)
class BuildReport:
    """What `SearchIndex.build` did."""

    documents: int
    passages: int
    encoded: int
    seconds: float
    kind: str
    signature: str


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80] or "embedder"


def _folder_bytes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir())} if folder.is_dir() else {}


class SearchIndex:
    """Holds the current `Snapshot` and rebuilds it when the store's signature changes."""

    def __init__(
        self,
        engine: Engine,
        folder: Path,
        embedder: Embedder | None,
        *,
        recheck_s: float = 1.0,
        hnsw_above: int = HNSW_ABOVE,
        sync_limit: int = SYNC_ENCODE_LIMIT,
        background: bool = True,
    ) -> None:
        self.engine = engine
        self.folder = folder
        self.embedder = embedder
        self.recheck_s = recheck_s
        self.hnsw_above = hnsw_above
        self.sync_limit = sync_limit
        self.background = background
        self._snapshot: Snapshot | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()  # one rebuild at a time
        self._cache_lock = threading.Lock()  # the passage cache and the model
        self._cache: PassageCache | None = None
        self._job_lock = threading.Lock()
        self._job: threading.Thread | None = None
        self._closing = threading.Event()
        self.progress: tuple[int, int] | None = None  # background encoding: (done, total)
        self.last_error: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, **options: Any) -> SearchIndex:
        """The index the settings describe (the embedder is created, not loaded)."""
        kind = options.pop("kind", None)
        return cls(engine, settings.data_dir / "search", make_embedder(settings, kind=kind),
                   recheck_s=settings.recheck_seconds, **options)

    # ------------------------------------------------------------------ paths
    @property
    def embedder_name(self) -> str:
        return self.embedder.name if self.embedder is not None else "none"

    @property
    def vectors_folder(self) -> Path:
        return self.folder / _slug(self.embedder_name) / "vectors"

    @property
    def passages_folder(self) -> Path:
        return self.folder / _slug(self.embedder_name) / "passages"

    # ------------------------------------------------------------------ the hot path
    def peek(self) -> Snapshot | None:
        """The snapshot in use, without checking the store."""
        return self._snapshot

    def current(self) -> Snapshot:
        """The snapshot for the store as it is (within `recheck_s`); rebuilt if the store changed."""
        snap = self._snapshot
        if snap is None or time.monotonic() - self._checked_at >= self.recheck_s:
            signature = store_signature(self.engine)
            self._checked_at = time.monotonic()
            if snap is None or snap.signature != signature:
                with self._lock:
                    snap = self._snapshot
                    if snap is None or snap.signature != signature:
                        snap = self._rebuild(signature, sync_limit=self.sync_limit)
                        self._snapshot = snap
        # A snapshot loaded at start-up is on text alone: the first search starts its vectors.
        # After a failed background encoding, searches stay on text (status shows the error) until
        # `innopoints index build` or a restart: retrying on every request would repeat the failure.
        if not snap.semantic and self.embedder is not None and self.background and self.last_error is None:
            self._start_job()
        return snap

    def _rebuild(self, signature: str, *, sync_limit: int) -> Snapshot:
        docs, scores, year = load_documents(self.engine)
        vectors = self._vectors(docs, signature, limit=sync_limit) if self.embedder is not None else None
        return self._assemble(signature, docs, scores, year, vectors)

    def _assemble(self, signature: str, docs: list[Document], scores: Mapping[str, ScoreInfo],
                  year: int | None, vectors: VectorIndex | None) -> Snapshot:
        semantic = vectors is not None and self.embedder is not None
        searcher = HybridSearcher(docs, embedder=self.embedder if semantic else None, vectors=vectors if semantic else None)
        # Text retrievers only: a passage vector encodes products, scope and former names. It
        # depends on the documents alone, so vectors arriving for them later reuse it.
        last = self._snapshot
        public = (last.public if last is not None and last.documents is docs
                  else HybridSearcher([public_document(d) for d in docs]))
        return Snapshot(searcher, public, signature, docs, scores, semantic, year, datetime.now(UTC))

    # ------------------------------------------------------------------ vectors
    def _vectors(self, docs: list[Document], signature: str, *, limit: int | None,
                 progress: Progress | None = None) -> VectorIndex | None:
        """The saved index as it is, with new firms added, or rebuilt; saved again if changed.

        At most `limit` texts are encoded (None: no limit), and with a limit an HNSW index is not
        rebuilt (minutes): None then, and the caller searches on text meanwhile.
        """
        assert self.embedder is not None
        ids = [d.id for d in docs]
        texts = [passage_text(d) for d in docs]
        keys = [text_key(t) for t in texts]
        saved = self._load_saved()
        if saved is not None and saved.keys is not None:
            have = dict(zip(saved.ids, saved.keys, strict=True))
            now = dict(zip(ids, keys, strict=True))
            # Firms are never removed and a score run changes no passage: usually only new firms.
            if len(have) == len(saved.ids) and all(now.get(i) == k for i, k in have.items()):
                new = [j for j, i in enumerate(ids) if i not in have]
                vectors = self._encode_texts([texts[j] for j in new], limit=limit, progress=progress)
                if vectors is None:
                    return None
                saved.add([ids[j] for j in new], vectors, keys=[keys[j] for j in new])
                if new or saved.signature != signature:
                    saved.signature = signature
                    saved.save(self.vectors_folder)
                return saved
        if limit is not None and len(docs) > self.hnsw_above:
            return None
        vectors = self._encode_texts(texts, limit=limit, progress=progress)
        if vectors is None:
            return None
        index = VectorIndex.build(ids, vectors, hnsw_above=self.hnsw_above, embedder=self.embedder.name,
                                  signature=signature, keys=keys)
        index.save(self.vectors_folder)
        return index

    def _load_saved(self) -> VectorIndex | None:
        """A fresh copy of the saved index (never the one a live searcher reads), if it fits."""
        assert self.embedder is not None
        try:
            return VectorIndex.load(self.vectors_folder, embedder=self.embedder.name, dim=self.embedder.dim)
        except (IndexNotBuilt, IndexMismatch) as exc:
            log.info("saved search index not used: %s", exc)
            return None

    def _passage_cache(self) -> PassageCache:
        assert self.embedder is not None
        if self._cache is None:
            self._cache = PassageCache.load(self.passages_folder, embedder=self.embedder.name, dim=self.embedder.dim)
        return self._cache

    def _encode_texts(self, texts: list[str], *, limit: int | None,
                      progress: Progress | None = None) -> np.ndarray | None:
        """Vectors of `texts` from the cache, encoding at most `limit` new ones (None: any number)."""
        assert self.embedder is not None
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        # A request never waits for the background encoder: it searches on text meanwhile.
        if not self._cache_lock.acquire(timeout=-1 if limit is None else 0.2):
            return None
        try:
            cache = self._passage_cache()
            missing = [t for t in dict.fromkeys(texts) if cache.get(t) is None]
            if limit is not None and len(missing) > limit:
                return None
            last_save = time.monotonic()
            for start in range(0, len(missing), BATCH):
                if self._closing.is_set():
                    return None
                encode_passages(self.embedder, missing[start : start + BATCH], cache=cache)
                done = min(start + BATCH, len(missing))
                self.progress = (done, len(missing))
                if progress:
                    progress(done, len(missing))
                if time.monotonic() - last_save > CACHE_SAVE_SECONDS:
                    cache.save(self.passages_folder)
                    last_save = time.monotonic()
            if missing:
                cache.save(self.passages_folder)
            return encode_passages(self.embedder, texts, cache=cache)  # all cached now
        finally:
            self.progress = None
            self._cache_lock.release()

    def _start_job(self) -> None:
        with self._job_lock:
            if self._job is None and not self._closing.is_set():
                self._job = threading.Thread(target=self._job_run, name="search-vectors", daemon=True)
                self._job.start()

    def _job_run(self) -> None:
        """Make the snapshot in use semantic; follow newer snapshots until one is."""
        while True:
            with self._job_lock:
                snap = self._snapshot
                if self._closing.is_set() or snap is None or snap.semantic:
                    self._job = None
                    return
            try:
                vectors = self._vectors(snap.documents, snap.signature, limit=None)
                if vectors is None:
                    continue  # closing: the loop ends above
                fresh = self._assemble(snap.signature, snap.documents, snap.scores, snap.year, vectors)
            except Exception as exc:  # noqa: BLE001 - keep serving text search, say why in status
                log.exception("building search vectors failed")
                self.last_error = str(exc)
                with self._job_lock:
                    self._job = None
                return
            with self._lock:
                if self._snapshot is snap:
                    self._snapshot = fresh

    # ------------------------------------------------------------------ control
    def load(self) -> Snapshot:
        """Build the text retrievers for the store as it is and load saved vectors that fit.

        Never encodes (vectors for passages not yet encoded follow in the background after the
        first search, or from `innopoints index build`). The service's lifespan calls it, so that
        no request pays for jieba's dictionary and the index (seconds; ≈14 s on a loaded machine).
        """
        with self._lock:
            signature = store_signature(self.engine)
            snap = self._snapshot
            if snap is None or snap.signature != signature:
                snap = self._rebuild(signature, sync_limit=0)
                self._snapshot = snap
            self._checked_at = time.monotonic()
        return snap

    def warm_start(self) -> None:
        """`load` in a background thread (a failure is logged; the first search tries again)."""

        def run() -> None:
            try:
                self.load()
            except Exception:  # noqa: BLE001 - the first search tries again
                log.exception("loading the search index at start-up failed")

        threading.Thread(target=run, name="search-warm-start", daemon=True).start()

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until the snapshot in use is semantic or no vectors are coming; True if semantic."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            snap = self._snapshot
            if snap is not None and (snap.semantic or self._job is None):
                return snap.semantic
            time.sleep(0.05)
        return bool(self._snapshot and self._snapshot.semantic)

    def close(self) -> None:
        """Stop background encoding (at shutdown); what was encoded stays in the cache file."""
        self._closing.set()
        job = self._job
        if job is not None:
            job.join(timeout=10)
        with self._cache_lock:
            if self._cache is not None and self._cache.vectors:
                self._cache.save(self.passages_folder)

    def seed(self, known: PassageCache) -> int:
        """Put passage vectors made elsewhere (the demo's shipped ones) into the passage cache.

        Only vectors of this index's embedder are taken (IndexMismatch otherwise); a passage the
        cache already holds keeps its own vector. Returns how many were added; the cache is saved,
        so a later rebuild (a renamed firm) finds them there too.
        """
        if self.embedder is None or known.embedder != self.embedder.name or known.dim != self.embedder.dim:
            raise IndexMismatch(f"向量由 {known.embedder}（{known.dim} 维）生成，当前向量模型为 {self.embedder_name}")
        with self._cache_lock:
            cache = self._passage_cache()
            new = {k: v for k, v in known.vectors.items() if k not in cache.vectors}
            cache.vectors.update(new)
            if new:
                cache.save(self.passages_folder)
        return len(new)

    def build(self, *, progress: Progress | None = None, searcher: bool = True) -> BuildReport:
        """Rebuild now, encoding every new passage in the foreground (`innopoints index build`).

        `searcher=False` only encodes and saves the vectors, for a process that will not search
        (the demo): the text retrievers take seconds (≈9 s on a loaded 2-core host) and the
        service builds its own at start.
        """
        start = time.perf_counter()
        with self._lock:
            signature = store_signature(self.engine)
            docs, scores, year = load_documents(self.engine)
            vectors, encoded, passages = None, 0, 0
            if self.embedder is not None:
                distinct = set(map(passage_text, docs))
                with self._cache_lock:
                    cache = self._passage_cache()
                    passages, encoded = len(distinct), sum(cache.get(t) is None for t in distinct)
                vectors = self._vectors(docs, signature, limit=None, progress=progress)
            if searcher:
                self._snapshot = self._assemble(signature, docs, scores, year, vectors)
                self._checked_at = time.monotonic()
        return BuildReport(len(docs), passages, encoded, round(time.perf_counter() - start, 2),
                           vectors.kind if vectors is not None else "none", signature)

    def status(self) -> dict[str, Any]:
        """What is on disk and in memory, and whether the saved index fits the store now."""
        signature = store_signature(self.engine)
        saved: dict[str, Any] | None = None
        if self.embedder is not None:
            try:
                meta = VectorIndex.read_meta(self.vectors_folder)
                saved = {k: meta.get(k) for k in ("count", "kind", "dim", "built_at", "signature", "embedder")}
                saved["stale"] = meta.get("signature") != signature or meta.get("embedder") != self.embedder.name
            except (IndexNotBuilt, IndexMismatch):
                saved = None
        snap = self._snapshot
        return {
            "embedder": self.embedder_name,
            "store_signature": signature,
            "built": saved is not None or self.embedder is None,
            "stale": saved["stale"] if saved else self.embedder is not None,
            "index": saved,
            "files": {"vectors": _folder_bytes(self.vectors_folder), "passages": _folder_bytes(self.passages_folder)},
            "loaded": None if snap is None else {
                "documents": len(snap.documents), "semantic": snap.semantic, "signature": snap.signature,
                "built_at": snap.built_at.isoformat(timespec="seconds"),
            },
            "encoding": None if self.progress is None else {"done": self.progress[0], "total": self.progress[1]},
            "last_error": self.last_error,
        }

