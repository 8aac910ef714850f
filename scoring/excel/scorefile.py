"""Score a table without any database: `innopoints score-file`.

Input: an XLSX or CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), one row per enterprise, read the way
the importer reads a self-report file (`scoring.excel.score_input`: Chinese headers with units,
是/否, 2,500, 300万元; blanks are missing). Every problem of the file is reported at once — row,
column letter and header as written, value, reason — and nothing is written. Output: the table of
`scoring.excel.score_table` (Chinese headers, company names, stage names, 是/否, points with 2
decimals, exact percentages, missing data flagged), as XLSX (with a 说明 sheet) or CSV, written
atomically.

    innopoints score-file --system tsme-2017 --input 企业数据.xlsx --output 评价结果.xlsx
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scoring.engine.engine import score_frames
from scoring.engine.explain import POLICY_TEXT
from scoring.errors import InputProblem, InvalidInput
from scoring.excel.errors import OutputNotWritable
from scoring.excel.score_input import read_input
from scoring.excel.score_table import exact_shares, result_sheet
from scoring.excel.writer import BEIJING, Column, Sheet, check_target, write_csv, write_tables
from scoring.systems.schema import FieldDef, IndicatorSystem

__all__ = ["ScoredFile", "score_file"]

SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class ScoredFile:
    """What `score_file` wrote: how many enterprises, how many with missing data, and notes."""

    path: Path
    enterprises: int
    with_missing: int
    warnings: list[str]


def score_file(
    system: IndicatorSystem,
    source: Path,
    output: Path,
    *,
    year: int | None = None,
    registry: Mapping[str, FieldDef] | None = None,
) -> ScoredFile:
    """Score `source` under `system` and write the result table to `output` (.xlsx or .csv)."""
    source, output = Path(source), Path(output)
    if output.suffix.lower() not in SUFFIXES:
        raise OutputNotWritable(f"输出文件只能是 .xlsx 或 .csv：{output}")
    check_target(output)
    if output.resolve() == source.resolve():
        raise OutputNotWritable(f"输出文件不能与输入文件相同：{output}")
    y = year or system.year
    data = read_input(source, system, year=y, registry=registry)
    try:
        result = score_frames(system, data.frames, year=y)
    except InvalidInput as exc:  # checks the parser leaves to the engine (expert points' ranges)
        line = {f"企业 {u}": f"第 {r} 行（{u}）" for u, r in data.rows.items()}
        raise InvalidInput([InputProblem(line.get(p.row, p.row), p.column, p.value, p.reason) for p in exc.problems],
                           source=source.name) from None
    table = result_sheet(result, names=data.names, missing=data.missing, shares=exact_shares(result, data.frames))
    if output.suffix.lower() == ".csv":
        write_csv(output, table)
    else:
        write_tables(output, [table, _about(system, y, source, data.warnings)])
    return ScoredFile(output, result.size, sum(1 for m in data.missing.values() if m), data.warnings)


def _about(system: IndicatorSystem, year: int, source: Path, warnings: list[str]) -> Sheet:
    """The 说明 sheet: which system, year and file, how missing data was scored, the notes."""
    rows = [
        ["指标体系", f"{system.name}（{system.version}）"],
        ["数据年度", f"{year} 年"],
        ["输入文件", source.name],
        ["评分时间", f"{datetime.now(BEIJING):%Y-%m-%d %H:%M} 北京时间"],
        ["缺失数据", (f"空白单元格按缺失处理，{POLICY_TEXT[system.missing]}（个别指标另有规定）；"
                      "“缺失数据”列列出每家企业空白的数据项，指标值显示为“缺失”")],
        ["得分", "按计算结果保存，显示两位小数；比例按原始数值精确计算后以百分数显示"],
        *(["提示", w] for w in warnings),
    ]
    return Sheet("说明", [Column("项目", 12), Column("内容", 100)], rows)
