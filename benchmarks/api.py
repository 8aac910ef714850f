"""HTTP API load: portrait and ranking requests against the real server, N concurrent clients.

What it measures: latency (p50 / p95 / p99 / max, client-side, from sending the request to having
read the whole answer) and throughput (requests per second over the wall time) of two read
endpoints under load, as an official would call them:

    portrait  GET /api/enterprises/{uscc}/portrait          a random USCC of 500 collected ones
    ranking   GET /api/rankings?stage=<random stage>&size=20  stage of startup/growth/development/mature

Against what: the real service, started as a subprocess exactly as a deployment would start it —
`python -m assistant.cli.main serve --host 127.0.0.1 --port <free> --workers 2` (uvicorn behind our
`innopoints serve`, whose listening socket carries TCP_NODELAY) —
on the 2,791-enterprise demo zone (`innopoints demo`, built into `--data-dir` when its
`innopoints.sqlite` is missing; ~50 s). Every request carries the bearer token of the demo official
(`POST /api/auth/token`, OAuth2 password flow). Only 127.0.0.1 is contacted. The load generator
(httpx.AsyncClient) runs on the same machine and shares its cores with the server, so the figures
are a lower bound of what the server does alone. By default each simulated client has its own
AsyncClient with one kept-alive connection (`--concurrency` connections in all), as each browser
would; `--shared-client` uses one AsyncClient whose pool holds `--concurrency` connections instead —
httpcore's pool then costs the load generator about 2.5 times the CPU per request at 50 connections,
which on a small machine shows up as server latency.

Load generator (`--driver`): `wrk` (Debian's package `wrk`; the default when it is installed) is a C
program whose two threads keep `--concurrency` connections busy for `--duration` seconds each,
costing the shared cores a small fraction of what a Python client costs — so what is measured is
the server; `httpx` is the pure-Python fallback described below. With wrk, `--warmup` seconds of the
same load run first (not counted), so both workers' caches see the request mix.

With the httpx driver, each endpoint gets `--warmup` requests (not counted), then `--requests` requests spread over
`--concurrency` clients; the whole measurement — a freshly started server (cold caches), log-in,
warm-up, both endpoints — is repeated `--repeat` times, and every figure shown is the median over
those runs (the error count is also given summed over all runs; `--json` adds each run's figures).
Requests are drawn from a seeded RNG (`--seed`), so every run asks for the same sequence. Before
each run, 50 sequential GET /api/health on one kept-alive connection give the floor under every
latency (about 40 ms instead of a few means the server's sockets lack TCP_NODELAY).

Target: portrait p95 <= 50 ms at 50 concurrent clients, 0 errors.

    .venv/bin/python benchmarks/api.py                                  # temporary demo zone
    .venv/bin/python benchmarks/api.py --data-dir var --repeat 5        # reuse/build var/innopoints.sqlite
    .venv/bin/python benchmarks/api.py --requests 300 --repeat 1 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

import httpx
from stats import percentile  # benchmarks/stats.py: wrk's definition, so both drivers report alike

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STAGES = ("startup", "growth", "development", "mature")
USERNAME = "official"
PASSWORD = "demo-official-2026"
HEALTH_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
REQUEST_TIMEOUT_S = 30.0
TARGET_P95_MS = 50.0
TARGET_CONCURRENCY = 50
BASELINE_REQUESTS = 50
COLD_SAMPLE = 30
COLD = "portrait-1st"  # first requests for a portrait, one client at a time
NAGLE_SUSPECT_MS = 30.0
FIGURES = ("requests", "concurrency", "wall_s", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors")


@dataclass(frozen=True)
class Config:
    data_dir: Path | None
    concurrency: int
    requests: int
    warmup: int
    repeat: int
    usccs: int
    workers: int
    seed: int
    json_out: bool
    shared_client: bool
    driver: str = "httpx"
    duration: float = 10.0


@dataclass
class Sample:
    """The raw outcome of one measured batch of requests against one endpoint."""

    latencies_s: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    wall_s: float = 0.0


# --- setup: demo database, server process -----------------------------------------------------


def server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["INNOPOINTS_DATA_DIR"] = str(data_dir)
    env["INNOPOINTS_ENVIRONMENT"] = "development"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ensure_demo(data_dir: Path, log: Callable[[str], None]) -> None:
    """Build the demo zone into `data_dir` unless its SQLite file is already there."""
    if (data_dir / "innopoints.sqlite").exists():
        log(f"using the existing demo database {data_dir / 'innopoints.sqlite'}")
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    log(f"building the demo zone into {data_dir} (innopoints demo, ~50 s) ...")
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", "demo"],
        cwd=ROOT, env=server_env(data_dir), capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        for suffix in ("", "-wal", "-shm"):  # half-built: let the next run build it again
            Path(f"{data_dir / 'innopoints.sqlite'}{suffix}").unlink(missing_ok=True)
        raise RuntimeError(f"`innopoints demo` failed (exit {done.returncode}):\n{tail(done.stdout + done.stderr)}")
    log(f"demo zone built in {time.perf_counter() - t0:.0f} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "assistant.cli.main", "serve",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
    ]


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll GET /api/health until it answers 200; fail if the server exits or 60 s pass."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode} before it was healthy:\n"
                                   f"{tail(log_path.read_text(errors='replace'))}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/api/health").status_code == 200:
                    return
            time.sleep(0.25)
    raise RuntimeError(f"GET /api/health did not answer 200 within {HEALTH_TIMEOUT_S:.0f} s:\n"
                       f"{tail(log_path.read_text(errors='replace'))}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the uvicorn supervisor (it stops its workers), then SIGKILL whatever is left of its group.

    The server runs in its own session, so its process group holds only it and its workers."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=STOP_TIMEOUT_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def running_server(data_dir: Path, workers: int, log_path: Path) -> Iterator[tuple[str, list[str]]]:
    """Start the server on a free local port; yield (base URL, command); always stop it."""
    port = free_port()
    cmd = server_command(port, workers)
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(data_dir), stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base_url = f"http://{HOST}:{port}"
            wait_healthy(base_url, proc, log_path)
            yield base_url, cmd
        finally:
            stop(proc)


# --- client: login, USCCs, load -------------------------------------------------------------


def new_client(base_url: str, concurrency: int, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits,
                             timeout=httpx.Timeout(REQUEST_TIMEOUT_S), trust_env=False)


async def login(base_url: str) -> str:
    async with new_client(base_url, 1) as client:
        r = await client.post("/api/auth/token", data={"username": USERNAME, "password": PASSWORD})
    if r.status_code != 200:
        raise RuntimeError(f"login as {USERNAME!r} failed: {r.status_code} {r.text[:300]}")
    token = r.json().get("access_token")
    if not isinstance(token, str) or not token:
        raise RuntimeError(f"login answer has no access_token: {r.text[:300]}")
    return token


@contextlib.asynccontextmanager
async def clients(base_url: str, token: str, cfg: Config) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One AsyncClient per simulated client (default) or one shared by all; closed on exit."""
    async with contextlib.AsyncExitStack() as stack:
        if cfg.shared_client:
            yield [await stack.enter_async_context(new_client(base_url, cfg.concurrency, token))]
        else:
            yield [await stack.enter_async_context(new_client(base_url, 1, token)) for _ in range(cfg.concurrency)]


