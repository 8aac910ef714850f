"""kill -9 in the middle of an import: the store is exactly as before, and the next import works.

A real subprocess imports a large tax file into a file-backed SQLite store, or a PostgreSQL
database, and reports progress on stdout; the importer reports the second half of the progress
while it writes, so once a line past one half arrives and the write has begun (SQLite: the WAL
file holds more than a MiB of uncommitted pages; PostgreSQL: the child's open transaction has
run a COPY into rawvalue), the process is inside its write transaction and gets SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from scoring import store
from scoring.demo.files import write_table
from scoring.ingest.importer import import_file
from scoring.uscc import make_usccs

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
N = 12_000
YEAR = 2024
TAX = ["营业收入", "成本费用总额", "研发费用", "境内研发费用", "研发费用加计扣除额", "利润总额", "纳税总额",
       "资产总额", "净资产", "高新技术产品收入", "总收入", "人员人工费用", "委托外部研发费用", "职工教育经费",
       "无形资产", "出口销售收入"]
CHILD = """
import sys
from collections.abc import Callable
from pathlib import Path
from scoring import store
from scoring.ingest.importer import import_file

from sqlalchemy import event

engine = store.make_engine(sys.argv[1])

if engine.dialect.name == "sqlite":
    @event.listens_for(engine, "connect")
    def small_cache(conn, _record):
        # 2 MiB instead of 64: the open transaction spills into the WAL early, as a bigger file would.
        conn.execute("PRAGMA cache_size=-2048")

engine.dispose()
def tick(done, total):
    print(done, total, flush=True)
report = import_file(engine=engine, source="tax", path=Path(sys.argv[2]), year=int(sys.argv[3]), progress=tick)
print("STATUS", report.status, flush=True)
"""


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table an import writes."""
    out = {}
    with engine.connect() as conn:
        for table in ("rawvalue", "batch", "enterprise", "conflict"):
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")):
                digest.update(repr(tuple(row)).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
    return out


@pytest.fixture
def zone(tmp_path: Path, store_url: str) -> tuple[str, Path, list[str]]:
    """A store with N registered enterprises and one small earlier tax import, and a big tax file."""
    rng = np.random.default_rng(3)
    usccs = make_usccs(rng, N)
    names = [f"常州测试{i:05d}科技有限公司" for i in range(N)]
    url = store_url
    engine = store.make_engine(url)
    register = write_table(tmp_path / "工商.csv", [("", [], ["统一社会信用代码", "企业名称", "成立日期"],
                                                  [[u, n, "2015-06-01"] for u, n in zip(usccs, names, strict=True)])])
    assert import_file(engine=engine, source="register", path=register, year=YEAR).status == "imported"
    small = write_table(tmp_path / "税务_旧.csv", [("", [], ["统一社会信用代码", "营业收入（万元）"], [[usccs[0], 12.5]])])
    assert import_file(engine=engine, source="tax", path=small, year=YEAR).status == "imported"
    values = np.round(rng.lognormal(14, 2, (N, len(TAX)))).astype(np.int64)
    rows = [[u, n, *v] for u, n, v in zip(usccs, names, values.tolist(), strict=True)]
    big = write_table(tmp_path / "税务_2024.csv", [("", [], ["纳税人识别号", "纳税人名称", *TAX], rows)], encoding="gbk")
    engine.dispose()
    return url, big, usccs


def test_sigkill_mid_write_leaves_the_store_as_before(zone: tuple[str, Path, list[str]]) -> None:
    url, big, usccs = zone
    engine = store.make_engine(url)
    before = snapshot(engine)
    engine.dispose()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(big), str(YEAR)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    killed_at = None
    writing = _writing_probe(url)
    deadline = time.monotonic() + 300
    for line in child.stdout:
        parts = line.split()
        if parts and parts[0] == "STATUS" or time.monotonic() > deadline:
            break
        done, total = int(parts[0]), int(parts[1])
        # Past half the importer is writing; once the WAL holds uncommitted pages, kill it.
        if total and 0.5 < done / total < 0.9 and writing():
            os.kill(child.pid, signal.SIGKILL)
            killed_at = done / total
            break
    child.wait(timeout=60)
    assert killed_at is not None, f"the import ended before it could be killed: {child.stderr.read() if child.stderr else ''}"
    assert child.returncode == -signal.SIGKILL

    engine = store.make_engine(url)  # opening recovers from the WAL: uncommitted frames are dropped
    assert snapshot(engine) == before
    report = import_file(engine=engine, source="tax", path=big, year=YEAR)
    assert report.status == "imported" and report.values_written == N * len(TAX)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        n = conn.execute(text("SELECT count(*) FROM rawvalue WHERE batch_id = :b"), {"b": report.batch_id}).scalar()
    assert n == N * len(TAX)
    assert snapshot(engine)["rawvalue"][0] == before["rawvalue"][0] + N * len(TAX)


def _writing_probe(url: str) -> Callable[[], bool]:
    """Whether the child is inside its write transaction with rows written (see the docstring)."""
    if url.startswith("sqlite"):
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        return lambda: wal.exists() and wal.stat().st_size > 1 << 20
    watcher = store.connect_engine(url)

    def copying() -> bool:
        with watcher.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND xact_start IS NOT NULL AND query LIKE 'COPY rawvalue%'")).scalar_one() > 0

    return copying
