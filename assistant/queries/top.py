"""The best enterprises of a year by total or by one category, in a stage, an industry or the
whole zone: individual points of many enterprises, so for officials only (audited)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlmodel import Session

from assistant.access.privacy import Principal, require_official
from assistant.errors import BadRequest
from assistant.queries.audit import Audit, record
from assistant.queries.run_cache import RunCache
from scoring import store
from scoring.store.portraits import RunData
from scoring.systems.schema import STAGES

MAX_N = 50  # a list longer than this is an export: the officials' /api/lists route, not a chat answer


def top_enterprises(
    *, principal: Principal, runs: RunCache, audit: Audit | None, n: int, year: int | None = None,
    stage: str | None = None, industry: str | None = None, category: str | None = None, indicator: str | None = None,
) -> dict[str, Any]:
    """`{year, run_id, system, stage, industry, category, indicator, size, items}`: the `n` best by
    points (the category's, or the total), ties by USCC; each item with its rank in its own stage.
    By `indicator`: the highest values of that indicator (its points next), each item with its
    `value` and `points` of it."""
    require_official(principal)
    if not 1 <= n <= MAX_N:
        raise BadRequest(f"名单长度应在 1 到 {MAX_N} 之间（收到 {n}）")
    if stage is not None and stage not in STAGES:
        raise BadRequest(f"未知的阶段 {stage}；可用的阶段：{'、'.join(STAGES)}")
    data = runs.run_data_for_year(year)
    if category is not None and category not in data.system.category_by_code:
        raise BadRequest(f"未知的类别 {category}；可用的类别：{'、'.join(data.system.category_by_code)}")
    if indicator is not None and indicator not in data.system.by_code:
        raise BadRequest(f"{data.run.year} 年度适用的指标体系 v{data.run.system_version} 没有指标 {indicator}")
    def build() -> dict[str, Any]:
        return _top(runs, data, n=n, stage=stage, industry=industry, category=category, indicator=indicator)

    # A run never changes: the list of each set of parameters is built once (the chat's officials
    # ask the same few), every read audited. An industry no firm has is not kept: one entry per
    # string typed would grow without bound.
    known = industry is None or industry in data.memo("industries", lambda: set(data.scores["industry"]))
    top = data.memo(("top", n, stage, industry, category, indicator), build) if known else build()
    what = indicator or category or "total"
    record(audit, action="read_ranking", target=f"前 {n} 名 {stage or '全区'} {industry or ''} {what}".strip())
    return top


def _top(runs: RunCache, data: RunData, *, n: int, stage: str | None, industry: str | None, category: str | None,
         indicator: str | None) -> dict[str, Any]:
    df = data.scores
    # Numpy over the run's columns, not pandas masks and sorts of the whole frame: a top-N is a
    # chat answer, and the frame's filter and sort were most of its time.
    rows = np.arange(len(df))
    if stage is not None:
        rows = rows[df["stage"].to_numpy()[rows] == stage]
    if industry is not None:
        rows = rows[df["industry"].to_numpy()[rows] == industry]
    usccs = df["uscc"].to_numpy()[rows]
    extra: dict[str, np.ndarray] = {}
    if indicator is not None:
        assert data.run.id is not None  # a published run
        with Session(runs.engine) as session:
            arrays = store.run_arrays(session=session, run_id=data.run.id)
        row = arrays.codes.index(indicator)
        at = {u: k for k, u in enumerate(arrays.usccs.tolist())}
        picks = np.array([at.get(u, -1) for u in usccs], dtype=np.int64)
        known = picks >= 0
        values = np.where(known, arrays.values[row][picks], np.nan)
        points = np.where(known, arrays.points[row][picks], np.nan)
        has = ~np.isnan(values)  # a firm without the value is no "highest"
        rows, usccs, values, points = rows[has], usccs[has], values[has], points[has]
        order = _best(n, (values, points), usccs)
        extra["value"] = values
    else:
        points = df[f"cat.{category}" if category else "total"].to_numpy(dtype=float)[rows]
        order = _best(n, (points,), usccs)
    best = df.iloc[rows[order]].assign(points=points[order], **{k: v[order] for k, v in extra.items()})
    size = len(rows)
    items = [
        {"uscc": r.uscc, "name": r.name, "industry": r.industry, "stage": r.stage, "stage_name": STAGES[r.stage],
         "points": float(r.points), "total": float(r.total), "rank": int(r.rank),
         **({"value": float(r.value)} if indicator is not None else {})}
        for r in best.itertuples()
    ]
    return {"year": data.run.year, "run_id": data.run.id, "system": data.run.system_version, "stage": stage,
            "industry": industry, "category": category, "indicator": indicator, "size": size, "items": items}


def _best(n: int, keys: tuple[np.ndarray, ...], usccs: np.ndarray) -> list[int]:
    """Positions of the `n` best: highest by each key in turn, ties by USCC. Only the candidates
    at or above the n-th value of the first key are sorted (ties at the cut all taken)."""
    if not len(usccs):
        return []
    keys = tuple(np.where(np.isnan(key), -np.inf, key) for key in keys)  # no figure: last, as pandas sorts it
    first = keys[0]
    k = min(n, len(first))
    cut = np.partition(first, len(first) - k)[len(first) - k]
    candidates = np.flatnonzero(first >= cut).tolist()
    candidates.sort(key=lambda i: (*(-float(key[i]) for key in keys), usccs[i]))
    return candidates[:k]


__all__ = ["MAX_N", "top_enterprises"]
