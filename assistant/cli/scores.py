"""innopoints score | score-file | show | stats | gaps: scoring and its reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from assistant.cli.common import JsonOpt, YearOpt, console, emit, err, friendly, open_engine
from scoring.errors import ScoringError

if TYPE_CHECKING:
    from assistant.api.config import Settings

app = typer.Typer()


@app.command()
@friendly
def score(
    system: Annotated[str, typer.Option("--system", help="指标体系版本（如 1.0）或文件路径")],
    year: Annotated[int, typer.Option("--year", help="评分年度")],
    json_out: JsonOpt = False,
) -> None:
    """用指定版本的指标体系对某一年度评分，并原子地发布评分结果。"""
    from assistant.api.config import Settings
    from scoring.store.pipeline import score_year
    from scoring.systems.loader import find_system

    settings = Settings()
    sys_ = find_system(system, settings.systems_dir)
    content = _system_path(settings, sys_.version).read_text(encoding="utf-8")
    run_id, result = score_year(engine=open_engine(settings), system=sys_, content=content, year=year)
    info = {"run_id": run_id, "system": sys_.version, "year": year, "enterprises": result.size}
    if json_out:
        emit(info)
    else:
        console.print(f"已发布评分批次 #{run_id}：{year} 年，指标体系 {sys_.version}，{result.size} 家企业")


def _system_path(settings: Settings, version: str) -> Path:
    from scoring.systems.loader import load_system, system_files

    for path in system_files(settings.systems_dir):
        if load_system(path).version == version:
            return path
    raise ScoringError(f"找不到指标体系版本 {version} 的文件")


@app.command("score-file")
@friendly
def score_file_cmd(
    system: Annotated[str, typer.Option("--system", help="指标体系版本或 YAML 文件")],
    input: Annotated[Path, typer.Option("--input", help="原始数据表（.csv 或 .xlsx）")],
    output: Annotated[Path, typer.Option("--output", help="结果表（.csv 或 .xlsx）")],
    year: Annotated[int | None, typer.Option("--year", help="数据年度（默认该体系的适用年度）")] = None,
) -> None:
    """不经数据库，直接对一张表评分：每行一家企业，原始字段为列。"""
    from assistant.api.config import Settings
    from scoring.excel.scorefile import score_file
    from scoring.systems.loader import find_system

    sys_ = find_system(system, Settings().systems_dir)
    out = score_file(sys_, input, output, year=year)
    console.print(f"已评分 {len(out)} 家企业，结果写入 {output}")


@app.command()
@friendly
def show(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: YearOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """企业创新画像：总分、类别得分、阶段内排名、各指标得分与解释、缺失数据、提分建议。"""
    from sqlmodel import Session

    from assistant.api.config import Settings
    from scoring.store.portraits import portrait
    from scoring.uscc import validate_uscc

    try:
        code = validate_uscc(uscc)
    except ValueError as exc:
        raise ScoringError(str(exc)) from None
    with Session(open_engine(Settings())) as session:
        data = portrait(session=session, uscc=code, year=year)
    if json_out:
        emit(data)
        return
    console.print(f"[bold]{data['name']}[/bold]（{data['uscc']}）  {data['industry']}")
    console.print(f"{data['year']} 年  指标体系 {data['system']}  阶段：{data['stage_name']}（{data['stage_reason']}）")
    console.print(f"总分 {data['total']:g} / {data['max_total']:g}，阶段内第 {data['rank']} 名，优于同阶段 {data['percentile']:g}% 的企业")
    for cat in data["categories"]:
        console.print(f"  {cat['name']}：{cat['points']:g} / {cat['max_points']:g}")
    for code_, v in data["verdicts"].items():
        console.print(f"  结论 {code_}：{'通过' if v['passed'] else '未通过'}（{v['route']}）")
    table = Table("指标", "得分", "解释", show_lines=False)
    for ind in data["indicators"]:
        table.add_row(f"{ind['code']} {ind['name']}", f"{ind['points']:g}/{ind['weight']:g}", ind["explanation"])
    console.print(table)
    if data["missing"]:
        console.print(f"缺失数据的指标：{'、'.join(data['missing'])}")
    console.print("[bold]提分建议[/bold]")
    for tip in data["advice"] or [{"text": "暂无可测算的提分空间"}]:
        console.print(f"  · {tip['text']}")


@app.command()
@friendly
def stats(year: YearOpt = None, json_out: JsonOpt = False) -> None:
    """园区概况：各阶段企业数与占比、各类别平均得分。"""
    from sqlmodel import Session

    from assistant.api.config import Settings
    from scoring import store
    from scoring.engine.summary import zone_summary
    from scoring.store.portraits import stored_system

    with Session(open_engine(Settings())) as session:
        run = store.latest_run(session=session, year=year)
        system = stored_system(session=session, version=run.system_version)
        data = zone_summary(store.run_scores(session=session, run_id=run.id), system, year=run.year, run_id=run.id)  # type: ignore[arg-type]
    if json_out:
        emit(data)
    else:
        print_stats(data)


def print_stats(data: dict[str, Any]) -> None:
    console.print(f"[bold]{data['year']} 年园区概况[/bold]（指标体系 {data['system']}，评分批次 #{data['run_id']}）：{data['enterprises']} 家企业，平均总分 {data['mean_total']}")
    # "科技创新基础能力" → "基础": the full names do not fit a terminal's width.
    short = [c["name"].replace("科技创新", "").replace("能力", "") or c["name"] for c in data["categories"]]
    table = Table("阶段", "企业数", "占比", "平均总分", *short)
    for s in data["stages"]:
        cats = s.get("categories", {})
        table.add_row(
            s["name"], str(s["count"]), f"{s['share']}%", str(s.get("mean_total", "-")),
            *[str(cats.get(c["code"], "-")) for c in data["categories"]],
        )
    console.print(table)


@app.command()
@friendly
def gaps(
    year: Annotated[int, typer.Option("--year", help="评分年度")],
    uscc: Annotated[list[str] | None, typer.Option("--uscc", help="只看这些企业（可重复）")] = None,
    forms: Annotated[Path | None, typer.Option("--forms", help="为每家企业生成企业填报表（Excel）到该目录")] = None,
    json_out: JsonOpt = False,
) -> None:
    """数据缺口：该年度指标体系所需、任何数据来源都没有提供的字段（每家企业），可生成企业填报表。"""
    from sqlmodel import Session

    from assistant.api.config import Settings
    from scoring.excel.gap_forms import write_forms
    from scoring.store.gaps import find_gaps
    from scoring.store.pipeline import system_for_year, zone_systems
    from scoring.systems.fields import default_fields
    from scoring.uscc import validate_uscc

    settings = Settings()
    try:
        codes = [validate_uscc(u) for u in uscc] if uscc else None
    except ValueError as exc:
        raise ScoringError(str(exc)) from None
    system, _ = system_for_year(year, zone_systems(settings.systems_dir))
    with Session(open_engine(settings)) as session:
        report = find_gaps(session=session, year=year, usccs=codes, system=system)
    written: list[Path] = []
    if forms:
        with Progress(console=err, transient=True) as bar:  # ~15 ms a form: ~40 s for the demo zone
            task = bar.add_task("生成企业填报表", total=len(report.enterprises))
            written = write_forms(report, forms, registry=default_fields(), system=system,
                                  progress=lambda done, total: bar.update(task, completed=done))
    if json_out:
        emit({**report.as_dict(), "forms": [str(p) for p in written]})
        return
    n_gaps = sum(len(e.gaps) for e in report.enterprises)
    console.print(f"[bold]{year} 年数据缺口[/bold]（指标体系 {report.system}，数据年度 {'、'.join(map(str, report.years))}）："
                  f"{report.checked} 家企业中 {len(report.enterprises)} 家缺少数据，共 {n_gaps} 项")
    table = Table("字段", "名称", "年度", "单位", "数据来源", "缺失企业数")
    for r in report.summary():
        table.add_row(r["field"], r["name"], str(r["year"]), r["unit"] or "-", r["source_name"], str(r["missing"]))
    console.print(table)
    if codes:
        for ent in report.enterprises:
            console.print(f"{ent.name}（{ent.uscc}）：" + "、".join(f"{g.name}（{g.year}）" for g in ent.gaps))
    if forms:
        console.print(f"已生成 {len(written)} 份企业填报表到 {forms}；填好后用 innopoints import self_report 文件 --year 年度 导入")
