"""Audit events lost and 5xx answers while a score run publishes under read load (issue 11, item 1).

What it does: starts the real service as a deployment would (`innopoints serve --workers 2`) on the
2,791-enterprise demo zone (built into `--data-dir` when missing, ~50 s; or copied with
`--copy-from`), logs in as the demo official, then runs `innopoints score --system <v> --year <y>
--yes` in a separate process — a publish that holds SQLite's write lock while it writes its rows —
while `--clients` concurrent clients read audited portraits (GET /api/enterprises/{uscc}/portrait)
and `--logins` logins are spread over the publish. Reads go on for `--tail` seconds after the
publish ends. Then the server is stopped (SIGTERM: each worker writes what it holds).

Figures:
- `publish_s`: wall time of the score command (scoring + publishing); `lock_held_max_s`: the
  longest stretch in which the write lock could not be taken (probed every 50 ms);
- `portraits_ok` / `logins_ok`, and `status_5xx`: answers with a 5xx status (target 0);
- `audit_lost`: portraits answered 200 minus `read_portrait` events in the table after the stop
  (target 0); `audit_in_spool_after_stop` says how many were still in the spool files (committed
  by the next start, never lost) — both are counted, the first must be 0 for a clean stop.

    .venv/bin/python benchmarks/audit_publish.py --data-dir /tmp/audit-bench      # builds the zone
    .venv/bin/python benchmarks/audit_publish.py --copy-from var --clients 16 --json

Only 127.0.0.1 is contacted; the load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import (  # noqa: E402 - the sibling benchmark's server helpers
    PASSWORD,
    ROOT,
    USERNAME,
    collect_usccs,
    ensure_demo,
    login,
    new_client,
    running_server,
    server_env,
)


def latest_zone_run(db: Path) -> tuple[str, int]:
    """The system version and year of the newest published zone run (the one to publish again)."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "select system_version, year from scorerun where status = 'published' and kind = 'zone' order by id desc limit 1"
        ).fetchone()
    finally:
        conn.close()
    if row is None:
        raise RuntimeError("no published zone run in the store")
    return str(row[0]), int(row[1])


def audit_count(db: Path, action: str, after_id: int) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("select count(*) from auditevent where action = ? and id > ?", (action, after_id)).fetchone()[0])
    finally:
        conn.close()


def max_audit_id(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("select coalesce(max(id), 0) from auditevent").fetchone()[0])
    finally:
        conn.close()


def spooled(folder: Path) -> int:
    """Events still in spool files (what the next start would commit)."""
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.jsonl")) if folder.is_dir() else 0


async def lock_probe(db: Path, done: asyncio.Event, held: list[float]) -> None:
    """The longest stretch during which SQLite's write lock could not be taken (probed every 50 ms)."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    since: float | None = None
    try:
        while not done.is_set():
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                if since is not None:
                    held.append(time.perf_counter() - since)
                    since = None
            except sqlite3.OperationalError:
                since = since if since is not None else time.perf_counter()
            await asyncio.sleep(0.05)
    finally:
        conn.close()


async def reader(client: httpx.AsyncClient, usccs: list[str], rng: random.Random, done: asyncio.Event,
                 statuses: Counter[str]) -> None:
    while not done.is_set():
        path = f"/api/enterprises/{quote(rng.choice(usccs), safe='')}/portrait"
        try:
            r = await client.get(path)
            statuses[f"portrait {r.status_code}"] += 1
        except httpx.HTTPError as exc:
            statuses[f"portrait {type(exc).__name__}"] += 1


async def logins(base_url: str, n: int, publishing: asyncio.Task[int], statuses: Counter[str]) -> None:
    """`n` logins, one after another while the publish runs (the rest right after it)."""
    async with new_client(base_url, 1) as client:
        for _ in range(n):
            r = await client.post("/api/auth/token", data={"username": USERNAME, "password": PASSWORD})
            statuses[f"login {r.status_code}"] += 1
            if not publishing.done():
                await asyncio.sleep(0.1)


async def measure(base_url: str, data_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    token = await login(base_url)
    async with new_client(base_url, 1, token) as c:
        usccs = await collect_usccs(c, 500)
    db = data_dir / "innopoints.sqlite"
    version, year = latest_zone_run(db)
    before = max_audit_id(db)
    statuses: Counter[str] = Counter()
    done = asyncio.Event()
    rng = random.Random(args.seed)
    clients = [new_client(base_url, 1, token) for _ in range(args.clients)]
    held: list[float] = []
    probe = asyncio.create_task(lock_probe(db, done, held))
    try:
        readers = [asyncio.create_task(reader(c, usccs, random.Random(rng.random()), done, statuses)) for c in clients]
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "assistant.cli.main", "score", "--system", version, "--year", str(year), "--yes"]
        proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=server_env(data_dir),
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        publishing = asyncio.create_task(proc.wait())
        login_task = asyncio.create_task(logins(base_url, args.logins, publishing, statuses))
        code = await publishing
        publish_s = time.perf_counter() - started
        out = (await proc.stdout.read()).decode(errors="replace") if proc.stdout else ""
        if code != 0:
            raise RuntimeError(f"`{' '.join(cmd[2:])}` failed ({code}):\n{out[-2000:]}")
        await asyncio.sleep(args.tail)
        await login_task
        done.set()
        await asyncio.gather(*readers, probe)
    finally:
        for c in clients:
            await c.aclose()
    return {"publish": f"innopoints score --system {version} --year {year} --yes", "publish_s": round(publish_s, 2),
            "lock_held_max_s": round(max(held, default=0.0), 2),
            "audit_after_id": before, "statuses": dict(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="demo zone folder (built when its database is missing); default a temporary one")
    parser.add_argument("--copy-from", type=Path, help="copy this folder's innopoints.sqlite into the data folder first")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--logins", type=int, default=32)
    parser.add_argument("--tail", type=float, default=1.0, help="seconds of reads after the publish ends")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        data_dir = args.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="audit-bench-")))
        data_dir.mkdir(parents=True, exist_ok=True)
        if args.copy_from:
            src = sqlite3.connect(args.copy_from / "innopoints.sqlite")
            dst = sqlite3.connect(data_dir / "innopoints.sqlite")
            src.backup(dst)
            dst.close()
            src.close()
            shutil.rmtree(data_dir / "audit-spool", ignore_errors=True)
        ensure_demo(data_dir, lambda line: print(line, file=sys.stderr))
        log_path = data_dir / "server.log"
        with running_server(data_dir, args.workers, log_path) as (base_url, _cmd):
            result = asyncio.run(measure(base_url, data_dir, args))
        db = data_dir / "innopoints.sqlite"
        statuses: dict[str, int] = result["statuses"]  # type: ignore[assignment]
        ok = statuses.get("portrait 200", 0)
        recorded = audit_count(db, "read_portrait", int(result["audit_after_id"]))  # type: ignore[call-overload]
        figures = {
            **{k: v for k, v in result.items() if k != "audit_after_id"},
            "clients": args.clients, "workers": args.workers,
            "portraits_ok": ok, "logins_ok": statuses.get("login 200", 0),
            "status_5xx": sum(n for k, n in statuses.items() if k.split()[-1].startswith("5")),
            "audit_recorded": recorded, "audit_lost": ok - recorded,
            "audit_in_spool_after_stop": spooled(data_dir / "audit-spool"),
        }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
