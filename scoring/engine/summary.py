"""The zone's summary of a run: enterprises per stage, points by category (`innopoints stats`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from scoring.systems.schema import STAGES, IndicatorSystem


def zone_summary(scores: pd.DataFrame, system: IndicatorSystem, *, year: int, run_id: int) -> dict[str, Any]:
    """Counts and shares per stage, mean total and category points per stage (JSON-ready)."""
    n = len(scores)
    cats = [c.code for c in system.categories]
    stages = []
    for code, label in STAGES.items():
        part = scores[scores["stage"] == code]
        entry: dict[str, Any] = {
            "stage": code, "name": label, "count": int(len(part)),
            "share": round(len(part) / n * 100, 1) if n else 0.0,
        }
        if len(part):
            points = pd.DataFrame(part["category_points"].tolist())
            entry["mean_total"] = round(float(part["total"].mean()), 2)
            entry["median_total"] = round(float(part["total"].median()), 2)
            entry["categories"] = {c: round(float(points[c].mean()), 2) for c in cats}
        stages.append(entry)
    all_points = pd.DataFrame(scores["category_points"].tolist()) if n else pd.DataFrame(columns=cats)
    return {
        "year": year,
        "run_id": run_id,
        "system": system.version,
        "enterprises": n,
        "max_total": system.max_total,
        "mean_total": round(float(scores["total"].mean()), 2) if n else None,
        "stages": stages,
        "categories": [
            {"code": c.code, "name": c.name, "max_points": c.max_points,
             "mean": round(float(all_points[c.code].mean()), 2) if n else None}
            for c in system.categories
        ],
    }
