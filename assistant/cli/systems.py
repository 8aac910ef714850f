"""innopoints systems list|show|diff: indicator-system versions."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, friendly

app = typer.Typer(help="指标体系版本：列表、详情、比较", no_args_is_help=True)


@app.command("list")
@friendly
def systems_list(json_out: JsonOpt = False) -> None:
    """列出全部指标体系版本。"""
    from assistant.config import Settings
    from scoring.systems.loader import load_system, system_files

    rows: list[dict[str, Any]] = []
    for path in system_files(Settings().systems_dir):
        s = load_system(path)
        rows.append({"version": s.version, "name": s.name, "year": s.year, "indicators": len(s.indicators),
                     "categories": len(s.categories), "max_total": s.max_total, "file": path.name})
    if json_out:
        emit(rows)
        return
    table = Table("版本", "名称", "适用年度", "指标数", "满分", "文件")
    for r in rows:
        table.add_row(r["version"], r["name"], str(r["year"]), str(r["indicators"]), f"{r['max_total']:g} 分", r["file"])
    console.print(table)


@app.command("show")
@friendly
def systems_show(version: str, json_out: JsonOpt = False) -> None:
    """显示一个版本：阶段划分、各类别与指标的公式、计分规则和权重（文字表述）。"""
    from assistant.config import Settings
    from scoring.systems.loader import system_from_user

    s = system_from_user(version, Settings().systems_dir)
    if json_out:
        emit(s.as_json())
        return
    for line in system_lines(s):
        console.print(line, markup=False, highlight=False)


def system_lines(s: Any) -> list[str]:
    """An indicator system for officials: names not codes, formulas and rules in words."""
    from scoring.systems.diff import MISSING_WORDS, stage_rule_words, weights_words
    from scoring.systems.fields import default_fields
    from scoring.systems.labels import SOURCES
    from scoring.systems.words import default_formula_words, formula_words, number

    out = [
        s.name,
        f"  版本 {s.version}，{s.year} 年起适用，满分 {number(s.max_total)} 分；缺失数据默认{MISSING_WORDS[s.missing]}",
        "  指标得分 = 计分规则所得分 ÷ 规则满分 × 该阶段权重；类别得分不超过类别满分",
        "阶段划分（依次判断，先满足者为准）",
        *(f"  {stage_rule_words(rule)}" for rule in s.stages),
    ]
    for cat in s.categories:
        how = "各指标得分求和" if cat.aggregate == "sum" else "取得分最高的一项"
        out.append(f"{cat.name}（满分 {number(cat.max_points)} 分，{how}）")
        for ind in s.indicators_of(cat.code):
            marks = [m for m, on in (("加分项", ind.bonus), ("越小越好", ind.direction == "lower")) if on]
            if ind.missing:
                marks.append(f"缺失数据{MISSING_WORDS[ind.missing]}")
            out += [
                f"  {ind.code} {ind.name}（数据来源：{SOURCES.get(ind.source, ind.source)}"
                + "".join(f"；{m}" for m in marks) + "）",
                f"      公式：{default_formula_words(ind.formula)}" + (f"（单位 {ind.unit}）" if ind.unit else ""),
                f"      计分：{ind.rule.describe(unit=ind.unit)}",
                f"      权重：{weights_words(ind)}",
            ]
    if s.verdicts:
        names = {f"pts.{i.code}": f"{i.code} {i.name}" for i in s.indicators}
        names |= {f"val.{i.code}": i.name for i in s.indicators}
        names |= {f"cat.{c.code}": c.name for c in s.categories} | {f"verdict.{v.code}": v.name for v in s.verdicts}
        registry = default_fields()
        out.append("结论")
        for v in s.verdicts:
            out.append(f"  {v.name}")
            for label, conditions in (("须满足", v.requires), ("满足其一即可", v.routes)):
                for c in conditions:
                    always = c.when.strip().lower() == "true"
                    out.append(f"      {label}：{c.name}" + ("" if always else f"（{formula_words(c.when, fields=registry, names=names)}）"))
    return out


@app.command("diff")
@friendly
def systems_diff(old: str, new: str, json_out: JsonOpt = False) -> None:
    """比较两个版本：新增、删除、调整权重或分档的指标。"""
    from assistant.config import Settings
    from scoring.systems.diff import diff_systems
    from scoring.systems.loader import system_from_user

    settings = Settings()
    d = diff_systems(system_from_user(old, settings.systems_dir), system_from_user(new, settings.systems_dir))
    if json_out:
        emit(d.as_dict())
        return
    for line in d.lines():
        console.print(line, markup=False)
