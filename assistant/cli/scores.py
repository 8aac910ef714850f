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
    from assistant.config import Settings

app = typer.Typer()


@app.command()
@friendly
def score(
    system: Annotated[str, typer.Option("--system", help="指标体系版本（如 1.0）或文件路径")],
    year: Annotated[int, typer.Option("--year", help="评分年度")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="替换已发布的积分时不再询问（脚本中使用）")] = False,
    json_out: JsonOpt = False,
) -> None:
    """对某一年度评分并发布；替换已发布的园区积分前先确认（--yes 跳过）。

    官方评价（科技型中小企业评价、高新技术企业认定）的结果另存为评价批次，不替换园区积分。
    """
    from sqlmodel import Session

    from assistant.cli.runs import record
    from assistant.config import Settings
    from scoring import store
    from scoring.errors import NotFound
    from scoring.store.pipeline import score_year
    from scoring.systems.loader import system_from_user

    settings = Settings()
    sys_ = system_from_user(system, settings.systems_dir)
    given = Path(system)
    # The content published with the run is the file that was scored: the one named, if a file was.
    source = given if given.suffix in (".yaml", ".yml") and given.is_file() else _system_path(settings, sys_.version)
    content = source.read_text(encoding="utf-8")
    engine = open_engine(settings)
    replaced = None
    if sys_.kind == "zone":
        with Session(engine) as session:
            try:
                replaced = store.latest_run(session=session, year=year)
            except NotFound:
                pass
        if replaced is not None:
            _confirm_replacement(replaced, yes=yes)
    else:
        err.print(f"{sys_.name} 是官方评价：结果另存为评价批次，不替换 {year} 年园区公布的积分")
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("评分", total=len(sys_.indicators))
        run_id, result = score_year(
            engine=engine, system=sys_, content=content, year=year,
            progress=lambda i: bar.update(task, completed=i + 1),
            on_step=lambda text: bar.update(task, description=text),
        )
    kind = "园区积分" if sys_.kind == "zone" else "官方评价"
    record(engine, action="publish_run", target=f"run {run_id}",
           detail=f"{kind}，{year} 年，指标体系 {sys_.version}" + (f"，替换 #{replaced.id}" if replaced else ""))
    info = {"run_id": run_id, "system": sys_.version, "year": year, "kind": sys_.kind, "enterprises": result.size,
            "replaced_run_id": replaced.id if replaced else None}
    if json_out:
        emit(info)
    elif sys_.kind == "zone":
        back = f"；原批次 #{replaced.id} 保留，撤回新批次：innopoints runs unpublish {run_id}" if replaced else ""
        console.print(f"已发布评分批次 #{run_id}：{year} 年园区积分，指标体系 {sys_.version}，{result.size} 家企业{back}")
    else:
        console.print(f"已保存官方评价批次 #{run_id}：{year} 年，{sys_.name}，{result.size} 家企业（园区积分不变；innopoints runs list 查看）")


def _confirm_replacement(run: Any, *, yes: bool) -> None:
    """Say which published run a new zone run replaces; go on only if confirmed (or --yes)."""
    import sys

    from assistant.cli.runs import describe

    err.print(f"将替换 {run.year} 年当前发布的园区积分：评分批次 {describe(run)}")
    if yes:
        return
    if not sys.stdin.isatty():  # a script or a pipe: nobody can answer, and silence is not consent
        err.print(f"[red]错误：没有终端可供确认，未做任何改动；确认替换 {run.year} 年的积分请加 --yes[/red]")
        raise typer.Exit(1)
    if not typer.confirm("确认发布新批次并替换？", default=False, err=True):
        err.print("已取消，未做任何改动")
        raise typer.Exit(1)


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
    """不经数据库，直接对一张表评分：每行一家企业；表头用字段的中文名（可带单位，如 营业收入（万元）），往年数据在表头后加 [-1]。"""
    from assistant.config import Settings
    from scoring.excel.scorefile import score_file
    from scoring.systems.loader import system_from_user

    sys_ = system_from_user(system, Settings().systems_dir)
    done = score_file(sys_, input, output, year=year)
    for note in done.warnings:
        err.print(f"提示：{note}", markup=False, highlight=False)
    missing = f"，其中 {done.with_missing} 家有缺失数据（见“缺失数据”列）" if done.with_missing else ""
    console.print(f"已评分 {done.enterprises} 家企业{missing}，结果写入 {output}", markup=False, highlight=False)


