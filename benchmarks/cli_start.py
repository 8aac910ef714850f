"""How much CPU the command line costs before it does anything: `innopoints --help` and a light read.

Each command runs `--runs` times as a child process; its CPU time is user + system of the child,
read from `resource.getrusage(RUSAGE_CHILDREN)` before and after (CPU, not wall time, so that a
busy machine does not inflate it). The baseline `python -c pass` is measured in the same run with
the same interpreter; figures are medians (p50 as benchmarks/stats.py defines it). Target: `innopoints --help` at most 0.3 s of CPU above
the baseline (design.md: "`innopoints --help` answers at once").

    .venv/bin/python benchmarks/cli_start.py [--runs 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from stats import percentile  # benchmarks/stats.py

TARGET_ABOVE_BASELINE_S = 0.3


def innopoints() -> list[str]:
    """The installed `innopoints` script next to this interpreter, else `python -m assistant.cli`."""
    script = Path(sys.executable).with_name("innopoints")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def commands() -> dict[str, list[str]]:
    """What is measured, by label."""
    cli = innopoints()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "innopoints --help": [*cli, "--help"],
        "innopoints systems list": [*cli, "systems", "list"],
    }


def cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU of one run of `cmd` (its output discarded; a failure stops the benchmark)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "COLUMNS": "100"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int) -> dict[str, dict[str, float | list[float]]]:
    """Median CPU seconds per command; the runs interleave so a slow spell hits every command alike."""
    cmds = commands()
    samples: dict[str, list[float]] = {label: [] for label in cmds}
    for cmd in cmds.values():  # one unmeasured run each: the page cache, .pyc files
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(runs):
        for label, cmd in cmds.items():
            samples[label].append(cpu_seconds(cmd))
    median = {label: percentile(s, 50) for label, s in samples.items()}
    return {
        label: {"median_s": round(median[label], 3),
                "above_baseline_s": round(median[label] - median["python -c pass"], 3),
                "runs_s": [round(x, 3) for x in s]}
        for label, s in samples.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="runs per command; figures are their median")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    figures = measure(args.runs)
    help_above = figures["innopoints --help"]["above_baseline_s"]
    if args.json:
        print(json.dumps({"runs": args.runs, "figures": figures, "target_above_baseline_s": TARGET_ABOVE_BASELINE_S,
                          "met": help_above <= TARGET_ABOVE_BASELINE_S}, indent=2))
        return
    print(f"{'command':<26} {'CPU s (median)':>14} {'above baseline':>15}")
    for label, f in figures.items():
        print(f"{label:<26} {f['median_s']:>14.3f} {f['above_baseline_s']:>15.3f}")
    print(f"(user + system CPU of the child, median of {args.runs} runs, load average "
          f"{os.getloadavg()[0]:.1f}; target: --help at most {TARGET_ABOVE_BASELINE_S} s above baseline: "
          f"{'met' if help_above <= TARGET_ABOVE_BASELINE_S else 'NOT met'})")


if __name__ == "__main__":
    main()
