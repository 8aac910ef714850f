"""Distributions of a year: stage split, points histogram, category averages per stage.

Anyone may read them, but non-officials see only groups of at least `MIN_GROUP` enterprises:
smaller stages are hidden (and, when only one is, the next smallest too, so that the total minus
the others does not give it back), histogram bins are merged until each holds at least five, and
the bin width is fixed (with free widths, a wide bin minus the narrow ones inside gives one back).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.access.privacy import MIN_GROUP, Principal, suppress_small
from assistant.errors import BadRequest, Forbidden
from assistant.queries.audit import Audit, record
from assistant.queries.run_cache import RunCache
from scoring.systems.schema import STAGES

BIN_WIDTH = 10.0


def merge_small(bins: list[list[float]]) -> list[list[float]]:
    """Merge each bin of 1–4 enterprises into its neighbour until every bin is empty or ≥ MIN_GROUP,
    so that the public sees only groups of at least five and nothing is left to subtract."""
    out = [b[:] for b in bins]
    i = 0
    while i < len(out):
        if 0 < out[i][2] < MIN_GROUP and len(out) > 1:
            j = i + 1 if i + 1 < len(out) else i - 1
            lo, hi = min(out[i][0], out[j][0]), max(out[i][1], out[j][1])
            merged = [lo, hi, out[i][2] + out[j][2]]
            k = min(i, j)
            out[k : k + 2] = [merged]
            i = max(k - 1, 0)
            continue
        i += 1
    return out


def distribution(
    *, principal: Principal, runs: RunCache, year: int | None = None, bin_width: float = BIN_WIDTH,
    audit: Audit | None = None,
) -> dict[str, Any]:
    """`{year, run_id, system, enterprises, stages, histogram, categories, totals}` of `year`'s run, as the
    caller may see it (officials see groups under five too: their reads are audited)."""
    if not principal.sees_all and bin_width != BIN_WIDTH:
        # With free bin widths, a wide bin minus the narrow ones inside it gives back a hidden one.
        raise Forbidden("自定义直方图区间仅向园区工作人员开放")
    if not bin_width > 0:
        raise BadRequest(f"直方图区间宽度必须大于 0（收到 {bin_width}）")
    data = runs.run_data_for_year(year)
    df = data.scores
    n = len(df)
    # One mask per stage, compared once (pandas' per-call comparisons were most of this read's time).
    stage_of = df["stage"].to_numpy()
    masks = {code: stage_of == code for code in STAGES}
    counts = {code: int(masks[code].sum()) for code in STAGES}
    hidden = {code for code, c in counts.items() if suppress_small(c, principal) is None}
    if len(hidden) == 1:  # the total minus the others would give it back: hide the next smallest too
        others = sorted((c, code) for code, c in counts.items() if code not in hidden and c > 0)
        if others:
            hidden.add(others[0][1])
    stages = [
        {"stage": code, "name": name, "count": None if code in hidden else counts[code],
         "share": None if code in hidden else (round(counts[code] / n * 100, 1) if n else 0.0)}
        for code, name in STAGES.items()
    ]
    top = data.system.max_total
    edges = np.arange(0, top + bin_width, bin_width)
    binned, _ = np.histogram(df["total"].clip(upper=top), bins=edges)
    bins = [[float(lo), float(hi), int(c)] for lo, hi, c in zip(edges[:-1], edges[1:], binned, strict=True)]
    if not principal.sees_all:
        bins = merge_small(bins)
    histogram = [{"lo": lo, "hi": hi, "count": c} for lo, hi, c in bins]
    categories = []
    for cat in data.system.categories:
        by_stage: dict[str, float | None] = {}
        points = df[f"cat.{cat.code}"].to_numpy(dtype=float)
        for code in STAGES:
            part = points[masks[code]]
            visible = principal.sees_all or len(part) >= MIN_GROUP
            by_stage[code] = round(float(part.mean()), 2) if len(part) and visible else None
        categories.append({"code": cat.code, "name": cat.name, "max_points": cat.max_points, "by_stage": by_stage})
    # The mean total of the zone and of each stage (the same groups as the category means): how the
    # points moved over the years, on 概况. Hidden like the counts: a stage whose count is hidden has
    # no mean either, and with any stage hidden the zone's mean is too (the zone's sum minus the
    # shown stages' sums would give the hidden ones back).
    by_stage_total: dict[str, float | None] = {}
    totals_of = df["total"].to_numpy(dtype=float)
    for code in STAGES:
        part = totals_of[masks[code]]
        visible = principal.sees_all or (len(part) >= MIN_GROUP and code not in hidden)
        by_stage_total[code] = round(float(part.mean()), 2) if len(part) and visible else None
    zone_visible = principal.sees_all or (n >= MIN_GROUP and not hidden)
    mean_total = round(float(df["total"].mean()), 2) if n and zone_visible else None
    totals = {"mean": mean_total, "by_stage": by_stage_total}
    if principal.sees_all:
        record(audit, action="read_distribution", target=f"{data.run.year} 年（区间 {bin_width:g} 分）")
    return {"year": data.run.year, "run_id": data.run.id, "system": data.run.system_version, "enterprises": n,
            "stages": stages, "histogram": histogram, "categories": categories, "totals": totals}


__all__ = ["BIN_WIDTH", "distribution", "merge_small"]