async def collect_usccs(client: httpx.AsyncClient, want: int, page_size: int = 100) -> list[str]:
    """Page through GET /api/enterprises until `want` USCCs (or the zone) are collected."""
    usccs: list[str] = []
    for page in range(1, math.ceil(want / page_size) + 1):
        r = await client.get("/api/enterprises", params={"size": page_size, "page": page})
        r.raise_for_status()
        body = r.json()
        items = body.get("items", [])
        usccs.extend(str(item["uscc"]) for item in items)
        if not items or page * page_size >= int(body.get("total", 0)):
            break
    if not usccs:
        raise RuntimeError("GET /api/enterprises returned no enterprises")
    return usccs[:want]


def portrait_paths(rng: random.Random, usccs: list[str], n: int) -> list[str]:
    return [f"/api/enterprises/{quote(rng.choice(usccs), safe='')}/portrait" for _ in range(n)]


def ranking_paths(rng: random.Random, n: int) -> list[str]:
    return [f"/api/rankings?stage={rng.choice(STAGES)}&size=20" for _ in range(n)]


async def one_request(client: httpx.AsyncClient, path: str, sample: Sample) -> None:
    t0 = time.perf_counter()
    try:
        r = await client.get(path)
    except httpx.HTTPError as exc:
        sample.latencies_s.append(time.perf_counter() - t0)
        sample.statuses[type(exc).__name__] += 1
        sample.errors += 1
        return
    sample.latencies_s.append(time.perf_counter() - t0)
    sample.statuses[str(r.status_code)] += 1
    if not 200 <= r.status_code < 300:
        sample.errors += 1


