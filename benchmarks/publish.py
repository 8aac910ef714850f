"""Publishing a score run: what keeping every enterprise's advice with the run costs.

What it measures: the wall time of each step of `score_year` on the 2,791-enterprise demo zone —
read the raw values, score (`score_frames`), compute every enterprise's advice
(`scoring.engine.advice.cohort_advice`), write the run (`publish_run`, one transaction) — and the
advice rows written. Baseline, in the same invocation on the same store: the publish as it was
before advice was kept (no advice step, no advice rows). The two alternate, `--repeat` times each,
into one temporary copy of the demo store (each publish adds a run, as a re-score does); figures
are medians. Wall time on a shared machine waits for the cores; the process's CPU seconds are
reported beside it.

    .venv/bin/python benchmarks/publish.py                     # temporary demo zone (~60 s to build)
    .venv/bin/python benchmarks/publish.py --data-dir var --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_demo(data_dir: Path) -> Path:
    """The demo store in `data_dir`, built by `innopoints demo` when missing."""
    db = data_dir / "innopoints.sqlite"
    if not db.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "INNOPOINTS_DATA_DIR": str(data_dir), "INNOPOINTS_ENVIRONMENT": "development"}
        print(f"building the demo zone into {data_dir} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "assistant.cli.main", "demo"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    return db


def copy_store(src: Path, dst: Path) -> None:
    """A consistent copy (SQLite's backup API: safe with WAL)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def publish_once(db: Path, year: int, *, with_advice: bool) -> dict[str, float]:
    """One publish of `year` into the store at `db`, timed step by step (seconds)."""
    from sqlmodel import Session

    from scoring import store
    from scoring.disclosure import MIN_GROUP
    from scoring.engine.advice import TOP, AdviceTable, cohort_advice, stats_quartiles
    from scoring.engine.engine import score_frames
    from scoring.engine.inputs import needed_fields
    from scoring.store.pipeline import system_for_year, zone_systems

    engine = store.make_engine(f"sqlite:///{db}")
    system, content = system_for_year(year, zone_systems())
    need = needed_fields(system)
    years = list(range(year - max(need.values(), default=0), year + 1))
    out: dict[str, float] = {}
    cpu = time.process_time()
    t = time.perf_counter()
    with Session(engine) as session:
        frames = store.raw_frames(session=session, years=years, fields=need)
        batches = store.active_batch_ids(session=session, years=years)
    out["read_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = score_frames(system, frames, year=year)
    out["score_s"] = time.perf_counter() - t
    t = time.perf_counter()
    if with_advice:
        advice = cohort_advice(system, result, quartiles=stats_quartiles(system, result.cohort_stats),
                               min_group=MIN_GROUP, top=TOP)
    else:  # the run as published before advice was kept
        advice = AdviceTable.empty()
    out["advice_s"] = time.perf_counter() - t
    t = time.perf_counter()
    store.publish_run(engine=engine, system=system, content=content, result=result, advice=advice,
                      input_batches=batches)
    out["write_s"] = time.perf_counter() - t
    out["total_s"] = sum(out.values())
    out["cpu_s"] = time.process_time() - cpu
    out["advice_rows"] = len(advice)
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=None, help="folder with the demo's innopoints.sqlite (built if missing)")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="innopoints-publish-") as tmp:
        source = ensure_demo(args.data_dir or Path(tmp) / "demo")
        db = Path(tmp) / "copy.sqlite"
        copy_store(source, db)
        runs: dict[str, list[dict[str, float]]] = {"without advice (before)": [], "with advice": []}
        for _ in range(args.repeat):
            for label, with_advice in (("without advice (before)", False), ("with advice", True)):
                runs[label].append(publish_once(db, args.year, with_advice=with_advice))
        shutil.rmtree(Path(tmp) / "demo", ignore_errors=True)
    medians = {label: {k: round(statistics.median(r[k] for r in rs), 3) for k in rs[0]} for label, rs in runs.items()}
    if args.json:
        print(json.dumps({"year": args.year, "repeat": args.repeat, "medians": medians, "runs": runs}, indent=2))
        return
    print(f"publish of {args.year} on the demo zone (2,791 enterprises), median of {args.repeat} each, alternating; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'':<24} {'read s':>7} {'score s':>8} {'advice s':>9} {'write s':>8} {'total s':>8} {'CPU s':>6} "
          f"{'advice rows':>12}")
    for label, m in medians.items():
        print(f"{label:<24} {m['read_s']:>7.2f} {m['score_s']:>8.2f} {m['advice_s']:>9.2f} {m['write_s']:>8.2f} "
              f"{m['total_s']:>8.2f} {m['cpu_s']:>6.2f} {m['advice_rows']:>12.0f}")
    print("(wall seconds per step; CPU: the process's CPU seconds for the whole publish)")


if __name__ == "__main__":
    main()
