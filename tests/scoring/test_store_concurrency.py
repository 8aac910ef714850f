"""Concurrency and faults of the store, on SQLite and PostgreSQL: a publish while 50 clients read,
two imports of one file at once, kill -9 of a score run; and on SQLite a read-only file and a full
disk. Threads meet at barriers and events, never at a time."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from scoring import store
from scoring.demo.build import Demo, build_demo
from scoring.demo.files import write_table
from scoring.ingest.importer import import_file
from scoring.store.pipeline import score_year, system_for_year, write_sources, zone_systems
from scoring.uscc import make_usccs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
N = 150
READERS = 50


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo(n=N)


@pytest.fixture
def zone(store_url: str, demo: Demo) -> Engine:
    engine = store.make_engine(store_url)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    return engine


def _score(engine: Engine, year: int) -> int:
    system, content = system_for_year(year, zone_systems())
    run_id, _ = score_year(engine=engine, system=system, content=content, year=year)
    return run_id


def _observe(engine: Engine, year: int) -> tuple[int, int, int]:
    """What a reader sees: the published run, its enterprise rows and its indicator rows."""
    with Session(engine) as session:
        run = store.latest_run(session=session, year=year)
        scores = session.exec(select(func.count()).select_from(store.EnterpriseScore).where(store.EnterpriseScore.run_id == run.id)).one()
        indicators = session.exec(select(func.count()).select_from(store.IndicatorScore).where(store.IndicatorScore.run_id == run.id)).one()
    assert run.id is not None
    return run.id, int(scores), int(indicators)


# ----------------------------------------------------------------------------- publish while reading
def test_a_publish_while_50_clients_read_shows_the_old_run_or_the_new_never_a_mix(zone: Engine, demo: Demo) -> None:
    year = max(demo.raw)
    old = _score(zone, year)
    before = _observe(zone, year)
    start = threading.Barrier(READERS + 1)
    done = threading.Event()
    seen: list[Counter[tuple[int, int, int]]] = [Counter() for _ in range(READERS)]
    errors: list[BaseException] = []

    def read(i: int) -> None:
        try:
            start.wait()
            while not done.is_set():
                seen[i][_observe(zone_readers, year)] += 1
            seen[i][_observe(zone_readers, year)] += 1  # after the publish
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    # The readers have their own engine with a connection each: the store's pool is sized for the
    # service's 40 threads, and 50 threads queueing for 40 connections tests the pool, not the store.
    zone_readers = create_engine(zone.url, pool_size=READERS, max_overflow=0,
                                 connect_args={"check_same_thread": False} if zone.dialect.name == "sqlite" else {})
    for t in readers:
        t.start()
    start.wait()
    try:
        new = _score(zone, year)
    finally:
        done.set()
        for t in readers:
            t.join()
    zone_readers.dispose()
    assert errors == []
    after = _observe(zone, year)
    assert before[0] == old and after[0] == new != old and after[1:] == before[1:]
    total = sum(seen, Counter())
    assert set(total) <= {before, after}, total  # a run is seen whole or not at all
    assert all(s[after] >= 1 for s in seen)  # every reader saw the new one in the end


# ----------------------------------------------------------------------------- two imports at once
def test_two_imports_of_one_file_at_once_write_it_once(zone: Engine, demo: Demo, tmp_path: Path) -> None:
    usccs = list(demo.enterprises.index)[:80]
    rows = [[u, 1000.0 + i, 50.0 + i] for i, u in enumerate(usccs)]
    path = write_table(tmp_path / "税务.csv", [("", [], ["统一社会信用代码", "营业收入（万元）", "研发费用（万元）"], rows)])
    year = max(demo.raw)
    with Session(zone) as session:
        values_before = store.count_rows(session=session, table=store.RawValue)
    start = threading.Barrier(2)
    reports: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            reports.append(import_file(engine=zone, source="tax", path=path, year=year))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    both = [threading.Thread(target=run) for _ in range(2)]
    for t in both:
        t.start()
    for t in both:
        t.join()
    assert errors == []
    statuses = sorted(r.status for r in reports)  # type: ignore[attr-defined]
    assert statuses == ["imported", "unchanged"]
    unchanged = next(r for r in reports if r.status == "unchanged")  # type: ignore[attr-defined]
    assert "本次未写入任何数据" in " ".join(unchanged.warnings)  # type: ignore[attr-defined]
    with Session(zone) as session:
        sha = reports[0].sha256  # type: ignore[attr-defined]
        batches = session.exec(select(store.Batch).where(store.Batch.sha256 == sha)).all()
        assert len(batches) == 1
        assert store.count_rows(session=session, table=store.RawValue) == values_before + 2 * len(usccs)


# ----------------------------------------------------------------------------- kill -9 of a score run
CHILD = """
import sys
from scoring import store
from scoring.store.pipeline import score_year, system_for_year, zone_systems

