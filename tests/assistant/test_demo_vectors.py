"""The demo's shipped passage vectors (issue 11, item 22): `innopoints demo`, as `./scripts/run`
calls it, builds the index from `data/demo_vectors/`, so the service's first search uses vectors.

The first test is what keeps the shipped file honest: it fails once the demo's passages change
(search documents, `passage_text`, the demo's names) or the embedder does, until
`scripts/demo-vectors` regenerates the file. The demos' stores are the `--store` pass's (new
PostgreSQL databases under `--store postgresql`).
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from assistant.queries.demo_vectors import (
    DEMO_VECTORS_DIR,
    demo_passages,
    seed_demo_vectors,
    write_demo_vectors,
)
from assistant.queries.search_docs import load_documents
from assistant.queries.search_index import SearchIndex
from scoring import store
from search.embedders import E5Embedder
from search.hybrid import passage_text
from search.vector import PassageCache, VectorIndex, text_key
from tests.assistant.conftest import bearer, login, make_settings, zone_env, zone_url

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Demo:
    """A data folder built by `innopoints demo`, and what the command printed."""

    data_dir: Path
    stdout: str

    @property
    def engine(self) -> Engine:
        return store.make_engine(zone_url(self.data_dir))


def run_demo(folder: Path, *args: str, embedder: str = "e5") -> Demo:
    env = {"INNOPOINTS_DATABASE_URL": "", **zone_env(folder), "INNOPOINTS_EMBEDDER": embedder,
           "INNOPOINTS_ENVIRONMENT": "development"}
    result = CliRunner().invoke(cli_app, ["demo", *args], env=env)
    assert result.exit_code == 0, result.output
    return Demo(folder, re.sub(r"\s", "", result.stdout))  # without rich's line wrapping


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory: pytest.TempPathFactory, new_store: Callable[[Path], Path]) -> Demo:
    """`innopoints demo` with no option, as `./scripts/run` calls it: 2,791 firms, the e5 embedder."""
    return run_demo(new_store(tmp_path_factory.mktemp("full-demo")))


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_the_shipped_file_covers_the_default_demo(full_demo: Demo, e5: E5Embedder) -> None:
    shipped = PassageCache.read(DEMO_VECTORS_DIR)
    texts = demo_passages(full_demo.engine)
    found = sum(shipped.get(t) is not None for t in texts)
    regenerate = "data/demo_vectors no longer fits the demo: run scripts/demo-vectors"
    assert shipped.embedder == e5.name, regenerate
    assert found >= 0.99 * len(texts), f"{found} of {len(texts)} passages: {regenerate}"
    # The demo took those from the file and encoded only the rest.
    assert f"随包向量{found}段，新编码{len(texts) - found}段文本" in full_demo.stdout


def test_the_demo_index_equals_a_fresh_encode(full_demo: Demo, e5: E5Embedder) -> None:
    settings = make_settings(full_demo.data_dir, embedder="e5")
    index = VectorIndex.load(SearchIndex.from_settings(settings, full_demo.engine).vectors_folder,
                             embedder=e5.name, dim=e5.dim)
    docs, _, _ = load_documents(full_demo.engine)
    assert len(index) == len(docs) == 2791 and sorted(index.ids) == sorted(d.id for d in docs)
    by_id = {d.id: d for d in docs}
    rows = np.random.default_rng(22).choice(len(index), 12, replace=False)
    texts = [passage_text(by_id[index.ids[r]]) for r in rows]
    assert [index.keys[r] for r in rows] == [text_key(t) for t in texts]  # type: ignore[index]
    saved = np.stack([index.index.reconstruct(int(r)) for r in rows])
    assert cosines(saved, e5.encode_passages(texts)).min() >= 0.99


def test_the_service_is_semantic_from_its_first_request(full_demo: Demo) -> None:
    with TestClient(create_app(make_settings(full_demo.data_dir, embedder="e5"))) as client:
        ready = client.get("/api/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["semantic"] is True and ready.json()["documents"] == 2791
        r = client.get("/api/search", params={"q": "光伏组件", "limit": 3}, headers=bearer(login(client, "official")))
        assert r.status_code == 200, r.text
        assert r.json()["semantic"] is True


# ----------------------------------------------------------------------------- a wrong file
SMALL = 20


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory, new_store: Callable[[Path], Path]) -> Demo:
    """A few firms, none of them in the shipped file; the store only (no index)."""
    return run_demo(new_store(tmp_path_factory.mktemp("small-demo")), "--size", str(SMALL), "--no-index", embedder="none")


@pytest.fixture(scope="module")
def right_file(small_demo: Demo, e5: E5Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vectors file made for the small demo the way `scripts/demo-vectors` makes the shipped one."""
    folder = tmp_path_factory.mktemp("right") / "demo_vectors"
    assert write_demo_vectors(small_demo.engine, e5, folder) == SMALL
    return folder


