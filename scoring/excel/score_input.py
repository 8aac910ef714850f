"""The table `innopoints score-file` scores, read exactly as the importer reads a file.

One row per enterprise. The header row is found like the importer finds it (title rows above it
are fine); headers are resolved by the importer's self-report mapping (`data/sources/self_report.yaml`
with `columns_from_registry`): a field's Chinese name (营业收入), its name with a unit
(营业收入（万元）, 营业收入（元）: the unit in the header, or in a cell such as 300万元, is converted),
the mapping's other spellings, or the field code (revenue). An earlier year is the same header
with ``[-1]`` or ``[-2]`` after it (营业收入（万元）[-1]). Cells go through the importer's parser:
是/否, 2,500, 300万元, 12.5%; a blank cell is missing, never 0. The key columns are
统一社会信用代码 (or uscc) and, optionally, 企业名称 — it is carried to the output.

Every problem of the file comes back at once, by row, column letter and the header as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path

import pandas as pd

from scoring.engine.inputs import needed_fields, optional_fields
from scoring.errors import InputProblem, InvalidInput
from scoring.excel.errors import InputNotReadable
from scoring.ingest.plan import Values, plan_tables
from scoring.ingest.read import Problem, read_file
from scoring.ingest.report import CellError
from scoring.ingest.sources import (
    SOURCES_DIR,
    ColumnSpec,
    Keys,
    Source,
    SourceMapping,
    Target,
    build_source,
    normalize_header,
)
from scoring.systems.fields import default_fields
from scoring.systems.schema import FieldDef, IndicatorSystem
from scoring.systems.yaml_text import load_yaml

__all__ = ["ScoreInput", "field_label", "read_input", "score_source", "split_lag"]

_LAG = re.compile(r"^(.*?)\s*[\[【(（]\s*-\s*([1-9])\s*[\]】)）]\s*$")
_YEARS_BACK = {1: "上年", 2: "前年"}


def split_lag(header: str) -> tuple[str, int]:
    """'营业收入（万元）[-1]' → ('营业收入（万元）', 1); a header without a lag → (header, 0)."""
    m = _LAG.match(str(header).strip())
    return (m.group(1), int(m.group(2))) if m else (str(header), 0)


@dataclass(frozen=True)
class _LaggedSource(Source):
    """The self-report mapping, plus ``[-k]`` after any header for the year k years back."""

    def match(self, header: str) -> tuple[Target, str] | None:
        base, lag = split_lag(header)
        hit = Source.match(self, base)
        if hit is None or not lag:
            return hit
        target, unit = hit
        return replace(target, name=f"{target.name}[-{lag}]"), unit


def score_source(registry: Mapping[str, FieldDef] | None = None) -> Source:
    """The header lookup of score-file: the importer's self-report mapping, field codes and lags."""
    return _score_source() if registry is None else _build(registry)


@cache
def _score_source() -> Source:
    return _build(default_fields())


def _build(registry: Mapping[str, FieldDef]) -> Source:
    path = SOURCES_DIR / "self_report.yaml"
    mapping = SourceMapping.model_validate(load_yaml(path.read_text(encoding="utf-8")))
    columns = dict(mapping.columns)
    for code in registry:  # a field code is a header too, as the old score-file accepted
        spec = columns.get(code)
        columns[code] = ColumnSpec(headers=[code, *(spec.headers if spec else [])], unit=spec.unit if spec else None)
    keys = Keys(uscc=["uscc", "USCC", *mapping.keys.uscc], name=["name", *mapping.keys.name])
    source = build_source(mapping.model_copy(update={"title": "评分表", "keys": keys, "columns": columns}),
                          path=path, registry=registry)
    return _LaggedSource(**{f.name: getattr(source, f.name) for f in fields(Source)})


@dataclass(frozen=True)
class ScoreInput:
    """The frames the engine scores, and what the output needs to name the rows."""

    frames: dict[int, pd.DataFrame]  # year → one row per enterprise (USCC index), one column per field
    rows: dict[str, int]  # USCC → its row in the spreadsheet
    names: dict[str, str] | None  # USCC → 企业名称, when the table has a name column
    missing: dict[str, list[str]]  # USCC → the blank cells of fields the system needs (their labels)
    warnings: list[str]


def field_label(spec: FieldDef, lag: int) -> str:
    """A field as the output names it: 营业收入（万元）, 营业收入（万元，上年）."""
    back = _YEARS_BACK.get(lag, f"{lag} 年前") if lag else ""
    inside = "，".join(p for p in (spec.unit, back) if p)
    return f"{spec.name}（{inside}）" if inside else spec.name