async def load(pool: Sequence[httpx.AsyncClient], paths: list[str], concurrency: int) -> Sample:
    """Send every path once, from `concurrency` clients taking the next path as they finish.

    Client i sends through pool[i % len(pool)]: its own AsyncClient, or the one shared by all."""
    sample = Sample()
    queue = iter(paths)  # shared by the clients; each path is taken exactly once

    async def worker(client: httpx.AsyncClient) -> None:
        for path in queue:
            await one_request(client, path, sample)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(pool[i % len(pool)]) for i in range(concurrency)))
    sample.wall_s = time.perf_counter() - t0
    return sample


# --- wrk driver ---------------------------------------------------------------------------------

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["Accept-Encoding"] = "gzip, deflate"  -- as every browser and httpx send it
local threads, n = {}, 0
setup = function(thread) n = n + 1; thread:set("offset", n * 7919); table.insert(threads, thread) end
local i = 0
init = function(args) i = offset or 0 end
request = function() i = i + 1; return wrk.format("GET", paths[(i %% #paths) + 1]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class WrkSample:
    """What one wrk run reports (percentiles come from wrk's own histogram)."""

    figures: dict[str, float]
    statuses: Counter[str] = field(default_factory=Counter)


def wrk_load(base_url: str, token: str, paths: list[str], cfg: Config, seconds: float, tmp: Path) -> WrkSample:
    """Run wrk over `paths` (cycled, each thread from its own offset) for `seconds`."""
    (tmp / "paths.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = tmp / "load.lua"
    script.write_text(WRK_SCRIPT % {"paths": tmp / "paths.txt", "token": token}, encoding="utf-8")
    cmd = ["wrk", "-t2", f"-c{cfg.concurrency}", f"-d{max(1, round(seconds))}s",
           f"--timeout={REQUEST_TIMEOUT_S:.0f}s", "-s", str(script), base_url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    w = json.loads(line[len("WRK-JSON "):])
    errors = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    wall = w["duration_us"] / 1e6
    statuses: Counter[str] = Counter({"2xx/3xx": w["requests"] - w["status"]})
    for kind in ("connect", "read", "write", "status", "timeout"):
        if w[kind]:
            statuses["non-2xx" if kind == "status" else kind] += w[kind]
    return WrkSample({
        "requests": w["requests"], "concurrency": cfg.concurrency, "wall_s": round(wall, 3),
        "rps": round(w["requests"] / wall, 1), "p50_ms": round(w["p50_us"] / 1000, 1),
        "p95_ms": round(w["p95_us"] / 1000, 1), "p99_ms": round(w["p99_us"] / 1000, 1),
        "max_ms": round(w["max_us"] / 1000, 1), "errors": errors,
    }, statuses)


async def wrk_run(base_url: str, cfg: Config, tmp: Path) -> dict[str, WrkSample]:
    """Log in, collect USCCs, then wrk each endpoint: `--warmup` s not counted, `--duration` s measured."""
    rng = random.Random(cfg.seed)
    token = await login(base_url)
    async with clients(base_url, token, replace(cfg, concurrency=1, shared_client=True)) as pool:
        usccs = await collect_usccs(pool[0], cfg.usccs)
    plan = {"portrait": portrait_paths(rng, usccs, 5000), "ranking": ranking_paths(rng, 5000)}
    # First portraits are built (about ten ms each) and then kept in the store shared by the workers:
    # time some first requests one at a time, then ask for every sampled portrait once, so that the
    # load below measures the steady state rather than the warm-up.
    async with new_client(base_url, 8, token) as client:
        cold = Sample()
        for uscc in usccs[:COLD_SAMPLE]:
            await one_request(client, f"/api/enterprises/{quote(uscc, safe='')}/portrait", sample=cold)
        await load([client], sorted(set(plan["portrait"])), 8)
    out: dict[str, Sample | WrkSample] = {COLD: cold}
    for name, paths in plan.items():
        if cfg.warmup:
            await asyncio.to_thread(wrk_load, base_url, token, paths, cfg, cfg.warmup, tmp)
        out[name] = await asyncio.to_thread(wrk_load, base_url, token, paths, cfg, cfg.duration, tmp)
    return out


# --- figures ----------------------------------------------------------------------------------


def figures(sample: Sample | WrkSample, concurrency: int) -> dict[str, float]:
    if isinstance(sample, WrkSample):
        return sample.figures
    lat = sorted(sample.latencies_s)
    n = len(lat)
    return {
        "requests": n,
        "concurrency": concurrency,
        "wall_s": round(sample.wall_s, 3),
        "rps": round(n / sample.wall_s, 1) if sample.wall_s else float("nan"),
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else float("nan"),
        "errors": sample.errors,
    }


def median_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in FIGURES}


# --- one run, all runs ------------------------------------------------------------------------


async def measure_endpoint(pool: Sequence[httpx.AsyncClient], make: Callable[[int], list[str]],
                           cfg: Config) -> Sample:
    if cfg.warmup:
        await load(pool, make(cfg.warmup), cfg.concurrency)
    return await load(pool, make(cfg.requests), cfg.concurrency)


async def baseline_ms(base_url: str) -> float:
    """p50 of GET /api/health, one client, one kept-alive connection: the floor under every figure.

    A floor near 40 ms on Linux means the server's sockets lack TCP_NODELAY (Nagle's algorithm
    meets the client's delayed ACK on each kept-alive request after the first)."""
    async with new_client(base_url, 1) as client:
        await client.get("/api/health")  # opens the connection
        sample = await load([client], ["/api/health"] * BASELINE_REQUESTS, 1)
    return figures(sample, 1)["p50_ms"]


async def one_run(base_url: str, cfg: Config) -> dict[str, Sample]:
    """Log in, collect USCCs, then load portrait and ranking in turn (same request sequence every run)."""
    rng = random.Random(cfg.seed)
    token = await login(base_url)  # a fresh token per run: a long benchmark outlives none
    async with clients(base_url, token, cfg) as pool:
        usccs = await collect_usccs(pool[0], cfg.usccs)
        endpoints: dict[str, Callable[[int], list[str]]] = {
            "portrait": lambda n: portrait_paths(rng, usccs, n),
            "ranking": lambda n: ranking_paths(rng, n),
        }
        return {name: await measure_endpoint(pool, make, cfg) for name, make in endpoints.items()}


async def measure(base_url: str, cfg: Config, tmp: Path) -> tuple[float, dict[str, Sample | WrkSample]]:
    """One whole measurement against a fresh server: the health floor, then both endpoints."""
    floor = await baseline_ms(base_url)
    if cfg.driver == "wrk":
        return floor, await wrk_run(base_url, cfg, tmp)
    return floor, await one_run(base_url, cfg)


def report(floors_ms: list[float], runs: list[dict[str, Sample | WrkSample]], cfg: Config, cmd: list[str]) -> dict[str, object]:
    names = list(runs[0])
    per_run = {name: [figures(r[name], 1 if name == COLD else cfg.concurrency) for r in runs] for name in names}
    endpoints = {}
    for name in names:
        statuses: Counter[str] = Counter()
        for r in runs:
            statuses.update(r[name].statuses)
        endpoints[name] = {**median_figures(per_run[name]), "errors_all_runs": sum(f["errors"] for f in per_run[name]),
                           "statuses_all_runs": dict(sorted(statuses.items())), "runs": per_run[name]}
    portrait = endpoints.get("portrait", {})
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "statistic": f"median of {cfg.repeat} run(s)",
        "runs": cfg.repeat,
        "server_command": " ".join(Path(cmd[0]).name if i == 0 else a for i, a in enumerate(cmd)),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "client": (f"wrk, 2 threads, {cfg.concurrency} kept-alive connections, {cfg.duration:g} s per endpoint "
                   f"after {cfg.warmup} s of warm-up, on the same machine" if cfg.driver == "wrk" else
                   f"httpx {httpx.__version__} on the same machine, "
                   + (f"one AsyncClient shared by all, pool of {cfg.concurrency} connections"
                      if cfg.shared_client else "one AsyncClient and kept-alive connection per client")
                   + f", timeout {REQUEST_TIMEOUT_S:.0f} s"),
        "warmup_per_endpoint": f"{cfg.warmup} s" if cfg.driver == "wrk" else f"{cfg.warmup} requests",
        "seed": cfg.seed,
        "usccs": cfg.usccs,
        "baseline_health_p50_ms": round(statistics.median(floors_ms), 1),
        "endpoints": endpoints,
        "target": {
            "portrait_p95_ms_max": TARGET_P95_MS, "at_concurrency": TARGET_CONCURRENCY, "errors": 0,
            "met": bool(portrait) and cfg.concurrency >= TARGET_CONCURRENCY
            and portrait["p95_ms"] <= TARGET_P95_MS and portrait["errors_all_runs"] == 0,
        },
    }


def print_text(rep: dict[str, object]) -> None:
    print(f"date {rep['date']}  cores {rep['cores']} (usable {rep['cores_usable']})  {rep['machine']}")
    loads = rep.get("load_average")
    if isinstance(loads, list):
        print("load average (1 min) at the start and after each run: " + " / ".join(f"{x:g}" for x in loads))
    print(f"server: {rep['server_command']}")
    print(f"client: {rep['client']}; warm-up per endpoint (not counted): {rep['warmup_per_endpoint']}")
    print(f"{'endpoint':<12} {'requests':>8} {'conc':>5} {'wall s':>7} {'req/s':>7} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6} {'errors, all runs':>16}")
    endpoints = rep["endpoints"]
    assert isinstance(endpoints, dict)
    for name, f in endpoints.items():
        print(f"{name:<12} {f['requests']:>8.0f} {f['concurrency']:>5.0f} {f['wall_s']:>7.2f} {f['rps']:>7.0f} "
              f"{f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} {f['p99_ms']:>7.1f} {f['max_ms']:>7.1f} "
              f"{f['errors']:>6.0f} {f['errors_all_runs']:>16}")
        bad = {k: v for k, v in f["statuses_all_runs"].items() if not k.startswith("2")}
        if bad:
            print(f"{'':<12} non-2xx / exceptions: {bad}")
    if rep["runs"] > 1:
        print("runs (p95 ms): " + "; ".join(
            f"{name} " + " / ".join(f"{r['p95_ms']:g}" for r in f["runs"]) for name, f in endpoints.items()))
    floor = rep["baseline_health_p50_ms"]
    assert isinstance(floor, float)
    print(f"baseline: GET /api/health, 1 client, kept-alive connection, {BASELINE_REQUESTS} requests: p50 {floor:.1f} ms")
    if floor >= NAGLE_SUSPECT_MS:
        print("  warning: a floor this high is Nagle's algorithm meeting delayed ACKs — the server's sockets "
              "lack TCP_NODELAY (uvicorn --workers N on Linux: Kludex/uvicorn#3149)")
    target = rep["target"]
    assert isinstance(target, dict)
    print(f"(each figure is the {rep['statistic']}; latency is client-side, request sent to answer read)")
    print(f"target: portrait p95 <= {TARGET_P95_MS:g} ms at {TARGET_CONCURRENCY} concurrent clients, 0 errors: "
          f"{'met' if target['met'] else 'NOT met'}")


# --- entry point ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Config:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="folder holding innopoints.sqlite; built there if missing (default: a temporary folder)")
    ap.add_argument("--concurrency", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--requests", type=int, default=2000, help="measured requests per endpoint (default 2000)")
    ap.add_argument("--warmup", type=int, default=None,
                    help="warm-up per endpoint, not counted: requests with httpx (default 200), seconds with wrk (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="runs; figures are their median (default 3)")
    ap.add_argument("--usccs", type=int, default=500, help="enterprises to draw portraits from (default 500)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    ap.add_argument("--seed", type=int, default=2026, help="RNG seed of the request sequence")
    ap.add_argument("--shared-client", action="store_true",
                    help="one AsyncClient (pool of --concurrency connections) for all clients instead of one each")
    ap.add_argument("--driver", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx",
                    help="load generator: wrk (default when installed: apt-get install wrk) or httpx")
    ap.add_argument("--duration", type=float, default=10.0, help="wrk: measured seconds per endpoint (default 10)")
    ap.add_argument("--json", dest="json_out", action="store_true", help="print the figures as JSON")
    a = ap.parse_args(argv)
    for name in ("concurrency", "requests", "repeat", "usccs", "workers"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} must be at least 1")
    if a.warmup is None:
        a.warmup = 5 if a.driver == "wrk" else 200
    if a.warmup < 0:
        ap.error("--warmup must be 0 or more")
    return Config(data_dir=a.data_dir.resolve() if a.data_dir else None, concurrency=a.concurrency,
                  requests=a.requests, warmup=a.warmup, repeat=a.repeat, usccs=a.usccs,
                  workers=a.workers, seed=a.seed, json_out=a.json_out, shared_client=a.shared_client,
                  driver=a.driver, duration=a.duration)


def benchmark(cfg: Config, tmp: Path, log: Callable[[str], None]) -> dict[str, object]:
    data_dir = cfg.data_dir or tmp / "data"
    ensure_demo(data_dir, log)
    floors: list[float] = []
    runs: list[dict[str, Sample | WrkSample]] = []
    cmd: list[str] = []
    loads = [load_average()]
    for run in range(1, cfg.repeat + 1):  # a fresh server per run: every run starts from cold caches
        with running_server(data_dir, cfg.workers, tmp / f"server-{run}.log") as (base_url, cmd_run):
            floor, samples = asyncio.run(measure(base_url, cfg, tmp))
        cmd = cmd_run
        floors.append(floor)
        runs.append(samples)
        loads.append(load_average())
        summary = ", ".join(f"{k} p95 {figures(s, cfg.concurrency)['p95_ms']} ms" for k, s in samples.items())
        log(f"run {run}/{cfg.repeat} ({cfg.requests} requests per endpoint, {cfg.concurrency} clients): "
            f"health floor {floor} ms, {summary}; load average {loads[-1]}")
    return {**report(floors, runs, cfg, cmd), "load_average": loads}


def load_average() -> float:
    """The machine's 1-minute load average: on a shared machine, what else wanted the cores."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else float("nan")


def main(argv: list[str] | None = None) -> None:
    cfg = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="innopoints-bench-") as tmp:
        rep = benchmark(cfg, Path(tmp), log)
    if cfg.json_out:
        print(json.dumps(rep, ensure_ascii=False, indent=2))
    else:
        print_text(rep)


if __name__ == "__main__":
    main()
