"""An enterprise's portrait (企业创新画像) for one year, read from a published run."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from scoring import store
from scoring.explain import explain, improvements, show_value
from scoring.loader import parse_system
from scoring.schema import STAGES, IndicatorSystem


@lru_cache(maxsize=16)
def _parsed(content: str) -> IndicatorSystem:
    return parse_system(content)


def stored_system(*, session: Session, version: str) -> IndicatorSystem:
    """The system a run was scored with, parsed once per process."""
    return _parsed(store.system_content(session=session, version=version))


def portrait(*, session: Session, uscc: str, year: int | None = None, advice: int = 5) -> dict[str, Any]:
    """Total, categories, rank in stage, every indicator with its explanation, missing data, advice."""
    ent = store.enterprise(session=session, uscc=uscc)
    run = store.latest_run(session=session, year=year)
    assert run.id is not None
    score = store.enterprise_score(session=session, run_id=run.id, uscc=uscc)
    system = stored_system(session=session, version=run.system_version)
    stats = store.cohort_stats(session=session, run_id=run.id)
    mine = stats[stats["stage"] == score.stage].set_index("indicator").to_dict("index") if not stats.empty else {}
    rows = {r.indicator: r for r in store.indicator_scores(session=session, run_id=run.id, uscc=uscc)}
    indicators = []
    for ind in system.indicators:
        r = rows.get(ind.code)
        if r is None:
            continue
        cohort = mine.get(ind.code)
        indicators.append({
            "code": ind.code, "name": ind.name, "category": ind.category, "unit": ind.unit,
            "source": ind.source, "value": r.value, "value_text": show_value(r.value, ind.unit),
            "normalized": r.normalized, "points": r.points, "weight": r.weight,
            "missing": r.missing, "band": r.band,
            "explanation": explain(
                system, ind, stage=score.stage, value=r.value, normalized=r.normalized,
                points=r.points, weight=r.weight, missing=r.missing, band=r.band, cohort=cohort,
            ),
        })
    arrays = store.run_arrays(session=session, run_id=run.id)
    tips = improvements(system, arrays, uscc, top=advice) if advice else []
    cats = {c.code: c for c in system.categories}
    return {
        "uscc": ent.uscc, "name": ent.name, "short_name": ent.short_name, "industry": ent.industry,
        "year": run.year, "run_id": run.id, "system": run.system_version,
        "stage": score.stage, "stage_name": STAGES[score.stage], "stage_reason": score.stage_reason,
        "total": score.total, "max_total": system.max_total, "rank": score.rank,
        "percentile": score.percentile,
        "categories": [
            {"code": code, "name": cats[code].name, "points": pts, "max_points": cats[code].max_points}
            for code, pts in score.category_points.items()
        ],
        "verdicts": score.verdicts,
        "indicators": indicators,
        "missing": [i["code"] for i in indicators if i["missing"]],
        "advice": [asdict(a) for a in tips],
    }
