"""Lists for banks (积分贷白名单): enterprises above a threshold or the top N per stage.

Individual points of many enterprises, so for officials only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.access.privacy import Principal, require_official
from assistant.errors import BadRequest
from assistant.queries.audit import Audit, record
from assistant.queries.run_cache import RunCache
from scoring.store.portraits import RunData
from scoring.systems.schema import STAGES


@dataclass(frozen=True)
class CreditList:
    """The list and the run it was drawn from (a workbook names the run's system and categories)."""

    data: RunData
    rule: str
    items: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """`{year, run_id, rule, items}`, as the API and `--json` show it."""
        return {"year": self.data.run.year, "run_id": self.data.run.id, "rule": self.rule, "items": self.items}


def credit_list(
    *, principal: Principal, runs: RunCache, audit: Audit | None, year: int | None = None,
    min_total: float | None = None, top: int | None = None,
) -> CreditList:
    """Enterprises of `year`'s run with total ≥ `min_total`, or ranked ≤ `top` in their stage (ties
    at the cut all stay), or both; by stage, then rank, then USCC."""
    require_official(principal)
    if min_total is None and top is None:
        raise BadRequest("请给出 min_total（总分阈值）或 top（每阶段前 N 名）")
    data = runs.run_data_for_year(year)
    df = data.scores
    rules = []
    if min_total is not None:
        df = df[df["total"] >= min_total]
        rules.append(f"总分≥{min_total:g}")
    if top is not None:
        df = df[df["rank"] <= top]  # competition rank: ties at the cut all stay on the list
        rules.append(f"各阶段前{top}名")
    df = df.sort_values(["stage", "rank", "uscc"], key=lambda c: c.map(list(STAGES).index) if c.name == "stage" else c)
    cats = [c.code for c in data.system.categories]
    items = [
        {"uscc": r["uscc"], "name": r["name"], "industry": r["industry"], "stage": r["stage"],
         "stage_name": STAGES[r["stage"]], "total": float(r["total"]), "rank": int(r["rank"]),
         "categories": {c: float(r[f"cat.{c}"]) for c in cats}}
        for r in df.to_dict("records")
    ]
    rule = "，".join(rules)
    record(audit, action="credit_list", target=rule)
    return CreditList(data=data, rule=rule, items=items)


__all__ = ["CreditList", "credit_list"]
