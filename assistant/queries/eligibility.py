"""Would an enterprise pass an official evaluation (科技型中小企业评价, 高新技术企业认定) on the data
the zone holds? Computed, not guessed: the evaluation's system file is scored by the engine on the
enterprise's stored raw values (`scoring.store.pipeline.evaluate`: nothing is written, no run), and
the raw fields the system reads that no source holds for it are listed (the self-report form asks
for those an enterprise may report; expert judgements are the reviewers').

An enterprise's own data, so `require_details` first: anyone else is told "not found".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.access.privacy import Principal, require_details
from assistant.errors import BadRequest
from assistant.queries.audit import Audit, record
from assistant.queries.profiles import checked_uscc
from assistant.queries.systems import find
from scoring.engine.explain import show_indicator_value
from scoring.store.gaps import find_gaps
from scoring.store.pipeline import evaluate


def evaluation(
    *, principal: Principal, engine: Engine, systems_dir: Path, version: str, uscc: str, year: int,
    audit: Audit | None,
) -> dict[str, Any]:
    """`{version, name, year, uscc, verdicts, total, max_total, categories, indicators, missing}`
    of evaluation `version` on `uscc`'s raw data of `year`."""
    code = checked_uscc(uscc)
    require_details(principal, code)
    system = find(systems_dir=systems_dir, version=version)
    if system.kind != "evaluation":
        raise BadRequest(f"{version} 不是官方评价的指标体系")
    result = evaluate(engine=engine, system=system, year=year, usccs=[code])
    i = result.row(code)
    with Session(engine) as session:
        gaps = find_gaps(session=session, year=year, usccs=[code], system=system)
    missing = [g for ent in gaps.enterprises for g in ent.gaps]
    record(audit, action="evaluate", target=f"{code} {version} {year}")
    return {
        "version": system.version, "name": system.name, "year": year, "uscc": code,
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
        "missing": [{**g.as_dict(), "asked": g.asked} for g in missing],
    }


__all__ = ["evaluation"]
