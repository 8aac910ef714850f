"""An enterprise's portrait (企业创新画像) for one year, read from a published run.

Everything about a run that is the same for every enterprise (its system, its cohort statistics,
the stage sizes and the stage averages of every category) is gathered once into `RunData`; runs are
immutable once published, so a service may keep `RunData` for as long as it likes. An enterprise's
improvement advice was computed when the run was published (`scoring.engine.advice`) and is read
with its other rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from scoring import store
from scoring.disclosure import MIN_GROUP
from scoring.engine.advice import make_advice
from scoring.engine.explain import explain, show_indicator_value
from scoring.formula.significant import significant
from scoring.store.advice import enterprise_advice
from scoring.systems.loader import parse_system
from scoring.systems.schema import STAGES, IndicatorSystem


@lru_cache(maxsize=16)
def _parsed(content: str) -> IndicatorSystem:
    return parse_system(content)


def stored_system(*, session: Session, version: str) -> IndicatorSystem:
    """The system a run was scored with, parsed once per process."""
    return _parsed(store.system_content(session=session, version=version))


@dataclass(frozen=True)
class RunData:
    """What every portrait of one run shares."""

    run: store.ScoreRun
    system: IndicatorSystem
    stage_sizes: dict[str, int]  # stage → enterprises
    cohort: dict[str, dict[str, dict[str, Any]]]  # stage → indicator → figures
    benchmarks: dict[str, dict[str, dict[str, float]]]  # stage → category → {mean, p75}
    scores: pd.DataFrame  # one row per enterprise: uscc, name, industry, stage, total, rank, percentile, cat.*
    _memo: dict[Hashable, Any] = field(default_factory=dict, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`, once per run and `key`: what a service derives from the run alone (an
        enterprise's standing, a stage's ranking, a top-N list), kept as long as the run data. Callers must not
        change what they get. Two threads may both compute a missing key: the values are equal.
        Bounded by what the keys can be (a run's enterprises, the lists' parameters)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def ranking(self, stage: str, category: str | None = None) -> list[dict[str, Any]]:
        """A stage's enterprises best first by total (or one category), with competition ranks;
        computed once per run, stage and category."""
        return self.memo(("ranking", stage, category), lambda: self._ranking(stage, category))

    def _ranking(self, stage: str, category: str | None) -> list[dict[str, Any]]:
        df = self.scores[self.scores["stage"] == stage]
        points = df[f"cat.{category}" if category else "total"]
        df = df.assign(points=points).sort_values(["points", "uscc"], ascending=[False, True])
        df = df.assign(position=df["points"].rank(method="min", ascending=False).astype(int))
        return [
            {"rank": int(r.position), "uscc": r.uscc, "name": r.name, "industry": r.industry, "stage": r.stage,
             "points": float(r.points), "total": float(r.total), "percentile": float(r.percentile)}
            for r in df.itertuples()
        ]


def load_run_data(*, session: Session, run: store.ScoreRun) -> RunData:
    """Read a run's shared data (a few database reads)."""
    assert run.id is not None
    system = stored_system(session=session, version=run.system_version)
    stats = store.cohort_stats(session=session, run_id=run.id)
    cohort: dict[str, dict[str, dict[str, Any]]] = {}
    for row in stats.to_dict("records"):
        cohort.setdefault(row["stage"], {})[row["indicator"]] = row
    scores = store.run_scores(session=session, run_id=run.id)
    for c in system.categories:
        scores[f"cat.{c.code}"] = [p.get(c.code, 0.0) for p in scores["category_points"]]
    benchmarks: dict[str, dict[str, dict[str, float]]] = {}
    for stage, part in scores.groupby("stage"):
        cats = np.array([[p[c.code] for c in system.categories] for p in part["category_points"]])
        benchmarks[str(stage)] = {
            c.code: {"mean": round(float(cats[:, j].mean()), 2), "p75": round(float(np.quantile(cats[:, j], 0.75)), 2)}
            for j, c in enumerate(system.categories)
        }
    sizes = {stage: int(size) for stage, size in scores["stage"].value_counts().items()}
    # A detached copy: RunData outlives the session that read the run.
    detached = store.ScoreRun.model_validate(run.model_dump())
    return RunData(detached, system, sizes, cohort, benchmarks, scores)


def portrait(
    *,
    session: Session,
    uscc: str,
    year: int | None = None,
    run_data: Callable[[store.ScoreRun], RunData] | None = None,
) -> dict[str, Any]:
    """Total, categories next to the stage's average and top quartile, rank in stage, every
    indicator with its explanation, missing data, improvement advice (as the run keeps it: the
    largest gains, `scoring.engine.advice.TOP`) and the trend over years."""
    ent = store.enterprise(session=session, uscc=uscc)
    run = store.latest_run(session=session, year=year)
    assert run.id is not None
    data = run_data(run) if run_data else load_run_data(session=session, run=run)
    system = data.system
    score = store.enterprise_score(session=session, run_id=run.id, uscc=uscc)
    stage_size = data.stage_sizes.get(score.stage, 0)
    # Figures of a stage cohort under MIN_GROUP enterprises would show other enterprises' values.
    small = stage_size < MIN_GROUP
    mine = {} if small else data.cohort.get(score.stage, {})
    indicators: list[dict[str, Any]] = []
    for r in sorted(store.indicator_scores(session=session, run_id=run.id, uscc=uscc), key=lambda r: r.indicator):
        ind = system.by_code.get(r.indicator)
        if ind is None:
            continue
        indicators.append({
            "code": ind.code, "name": ind.name, "category": ind.category, "unit": ind.unit,
            "source": ind.source, "value": significant(r.value), "value_text": show_indicator_value(ind, r.value),
            "normalized": r.normalized, "points": r.points, "weight": r.weight,
            "missing": r.missing, "band": r.band,
            "explanation": explain(
                system, ind, stage=score.stage, value=r.value, normalized=r.normalized,
                points=r.points, weight=r.weight, missing=r.missing, band=r.band, cohort=mine.get(ind.code),
            ),
        })
    order = {ind.code: k for k, ind in enumerate(system.indicators)}
    indicators.sort(key=lambda i: order[i["code"]])
    tips = [
        make_advice(system.by_code[a.indicator], a.kind, current=a.current, target=a.target,
                    points_now=a.points_now, points_then=a.points_then, gain=a.gain)
        for a in enterprise_advice(session=session, run_id=run.id, uscc=uscc)
    ]
    cats = system.category_by_code
    stage_bench = {} if small else data.benchmarks.get(score.stage, {})
    return {
        "uscc": ent.uscc, "name": ent.name, "short_name": ent.short_name, "industry": ent.industry,
        "year": run.year, "run_id": run.id, "system": run.system_version,
        "stage": score.stage, "stage_name": STAGES[score.stage], "stage_reason": score.stage_reason,
        "total": score.total, "max_total": system.max_total, "rank": score.rank,
        "stage_size": stage_size,
        "percentile": score.percentile,
        "categories": [
            {
                "code": code, "name": cats[code].name, "points": pts, "max_points": cats[code].max_points,
                "stage_mean": stage_bench.get(code, {}).get("mean"), "stage_p75": stage_bench.get(code, {}).get("p75"),
            }
            for code, pts in score.category_points.items()
        ],
        "verdicts": score.verdicts,
        "indicators": indicators,
        "missing": [i["code"] for i in indicators if i["missing"]],
        "advice": [asdict(a) for a in tips],
        "trend": store.enterprise_trend(session=session, uscc=uscc),
    }