engine = store.make_engine(sys.argv[1])
year = int(sys.argv[2])
system, content = system_for_year(year, zone_systems())
def tick(i):
    print(i, flush=True)
score_year(engine=engine, system=system, content=content, year=year, progress=tick)
print("DONE", flush=True)
"""


def test_kill_9_of_a_score_run_leaves_nothing_half_written(zone: Engine, demo: Demo, store_url: str) -> None:
    year = max(demo.raw)
    old = _score(zone, year)
    with zone.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("scorerun", "enterprisescore", "indicatorscore", "runmatrix", "cohortstat", "enterpriseadvice")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, store_url, str(year)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None
    killed = False
    for line in child.stdout:  # a progress line comes after each indicator's rows went in, uncommitted
        if line.strip() == "1":
            os.kill(child.pid, signal.SIGKILL)
            killed = True
            break
    child.wait()
    assert killed and child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    engine = store.make_engine(store_url)
    try:
        with engine.connect() as conn:
            after = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in counts}
        assert after == counts
        assert _observe(engine, year)[0] == old
        assert _score(engine, year) > old  # and the next run publishes
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- SQLite: read-only, disk full
@pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
def test_a_read_only_sqlite_store_refuses_writes_clearly(zone: Engine, store_url: str, tmp_path: Path) -> None:
    from assistant.api.errors import database_refusal

    zone.dispose()
    path = Path(store_url.removeprefix("sqlite:///"))
    for f in path.parent.glob(path.name + "*"):
        f.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        # Root writes through file modes: there the file is opened read-only, as a read-only mount would.
        url = f"sqlite:///file:{path}?mode=ro&uri=true" if os.geteuid() == 0 else f"sqlite:///{path}"
        engine = store.connect_engine(url)
        with pytest.raises(OperationalError) as caught, engine.begin() as conn:
            conn.execute(text("INSERT INTO systemversion (version, name, year, content, sha256, loaded_at) "
                              "VALUES ('x', 'x', 2024, '', '', '2024-01-01')"))
        refusal = database_refusal(caught.value)
        assert refusal is not None and refusal[1] == "database_read_only" and "只读" in refusal[2]
        engine.dispose()
    finally:
        path.parent.chmod(0o755)
        for f in path.parent.glob(path.name + "*"):
            f.chmod(0o644)


@pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)
def test_a_full_disk_refuses_an_import_clearly_and_keeps_nothing(zone: Engine, store_url: str, demo: Demo, tmp_path: Path) -> None:
    """SQLite's max_page_count is the disk filling up: the import fails with 'database or disk is
    full' and the store keeps nothing of it."""
    from assistant.api.errors import database_refusal

    rng = np.random.default_rng(5)
    usccs = make_usccs(rng, 3000)
    path = write_table(tmp_path / "工商.csv", [("", [], ["统一社会信用代码", "企业名称", "成立日期"],
                                                [[u, f"常州满盘{i:05d}科技有限公司", "2015-06-01"] for i, u in enumerate(usccs)])])
    with zone.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        before = conn.execute(text("SELECT count(*) FROM enterprise")).scalar_one()

    from sqlalchemy import event

    @event.listens_for(zone, "connect")
    def _small_disk(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {pages + 8}")

    zone.dispose()  # every new connection sees the small disk
    with pytest.raises(OperationalError) as caught:
        import_file(engine=zone, source="register", path=path, year=max(demo.raw))
    refusal = database_refusal(caught.value)
    assert refusal is not None and refusal[:2] == (507, "database_disk_full") and "磁盘已满" in refusal[2]
    with zone.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprise")).scalar_one() == before
        assert conn.execute(text("SELECT count(*) FROM batch WHERE source = 'register' AND file = '工商.csv'")).scalar_one() == 0
    assert shutil.disk_usage(tmp_path).free > 0