@app.command()
@friendly
def show(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: YearOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """企业创新画像：总分、类别得分、阶段内排名、各指标得分与解释、缺失数据、提分建议。"""
    from sqlmodel import Session

    from assistant.access.privacy import OPERATOR
    from assistant.config import Settings
    from assistant.queries.portraits import portrait
    from scoring.store.portraits import stored_system

    # The same read the portrait route makes, as the local operator.
    with Session(open_engine(Settings())) as session:
        data = portrait(principal=OPERATOR, session=session, uscc=uscc, year=year)
        verdict_names = {v.code: v.name for v in stored_system(session=session, version=data["system"]).verdicts}
    if json_out:
        emit(data)
        return
    print_portrait(data, verdict_names=verdict_names)


def print_portrait(data: dict[str, Any], *, verdict_names: dict[str, str]) -> None:
    """A portrait for officials: names not codes, points with 2 decimals, percentages as 12.5 %."""
    from rich.markup import escape

    from assistant.display import number, points, share, text

    name = {i["code"]: f"{i['code']} {i['name']}" for i in data["indicators"]}
    console.print(f"[bold]{escape(data['name'])}[/bold]（{data['uscc']}）  {escape(text(data['industry']))}")
    console.print(f"{data['year']} 年  指标体系 {data['system']}  阶段：{data['stage_name']}（{escape(data['stage_reason'])}）",
                  highlight=False)
    console.print(f"总分 {points(data['total'])} / {number(data['max_total'])} 分，阶段内第 {data['rank']} 名"
                  f"（{data['stage_name']}共 {data['stage_size']} 家），优于同阶段 {share(data['percentile'])} 的企业", highlight=False)
    for cat in data["categories"]:
        bench = "" if cat.get("stage_mean") is None else f"（同阶段平均 {points(cat['stage_mean'])}，上四分位 {points(cat['stage_p75'])}）"
        console.print(f"  {cat['name']}：{points(cat['points'])} / {number(cat['max_points'])} 分{bench}", highlight=False)
    for code_, v in data["verdicts"].items():
        console.print(f"  {verdict_names.get(code_, code_)}：{'通过' if v['passed'] else '未通过'}（{escape(str(v['route']))}）")
    table = Table("指标", "得分", "解释", show_lines=False)
    for ind in data["indicators"]:
        table.add_row(name[ind["code"]], f"{points(ind['points'])} / {number(ind['weight'])}", escape(ind["explanation"]))
    console.print(table)
    if data["missing"]:
        console.print(f"缺失数据的指标：{'、'.join(name.get(c, c) for c in data['missing'])}", highlight=False)
    console.print("[bold]提分建议[/bold]")
    for tip in data["advice"] or [{"text": "暂无可测算的提分空间"}]:
        console.print(f"  · {escape(tip['text'])}", highlight=False)


@app.command()
@friendly
def stats(year: YearOpt = None, json_out: JsonOpt = False) -> None:
    """园区概况：各阶段企业数与占比、各类别平均得分。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store
    from scoring.engine.summary import zone_summary
    from scoring.store.portraits import stored_system

    with Session(open_engine(Settings())) as session:
        run = store.latest_run(session=session, year=year)
        assert run.id is not None  # a stored run has its id
        system = stored_system(session=session, version=run.system_version)
        data = zone_summary(store.run_scores(session=session, run_id=run.id), system, year=run.year, run_id=run.id)
    if json_out:
        emit(data)
    else:
        print_stats(data)


def print_stats(data: dict[str, Any]) -> None:
    """The zone's summary for officials: stage names, shares as 55 %, points with 2 decimals."""
    from assistant.display import number, points, share

    mean = "—" if data["mean_total"] is None else f"{points(data['mean_total'])} 分"
    console.print(f"[bold]{data['year']} 年园区概况[/bold]（指标体系 {data['system']}，评分批次 #{data['run_id']}）："
                  f"{data['enterprises']} 家企业，平均总分 {mean}（满分 {number(data['max_total'])} 分）", highlight=False)
    # "科技创新基础能力" → "基础": the full names do not fit a terminal's width.
    short = [c["name"].replace("科技创新", "").replace("能力", "") or c["name"] for c in data["categories"]]
    table = Table("阶段", "企业数", "占比", "平均总分", *short)
    for s in data["stages"]:
        cats = s.get("categories", {})
        table.add_row(
            s["name"], str(s["count"]), share(s["share"]), points(s["mean_total"]) if "mean_total" in s else "—",
            *[points(cats[c["code"]]) if c["code"] in cats else "—" for c in data["categories"]],
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

    from assistant.config import Settings
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
    with Session(open_engine(settings)) as session, Progress(console=err, transient=True) as bar:
        task = bar.add_task("查找数据缺口", total=None)
        report = find_gaps(session=session, year=year, usccs=codes, system=system,
                           on_step=lambda text: bar.update(task, description=text))
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
