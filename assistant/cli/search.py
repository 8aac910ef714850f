"""`innopoints search` and `innopoints index build|status`.

Registered on the main typer app by `assistant.cli.main` (imported at its end, so the helpers used
here already exist there). The command line runs locally as an official: hits show total, rank
and percentile. It never starts background work: a search with no current vector index uses the
text retrievers and says so; `innopoints index build` encodes in the foreground with a progress bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, err, friendly, open_engine

app = typer.Typer()
index_app = typer.Typer(help="搜索索引：生成、状态", no_args_is_help=True)
EmbedderOpt = Annotated[
    Literal["e5", "none", "sentence-transformers"] | None,
    typer.Option("--embedder", help="向量模型（默认取设置 INNOPOINTS_EMBEDDER）"),
]


def _index(embedder: str | None = None, model_dir: Path | None = None) -> Any:
    from assistant.config import Settings
    from assistant.queries.search_index import SearchIndex

    settings = Settings()
    if model_dir is not None:
        settings = settings.model_copy(update={"embedder_model_dir": model_dir})
    return SearchIndex.from_settings(settings, open_engine(settings), kind=embedder, background=False)


@app.command("search")
@friendly
def search_command(
    query: Annotated[str, typer.Argument(help="要找的企业：全称、简称、拼音、首字母、曾用名、英文名、其他名称、股票代码或简称、信用代码或产品")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="最多显示条数")] = 10,
    stage: Annotated[str | None, typer.Option("--stage", help="阶段：startup | growth | development | mature")] = None,
    industry: Annotated[str | None, typer.Option("--industry", help="行业")] = None,
    year: Annotated[int | None, typer.Option("--year", help="积分年度")] = None,
    points_min: Annotated[float | None, typer.Option("--points-min", help="总分下限")] = None,
    points_max: Annotated[float | None, typer.Option("--points-max", help="总分上限")] = None,
    weak: Annotated[bool, typer.Option("--weak", help="同时显示弱匹配")] = False,
    json_out: JsonOpt = False,
) -> None:
    """搜索企业：简称、错别字、拼音、首字母、繁体、英文名、曾用名、其他名称（品牌、英文缩写）、股票代码或股票简称、信用代码或产品都可以。"""
    from assistant.queries.search_hits import hit_fields, run_search
    from scoring.systems.schema import STAGES

    text = query.strip()
    if not text:
        err.print("[red]错误：搜索内容不能为空[/red]")
        raise typer.Exit(2)
    if stage is not None and stage not in STAGES:
        err.print(f"[red]错误：未知的阶段 {stage}；可用：{'、'.join(STAGES)}[/red]")
        raise typer.Exit(2)
    index = _index()
    snap = index.current()
    hits = run_search(snap, text, limit=limit, stage=stage, industry=industry, year=year,
                      points_min=points_min, points_max=points_max, include_weak=weak)
    items = [hit_fields(snap, h, details=True) for h in hits]
    if json_out:
        emit({"query": text, "semantic": snap.semantic, "year": snap.year, "items": items})
        return
    if not snap.semantic and index.embedder is not None:
        err.print("[yellow]向量索引尚未生成，本次只用文本检索；运行 innopoints index build 生成[/yellow]")
    if not items:
        console.print(f"没有找到与「{text}」相关的企业")
        return
    from assistant.display import points

    table = Table("企业", "统一社会信用代码", "阶段", "总分", "相关度", "匹配原因")
    for i in items:
        name = f"{i['name']}（弱匹配）" if i["weak"] else i["name"]
        total = "-" if i.get("total") is None else points(i["total"])
        table.add_row(name, i["uscc"], i["stage_name"] or "-", total, f"{i['score']:.2f}", "；".join(i["reasons"]))
    console.print(table)


@index_app.command("build")
@friendly
def index_build(
    embedder: EmbedderOpt = None,
    model_dir: Annotated[Path | None, typer.Option("--model-dir", help="sentence-transformers 模型目录")] = None,
    json_out: JsonOpt = False,
) -> None:
    """生成（或按数据库的变化更新）搜索索引：只为新的文本编码向量，并保存到数据目录。"""
    index = _index(embedder, model_dir)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=json_out) as bar:
        task = bar.add_task("编码企业文本", total=None)
        report = index.build(progress=lambda done, total: bar.update(task, completed=done, total=total))
    data = {**report.__dict__, "embedder": index.embedder_name, "folder": str(index.vectors_folder.parent)}
    if json_out:
        emit(data)
        return
    console.print(
        f"搜索索引已生成：{report.documents} 家企业，向量模型 {data['embedder']}，"
        f"{report.passages} 段不同文本中新编码 {report.encoded} 段，索引类型 {report.kind}，用时 {report.seconds} 秒"
    )


@index_app.command("status")
@friendly
def index_status(embedder: EmbedderOpt = None, json_out: JsonOpt = False) -> None:
    """搜索索引状态：文档数、向量模型、生成时间、是否需要重建、文件大小。"""
    data = _index(embedder).status()
    if json_out:
        emit(data)
        return
    saved = data["index"]
    console.print(f"向量模型：{data['embedder']}；数据库状态：{data['store_signature']}")
    if data["embedder"] == "none":
        console.print("未使用向量检索：文本检索的索引在服务启动后的首次搜索时生成（无需保存）")
    elif saved is None:
        console.print("[yellow]尚未生成向量索引；运行 innopoints index build[/yellow]")
    else:
        state = "[yellow]已过期（数据库有新的导入或评分），需要重建[/yellow]" if data["stale"] else "最新"
        console.print(f"向量索引：{saved['count']} 家企业，类型 {saved['kind']}，维数 {saved['dim']}，生成于 {saved['built_at']}，{state}")
    for part, files in data["files"].items():
        for name, size in files.items():
            console.print(f"  {part}/{name}：{size / 1024:,.1f} KiB")
