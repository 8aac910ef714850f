"""Would an enterprise pass an official evaluation (科技型中小企业评价, 高新技术企业认定) on the data
the zone holds? Computed, not guessed: the evaluation's system file is scored by the engine on the
stored raw values (`scoring.store.pipeline.evaluate`: nothing is written, no run), and the raw
fields the system reads that no source holds for the enterprise are listed (the self-report form
asks for those an enterprise may report; expert judgements are the reviewers').

An enterprise's own data, so `require_details` first: anyone else is told "not found".

Cost: the raw values table has no index by enterprise (imports stay fast), so reading one firm's
values scans it — about as long as reading every firm's (1.3 s a question at 2,791 firms,
benchmarks/chat_answers.py). So the first question scores the whole zone (one scan for the values,
one for the gaps: 5.5 s there) and keeps every firm's answer in the run cache, keyed by the raw
data's signature (`raw_signature`: a new import or a revert changes it) and the system file as
loaded; later questions, about any firm, take about 12 ms until the data changes. `prepare` does
the first scoring ahead of any question (a start-up's background task).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.access.privacy import Principal, require_details
from assistant.errors import BadRequest
from assistant.queries.audit import Audit, record
from assistant.queries.profiles import checked_uscc
from assistant.queries.run_cache import RunCache
from assistant.queries.systems import evaluation_versions, find
from scoring import store
from scoring.engine.engine import ScoreResult
from scoring.engine.explain import show_indicator_value
from scoring.errors import NotFound
from scoring.store import raw_signature
from scoring.store.gaps import Gap, find_gaps
from scoring.store.pipeline import evaluate
from scoring.systems.schema import IndicatorSystem


def evaluation(
    *, principal: Principal, engine: Engine, runs: RunCache, systems_dir: Path, version: str, uscc: str,
    year: int, audit: Audit | None,
) -> dict[str, Any]:
    """`{version, name, year, uscc, verdicts, total, max_total, categories, indicators, missing}`
    of evaluation `version` on `uscc`'s raw data of `year`."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    system = find(systems_dir=systems_dir, version=version)
    if system.kind != "evaluation":
        raise BadRequest(f"{version} 不是官方评价的指标体系")
    with Session(engine) as session:
        signature = raw_signature(session=session)
    # The loader keeps one system object per file version: its id names the file as scored.
    zone_key = ("evaluation", system.version, id(system), year, signature)
    kept = runs.answer((*zone_key, code))
    if kept is None and runs.answer(zone_key) is None:
        _evaluate_zone(engine, runs, system, year, zone_key)
        kept = runs.answer((*zone_key, code))
    if kept is None:  # the zone was scored, but this answer was evicted since (or the firm has no data)
        kept = runs.keep_answer((*zone_key, code), _evaluate_one(engine, system, year, code))
    record(audit, action="evaluate", target=f"{code} {version} {year}")
    answer: dict[str, Any] = json.loads(kept.body)
    return answer


def evaluations(
    *, principal: Principal, engine: Engine, runs: RunCache, systems_dir: Path, uscc: str, year: int | None,
    audit: Audit | None,
) -> dict[str, Any]:
    """`{uscc, year, evaluations}`: every official evaluation (科小, 高企) of `uscc` on its raw data of
    `year` (by default the newest published run's year), each as `evaluation` gives it without the
    indicator table: verdicts, total, categories and the fields missing. The portrait's 官方评价."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    year = runs.published().for_year(year).year
    out = []
    for version in evaluation_versions(systems_dir):
        try:
            one = evaluation(principal=principal, engine=engine, runs=runs, systems_dir=systems_dir,
                             version=version, uscc=code, year=year, audit=audit)
        except NotFound:  # no raw data of that year for this firm: no verdict, not an error
            continue
        out.append({k: v for k, v in one.items() if k != "indicators"})
    if not out:
        with Session(engine) as session:
            if not store.enterprises_by_uscc(session=session, usccs=[code]):
                raise NotFound(f"找不到统一社会信用代码为 {code} 的企业")
    return {"uscc": code, "year": year, "evaluations": out}


def prepare(*, engine: Engine, runs: RunCache, systems_dir: Path, version: str, year: int) -> None:
    """Score the zone for `version` and `year` now and keep every answer (a service's start-up may
    call it in the background, so that no asker waits for the first scoring); returns nothing."""
    system = find(systems_dir=systems_dir, version=version)
    with Session(engine) as session:
        signature = raw_signature(session=session)
    zone_key = ("evaluation", system.version, id(system), year, signature)
    if runs.answer(zone_key) is None:
        _evaluate_zone(engine, runs, system, year, zone_key)


def _evaluate_zone(engine: Engine, runs: RunCache, system: IndicatorSystem, year: int,
                   zone_key: tuple[Any, ...]) -> None:
    """Score every enterprise of `year` and keep each one's answer (and a marker that it was done)."""
    result = evaluate(engine=engine, system=system, year=year)
    with Session(engine) as session:
        gaps = find_gaps(session=session, year=year, system=system)
    missing = {e.uscc: e.gaps for e in gaps.enterprises}
    for i, uscc in enumerate(result.usccs.tolist()):
        body = _one(system, result, i, year, missing.get(uscc, ()))
        runs.keep_answer((*zone_key, uscc), json.dumps(body, ensure_ascii=False).encode())
    runs.keep_answer(zone_key, b"{}")


def _evaluate_one(engine: Engine, system: IndicatorSystem, year: int, uscc: str) -> bytes:
    """One enterprise's answer on its own (NotFound when it has no raw data for `year`)."""
    try:
        result = evaluate(engine=engine, system=system, year=year, usccs=[uscc])
        i = result.row(uscc)
    except (NotFound, KeyError):
        raise NotFound(f"{year} 年没有统一社会信用代码为 {uscc} 的企业的原始数据，无法评价") from None
    with Session(engine) as session:
        gaps = find_gaps(session=session, year=year, usccs=[uscc], system=system)
    missing = next((e.gaps for e in gaps.enterprises), ())
    return json.dumps(_one(system, result, i, year, missing), ensure_ascii=False).encode()


def _one(system: IndicatorSystem, result: ScoreResult, i: int, year: int, gaps: tuple[Gap, ...]) -> dict[str, Any]:
    return {
        "version": system.version, "name": system.name, "year": year, "uscc": str(result.usccs[i]),
        "verdicts": [
            {"code": v.code, "name": v.name, "passed": bool(result.verdicts[v.code][i] == 1),
             "route": result.route_text(v.code, i)}
            for v in system.verdicts
        ],
        "total": float(result.total[i]), "max_total": system.max_total,
        "categories": [
            {"code": c.code, "name": c.name, "points": float(result.category_points[j, i]), "max_points": c.max_points,
             "choice": result.choice_text(c.code, i) if c.code in result.choices else None}
            for j, c in enumerate(system.categories)
        ],
        "indicators": [
            {"code": ind.code, "name": ind.name, "category": ind.category, "unit": ind.unit,
             "value": None if math.isnan(float(result.values[k, i])) else float(result.values[k, i]),
             "value_text": show_indicator_value(ind, float(result.values[k, i])),
             "points": float(result.points[k, i]), "max_points": float(result.stage_weights[k].max()),
             "missing": bool(result.missing[k, i])}
            for k, ind in enumerate(system.indicators)
        ],
        "missing": [{**g.as_dict(), "asked": g.asked} for g in gaps],
    }


__all__ = ["evaluation", "evaluations", "prepare"]