def read_input(
    path: Path, system: IndicatorSystem, *, year: int, registry: Mapping[str, FieldDef] | None = None
) -> ScoreInput:
    """Read and check the table at `path`; raise `InvalidInput` listing every bad cell and header."""
    fields_ = default_fields() if registry is None else registry
    src = score_source(registry)
    book = read_file(_bytes(path), name=path.name, is_key=lambda c: normalize_header(c) in src.uscc_headers)
    if not book.tables:
        if len(book.problems) == 1 and book.problems[0].row is None:
            raise InputNotReadable(f"无法读取 {path.name}：{book.problems[0].reason}")
        raise InvalidInput([_read_problem(p) for p in book.problems], source=path.name)
    table, others = book.tables[0], [t.sheet or "" for t in book.tables[1:]]
    warnings = [f"只评分了工作表“{table.sheet}”，其余工作表未读取：{'、'.join(others)}"] if others else []
    has_names = any(normalize_header(h) in src.name_headers for h in table.headers)
    plan = plan_tables([table], src=src, year=year)
    bad = sorted(plan.errors, key=lambda e: (e.row or 0, len(e.column_letter), e.column_letter))  # as the sheet reads
    problems = [_read_problem(p) for p in book.problems] + [_cell_problem(e) for e in bad]
    present = {split_lag(v.field) for v in plan.values}
    needed = needed_fields(system)
    optional = optional_fields(system)  # an absent declaration or grade column: none was given
    for name in needed:
        if (name, 0) not in present and name not in optional:
            label = field_label(fields_[name], 0)
            problems.append(InputProblem("表头", label, "", f"缺少列“{label}”（字段 {name}）"))
    if problems:
        raise InvalidInput(problems, source=path.name)
    absent = [field_label(fields_[n], k) for n, lag in needed.items() for k in range(1, lag + 1) if (n, k) not in present]
    if absent:
        warnings.append(f"表中没有这些往年数据列，用到它们的指标按缺失计：{'、'.join(absent)}（往年列的表头后加 [-1]、[-2]）")
    index = pd.Index([u for u, _, _, _ in plan.keys], name="uscc")
    frames = _frames(plan.values, index, year=year)
    return ScoreInput(
        frames=frames, rows={u: r for u, _, _, r in plan.keys},
        names={u: n for u, n, _, _ in plan.names} if has_names else None,
        # a blank declaration or grade is "none given", not missing data
        missing=_blanks(frames, {n: k for n, k in needed.items() if n not in optional}, present, fields_, year=year),
        warnings=warnings + plan.warnings,
    )


def _frames(values: list[Values], index: pd.Index, *, year: int) -> dict[int, pd.DataFrame]:
    """Year → frame in the table's row order; a blank cell is NaN (None for text)."""
    columns: dict[int, dict[str, pd.Series]] = {year: {}}
    for v in values:
        name, lag = split_lag(v.field)
        numeric = v.numbers is not None
        series = pd.Series(v.numbers if numeric else v.texts, index=pd.Index(v.usccs), dtype=float if numeric else object)
        columns.setdefault(year - lag, {})[name] = series.reindex(index)
    return {y: pd.DataFrame(cols, index=index) for y, cols in columns.items()}


def _blanks(
    frames: Mapping[int, pd.DataFrame], needed: Mapping[str, int], present: set[tuple[str, int]],
    registry: Mapping[str, FieldDef], *, year: int,
) -> dict[str, list[str]]:
    """USCC → labels of its blank cells among the columns the system reads, in the system's order."""
    index = frames[year].index
    out: dict[str, list[str]] = {u: [] for u in index}
    order = list(needed)
    for name, lag in sorted((p for p in present if p[0] in needed and p[1] <= needed[p[0]]),
                            key=lambda p: (p[1], order.index(p[0]))):
        for u in index[frames[year - lag][name].isna().to_numpy()]:
            out[u].append(field_label(registry[name], lag))
    return out


def _bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputNotReadable(f"找不到输入文件：{path}")
    if path.is_dir():
        raise InputNotReadable(f"输入路径 {path} 是一个文件夹，请给出 .xlsx 或 .csv 文件")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputNotReadable(f"无法读取输入文件 {path}：{exc.strerror or type(exc).__name__}") from None


def _where(sheet: str | None, row: int | None) -> str:
    parts = ([f"工作表“{sheet}”"] if sheet else []) + ([f"第 {row} 行"] if row is not None else [])
    return " ".join(parts) or "文件"


def _column(letter: str, header: str) -> str:
    return f"{letter}「{header}」" if letter and header else letter or (f"「{header}」" if header else "-")


def _read_problem(p: Problem) -> InputProblem:
    return InputProblem(_where(p.sheet, p.row), _column(p.column_letter, p.column), p.value, p.reason)


def _cell_problem(e: CellError) -> InputProblem:
    return InputProblem(_where(e.sheet, e.row), _column(e.column_letter, e.column), e.value, e.reason)
