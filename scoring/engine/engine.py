"""The scoring engine: one indicator-system version + one year of raw data → scores.

Vectorized throughout: every formula, rule, aggregation, rank and verdict is a numpy operation
over all enterprises; cohort rules loop over the four stage cohorts, never over enterprises.
The engine never touches the database: it takes frames (year → DataFrame indexed by USCC, one
column per raw field) and returns a `ScoreResult`.

Points scale: `points = normalized × weight(stage)`, rounded to 6 decimals; a category is
min(sum of its indicators (or the best one, for `aggregate: max`), max_points) plus its
deductions, floored at 0; the total is the sum of the categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from scoring.engine.inputs import MAX_PROBLEMS, collect_env
from scoring.engine.stages import STAGE_CODES, assign_stages, reason_fields, stage_reason
from scoring.errors import ExpressionError, InputProblem, InvalidInput
from scoring.formula import expr
from scoring.formula.exact import evaluate_rows as exact_rows
from scoring.systems.choice import choice_words
from scoring.systems.rules import Input, RuleInput, RuleOutput
from scoring.systems.schema import STAGES, Category, Indicator, IndicatorSystem

NO_ROUTE = -999  # verdict reached by no route
DECIMALS = 6


@dataclass
class ScoreResult:
    """Everything a score run produces, column-major: arrays of shape (indicators, enterprises)."""

    system: IndicatorSystem
    year: int
    usccs: np.ndarray
    stage: np.ndarray  # index into STAGE_CODES
    stage_rule: np.ndarray
    codes: list[str]
    values: np.ndarray
    normalized: np.ndarray
    points: np.ndarray
    stage_weights: np.ndarray  # (indicators, stages): points at stake per stage
    missing: np.ndarray
    band: np.ndarray
    category_codes: list[str]
    category_points: np.ndarray
    total: np.ndarray
    rank: np.ndarray
    percentile: np.ndarray
    verdicts: dict[str, np.ndarray] = field(default_factory=dict)
    routes: dict[str, np.ndarray] = field(default_factory=dict)
    cohort_stats: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason_values: dict[str, np.ndarray] = field(default_factory=dict)
    # category with a declared choice → the option each enterprise declared (−1: none declared)
    choices: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.usccs)

    @property
    def weights(self) -> np.ndarray:
        """Weight of every indicator for every enterprise (its stage's), shape like `points`."""
        return self.stage_weights[:, self.stage]

    def row(self, uscc: str) -> int:
        """Position of an enterprise in the arrays."""
        hits = np.flatnonzero(self.usccs == uscc)
        if not hits.size:
            raise KeyError(uscc)
        return int(hits[0])

    def stage_code(self, i: int) -> str:
        return STAGE_CODES[int(self.stage[i])]

    def stage_reason(self, i: int) -> str:
        values = {k: v[i] for k, v in self.reason_values.items()}
        return stage_reason(self.system, int(self.stage_rule[i]), values)

    def route_text(self, verdict_code: str, i: int) -> str:
        """The route by which enterprise `i` passed, or the first requirement it failed."""
        verdict = next(v for v in self.system.verdicts if v.code == verdict_code)
        r = int(self.routes[verdict_code][i])
        if r >= 0:
            return verdict.routes[r].name
        if r == NO_ROUTE:
            return "未满足任何通过条件"
        return f"不满足：{verdict.requires[-1 - r].name}"

    def choice_text(self, category: str, i: int) -> str:
        """Which alternative counted for enterprise `i`: the declared one, or the best and why."""
        choice = self.system.category_by_code[category].choice
        assert choice is not None
        rows = [self.codes.index(code) for code in choice.options]
        return choice_words(
            names=[self.system.by_code[code].name for code in choice.options],
            points=[float(self.points[k, i]) for k in rows],
            declared=int(self.choices[category][i]),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per enterprise: stage, totals, category and indicator points, verdicts."""
        cols: dict[str, object] = {
            "stage": [STAGE_CODES[s] for s in self.stage],
            "stage_name": [STAGES[STAGE_CODES[s]] for s in self.stage],
            "stage_reason": [self.stage_reason(i) for i in range(self.size)],
            "total": self.total,
            "rank": self.rank,
            "percentile": self.percentile,
        }
        for code in self.verdicts:
            cols[f"verdict.{code}"] = self.verdicts[code] == 1
            cols[f"route.{code}"] = [self.route_text(code, i) for i in range(self.size)]
        for j, code in enumerate(self.category_codes):
            cols[f"cat.{code}"] = self.category_points[j]
        for code in self.choices:
            cols[f"choice.{code}"] = [self.choice_text(code, i) for i in range(self.size)]
        for k, code in enumerate(self.codes):
            cols[f"pts.{code}"] = self.points[k]
        for k, code in enumerate(self.codes):
            cols[f"val.{code}"] = self.values[k]
        for k, code in enumerate(self.codes):
            cols[f"missing.{code}"] = self.missing[k]
        return pd.DataFrame(cols, index=pd.Index(self.usccs, name="uscc"))


def score_frames(
    system: IndicatorSystem, frames: Mapping[int, pd.DataFrame], *, year: int
) -> ScoreResult:
    """Score every enterprise of `frames[year]` under `system`.

    Earlier years in `frames` feed `field[-1]`, `growth()` and `avg_growth()`.
    Raises `InvalidInput` for cells that cannot be scored (text in a number column, negative
    counts, duplicate enterprises) and for expert points outside their allowed range: every
    problem of every row at once, a row's problems together, nothing scored.
    """
    env, usccs, problems = collect_env(system, frames, year=year)
    n = len(usccs)
    stage, stage_rule = assign_stages(system, env)
    cohorts = [np.flatnonzero(stage == s) for s in range(len(STAGE_CODES))]

    k = len(system.indicators)
    # Memory matters at a million enterprises: normalized scores are for display (float32),
    # points are computed from the float64 value before it is stored.
    values = np.empty((k, n))
    normalized = np.empty((k, n), dtype=np.float32)
    points = np.empty((k, n))
    stage_weights = np.array([[ind.weight(s) for s in STAGE_CODES] for ind in system.indicators])
    missing = np.zeros((k, n), dtype=bool)
    band = np.full((k, n), -1, dtype=np.int8)
    stats: list[dict[str, object]] = []
    position = {ind.code: i for i, ind in enumerate(system.indicators)}

    for ind in _in_dependency_order(system):
        i = position[ind.code]
        formula = expr.parse(ind.formula)
        raw = expr.evaluate(formula, env)  # a `levels` rule turns text into its level's points
        try:
            v = _numeric(ind.rule.prepare(raw, row_names=usccs, indicator=f"{ind.code} {ind.name}"), ind.code)
        except InvalidInput as exc:  # keep going: the other indicators' problems are reported too
            problems.extend(exc.problems)
            v = np.full(n, np.nan)
        _columns(env)[(f"val.{ind.code}", 0)] = v
        values[i] = v
        missing[i] = np.isnan(v)
        inp = RuleInput(
            values=v,
            cohorts=cohorts,
            higher_is_better=ind.direction == "higher",
            exact=None if expr.is_faithful(formula) else partial(exact_rows, formula.root, env),
            zero_exact=expr.zero_faithful(formula.root),
            row_names=usccs,
            indicator=f"{ind.code} {ind.name}",
        )
        if isinstance(ind.rule, Input) and ind.rule.basis:
            basis = expr.parse(ind.rule.basis)
            if ind.rule.grades is not None:  # the expert's grade: a text (A–E), looked up by the rule
                inp.basis = expr.evaluate(basis, env)
            else:
                inp.basis = _numeric(expr.evaluate(basis, env), ind.code)
                inp.basis_exact = None if expr.is_faithful(basis) else partial(exact_rows, basis.root, env)
        try:
            out = ind.rule.apply(inp)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            out = RuleOutput(np.full(n, np.nan))
        norm = _fill_missing(out.normalized, ind.missing or system.missing, cohorts)
        normalized[i] = norm
        points[i] = np.round(norm * stage_weights[i][stage], DECIMALS)
        if out.band is not None:
            band[i] = out.band
        stats.extend(_cohort_stats(ind.code, v, cohorts, quartiles=ind.rule.uses_cohort or ind.rule.kind == "linear"))

    choices, chosen = _declared_choices(system, env, usccs, problems)
    if problems:
        raise InvalidInput(_by_row(problems, usccs)[:MAX_PROBLEMS])
    category_points = aggregate_categories(system, points, chosen=chosen)
    total = np.round(category_points.sum(axis=0), DECIMALS)
    rank, percentile = _rank_within(total, cohorts)

    result = ScoreResult(
        system=system,
        year=year,
        usccs=usccs,
        stage=stage,
        stage_rule=stage_rule,
        codes=[ind.code for ind in system.indicators],
        values=values,
        normalized=normalized,
        points=points,
        stage_weights=stage_weights,
        missing=missing,
        band=band,
        category_codes=[c.code for c in system.categories],
        category_points=category_points,
        total=total,
        rank=rank,
        percentile=percentile,
        cohort_stats=pd.DataFrame(stats),
        reason_values=_reason_values(system, env),
        choices=choices,
    )
    _verdicts(system, env, result)
    return result


def _declared_choices(
    system: IndicatorSystem, env: expr.ArrayEnv, usccs: np.ndarray, problems: list[InputProblem]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per category with a choice: the option each enterprise declared (−1: none) and the row of
    the indicator that counts (−1: the best counts); a declaration naming no option is a problem."""
    position = {code: k for k, code in enumerate(system.by_code)}
    choices: dict[str, np.ndarray] = {}
    chosen: dict[str, np.ndarray] = {}
    for cat in system.categories:
        if cat.choice is None:
            continue
        option, bad = cat.choice.chosen(env.column(cat.choice.field, 0), row_names=usccs, column=cat.choice.field)
        problems.extend(bad)
        rows = np.array([position[code] for code in cat.choice.options])
        choices[cat.code] = option
        chosen[cat.code] = np.where(option >= 0, rows[np.maximum(option, 0)], -1)
    return choices, chosen


def _by_row(problems: list[InputProblem], usccs: np.ndarray) -> list[InputProblem]:
    """Problems in row order, a row's problems together (cells first, then indicators in file
    order): an official fixing a file reads each enterprise once."""
    where = {f"企业 {u}": k for k, u in enumerate(usccs.tolist())}
    end = len(where)

    def position(p: InputProblem) -> int:
        label = str(p.row)
        # a cell of an earlier year reads "2023年 企业 X": the same enterprise
        return where.get(label.split("年 ", 1)[1] if "年 企业 " in label else label, end)

    return sorted(problems, key=position)


def _numeric(v: np.ndarray, code: str) -> np.ndarray:
    if v.dtype == object:
        raise ExpressionError(f"指标 {code} 的公式结果是文本，不能计分")
    return v.astype(float, copy=False)


def _in_dependency_order(system: IndicatorSystem) -> list[Indicator]:
    """Indicators ordered so that `val.X` is computed before any formula reading it."""
    done: set[str] = set()
    order = []

    def visit(code: str) -> None:
        if code in done:
            return
        done.add(code)
        ind = system.by_code[code]
        for name in sorted(expr.parse(ind.formula).names):
            if name.startswith("val."):
                visit(name[4:])
        order.append(ind)

    for ind in system.indicators:
        visit(ind.code)
    return order


def _fill_missing(norm: np.ndarray, policy: str, cohorts: list[np.ndarray]) -> np.ndarray:
    """Score missing values by the file's policy; they stay flagged as missing elsewhere."""
    holes = np.isnan(norm)
    if not holes.any():
        return norm
    out = norm.copy()
    if policy == "zero":
        out[holes] = 0.0
        return out
    for rows in cohorts:
        sub = norm[rows]
        present = sub[~np.isnan(sub)]
        fill = 0.0
        if present.size:
            fill = float(present.min() if policy == "cohort_min" else np.median(present))
        out[rows[np.isnan(sub)]] = fill
    return out


def aggregate_categories(
    system: IndicatorSystem, points: np.ndarray, *, chosen: Mapping[str, np.ndarray] | None = None
) -> np.ndarray:
    """Category points (categories × enterprises) from indicator points (indicators × enterprises).

    `chosen`: per category with a declared choice, the indicator row that counts for each
    enterprise (−1: none declared, the best counts).
    """
    out = np.zeros((len(system.categories), points.shape[1]))
    for j, member in enumerate(system.category_members):
        out[j] = aggregate_categories_for(member, points, chosen=(chosen or {}).get(member[0].code))
    return out


def aggregate_categories_for(
    member: tuple[Category, list[int], list[int], list[int]], points: np.ndarray, *, chosen: np.ndarray | None = None
) -> np.ndarray:
    """One category: min(sum (or best, or the declared one) of its indicators + bonus, max) +
    deductions, floored at 0."""
    cat, regular, bonus, deductions = member
    if cat.aggregate == "max":
        gained = points[regular].max(axis=0)
        if chosen is not None:  # a declared alternative counts even when another scores more
            declared = points[np.maximum(chosen, 0), np.arange(points.shape[1])]
            gained = np.where(chosen >= 0, declared, gained)
    else:
        gained = points[regular].sum(axis=0)
    gained = gained + points[bonus].sum(axis=0)
    capped = np.minimum(gained, cat.max_points) + points[deductions].sum(axis=0)
    return np.round(np.maximum(capped, 0.0), DECIMALS)


def _rank_within(total: np.ndarray, cohorts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Competition rank (1 = best) and percentile (share of the stage strictly below, 0–100)."""
    rank = np.zeros(total.shape, dtype=np.int64)
    pct = np.zeros(total.shape)
    for rows in cohorts:
        if not rows.size:
            continue
        t = total[rows]
        s = np.sort(t)
        below = np.searchsorted(s, t, side="left")
        above = rows.size - np.searchsorted(s, t, side="right")
        rank[rows] = above + 1
        pct[rows] = 100.0 if rows.size == 1 else np.round(below / (rows.size - 1) * 100, 2)
    return rank, pct


def _cohort_stats(
    code: str, v: np.ndarray, cohorts: list[np.ndarray], *, quartiles: bool
) -> list[dict[str, object]]:
    """Count, missing, min, max, mean of each stage cohort, and quartiles (nearest rank) where
    the rule or the advice uses them (cohort rules, linear counts)."""
    out: list[dict[str, object]] = []
    for s, rows in enumerate(cohorts):
        sub = v[rows]
        present = sub[~np.isnan(sub)]
        row: dict[str, object] = {
            "indicator": code,
            "stage": STAGE_CODES[s],
            "n": int(present.size),
            "n_missing": int(sub.size - present.size),
            "min": np.nan, "p25": np.nan, "p50": np.nan, "p75": np.nan, "max": np.nan, "mean": np.nan,
        }
        if present.size and not quartiles:
            row.update(min=present.min(), max=present.max(), mean=float(present.mean()))
        elif present.size:
            last = present.size - 1
            ranks = [0, last // 4, last // 2, (3 * last) // 4, last]
            q = np.partition(present, ranks)[ranks]  # one O(n) pass, not a sort
            row.update(min=q[0], p25=q[1], p50=q[2], p75=q[3], max=q[4], mean=float(present.mean()))
        out.append(row)
    return out


def _columns(env: expr.ArrayEnv) -> dict[tuple[str, int], np.ndarray]:
    """The env's columns, to add computed values to (`collect_env` builds them as a dict)."""
    assert isinstance(env.columns, dict)
    return env.columns


def _reason_values(system: IndicatorSystem, env: expr.ArrayEnv) -> dict[str, np.ndarray]:
    return {name: env.column(name, 0) for name in reason_fields(system)}


def _verdicts(system: IndicatorSystem, env: expr.ArrayEnv, result: ScoreResult) -> None:
    if not system.verdicts:
        return
    _columns(env)[("total", 0)] = result.total
    _columns(env)[("stage", 0)] = np.array(STAGE_CODES, dtype=object)[result.stage]
    for j, code in enumerate(result.category_codes):
        _columns(env)[(f"cat.{code}", 0)] = result.category_points[j]
    for i, code in enumerate(result.codes):
        _columns(env)[(f"pts.{code}", 0)] = result.points[i]
    n = result.size
    for verdict in system.verdicts:
        route = np.full(n, NO_ROUTE, dtype=np.int16)
        failed = np.zeros(n, dtype=bool)
        for r, req in enumerate(verdict.requires):
            holds = expr.evaluate(expr.parse(req.when), env) == 1
            newly = ~failed & ~holds
            route[newly] = -1 - r
            failed |= newly
        for r, cond in enumerate(verdict.routes):
            holds = expr.evaluate(expr.parse(cond.when), env) == 1
            take = ~failed & (route == NO_ROUTE) & holds
            route[take] = r
        passed = (route >= 0).astype(float)
        result.verdicts[verdict.code] = passed
        result.routes[verdict.code] = route
        _columns(env)[(f"verdict.{verdict.code}", 0)] = passed
