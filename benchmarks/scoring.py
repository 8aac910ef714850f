"""Scoring speed: v1.0 (121 indicators) over 2,791 / 100,000 / 1,000,000 synthetic enterprises.

The data (only the fields v1.0 reads, earlier years only for the fields read with a lag) is
generated once per size into a temporary pickle; each measurement then runs in its own child
process that loads it, so that its peak RSS is its own: the input data plus the work. The baseline —
a naive per-indicator loop of pandas `groupby("stage").rank(pct=True)` over the same formula
values — runs in the same script invocation on the same data. Figures: median wall time of
`--repeat` runs (data generation excluded), peak RSS of the process, RSS of the data alone.

    python benchmarks/scoring.py                       # all three sizes
    python benchmarks/scoring.py --sizes 2791,100000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def naive(system, frames, year):  # type: ignore[no-untyped-def]
    """The baseline: percentile-rank every indicator within its stage with pandas, one by one."""
    import numpy as np
    import pandas as pd

    from scoring.engine.inputs import build_env
    from scoring.engine.stages import STAGE_CODES, assign_stages
    from scoring.formula.expr import evaluate, parse

    env, usccs = build_env(system, frames, year=year)
    stage, _ = assign_stages(system, env)
    df = pd.DataFrame({"stage": stage})
    total = np.zeros(len(usccs))
    for ind in system.indicators:
        df["v"] = evaluate(parse(ind.formula), env)
        pct = df.groupby("stage")["v"].rank(pct=True).fillna(0.0).to_numpy()
        w = np.array([ind.weight(s) for s in STAGE_CODES])[stage]
        total += pct * w
    return total


def generate(n: int, path: str) -> float:
    """Write the synthetic frames v1.0 needs to `path`; return the seconds it took."""
    import pandas as pd

    from scoring.demo.build import synthetic_raw
    from scoring.engine.inputs import needed_fields
    from scoring.systems.fields import default_fields
    from scoring.systems.loader import load_system

    system = load_system(ROOT / "data" / "indicator_systems" / "v1.0.yaml")
    need = needed_fields(system)
    registry = {k: v for k, v in default_fields().items() if k in need}
    t0 = time.perf_counter()
    frames = synthetic_raw(n, seed=7, years=(2022, 2023, 2024), fields=registry)
    for year, frame in frames.items():
        keep = [c for c in frame.columns if need.get(c, -1) >= 2024 - year]
        frames[year] = frame[keep]
    seconds = time.perf_counter() - t0
    pd.to_pickle(frames, path)
    return seconds


def child(n: int, mode: str, repeat: int, path: str) -> dict[str, object]:
    import pandas as pd

    from scoring.engine.engine import score_frames
    from scoring.systems.loader import load_system

    system = load_system(ROOT / "data" / "indicator_systems" / "v1.0.yaml")
    frames = pd.read_pickle(path)
    data_rss = current_rss_mib()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        if mode == "engine":
            result = score_frames(system, frames, year=2024)
            del result
        else:
            naive(system, frames, 2024)
        times.append(time.perf_counter() - t)
    return {
        "n": n, "mode": mode, "indicators": len(system.indicators), "runs": repeat,
        "median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
        "peak_rss_mib": round(rss_mib()), "data_rss_mib": round(data_rss),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2791,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=3, metavar=("N", "MODE", "DATA"))
    ap.add_argument("--generate", nargs=2, metavar=("N", "DATA"))
    args = ap.parse_args()
    if args.generate:
        print(json.dumps({"generate_s": generate(int(args.generate[0]), args.generate[1])}))
        return
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1], args.repeat, args.child[2])))
        return
    print(f"{'enterprises':>12} {'engine s':>9} {'naive s':>8} {'ratio':>6} {'engine peak MiB':>16} {'naive peak MiB':>15} {'data MiB':>9}")
    for n in (int(s) for s in args.sizes.split(",")):
        rows = {}
        with tempfile.TemporaryDirectory() as tmp:
            data = str(Path(tmp) / "frames.pkl")
            subprocess.run([sys.executable, __file__, "--generate", str(n), data], check=True, capture_output=True)
            for mode in ("engine", "naive"):
                repeat = args.repeat if n <= 100_000 else max(1, min(args.repeat, 3))
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(n), mode, data, "--repeat", str(repeat)],
                    check=True, capture_output=True, text=True,
                )
                rows[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        e, b = rows["engine"], rows["naive"]
        ratio = b["median_s"] / e["median_s"] if e["median_s"] else float("nan")
        print(f"{n:>12,} {e['median_s']:>9} {b['median_s']:>8} {ratio:>5.1f}x {e['peak_rss_mib']:>16} {b['peak_rss_mib']:>15} {e['data_rss_mib']:>9}", flush=True)
    print(f"(median of --repeat {args.repeat} runs per size, 3 at most for 1M; {e['indicators']} indicators of v1.0; data generation excluded)")


if __name__ == "__main__":
    main()
