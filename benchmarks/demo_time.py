"""How long the whole `innopoints demo` takes, as `./scripts/run` calls it (target ≤ 90 s wall).

Each run is a child process from an empty folder into a fresh data folder (SQLite, development,
the default e5 embedder, nothing from this shell's INNOPOINTS_* settings or a .env). The demo with
its search index (the default: the shipped vectors of `data/demo_vectors/`) and the baseline
`innopoints demo --no-index` alternate, `--runs` times each, so that both see the same load. Wall
time is what a person waits; CPU (user + system of the child, from `RUSAGE_CHILDREN`) shows what
the load took from it. Figures are medians (p50 as benchmarks/stats.py defines it); the load
average (1 min) is read before each run.

    .venv/bin/python benchmarks/demo_time.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stats import percentile  # benchmarks/stats.py

TARGET_S = 90.0
VARIANTS = {"demo (index from the shipped vectors)": [], "demo --no-index (baseline)": ["--no-index"]}


def run_once(args: list[str]) -> dict[str, float]:
    """One `innopoints demo ARGS` in a fresh data folder: wall and CPU seconds, load before it."""
    cli = Path(sys.executable).with_name("innopoints")
    with tempfile.TemporaryDirectory(prefix="demo-time-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INNOPOINTS_")}
        env |= {"INNOPOINTS_DATA_DIR": str(Path(tmp) / "var"), "INNOPOINTS_ENVIRONMENT": "development",
                "INNOPOINTS_EMBEDDER": "e5"}
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(cli), "demo", *args], cwd=tmp, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "load_1min": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    samples: dict[str, list[dict[str, float]]] = {label: [] for label in VARIANTS}
    for i in range(opts.runs):
        for label, args in VARIANTS.items():
            samples[label].append(run_once(args))
            if not opts.json:
                print(f"run {i + 1}: {label}: {samples[label][-1]}", file=sys.stderr)
    report = {
        label: {"runs": runs, "wall_p50_s": percentile([r["wall_s"] for r in runs], 50),
                "cpu_p50_s": percentile([r["cpu_s"] for r in runs], 50),
                "load_1min": [min(r["load_1min"] for r in runs), max(r["load_1min"] for r in runs)]}
        for label, runs in samples.items()
    }
    if opts.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for label, r in report.items():
        walls = " / ".join(f"{x['wall_s']:.1f}" for x in r["runs"])
        print(f"{label}: wall p50 {r['wall_p50_s']:.1f} s ({walls}), CPU p50 {r['cpu_p50_s']:.1f} s, "
              f"load average {r['load_1min'][0]:.1f}–{r['load_1min'][1]:.1f}")
    first = next(iter(report.values()))
    print(f"target ≤ {TARGET_S:.0f} s wall: {'met' if first['wall_p50_s'] <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