def fresh_index(demo: Demo, folder: Path) -> SearchIndex:
    """A search index over the demo's store with its own (empty) data folder, not building in the background."""
    settings = make_settings(folder, embedder="e5")
    return SearchIndex(demo.engine, folder / "search", SearchIndex.from_settings(settings, demo.engine).embedder,
                       background=False)


def test_a_file_of_the_demo_seeds_the_index_so_nothing_is_encoded(small_demo: Demo, right_file: Path, tmp_path: Path) -> None:
    index = fresh_index(small_demo, tmp_path / "data")
    seeding = seed_demo_vectors(index, folder=right_file)
    assert seeding.problem is None and seeding.passages == seeding.found == seeding.seeded == SMALL
    assert index.build().encoded == 0
    assert index.peek() is not None and index.peek().semantic  # type: ignore[union-attr]


def wrong_files(small_demo: Demo, right_file: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Folders that must not be trusted, each with the words its message must contain."""
    right = PassageCache.read(right_file)
    files: dict[str, tuple[Path, str]] = {}

    def variant(name: str, words: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(right_file, folder)
        files[name] = (folder, words)
        return folder

    (variant("damaged", "无法读取") / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    PassageCache("another-model-v2", right.dim, right.vectors).save(variant("other-embedder", "another-model-v2"))
    # Real e5 vectors, each under another firm's key: the file reads well, only the guard can tell.
    texts = demo_passages(small_demo.engine)
    vectors = [right.vectors[text_key(t)] for t in texts]
    rotated = dict(zip(map(text_key, texts), vectors[1:] + vectors[:1], strict=True))
    PassageCache(right.embedder, right.dim, rotated).save(variant("rows-under-wrong-keys", "编码不一致"))
    return files


def test_a_damaged_or_mismatched_file_is_ignored_with_a_message(
    small_demo: Demo, right_file: Path, e5: E5Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name, (folder, words) in wrong_files(small_demo, right_file, tmp_path).items():
        index = fresh_index(small_demo, tmp_path / f"data-{name}")
        with caplog.at_level(logging.INFO, logger="innopoints.search"):
            seeding = seed_demo_vectors(index, folder=folder)
        assert seeding.problem is not None and words in seeding.problem and "已忽略" in seeding.problem, name
        assert seeding.seeded == 0 and not index.passages_folder.exists(), name  # nothing taken from it
        assert words in caplog.text, name
        caplog.clear()
    # Not a crash: the build after the last one encodes every passage itself, and rightly.
    assert index.build().encoded == SMALL
    saved = VectorIndex.load(index.vectors_folder, embedder=e5.name, dim=e5.dim)
    docs = {d.id: d for d in load_documents(small_demo.engine)[0]}
    rows = [0, SMALL // 2, SMALL - 1]
    fresh = e5.encode_passages([passage_text(docs[saved.ids[r]]) for r in rows])
    assert cosines(np.stack([saved.index.reconstruct(r) for r in rows]), fresh).min() >= 0.99
