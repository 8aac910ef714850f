"""Dense vectors: a passage cache and the faiss index (embedders: `search.embedders`, re-exported).

    >>> emb = E5Embedder()                                   # doctest: +SKIP
    >>> vecs = encode_passages(emb, ["光伏组件", "汽车车灯"])   # doctest: +SKIP
    >>> index = VectorIndex.build(["A", "B"], vecs, embedder=emb.name)  # doctest: +SKIP
    >>> scores, rows = index.search(emb.encode_queries(["太阳能电池板"]), 1)  # doctest: +SKIP

Choices:

- Scores are inner products of L2-normalized vectors (cosine, −1…1).
- Index kind by size: exact inner product (`IndexFlatIP`) up to `HNSW_ABOVE` = 20,000 vectors,
  HNSW (`IndexHNSWFlat`, inner product, M=32, efConstruction=80, efSearch=96) above it. Measured
  with `benchmarks/search_speed.py --hnsw` (zone-like vectors, real e5 query vectors, one thread,
  k=30, this 2-core host at load ~3): exact p50 0.7 / 1.7 / 2.9 / 6.1 / 13 ms at 5k / 10k / 20k /
  50k / 100k vectors (linear, ~0.13 µs a vector: ~130 ms at 1M); HNSW p50 0.2–0.5 ms with
  recall@10 1.00 up to 20k and 0.96–0.97 at 50k–100k, built in 5 s at 20k and 37 s at 100k. So:
  exact while it costs under ~3 ms and needs no build; HNSW where exact would take a growing share
  of a 50 ms search. (Under a shared load of 7–10, exact at 20k rose to 27 ms: memory bandwidth.)
  HNSW builds take minutes at scale, so callers add new rows rather than rebuild.
- Saved as plain files (bm25s style): `index.faiss`, `ids.npy` (unicode, `allow_pickle=False`),
  `meta.json` and, if kept, `keys.npy` (each row's passage hash, so new firms can be added to a
  saved index instead of rebuilding it — an HNSW build of 100,000 vectors takes minutes); written into a fresh folder that then replaces the old one, so a reader never
  sees half of a save.
- Passage encoding is the slow part (~15–50 ms a passage on 2 cores): `encode_passages` encodes
  each distinct text once, in batches, reusing a `PassageCache` keyed by the text's sha1.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from search.embedders import E5Embedder, Embedder, SentenceTransformerEmbedder
from search.errors import IndexMismatch, IndexNotBuilt

__all__ = [
    "E5Embedder", "Embedder", "PassageCache", "SentenceTransformerEmbedder", "VectorIndex",
    "encode_passages", "text_key",
]

HNSW_ABOVE = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96
FORMAT = 1
Progress = Callable[[int, int], None]  # (texts done, texts to encode)


# ----------------------------------------------------------------------------- passage cache
def text_key(text: str) -> bytes:
    """The cache key of a passage: sha1 of its UTF-8 text (20 bytes)."""
    return hashlib.sha1(text.encode("utf-8", "replace")).digest()


def _key_array(keys: list[bytes]) -> np.ndarray:
    # (n, 20) bytes, not numpy's "S20": that strips trailing NUL bytes, and one digest in 256 ends so.
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20)


def _key_list(array: np.ndarray) -> list[bytes]:
    if array.ndim != 2 or (len(array) and array.shape[1] != 20):
        raise ValueError(f"passage keys of shape {array.shape}, expected (n, 20)")
    return [row.tobytes() for row in array]


@dataclass
class PassageCache:
    """Passage vectors of one embedder by text hash, saved as two `.npy` files and a meta file."""

    embedder: str
    dim: int
    vectors: dict[bytes, np.ndarray] = field(default_factory=dict)

    def get(self, text: str) -> np.ndarray | None:
        return self.vectors.get(text_key(text))

    def put(self, text: str, vector: np.ndarray) -> None:
        self.vectors[text_key(text)] = vector

    def save(self, folder: Path, *, dtype: type[np.floating[Any]] = np.float32,
             extra: dict[str, Any] | None = None) -> None:
        """Write `keys.npy`, `vectors.npy`, `meta.json` (replacing what was there).

        Rows in insertion order; `dtype` float16 halves the file (a shipped cache), reading gives
        float32 again; `extra` adds fields to `meta.json` (what the file was made from).
        """
        keys = _key_array(list(self.vectors))
        mat = np.stack(list(self.vectors.values())) if self.vectors else np.zeros((0, self.dim), np.float32)
        meta = {"format": FORMAT, "embedder": self.embedder, "dim": self.dim, "count": len(keys),
                "dtype": np.dtype(dtype).name, **(extra or {})}
        _write_folder(folder, {"keys.npy": _npy(keys), "vectors.npy": _npy(mat.astype(dtype)),
                               "meta.json": json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode()})

    @classmethod
    def read(cls, folder: Path) -> PassageCache:
        """The saved cache, whatever its embedder; IndexNotBuilt or IndexMismatch saying what is wrong.

        Besides the files agreeing with each other, every row must be a finite vector of unit
        length (to float16's precision): a file of another kind or a damaged one is refused whole.
        """
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            embedder, dim = str(meta["embedder"]), int(meta["dim"])
            keys = _key_list(np.load(folder / "keys.npy", allow_pickle=False))
            mat = np.load(folder / "vectors.npy", allow_pickle=False)
        except FileNotFoundError as exc:
            raise IndexNotBuilt(f"{folder} 中没有文本向量文件（{Path(str(exc.filename)).name}）") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexMismatch(f"{folder} 中的文本向量文件无法读取：{type(exc).__name__}: {exc}") from None
        if mat.ndim != 2 or mat.shape != (len(keys), dim) or meta.get("count") != len(keys):
            raise IndexMismatch(f"{folder} 中的文件彼此不一致（文本摘要 {len(keys)} 个，向量 {mat.shape}，"
                                f"说明文件记为 {meta.get('count')} 个、{dim} 维）")
        if not np.issubdtype(mat.dtype, np.floating):
            raise IndexMismatch(f"{folder} 中的向量类型为 {mat.dtype}，应为浮点数")
        mat = mat.astype(np.float32)
        norms = np.linalg.norm(mat, axis=1) if len(mat) else np.ones(0, np.float32)
        if not np.all(np.abs(norms - 1) < 0.01):  # also false for NaN
            bad = int(np.argmax(~(np.abs(norms - 1) < 0.01)))
            raise IndexMismatch(f"{folder} 中第 {bad + 1} 个向量的长度为 {norms[bad]:.3f}，不是单位向量")
        return cls(embedder, dim, {k: mat[i] for i, k in enumerate(keys)})

    @classmethod
    def load(cls, folder: Path, *, embedder: str, dim: int) -> PassageCache:
        """The saved cache of this embedder, or an empty one (another embedder's is ignored)."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("embedder") != embedder or meta.get("dim") != dim:
                return cls(embedder, dim)
            return cls.read(folder)
        except (OSError, ValueError, IndexNotBuilt, IndexMismatch):  # missing, unreadable or of an older layout: start afresh
            return cls(embedder, dim)


def encode_passages(
    embedder: Embedder,
    texts: Sequence[str],
    *,
    cache: PassageCache | None = None,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> np.ndarray:
    """Vectors of `texts` (n, dim): each distinct text encoded once, cached texts not at all."""
    distinct = list(dict.fromkeys(texts))
    known: dict[str, np.ndarray] = {}
    todo = []
    for text in distinct:
        hit = cache.get(text) if cache is not None else None
        if hit is None:
            todo.append(text)
        else:
            known[text] = hit
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        for text, vec in zip(chunk, embedder.encode_passages(chunk), strict=True):
            known[text] = vec
            if cache is not None:
                cache.put(text, vec)
        if progress:
            progress(min(start + batch_size, len(todo)), len(todo))
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)


# ----------------------------------------------------------------------------- the index
def _npy(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def _write_folder(folder: Path, files: dict[str, bytes | Callable[[Path], None]]) -> None:
    """Write files into a fresh sibling folder, then swap it in (readers see old or new)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Unique names: two processes (service workers, the CLI) may save at the same time.
    tag = uuid.uuid4().hex[:12]
    fresh = folder.with_name(f".{folder.name}.{tag}.new")
    olds = [folder.with_name(f".{folder.name}.{tag}.{i}.old") for i in range(5)]
    fresh.mkdir()
    try:
        for name, data in files.items():
            if isinstance(data, bytes):
                (fresh / name).write_bytes(data)
            else:
                data(fresh / name)
        for old in olds:
            try:
                if folder.exists():
                    folder.rename(old)
                fresh.rename(folder)
                break
            except OSError:  # another writer put its folder in place between our two renames
                continue
        else:
            raise OSError(f"无法写入 {folder}：另一个进程正在同时写入")
    finally:
        for leftover in (fresh, *olds):
            shutil.rmtree(leftover, ignore_errors=True)


class VectorIndex:
    """A faiss inner-product index over passage vectors, with the ids of its rows."""

    def __init__(self, ids: list[str], index: Any, meta: dict[str, Any], keys: list[bytes] | None = None) -> None:
        self.ids = ids
        self.index = index
        self.meta = meta
        self.keys = keys  # per row, `text_key` of the passage it encodes (lets a caller add, not rebuild)

    @property
    def kind(self) -> str:
        return str(self.meta["kind"])

    @property
    def embedder(self) -> str:
        return str(self.meta.get("embedder", ""))

    @property
    def dim(self) -> int:
        return int(self.meta["dim"])

    @property
    def signature(self) -> str:
        return str(self.meta.get("signature", ""))

    @signature.setter
    def signature(self, value: str) -> None:
        self.meta["signature"] = value

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        vectors: np.ndarray,
        *,
        hnsw_above: int = HNSW_ABOVE,
        embedder: str = "",
        signature: str = "",
        keys: Sequence[bytes] | None = None,
        hnsw_m: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> VectorIndex:
        """Exact search up to `hnsw_above` rows, HNSW above; `signature` names the source state."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(ids) or (keys is not None and len(keys) != len(ids)):
            raise ValueError(f"{len(ids)} ids but vectors of shape {vectors.shape}")
        dim = int(vectors.shape[1])
        meta: dict[str, Any] = {
            "format": FORMAT, "embedder": embedder, "dim": dim, "count": len(ids),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"), "signature": signature,
        }
        index: faiss.Index
        if len(ids) > hnsw_above:
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
            index.hnsw.efSearch = ef_search
            meta.update(kind="hnsw", hnsw={"m": hnsw_m, "ef_construction": ef_construction, "ef_search": ef_search})
        else:
            index = faiss.IndexFlatIP(dim)
            meta["kind"] = "flat"
        if len(ids):
            index.add(vectors)
        return cls(list(ids), index, meta, None if keys is None else list(keys))

    def add(self, ids: Sequence[str], vectors: np.ndarray, *, keys: Sequence[bytes] | None = None) -> None:
        """Append rows (both kinds take additions; neither removes): new firms after an import."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(vectors) != len(ids) or (self.keys is not None) != (keys is not None):
            raise ValueError("add needs one vector (and one key, if the index keeps keys) per id")
        if len(ids):
            self.index.add(vectors)
        self.ids.extend(ids)
        if self.keys is not None and keys is not None:
            self.keys.extend(keys)
        self.meta["count"] = len(self.ids)

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores (n, k) and row positions (n, k); a missing neighbour is −1 with score −inf."""
        q = np.ascontiguousarray(np.asarray(query_vectors, dtype=np.float32).reshape(-1, self.dim))
        k = max(1, min(int(k), max(len(self.ids), 1)))
        if not self.ids:
            return np.full((len(q), k), -np.inf, np.float32), np.full((len(q), k), -1, np.int64)
        import faiss

        # A few queries at a time run on the calling thread alone: OpenMP's fan-out costs more
        # than it saves for one query, and on a busy 2-core host two threads made an exact search
        # over 10,000 vectors 30x slower (1.3 → 38 ms). The setting is per calling thread.
        previous = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1 if len(q) <= 16 else previous)
        try:
            scores, rows = self.index.search(q, k)
        finally:
            faiss.omp_set_num_threads(previous)
        scores = np.where(rows < 0, -np.inf, scores).astype(np.float32)
        return scores, rows.astype(np.int64)

    def save(self, folder: Path) -> None:
        """Write `index.faiss`, `ids.npy`, `meta.json` into `folder` (replacing it whole)."""
        import faiss

        files: dict[str, bytes | Callable[[Path], None]] = {
            "index.faiss": lambda path: faiss.write_index(self.index, str(path)),
            "ids.npy": _npy(np.array(self.ids, dtype=str) if self.ids else np.zeros(0, dtype="U1")),
            "meta.json": json.dumps(self.meta, ensure_ascii=False, indent=1).encode("utf-8"),
        }
        if self.keys is not None:
            files["keys.npy"] = _npy(_key_array(self.keys))
        _write_folder(folder, files)

    @staticmethod
    def read_meta(folder: Path) -> dict[str, Any]:
        """The saved meta.json (IndexNotBuilt if there is none)."""
        path = folder / "meta.json"
        if not path.is_file():
            raise IndexNotBuilt(f"{folder} 中没有向量索引，请先运行 innopoints index build")
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise IndexMismatch(f"{path} 不是合法的索引说明文件：{exc}") from None

    @classmethod
    def load(cls, folder: Path, *, embedder: str | None = None, dim: int | None = None) -> VectorIndex:
        """Read a saved index without encoding anything; refuse one made by another embedder or dim."""
        import faiss

        meta = cls.read_meta(folder)
        if meta.get("format") != FORMAT:
            raise IndexMismatch(f"{folder} 的索引格式版本为 {meta.get('format')}，本程序需要 {FORMAT}")
        if embedder is not None and meta.get("embedder") != embedder:
            raise IndexMismatch(f"{folder} 的索引由向量模型 {meta.get('embedder')} 生成，当前模型为 {embedder}，需要重建")
        if dim is not None and meta.get("dim") != dim:
            raise IndexMismatch(f"{folder} 的索引向量维数为 {meta.get('dim')}，当前模型为 {dim}，需要重建")
        try:
            ids = np.load(folder / "ids.npy", allow_pickle=False).tolist()
            index = faiss.read_index(str(folder / "index.faiss"))
            keyfile = folder / "keys.npy"
            keys = _key_list(np.load(keyfile, allow_pickle=False)) if keyfile.is_file() else None
        except (OSError, ValueError, RuntimeError) as exc:
            raise IndexNotBuilt(f"{folder} 中的向量索引不完整：{exc}") from None
        if keys is not None and len(keys) != len(ids):
            raise IndexMismatch(f"{folder} 中的文件彼此不一致（编号 {len(ids)} 个，文本摘要 {len(keys)} 个），需要重建")
        if not (len(ids) == index.ntotal == meta.get("count")) or index.d != meta.get("dim"):
            raise IndexMismatch(f"{folder} 中的文件彼此不一致（编号 {len(ids)} 个，向量 {index.ntotal} 个），需要重建")
        if meta.get("kind") == "hnsw":
            assert isinstance(index, faiss.IndexHNSW)  # read_index gives the saved kind of index
            index.hnsw.efSearch = int(meta.get("hnsw", {}).get("ef_search", HNSW_EF_SEARCH))
        return cls([str(i) for i in ids], index, meta, keys)
