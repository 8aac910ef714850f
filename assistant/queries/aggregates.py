"""Anonymous figures of groups of enterprises: per stage (and per industry) count, mean and top
quartile of the total and of each category — what anyone may compare with instead of a ranking.

Non-officials see a group only when it holds at least `MIN_GROUP` enterprises; which stages are
hidden follows `distributions.distribution` (when one stage is hidden the next smallest is too, so
that no total minus the others gives it back). Quartiles are interpolated (numpy's default), as
the portrait's stage benchmarks are, so that a figure shown here is the one the portrait shows.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from assistant.access.privacy import MIN_GROUP, Principal
from assistant.queries.audit import Audit, record
from assistant.queries.distributions import distribution
from assistant.queries.run_cache import RunCache
from scoring.systems.schema import STAGES


def _figures(part: pd.DataFrame, categories: list[str]) -> dict[str, Any]:
    totals = part["total"].to_numpy(dtype=float)
    return {
        "count": len(part),
        "mean_total": round(float(totals.mean()), 2),
        "p75_total": round(float(np.quantile(totals, 0.75)), 2),
        "categories": {
            c: {"mean": round(float(part[f"cat.{c}"].mean()), 2),
                "p75": round(float(np.quantile(part[f"cat.{c}"].to_numpy(dtype=float), 0.75)), 2)}
            for c in categories
        },
    }


def group_figures(
    *, principal: Principal, runs: RunCache, year: int | None = None, industry: str | None = None,
    audit: Audit | None = None,
) -> dict[str, Any]:
    """`{year, run_id, system, stages: [{stage, name, count, mean_total, p75_total, categories}],
    industry}` of `year`'s run; a hidden stage has `count` None and no figures; `industry` (when
    asked) is the same figures over that industry's enterprises, or None when hidden or unknown.

    Kept in the run cache per run, industry and whether the caller sees every group (a run never
    changes; computing them costs tens of milliseconds of pandas)."""
    run = runs.published().for_year(year)
    key = ("group-figures", run.id, principal.sees_all, industry)
    kept = runs.answer(key)
    if kept is None:
        figures = _group_figures(principal, runs, run.year, industry)
        kept = runs.keep_answer(key, json.dumps(figures, ensure_ascii=False).encode())
    if principal.sees_all:
        record(audit, action="read_distribution", target=f"{run.year} 年分组统计")
    out: dict[str, Any] = json.loads(kept.body)
    return out


def _group_figures(principal: Principal, runs: RunCache, year: int, industry: str | None) -> dict[str, Any]:
    shown = distribution(principal=principal, runs=runs, year=year)
    data = runs.run_data_for_year(year)
    df = data.scores
    cats = [c.code for c in data.system.categories]
    stages = []
    for entry in shown["stages"]:
        part = df[df["stage"] == entry["stage"]]
        figures = _figures(part, cats) if entry["count"] is not None and len(part) else {"count": entry["count"]}
        stages.append({"stage": entry["stage"], "name": STAGES[entry["stage"]], **figures})
    by_industry = None
    if industry is not None:
        part = df[df["industry"] == industry]
        if len(part) and (principal.sees_all or len(part) >= MIN_GROUP):
            by_industry = {"industry": industry, **_figures(part, cats)}
    return {"year": data.run.year, "run_id": data.run.id, "system": data.run.system_version,
            "stages": stages, "industry": by_industry}


__all__ = ["group_figures"]
