"""Raw frames → the arrays the engine evaluates, with every bad cell reported at once.

A frame per year, indexed by USCC, one column per raw field. Numbers may arrive as text (a CSV);
anything that is not a number where the field registry says number, a negative count or amount,
a fractional count, a flag other than 0/1, or an enterprise listed twice is an `InvalidInput`
naming row, column, value and reason — and nothing is scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from scoring.engine.stages import reason_fields
from scoring.errors import InputProblem, InvalidInput
from scoring.formula import expr
from scoring.systems.fields import default_fields
from scoring.systems.rules import Input
from scoring.systems.schema import FieldDef, IndicatorSystem

MAX_PROBLEMS = 1000


def needed_fields(system: IndicatorSystem) -> dict[str, int]:
    """Raw fields the system reads, with how many years back each is needed."""
    texts = [rule.when for rule in system.stages]
    for ind in system.indicators:
        texts.append(ind.formula)
        if isinstance(ind.rule, Input) and ind.rule.basis:
            texts.append(ind.rule.basis)
    texts.extend(cat.choice.field for cat in system.categories if cat.choice is not None)
    for verdict in system.verdicts:
        texts.extend(c.when for c in [*verdict.requires, *verdict.routes])
    lags: dict[str, int] = {}
    for text in texts:
        for name, lag in expr.parse(text).fields:
            if "." not in name and name not in ("total", "stage"):
                lags[name] = max(lags.get(name, 0), lag)
    for name in reason_fields(system):
        lags.setdefault(name, 0)
    return lags


def optional_fields(system: IndicatorSystem) -> set[str]:
    """Needed fields whose column a table may leave out altogether: a choice nobody declared (the
    best alternative counts) and a grade not recorded where the rule checks ungraded points."""
    out = {cat.choice.field for cat in system.categories if cat.choice is not None}
    for ind in system.indicators:
        if isinstance(ind.rule, Input) and ind.rule.grades is not None and ind.rule.ungraded is not None:
            out.add(ind.rule.basis or "")
    return out


def check_column(
    values: pd.Series, spec: FieldDef, column: str, *, label: str = ""
) -> tuple[np.ndarray, list[InputProblem]]:
    """Convert one column to float64 (or text) and list its bad cells."""
    if spec.is_text:
        arr = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
        return arr, []
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        not_a_number = None
    else:  # text cells (a CSV): anything non-blank that is not a number is an error
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
        not_a_number = given & np.isnan(numbers)
    checks: list[tuple[np.ndarray | None, str]] = [(not_a_number, "不是数字")]
    with np.errstate(invalid="ignore"):
        if not spec.signed and spec.type != "points":
            checks.append((numbers < 0, f"{spec.name}不能为负数"))
        if spec.type == "count":
            checks.append(((numbers >= 0) & (numbers != np.floor(numbers)), f"{spec.name}应为整数"))
        if spec.type == "flag":
            checks.append(((numbers != 0) & (numbers != 1) & ~np.isnan(numbers), f"{spec.name}只能是 0 或 1（否/是）"))
        if spec.type == "ratio":
            checks.append((numbers > 1, f"{spec.name}是 0–1 之间的比例"))
    problems: list[InputProblem] = []
    for mask, reason in checks:
        if mask is None or not mask.any():  # the common case costs one pass, no Python loop
            continue
        for pos in np.flatnonzero(mask)[: MAX_PROBLEMS - len(problems)]:
            problems.append(InputProblem(f"{label}企业 {values.index[pos]}", column, values.iloc[pos], reason))
    return numbers, problems


def build_env(
    system: IndicatorSystem,
    frames: Mapping[int, pd.DataFrame],
    *,
    year: int,
    registry: Mapping[str, FieldDef] | None = None,
) -> tuple[expr.ArrayEnv, np.ndarray]:
    """The evaluation environment for `year` and the USCCs in row order."""
    env, usccs, problems = collect_env(system, frames, year=year, registry=registry)
    if problems:
        raise InvalidInput(problems[:MAX_PROBLEMS])
    return env, usccs


def collect_env(
    system: IndicatorSystem,
    frames: Mapping[int, pd.DataFrame],
    *,
    year: int,
    registry: Mapping[str, FieldDef] | None = None,
) -> tuple[expr.ArrayEnv, np.ndarray, list[InputProblem]]:
    """`build_env` that returns the bad cells instead of raising, so that the engine can add the
    problems only scoring finds (expert points out of range) and refuse a row once, with all."""
    fields = default_fields() if registry is None else registry
    if year not in frames:
        raise InvalidInput([InputProblem("-", "year", year, f"没有 {year} 年的数据")])
    current = frames[year]
    problems = list(_duplicate_rows(current.index, label=f"{year}年 "))
    index = current.index
    columns: dict[tuple[str, int], np.ndarray] = {}
    for name, max_lag in needed_fields(system).items():
        spec = fields[name]
        for lag in range(max_lag + 1):
            frame = frames.get(year - lag)
            if frame is None or name not in frame.columns:
                continue
            if lag:
                problems.extend(_duplicate_rows(frame.index, label=f"{year - lag}年 "))
                series = frame[name][~frame.index.duplicated()].reindex(index)
            else:
                series = frame[name]
            arr, bad = check_column(series, spec, name, label=f"{year - lag}年 " if lag else "")
            problems.extend(bad)
            columns[(name, lag)] = arr
    usccs = np.asarray(index.astype(str), dtype=object)
    return expr.ArrayEnv(columns, len(index)), usccs, problems


def _duplicate_rows(index: pd.Index, *, label: str) -> Iterable[InputProblem]:
    for key in index[index.duplicated()].unique()[:50]:
        yield InputProblem(f"{label}企业 {key}", "uscc", key, "同一企业出现了不止一行")
