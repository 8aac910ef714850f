"""The two stores side by side: SQLite (the file) and PostgreSQL (a throwaway local cluster).

Figures, each the median of `--repeat` runs on each store:
- demo: `innopoints demo --no-index --size N` into an empty store (child process, wall seconds);
- import: the GBK tax CSV of benchmarks/ingest.py (`--rows`, 20 columns) into a fresh copy of a
  store holding its register (rows/s; PostgreSQL writes with COPY);
- publish: `score_year` of one year at `--firms` synthetic enterprises, each in a child process
  (seconds; the child's peak RSS in MiB; the run's rows go in with COPY on PostgreSQL);
- portraits: `innopoints serve --workers 4` on the demo store, `--clients` concurrent clients asking
  for enterprise portraits for `--load-seconds` (p95 ms as benchmarks/stats.py defines it, errors);
- soak (PostgreSQL only, `--soak-seconds`): the same load for longer; errors and the workers' RSS
  at its start and end.

The PostgreSQL cluster is started like the tests' (tests/pg_cluster.py: Unix socket, fsync off:
this measures the code, not the disk). Keep runs short on a shared machine:

    .venv/bin/python benchmarks/store.py --size 300 --rows 20000 --firms 5000 --load-seconds 15 --soak-seconds 60
    .venv/bin/python benchmarks/store.py            # the issue's sizes: 2,791 firms, 100k rows, 100k firms, 5-min soak
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leanhttp import Connection, raw_request  # noqa: E402  # benchmarks/leanhttp.py
from stats import percentile  # noqa: E402  # benchmarks/stats.py

YEAR = 2024
CLI = [sys.executable, "-m", "assistant.cli"]


class Stores:
    """Fresh empty databases of both kinds: `url(kind, name)`."""

    def __init__(self, work: Path) -> None:
        from tests.pg_cluster import Cluster, find_binaries

        self.work = work
        bin_dir = find_binaries()
        if bin_dir is None:
            raise SystemExit("PostgreSQL is not installed (scripts/setup-env test installs it)")
        self.cluster = Cluster.start(bin_dir)

    def new(self, kind: str, name: str, template: str | None = None) -> str:
        if kind == "sqlite":
            folder = self.work / name
            folder.mkdir(parents=True, exist_ok=True)
            if template is not None:
                shutil.copy(Path(template.removeprefix("sqlite:///")), folder / "innopoints.sqlite")
            return f"sqlite:///{folder / 'innopoints.sqlite'}"
        from sqlalchemy.engine import make_url

        source = str(make_url(template).database) if template else "template0"
        return self.cluster.url(self.cluster.create(name, template=source))

    def close(self) -> None:
        self.cluster.stop()


def env_for(url: str, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOPOINTS_")}
    env |= {"INNOPOINTS_DATA_DIR": str(data), "INNOPOINTS_ENVIRONMENT": "development", "INNOPOINTS_EMBEDDER": "none",
            "INNOPOINTS_SECRET_KEY": "b" * 40, "PYTHONPATH": str(ROOT)}
    if url.startswith("postgresql"):
        env["INNOPOINTS_DATABASE_URL"] = url
    return env


# ----------------------------------------------------------------------------- demo
def demo_once(stores: Stores, kind: str, size: int, i: int) -> tuple[float, str, Path]:
    url = stores.new(kind, f"demo{i}")
    data = stores.work / f"demo{i}-{kind}"
    if kind == "sqlite":
        data = Path(url.removeprefix("sqlite:///")).parent
    t = time.perf_counter()
    subprocess.run([*CLI, "demo", "--no-index", "--size", str(size), "--force"], cwd=ROOT, env=env_for(url, data),
                   check=True, capture_output=True)
    return time.perf_counter() - t, url, data


# ----------------------------------------------------------------------------- import
def import_child(url: str, file: str) -> None:
    from scoring import store
    from scoring.ingest.importer import import_file

    engine = store.make_engine(url)
    t = time.perf_counter()
    report = import_file(engine=engine, source="tax", path=Path(file), year=YEAR)
    assert report.status == "imported", report.to_text()[:2000]
    print(json.dumps({"seconds": time.perf_counter() - t, "rows": report.rows_imported}))


def import_runs(stores: Stores, kind: str, rows: int, repeat: int, files: Path) -> list[float]:
    from ingest import generate  # benchmarks/ingest.py

    from scoring import store
    from scoring.ingest.importer import import_file

    if not (files / "tax.csv").exists():
        files.mkdir(parents=True, exist_ok=True)
        generate(rows, files)
    template = stores.new(kind, "register")
    engine = store.make_engine(template)
    import_file(engine=engine, source="register", path=files / "register.csv", year=YEAR)
    engine.dispose()
    out = []
    for i in range(repeat):
        url = stores.new(kind, f"import{i}", template=template)
        done = subprocess.run([sys.executable, __file__, "--import-child", url, str(files / "tax.csv")], cwd=ROOT,
                              check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        result = json.loads(done.stdout.strip().splitlines()[-1])
        out.append(result["rows"] / result["seconds"])
    return out


# ----------------------------------------------------------------------------- publish
def publish_child(url: str, year: str, how: str) -> None:
    """One `score_year` in this process: its seconds and the process's peak RSS (MiB). `how`
    "before": the raw values read as before 2026-12-03 (tests/scoring/raw_frames_reference.py)."""
    import resource

    from scoring import store
    from scoring.store.pipeline import score_year, system_for_year, zone_systems

    if how == "before":
        from tests.scoring.raw_frames_reference import raw_frames_reference

        store.raw_frames = raw_frames_reference  # type: ignore[assignment]  # the baseline's reader

    engine = store.make_engine(url)
    system, content = system_for_year(int(year), zone_systems())
    t = time.perf_counter()
    score_year(engine=engine, system=system, content=content, year=int(year))
    seconds = time.perf_counter() - t
    engine.dispose()
    print(json.dumps({"seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def publish_runs(stores: Stores, kind: str, firms: int, repeat: int, how: str = "now") -> list[dict[str, Any]]:
    """Each publish in a child process of its own, so that its peak RSS is the publish's; with
    `how` "before" each is followed by one as the publish was before (`publish_child`)."""
    from scoring import store
    from scoring.demo.build import build_demo
    from scoring.store.pipeline import write_sources

    demo = build_demo(n=firms)
    url = stores.new(kind, "publish")
    engine = store.make_engine(url)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="基准")
    engine.dispose()
    year = max(demo.raw)
    del demo
    out = []
    for _ in range(repeat):
        for way in ("now", "before") if how == "before" else ("now",):
            done = subprocess.run([sys.executable, __file__, "--publish-child", url, str(year), way], cwd=ROOT,
                                  check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            out.append({**json.loads(done.stdout.strip().splitlines()[-1]), "how": way})
    return out


# ----------------------------------------------------------------------------- load
def serve(url: str, data: Path, port: int, workers: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([*CLI, "serve", "--workers", str(workers), "--port", str(port)], cwd=ROOT,
                            env=env_for(url, data), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    assert proc.stdout is not None
    started = 0
    for line in proc.stdout:
        started += "Application startup complete" in line
        if started == workers:
            break
    if started < workers:
        raise SystemExit("the server did not start")
    # Keep reading its output, or its pipe fills and the workers block on logging.
    import threading

    threading.Thread(target=lambda: [None for _ in proc.stdout or []], daemon=True).start()
    return proc


def worker_rss_mib(proc: subprocess.Popen[str]) -> list[float]:
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    out = []
    for pid in children:
        if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            continue
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


async def load(base: str, clients: int, seconds: float) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=None) as c:
        token = (await c.post("/api/auth/token", data={"username": "official", "password": "demo-official-2026"})).json()["access_token"]
        items = (await c.get("/api/enterprises?page_size=100", headers={"Authorization": f"Bearer {token}"})).json()["items"]
    # Each client's requests as bytes (benchmarks/leanhttp.py: the client takes little of the CPU
    # the server it measures runs on).
    portraits = [raw_request("GET", f"{base}/api/enterprises/{i['uscc']}/portrait",
                             headers={"Authorization": f"Bearer {token}"}) for i in items]
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds

    async def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        own = Connection(base)
        try:
            while time.perf_counter() < end:
                t = time.perf_counter()
                r = await own.send(rng.choice(portraits))
                latencies.append((time.perf_counter() - t) * 1000)
                errors += r.status_code != 200
        finally:
            await own.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return {"requests": len(latencies), "errors": errors, "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95), "rps": len(latencies) / seconds}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait()


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=2791, help="demo zone size")
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the tax CSV")
    ap.add_argument("--firms", type=int, default=100_000, help="enterprises of the publish")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--load-seconds", type=float, default=30)
    ap.add_argument("--soak-seconds", type=float, default=300)
    ap.add_argument("--only", default="demo,import,publish,portraits,soak")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--stores", default="sqlite,postgresql", help="which stores to measure")
    ap.add_argument("--import-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--before", action="store_true",
                    help="also time each publish as it was before 2026-12-03 (the old raw-value reader)")
    ap.add_argument("--publish-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.import_child:
        import_child(*args.import_child)
        return
    if args.publish_child:
        publish_child(*args.publish_child)
        return
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="innopoints-store-bench-"))
    stores = Stores(work)
    figures: dict[str, dict[str, Any]] = {k: {} for k in ("sqlite", "postgresql") if k in args.stores.split(",")}
    try:
        for kind in [k for k in ("sqlite", "postgresql") if k in args.stores.split(",")]:
            f = figures[kind]
            served: tuple[str, Path] | None = None
            if "demo" in only or "portraits" in only or "soak" in only:
                times = []
                for i in range(args.repeat if "demo" in only else 1):
                    seconds, url, data = demo_once(stores, kind, args.size, i)
                    times.append(seconds)
                    served = (url, data)
                if "demo" in only:
                    f["demo_s"] = statistics.median(times)
                print(kind, "demo", times, "load", os.getloadavg(), file=sys.stderr, flush=True)
            if "import" in only:
                rates = import_runs(stores, kind, args.rows, args.repeat, work / "files")
                f["import_rows_per_s"] = statistics.median(rates)
                print(kind, "import", rates, "load", os.getloadavg(), file=sys.stderr, flush=True)
            if "publish" in only:
                runs = publish_runs(stores, kind, args.firms, args.repeat, "before" if args.before else "now")
                for way, name in (("now", "publish"), ("before", "publish_before")):
                    mine = [r for r in runs if r["how"] == way]
                    if mine:
                        f[f"{name}_s"] = statistics.median(float(r["seconds"]) for r in mine)
                        f[f"{name}_peak_rss_mib"] = max(float(r["peak_rss_mib"]) for r in mine)
                print(kind, "publish", runs, "load", os.getloadavg(), file=sys.stderr, flush=True)
            if served and ("portraits" in only or ("soak" in only and kind == "postgresql")):
                port = free_port()
                proc = serve(*served, port, args.workers)
                try:
                    base = f"http://127.0.0.1:{port}"
                    if "portraits" in only:
                        runs = [asyncio.run(load(base, args.clients, args.load_seconds)) for _ in range(args.repeat)]
                        f["portrait_p95_ms"] = statistics.median(r["p95_ms"] for r in runs)
                        f["portrait_rps"] = statistics.median(r["rps"] for r in runs)
                        f["portrait_errors"] = sum(r["errors"] for r in runs)
                        print(kind, "portraits", runs, "load", os.getloadavg(), file=sys.stderr, flush=True)
                    if "soak" in only and kind == "postgresql":
                        start_rss = worker_rss_mib(proc)
                        soak = asyncio.run(load(base, args.clients, args.soak_seconds))
                        f["soak"] = {**soak, "seconds": args.soak_seconds, "rss_start_mib": start_rss,
                                     "rss_end_mib": worker_rss_mib(proc)}
                finally:
                    stop(proc)
    finally:
        stores.close()
        shutil.rmtree(work, ignore_errors=True)
    figures["command"] = {"argv": " ".join(sys.argv[1:]), "cpus": os.cpu_count(), "load_1min": os.getloadavg()[0]}
    print(json.dumps(figures, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
