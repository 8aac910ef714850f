"""Indicator systems: every version, one with every definition, the diff of two (public reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.errors import InvalidIndicatorSystem, NotFound
from scoring.systems.diff import diff_systems
from scoring.systems.loader import find_system, load_all
from scoring.systems.schema import IndicatorSystem


def system_summaries(*, systems_dir: Path) -> list[dict[str, Any]]:
    """Every version (the official evaluations included): version, name, year, sizes, maximum."""
    return [
        {"version": s.version, "name": s.name, "year": s.year, "indicators": len(s.indicators),
         "categories": len(s.categories), "max_total": s.max_total, "description": s.description}
        for s in load_all(systems_dir).values()
    ]


def system_definition(*, systems_dir: Path, version: str) -> dict[str, Any]:
    """One version's categories, indicator definitions, stage rule and verdict rules, as JSON data;
    each indicator also in words (`words`: formula, rule, weights, source) and the stage rule too
    (`stage_words`), worded as `innopoints systems show` words them."""
    from scoring.systems.diff import stage_rule_words, weights_words
    from scoring.systems.labels import SOURCES
    from scoring.systems.words import default_formula_words

    system = find(systems_dir=systems_dir, version=version)
    data = system.as_json()
    by_code = {ind.code: ind for ind in system.indicators}
    for item in data["indicators"]:
        ind = by_code[item["code"]]
        item["words"] = {"formula": default_formula_words(ind.formula), "rule": str(ind.rule.describe(unit=ind.unit)),
                         "weights": weights_words(ind), "source": SOURCES.get(ind.source, ind.source)}
    data["stage_words"] = [stage_rule_words(rule) for rule in system.stages]
    return data


def system_diff(*, systems_dir: Path, old: str, new: str) -> dict[str, Any]:
    """Indicators added, removed and changed from `old` to `new`, with the lines people read."""
    d = diff_systems(find(systems_dir=systems_dir, version=old), find(systems_dir=systems_dir, version=new))
    return {**d.as_dict(), "lines": d.lines()}


def evaluation_versions(systems_dir: Path) -> list[str]:
    """The versions that are official evaluations (科技型中小企业评价, 高新技术企业认定), not zone scoring."""
    return [s.version for s in load_all(systems_dir).values() if s.kind == "evaluation"]


def find(*, systems_dir: Path, version: str) -> IndicatorSystem:
    """A version by name; NotFound when there is none (a broken file still says what is broken)."""
    try:
        return find_system(version, systems_dir)
    except InvalidIndicatorSystem as exc:
        if "找不到" in exc.problem:
            raise NotFound(exc.problem) from None
        raise


__all__ = ["evaluation_versions", "find", "system_definition", "system_diff", "system_summaries"]
