"""Growth stages: the system file's rule table, evaluated in order, first match wins.

Each enterprise gets a stage and the index of the rule that decided it; the Chinese reason
("成立2年，营业收入300万元 → 初创期") is rendered on demand from that rule's template, so that
scoring a million enterprises formats no strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from scoring.formula import expr
from scoring.systems.schema import PLACEHOLDER, STAGES, IndicatorSystem

STAGE_CODES: tuple[str, ...] = tuple(STAGES)


def assign_stages(system: IndicatorSystem, env: expr.Env) -> tuple[np.ndarray, np.ndarray]:
    """Stage index (into `STAGE_CODES`) and deciding rule index for every enterprise."""
    n = env.size
    stage = np.full(n, -1, dtype=np.int8)
    rule_of = np.full(n, -1, dtype=np.int16)
    for i, rule in enumerate(system.stages):
        cond = expr.evaluate(expr.parse(rule.when), env)
        # A condition that cannot be decided (missing data) does not match: the next rule decides.
        hit = (stage < 0) & (cond == 1)
        stage[hit] = STAGE_CODES.index(rule.stage)
        rule_of[hit] = i
    return stage, rule_of


def reason_fields(system: IndicatorSystem) -> set[str]:
    """Raw fields the stage reasons show (`{revenue}` in a reason template)."""
    return {name for rule in system.stages for name in PLACEHOLDER.findall(rule.reason)}


def format_value(value: Any) -> str:
    """A raw value as a person writes it: 300, 12.5, 未知."""
    if value is None:
        return "未知"
    if isinstance(value, str):
        return value
    f = float(value)
    if f != f:
        return "未知"
    if f == int(f) and abs(f) < 1e15:
        return str(int(f))
    return f"{f:,.2f}".rstrip("0").rstrip(".").replace(",", "")


def stage_reason(system: IndicatorSystem, rule_index: int, values: Mapping[str, object]) -> str:
    """The Chinese reason for one enterprise's stage, e.g. "成立2年，营业收入300万元 → 初创期"."""
    if rule_index < 0:
        return "无法判定阶段"
    rule = system.stages[rule_index]
    text = PLACEHOLDER.sub(lambda m: format_value(values.get(m.group(1))), rule.reason)
    label = STAGES[rule.stage]
    return f"{text} → {label}" if text else label
