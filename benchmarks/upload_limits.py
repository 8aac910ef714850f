"""Uploads at the limits, through the real server: the largest files it accepts and the zip bomb.

For each file a fresh server (`innopoints serve --workers 1`, one process) is started on a copy of a
store that already holds the register; an official uploads the file to `POST /api/imports` while a
second client asks `GET /api/health` every 100 ms. Figures: the answer (status, errors), wall time
of the upload, the server's peak RSS (VmHWM) before the upload and at its end, and the slowest
health answer during the upload (a stalled event loop shows here).

Files (tax data generated like `benchmarks/ingest.py`, 20 columns, amounts in whole 元):
    csv    the largest accepted CSV: header + 199,999 rows (the row limit is 200,000), GBK
    xlsx   the largest accepted XLSX: title row + header + 199,998 rows
    bomb   a 200 MB cell in a few hundred kB of XLSX (issue 11), refused before parsing
    wide   a CSV of 18,300 columns (used to answer 500), refused

    .venv/bin/python benchmarks/upload_limits.py                 # all four (~10 min on 2 cores)
    .venv/bin/python benchmarks/upload_limits.py --cases bomb wide --rows 2000
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import api as server_bench  # noqa: E402  (benchmarks/api.py: start and stop the real server)
import httpx  # noqa: E402
import ingest as ingest_bench  # noqa: E402  (benchmarks/ingest.py: the synthetic tax files)
from stats import percentiles  # noqa: E402

USERNAME, PASSWORD = "limits-official", "limits-benchmark-2026"
YEAR = ingest_bench.YEAR


def build_store(folder: Path, register: Path) -> Path:
    """A store with the register imported and an official; returns its SQLite file."""
    from sqlmodel import Session

    from assistant.access import accounts
    from scoring import store
    from scoring.ingest.importer import import_file

    db = folder / "innopoints.sqlite"
    engine = store.make_engine(f"sqlite:///{db}")
    report = import_file(engine=engine, source="register", path=register, year=YEAR)
    assert report.status == "imported", report.to_text()
    accounts.ensure_tables(engine)
    with Session(engine) as s:
        accounts.add_user(session=s, username=USERNAME, password=PASSWORD, role="official")
    engine.dispose()
    with sqlite3.connect(db) as conn:  # one file to copy: fold the WAL in
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def bomb(path: Path) -> Path:
    """A workbook whose second row holds one 200 MB inline string."""
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["统一社会信用代码", "企业名称"])  # type: ignore[union-attr]
    wb.save(buf)
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(200):
                fh.write(b"A" * 2**20)
            fh.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


def wide(path: Path) -> Path:
    path.write_text(",".join(["统一社会信用代码", *(f"列{i}" for i in range(18_300))]) + "\n", encoding="utf-8")
    return path


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class HealthProbe(threading.Thread):
    """GET /api/health every 100 ms until stopped; keeps each answer's latency."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url, self.latencies, self.failures, self.done = base_url, [], 0, threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60, trust_env=False) as client:
            while not self.done.is_set():
                t0 = time.perf_counter()
                try:
                    ok = client.get("/api/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - t0)
                self.failures += not ok
                self.done.wait(0.1)


def measure(case: str, path: Path, template: Path, work: Path) -> dict[str, Any]:
    data = work / f"data-{case}"
    data.mkdir()
    shutil.copy(template, data / "innopoints.sqlite")
    port = server_bench.free_port()
    cmd = server_bench.server_command(port, 1)
    log = work / f"server-{case}.log"
    import subprocess

    with open(log, "wb") as log_file:
        # No search index is loaded: the figures are the import's, not the searcher's.
        env = {**server_bench.server_env(data), "INNOPOINTS_SEARCH_WARM_START": "false"}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://{server_bench.HOST}:{port}"
            server_bench.wait_healthy(base, proc, log)
            with httpx.Client(base_url=base, timeout=3600, trust_env=False) as client:
                token = client.post("/api/auth/token", data={"username": USERNAME, "password": PASSWORD}).json()["access_token"]
                before = _status_kib(proc.pid, "VmHWM")  # the peak so far: start-up and log-in
                probe = HealthProbe(base)
                probe.start()
                t0 = time.perf_counter()
                with path.open("rb") as fh:
                    r = client.post("/api/imports", headers={"Authorization": f"Bearer {token}"},
                                    data={"source": "tax", "year": str(YEAR)}, files={"file": (path.name, fh)})
                wall = time.perf_counter() - t0
                probe.done.set()
                probe.join()
                peak = _status_kib(proc.pid, "VmHWM")
        finally:
            server_bench.stop(proc)
    body = r.json()
    report = body.get("error", {}).get("details") or body
    first = (report.get("errors") or [{}])[0].get("reason", "") if isinstance(report, dict) else ""
    lat = sorted(probe.latencies) or [0.0]
    p50, p99 = percentiles(lat, 50, 99)  # benchmarks/stats.py: the one percentile rule of the README
    return {
        "case": case, "file_mib": path.stat().st_size / 2**20, "status": r.status_code,
        "result": report.get("status") if isinstance(report, dict) else None,
        "rows_imported": report.get("rows_imported") if isinstance(report, dict) else None,
        "errors_total": report.get("errors_total") if isinstance(report, dict) else None,
        "first_error": first[:160], "wall_s": wall, "rss_before_mib": before / 1024, "peak_rss_mib": peak / 1024,
        "health_n": len(probe.latencies), "health_failures": probe.failures,
        "health_median_ms": p50 * 1000, "health_p99_ms": p99 * 1000, "health_max_ms": lat[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["bomb", "wide", "csv", "xlsx"], choices=["csv", "xlsx", "bomb", "wide"])
    parser.add_argument("--rows", type=int, default=199_998, help="data rows of the generated tax files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="innopoints-upload-limits-"))
    try:
        t0 = time.perf_counter()
        gen = ingest_bench.generate(args.rows, work)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.0f} s: CSV {gen['csv_mib']:.1f} MiB, "
              f"XLSX {gen['xlsx_mib']:.1f} MiB", file=sys.stderr)
        (work / "store").mkdir()
        template = build_store(work / "store", work / "register.csv")
        files = {"csv": work / "tax.csv", "xlsx": work / "tax.xlsx", "bomb": bomb(work / "bomb.xlsx"), "wide": wide(work / "wide.csv")}
        results = []
        for case in args.cases:
            print(f"uploading {case} ...", file=sys.stderr)
            results.append(measure(case, files[case], template, work))
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))
            return
        print("| file | size | answer | wall | server peak RSS before → during | health median / p99 / max (n) |")
        print("| --- | ---: | --- | ---: | ---: | ---: |")
        for m in results:
            answer = (f"{m['status']} {m['result']}, {m['rows_imported']:,} rows" if m["status"] in (200, 201)
                      else f"{m['status']}: {m['first_error'][:60]}")
            print(f"| {m['case']} | {m['file_mib']:.1f} MiB | {answer} | {m['wall_s']:.1f} s | "
                  f"{m['rss_before_mib']:.0f} → {m['peak_rss_mib']:.0f} MiB | "
                  f"{m['health_median_ms']:.1f} / {m['health_p99_ms']:.0f} / {m['health_max_ms']:.0f} ms ({m['health_n']}, {m['health_failures']} failed) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
