"""Latency of the assistant per turn over HTTP, without an LLM: `POST /api/chat` against the real server.

The server is started as a deployment starts it (`innopoints serve --workers N`, default 2 as in
`benchmarks/api.py` — one per core; sessions live in the store, so any worker answers any turn — on
127.0.0.1 and a free port, with `benchmarks/api.py`'s helpers) on the demo zone; the benchmark waits for `/api/ready`,
logs the demo users in (`POST /api/auth/token`) and plays sessions: each a dialogue of the quality
set or a single question, as its role, its turns in order with the `session_id` the first reply
returned. Latency is client-side, from sending the request to having read the whole answer.

- **1 client**: the sessions one after the other on one kept-alive connection.
- **20 concurrent sessions**: 20 clients (each its own connection) take the next session as they
  finish one, so 20 sessions are always in flight.

One warm-up pass over the plan comes first (not counted: it builds the portraits and the run data
the answers read, as a server that has been up a while has them), then `--repeat` measured runs of
both; each figure is the median over the runs (percentiles per `benchmarks/stats.py`). Baseline, in
the same run: 50 sequential `GET /api/health` on one connection (the HTTP floor under every turn).
A status other than 200 is counted and left out of the percentiles. The per-user limit on chat
messages is switched off for the measurement (`INNOPOINTS_CHAT_TURNS_PER_MINUTE=0`): 20 sessions
of four users would otherwise meet it, and what is measured is the time per turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from api import HOST, free_port, server_command, stop, tail, wait_healthy
from stats import percentiles

READY_TIMEOUT_S = 600.0  # the first start of a fresh zone loads the search index (tens of seconds loaded)
REQUEST_TIMEOUT_S = 60.0
PASSWORDS = {"official": "demo-official-2026", "enterprise1": "demo-enterprise-2026",
             "enterprise2": "demo-enterprise-2026", "enterprise3": "demo-enterprise-2026"}
TARGETS_MS = {1: 100.0, 20: 300.0}


@dataclass
class Sample:
    latencies_s: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    wall_s: float = 0.0

    def figures(self) -> dict[str, float]:
        p50, p95, p99 = (round(x * 1000, 1) for x in percentiles(self.latencies_s, 50, 95, 99))
        return {"turns": len(self.latencies_s), "p50_ms": p50, "p95_ms": p95, "p99_ms": p99,
                "errors": sum(n for s, n in self.statuses.items() if s != "200")}


Session = tuple[str, list[str]]  # (role, messages)


@contextlib.contextmanager
def running_server(data_dir: Path, log_path: Path, extra_env: dict[str, str], workers: int) -> Iterator[str]:
    """`innopoints serve --workers N` on a free local port until the block ends; yields its URL."""
    port = free_port()
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_ENVIRONMENT": "development",
           "PYTHONUNBUFFERED": "1", **extra_env}
    root = Path(__file__).resolve().parents[1]
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(server_command(port, workers), cwd=root, env=env, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://{HOST}:{port}"
            wait_healthy(url, proc, log_path)
            _wait_ready(url, proc, log_path)
            yield url
        finally:
            stop(proc)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=url, timeout=5.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{tail(log_path.read_text(errors='replace'))}")
            with contextlib.suppress(httpx.HTTPError):
                r = client.get("/api/ready")
                # Measured as served once warm: the evaluations are scored ahead in the background.
                if r.status_code == 200 and r.json().get("evaluations"):
                    return
            time.sleep(0.5)
    raise RuntimeError(f"/api/ready did not answer 200 within {READY_TIMEOUT_S:.0f} s")


async def tokens(url: str) -> dict[str, str]:
    out = {}
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=REQUEST_TIMEOUT_S) as client:
        for user, password in PASSWORDS.items():
            r = await client.post("/api/auth/token", data={"username": user, "password": password})
            if r.status_code != 200:
                raise RuntimeError(f"login as {user} failed: {r.status_code} {r.text[:200]}")
            out[user] = r.json()["access_token"]
    return out


async def play(client: httpx.AsyncClient, session: Session, auth: dict[str, str], sample: Sample) -> None:
    role, messages = session
    headers = {"Authorization": f"Bearer {auth[role]}"} if role in auth else {}
    session_id = None
    for message in messages:
        body = {"message": message, **({"session_id": session_id} if session_id else {})}
        t0 = time.perf_counter()
        try:
            r = await client.post("/api/chat", json=body, headers=headers)
            await r.aread()
        except httpx.HTTPError as exc:
            sample.statuses[type(exc).__name__] += 1
            continue
        elapsed = time.perf_counter() - t0
        sample.statuses[str(r.status_code)] += 1
        if r.status_code == 200:
            sample.latencies_s.append(elapsed)
            session_id = r.json().get("session_id") or session_id


async def run_sessions(url: str, plan: Sequence[Session], auth: dict[str, str], concurrency: int) -> Sample:
    sample = Sample()
    queue = iter(plan)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=REQUEST_TIMEOUT_S) as client:
            for session in queue:
                await play(client, session, auth, sample)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sample.wall_s = time.perf_counter() - t0
    return sample


async def health_floor_ms(url: str, n: int = 50) -> float:
    lat = []
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=REQUEST_TIMEOUT_S) as client:
        for _ in range(n):
            t0 = time.perf_counter()
            await client.get("/api/health")
            lat.append(time.perf_counter() - t0)
    return round(statistics.median(lat) * 1000, 2)


async def measure(url: str, plan: Sequence[Session], *, repeat: int, concurrencies: Sequence[int]) -> dict[str, object]:
    auth = await tokens(url)
    await run_sessions(url, plan, auth, max(concurrencies))  # warm-up, not counted
    runs: dict[int, list[dict[str, float]]] = {c: [] for c in concurrencies}
    floors = []
    for _ in range(repeat):
        floors.append(await health_floor_ms(url))
        for c in concurrencies:
            runs[c].append((await run_sessions(url, plan, auth, c)).figures())
    median = {c: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for c, rs in runs.items()}
    return {"sessions": len(plan), "turns_per_run": sum(len(m) for _, m in plan), "repeat": repeat,
            "health_p50_ms": statistics.median(floors), "median": median, "runs": runs}


def latency(data_dir: Path, plan: Sequence[Session], *, repeat: int, concurrencies: Sequence[int],
            log_path: Path, extra_env: dict[str, str], workers: int = 2) -> dict[str, object]:
    """Start the server on ``data_dir``, play ``plan`` (see the module docstring), stop the server."""
    with running_server(data_dir, log_path, extra_env, workers) as url:
        rep = asyncio.run(measure(url, plan, repeat=repeat, concurrencies=concurrencies))
    return {**rep, "workers": workers, "load_average": os.getloadavg()}


def print_latency(rep: dict[str, object]) -> None:
    med = rep["median"]
    assert isinstance(med, dict)
    print(f"\nLatency per turn over HTTP (POST /api/chat, no LLM; innopoints serve --workers {rep['workers']}), "
          f"{rep['sessions']} sessions / {rep['turns_per_run']} turns per run, median of {rep['repeat']} runs "
          f"after a warm-up pass; load average at the end {', '.join(f'{x:.1f}' for x in rep['load_average'])}:")
    print(f"{'clients':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  target p95")
    for c, f in med.items():
        target = TARGETS_MS.get(int(c))
        verdict = "" if target is None else f"≤ {target:g} ms: {'met' if f['p95_ms'] <= target else 'NOT met'}"
        print(f"{c:>8} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} {f['p99_ms']:>8.1f} {f['errors']:>7.0f}  {verdict}")
    runs = rep["runs"]
    assert isinstance(runs, dict)
    print("runs (p95 ms): " + "; ".join(f"{c} clients: " + ", ".join(f"{r['p95_ms']:.1f}" for r in rs)
                                        for c, rs in runs.items()))
    print(f"baseline: GET /api/health, 1 client, p50 {rep['health_p50_ms']} ms")


__all__ = ["Session", "latency", "print_latency"]
