"""An enterprise's standing in a year — total, rank, stage and why, category points beside the
stage's mean and top quartile — without the rest of its portrait.

The portrait re-scores about a hundred what-ifs for its advice (tens of milliseconds, 80 ms at
2,791 firms); a question about the total or the rank needs none of that. The figures here are
the portrait's, read from the same run data (`RunCache`): the same keys, the same values, the
stage's figures hidden alike when the stage holds fewer than `MIN_GROUP` enterprises.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from assistant.access.privacy import MIN_GROUP, Principal, require_details
from assistant.queries.audit import Audit, record
from assistant.queries.profiles import checked_uscc
from assistant.queries.run_cache import RunCache
from scoring import store
from scoring.errors import NotFound
from scoring.store.portraits import RunData
from scoring.systems.schema import STAGES


def standing(
    *, principal: Principal, runs: RunCache, uscc: str, year: int | None = None, audit: Audit | None,
) -> dict[str, Any]:
    """`{uscc, name, short_name, industry, year, run_id, system, stage, stage_name, stage_reason,
    total, max_total, rank, stage_size, percentile, categories}` as the portrait has them."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    data = runs.run_data_for_year(year)
    at = data.memo("row_of", lambda: {u: k for k, u in enumerate(data.scores["uscc"].tolist())})
    if code not in at:
        raise NotFound(f"找不到统一社会信用代码为 {code} 的企业在 {data.run.year} 年的评分")
    # A run never changes: each scored enterprise's figures are gathered once.
    figures = data.memo(("standing", code), lambda: _figures(data, at[code]))
    with Session(runs.engine) as session:  # names are the register's, read live
        short = store.public_names(session=session, usccs=[code]).get(code, {}).get("short_name")
    record(audit, action="read_portrait", target=code)
    return {**figures, "short_name": short}


def _figures(data: RunData, at: int) -> dict[str, Any]:
    """The run's figures of the enterprise in row `at` of its scores."""
    df = data.scores
    row = df.iloc[at]
    stage = str(row["stage"])
    stage_size = int((df["stage"].to_numpy() == stage).sum())
    bench = {} if stage_size < MIN_GROUP else data.benchmarks.get(stage, {})
    cats = data.system.category_by_code
    return {
        "uscc": row["uscc"], "name": row["name"], "industry": row["industry"],
        "year": data.run.year, "run_id": data.run.id, "system": data.run.system_version,
        "stage": stage, "stage_name": STAGES[stage], "stage_reason": row["stage_reason"],
        "total": float(row["total"]), "max_total": data.system.max_total, "rank": int(row["rank"]),
        "stage_size": stage_size, "percentile": float(row["percentile"]),
        "categories": [
            {"code": c, "name": cats[c].name, "points": float(pts), "max_points": cats[c].max_points,
             "stage_mean": bench.get(c, {}).get("mean"), "stage_p75": bench.get(c, {}).get("p75")}
            for c, pts in row["category_points"].items()
        ],
    }


__all__ = ["standing"]
