"""Time of one answer per intent (assistant.chat.answers), without understanding or HTTP.

    python benchmarks/chat_answers.py --data var/bench-zone [--size 2791] [--firms 20] [--runs 3]

Builds the demo zone into `--data` with `innopoints demo` when no store is there (minutes for
2,791 firms), then, for `--firms` enterprises (every tenth of the latest run), asks each intent as
that enterprise's own user: "first" is the first question about a firm (its portrait is built and
kept), "again" the same question once it is kept. Baseline in the same run: building the portrait
with `assistant.queries.portraits.portrait`, what a first question pays at least. Each figure is
the median over `--runs` runs of that run's p50 and p95 (benchmarks/stats.py) in milliseconds.
The run data of every year is read before timing (a server holds it after its first request).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before this folder, whose scoring.py would shadow the package

from sqlmodel import Session  # noqa: E402
from stats import percentiles  # noqa: E402  (benchmarks/stats.py)

from assistant.access.privacy import Principal  # noqa: E402
from assistant.chat.answers import answer  # noqa: E402
from assistant.chat.context import ChatContext  # noqa: E402
from assistant.chat.request import Request  # noqa: E402
from assistant.queries import portraits  # noqa: E402
from assistant.queries.run_cache import RunCache  # noqa: E402
from innopoints_data import DATA_DIR  # noqa: E402
from scoring import store  # noqa: E402

QUESTIONS: dict[str, Request] = {
    "my_total_points": Request("my_total_points"),
    "category_points": Request("category_points"),
    "indicator_value_score": Request("indicator_value_score", indicator="IN02"),
    "rank_in_stage": Request("rank_in_stage"),
    "improvement_advice": Request("improvement_advice"),
    "yoy_change": Request("yoy_change"),
    "top_n_list (own rank instead)": Request("top_n_list", n=10),
    "indicator_definition": Request("indicator_definition", indicator="IN02"),
    "policy_eligibility (tsme-2017)": Request("policy_eligibility", policy="tsme-2017"),
    "programme_info": Request("programme_info", text="积分制度是怎么回事"),
}


def ensure_zone(data: Path, size: int) -> None:
    if (data / "innopoints.sqlite").exists():
        return
    env = {**os.environ, "INNOPOINTS_DATA_DIR": str(data), "INNOPOINTS_ENVIRONMENT": "development"}
    subprocess.run([sys.executable, "-m", "assistant.cli", "demo", "--size", str(size)], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def one_run(engine: object, firms: list[str]) -> dict[str, list[float]]:
    runs = RunCache(engine, recheck_s=3600)  # type: ignore[arg-type]
    for year in runs.published().by_year:
        runs.run_data_for_year(year)
    ctx = ChatContext(engine=engine, runs=runs, index=None, systems_dir=DATA_DIR / "indicator_systems",  # type: ignore[arg-type]
                      policies_dir=DATA_DIR / "policies", clock=lambda: datetime(2026, 3, 1))
    out: dict[str, list[float]] = {"baseline: portrait built": []}
    official = Principal(role="official")
    with Session(engine) as session:  # type: ignore[arg-type]
        for uscc in firms:
            out["baseline: portrait built"].append(timed(lambda u=uscc: portraits.portrait(
                principal=official, session=session, uscc=u, run_data=runs.run_data)))
    for uscc in firms:
        owner = Principal(role="enterprise", username="bench", uscc=uscc)
        for name, request in QUESTIONS.items():
            for when in ("first", "again"):
                out.setdefault(f"{name} {when}", []).append(
                    timed(lambda r=request, p=owner: answer(r, principal=p, ctx=ctx, audit=None)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--size", type=int, default=2791)
    ap.add_argument("--firms", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ensure_zone(args.data, args.size)
    engine = store.make_engine(f"sqlite:///{args.data / 'innopoints.sqlite'}")
    with Session(engine) as session:
        run = store.latest_run(session=session)
        assert run.id is not None
        usccs = sorted(store.run_scores(session=session, run_id=run.id)["uscc"])
    firms = usccs[:: max(1, len(usccs) // args.firms)][: args.firms]
    results = [one_run(engine, firms) for _ in range(args.runs)]
    print(f"{len(usccs)} firms, {len(firms)} asked, median of {args.runs} runs (ms)")
    print(f"{'answer':44} {'p50':>8} {'p95':>8}")
    for key in results[0]:
        p50 = statistics.median(percentiles(r[key], 50)[0] for r in results)
        p95 = statistics.median(percentiles(r[key], 95)[0] for r in results)
        print(f"{key:44} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
