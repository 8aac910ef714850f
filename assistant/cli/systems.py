"""innopoints systems list|show|diff: indicator-system versions."""

from __future__ import annotations

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, friendly

app = typer.Typer(help="指标体系版本：列表、详情、比较", no_args_is_help=True)


@app.command("list")
@friendly
def systems_list(json_out: JsonOpt = False) -> None:
    """列出全部指标体系版本。"""
    from assistant.api.config import Settings
    from scoring.systems.loader import load_system, system_files

    rows = []
    for path in system_files(Settings().systems_dir):
        s = load_system(path)
        rows.append({"version": s.version, "name": s.name, "year": s.year, "indicators": len(s.indicators),
                     "categories": len(s.categories), "max_total": s.max_total, "file": path.name})
    if json_out:
        emit(rows)
        return
    table = Table("版本", "名称", "适用年度", "指标数", "满分", "文件")
    for r in rows:
        table.add_row(r["version"], r["name"], str(r["year"]), str(r["indicators"]), f"{r['max_total']:g}", r["file"])
    console.print(table)


@app.command("show")
@friendly
def systems_show(version: str, json_out: JsonOpt = False) -> None:
    """显示一个版本的全部类别与指标定义。"""
    from assistant.api.config import Settings
    from scoring.systems.loader import find_system

    s = find_system(version, Settings().systems_dir)
    if json_out:
        emit(s.model_dump(mode="json"))
        return
    console.print(f"[bold]{s.name}[/bold]（版本 {s.version}，{s.year} 年起适用，满分 {s.max_total:g}）")
    for cat in s.categories:
        console.print(f"[bold]{cat.name}[/bold]（{cat.code}，满分 {cat.max_points:g}）")
        for ind in s.indicators_of(cat.code):
            console.print(f"  {ind.code} {ind.name}  公式 {ind.formula}  {ind.rule.describe()}", markup=False)


@app.command("diff")
@friendly
def systems_diff(old: str, new: str, json_out: JsonOpt = False) -> None:
    """比较两个版本：新增、删除、调整权重或分档的指标。"""
    from assistant.api.config import Settings
    from scoring.systems.diff import diff_systems
    from scoring.systems.loader import find_system

    settings = Settings()
    d = diff_systems(find_system(old, settings.systems_dir), find_system(new, settings.systems_dir))
    if json_out:
        emit(d.as_dict())
        return
    for line in d.lines():
        console.print(line, markup=False)
