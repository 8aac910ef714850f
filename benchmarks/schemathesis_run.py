"""Schemathesis against the service's own OpenAPI schema, with many examples per operation.

The same check as `tests/assistant/test_schemathesis.py`, at a larger scale: every operation of
the schema gets `--examples` generated cases (default 500) in each generation mode (positive: data
that fits the schema; negative: data that does not), sent in process (ASGI) with the bearer token
of the demo official. A case fails on a 5xx, an undocumented status code, a wrong content type,
or a body that breaks the declared response schema. Failures are counted per operation and
grouped by kind; the run goes on after a failure (nothing is shrunk), so the counts say how often
each kind was hit.

Against what: a demo zone (`innopoints demo --size N`) built into a temporary folder, or a copy
of `--data-dir`'s `innopoints.sqlite` (the original is never written: generated requests add
users, API keys and audit rows). Nothing outside the process is contacted.

The process's address space is capped (`--memory-gib` over its start-up use) so that a request
asking for gigabytes fails as a 500 instead of the OOM killer ending the run. `--budget` caps the
seconds spent per operation and mode: the indicator-system routes re-read every YAML file on
each request (about 0.4–1 s), so 500 cases of each take minutes.

    .venv/bin/python benchmarks/schemathesis_run.py                       # 500 per operation and mode
    .venv/bin/python benchmarks/schemathesis_run.py --examples 500 --budget 60
    .venv/bin/python benchmarks/schemathesis_run.py --examples 50 --size 200
    .venv/bin/python benchmarks/schemathesis_run.py --data-dir var --json
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as fixed_seed  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.api.app import create_app  # noqa: E402
from assistant.config import Settings  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def build_zone(folder: Path, size: int) -> None:
    """`innopoints demo --size N` into `folder` (a subprocess, as a deployment would run it)."""
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(folder)}
    subprocess.run([sys.executable, "-m", "assistant.cli.main", "demo", "--size", str(size)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def copy_db(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    a, b = sqlite3.connect(src / "innopoints.sqlite"), sqlite3.connect(dst / "innopoints.sqlite")
    try:
        a.backup(b)
    finally:
        b.close()
        a.close()


def limit_memory(extra_bytes: int) -> None:
    """Cap the address space at what the process uses now plus `extra_bytes`: a request that asks
    for gigabytes (e.g. a histogram with a tiny bin width) then fails with MemoryError, reported as
    a 500, instead of the kernel's OOM killer ending the whole run."""
    import resource

    used = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            used = int(line.split()[1]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def kind_of(exc: BaseException) -> str:
    """A short name for one failure: the check's title, or the exception the app raised."""
    inner = getattr(exc, "exceptions", None)
    if inner:
        return "; ".join(sorted({kind_of(e) for e in inner}))
    title = getattr(exc, "title", None)
    if title:
        return str(title)
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:80] if str(exc) else ''}"


class _OutOfTime(Exception):
    """Raised inside a case to end an operation's run when its time budget is spent."""


def _run_operation(app: Any, token: str, op: Any, mode: GenerationMode, *, examples: int, seed: int | None,
                   budget: float) -> dict[str, Any]:
    """One operation in one generation mode: its cases, failures by kind and an example of each."""
    counts: Counter[str] = Counter()
    examples_seen: dict[str, str] = {}
    cases = 0

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, derandomize=seed is None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def one(case: Any) -> None:
        nonlocal cases
        if budget and time.perf_counter() - started > budget:
            raise _OutOfTime
        cases += 1
        try:
            case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # count it and go on: a benchmark, not a test
            kind = kind_of(exc)
            counts[kind] += 1
            examples_seen.setdefault(kind, case.as_curl_command(headers={"Authorization": "[token]"}))

    started = time.perf_counter()
    if seed is not None:
        one = fixed_seed(seed)(one)
    out_of_time = False
    try:
        one()
    except Unsatisfiable:  # e.g. no negative data for an operation without parameters
        pass
    except _OutOfTime:
        out_of_time = True
    return {
        "operation": f"{op.method.upper()} {op.path}", "mode": mode.value, "cases": cases,
        "failures": sum(counts.values()), "kinds": dict(counts), "examples": examples_seen,
        "seconds": round(time.perf_counter() - started, 2), "stopped_by_budget": out_of_time,
    }


def run(data_dir: Path, *, examples: int, modes: list[GenerationMode], seed: int | None, budget: float) -> dict[str, Any]:
    app = create_app(Settings(data_dir=data_dir, environment="test", secret_key=secrets.token_urlsafe(48)))
    with TestClient(app) as c:
        r = c.post("/api/auth/token", data={"username": "official", "password": "demo-official-2026"})
        r.raise_for_status()
        token = r.json()["access_token"]
    schema = schemathesis.openapi.from_dict(app.openapi())
    rows = []
    for result in schema.get_all_operations():
        op = result.ok()
        for mode in modes:
            rows.append(_run_operation(app, token, op, mode, examples=examples, seed=seed, budget=budget))
    return {
        "examples_per_operation": examples, "operations": len({r["operation"] for r in rows}),
        "cases": sum(r["cases"] for r in rows), "failures": sum(r["failures"] for r in rows), "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="generated cases per operation and mode")
    parser.add_argument("--size", type=int, default=200, help="enterprises in the temporary demo zone")
    parser.add_argument("--data-dir", type=Path, help="use a copy of this folder's innopoints.sqlite")
    parser.add_argument("--mode", choices=["positive", "negative", "all"], default="all")
    parser.add_argument("--seed", type=int, help="random generation (default: derandomized, repeatable)")
    parser.add_argument("--budget", type=float, default=0, help="seconds per operation and mode, 0 = no limit "
                        "(the indicator-system routes re-read every YAML file: ~0.4–1 s a request)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--memory-gib", type=float, default=6.0, help="address space allowed on top of the start-up use")
    args = parser.parse_args()
    modes = list(GenerationMode) if args.mode == "all" else [GenerationMode(args.mode)]
    with tempfile.TemporaryDirectory(prefix="innopoints-schemathesis-") as tmp:
        work = Path(tmp) / "zone"
        if args.data_dir:
            copy_db(args.data_dir, work)
        else:
            print(f"building a {args.size}-enterprise demo zone …", file=sys.stderr)
            build_zone(work, args.size)
        limit_memory(int(args.memory_gib * 2**30))
        started = time.perf_counter()
        out = run(work, examples=args.examples, modes=modes, seed=args.seed, budget=args.budget)
        out["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 1 if out["failures"] else 0
    print(f"{'operation':<42} {'mode':<9} {'cases':>6} {'failures':>9} {'seconds':>8}")
    for r in out["rows"]:
        note = "  (stopped by --budget)" if r["stopped_by_budget"] else ""
        print(f"{r['operation']:<42} {r['mode']:<9} {r['cases']:>6} {r['failures']:>9} {r['seconds']:>8}{note}")
        for kind, n in sorted(r["kinds"].items(), key=lambda kv: -kv[1]):
            print(f"    {n:>5} × {kind}")
            print(f"            e.g. {r['examples'][kind]}")
    print(f"\n{out['operations']} operations, {out['cases']} cases, {out['failures']} failures, {out['seconds']} s")
    return 1 if out["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
