"""`innopoints import`, `innopoints batches list|show|revert` and `innopoints conflicts`.

Registered on the main typer app by `assistant.cli.main` (imported at its end, so the helpers below
already exist there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, err, friendly, open_engine
from scoring.systems.labels import SOURCES

app = typer.Typer()
batches_app = typer.Typer(help="导入批次：列表、详情、撤销", no_args_is_help=True)
STATUS = {"active": "有效", "reverted": "已撤销", "open": "待处理", "resolved": "已处理"}


@app.command("import")
@friendly
def import_cmd(
    source: Annotated[str, typer.Argument(help="数据来源：代码（tax）或名称（税务）；可用：" + "、".join(f"{k}（{v}）" for k, v in SOURCES.items()))],
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8/GBK）或 XLSX 文件", exists=True, dir_okay=False, readable=True)],
    year: Annotated[int | None, typer.Option("--year", help="数据年度（文件没有“年度”列时必填）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入数据库")] = False,
    report_xlsx: Annotated[Path | None, typer.Option("--report-xlsx", help="把导入报告另存为 Excel 文件")] = None,
    json_out: JsonOpt = False,
) -> None:
    """导入一个数据来源文件：先整体校验，有任何错误则整个文件不导入并列出全部错误；同一文件重复导入不会重复写入。"""
    from assistant.config import Settings
    from scoring.ingest.importer import import_file

    engine = open_engine(Settings())
    if console.is_terminal and not json_out:
        columns = (TextColumn("导入 {task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(file.name, total=None)
            report = import_file(engine=engine, source=source, path=file, year=year, dry_run=dry_run,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total))
    else:
        report = import_file(engine=engine, source=source, path=file, year=year, dry_run=dry_run)
    if report_xlsx:
        from scoring.excel.import_report import import_report_xlsx

        import_report_xlsx(report, report_xlsx)
    if json_out:
        emit(report.model_dump(mode="json"))
    else:
        (err if report.status == "rejected" else console).print(report.to_text(), markup=False)
        if report_xlsx:
            console.print(f"报告已保存到 {report_xlsx}")
    if report.status == "rejected":
        raise typer.Exit(1)


def _batch_row(b: Any) -> dict[str, Any]:
    return {
        "id": b.id, "source": b.source, "source_name": SOURCES.get(b.source, b.source), "file": b.file,
        "year": b.year, "status": b.status, "sha256": b.sha256, "sheets": b.sheets, "values": b.rows,
        "rows_read": b.rows_read, "rows_imported": b.rows_imported, "created_at": b.created_at,
        "reverted_at": b.reverted_at,
    }


@batches_app.command("list")
@friendly
def batches_list(
    source: Annotated[str | None, typer.Option("--source", help="只看某个数据来源（代码或名称）")] = None,
    json_out: JsonOpt = False,
) -> None:
    """列出导入批次（最新的在前）。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store
    from scoring.ingest.sources import resolve_source

    key = resolve_source(source).key if source else None
    with Session(open_engine(Settings())) as session:
        rows = [_batch_row(b) for b in store.list_batches(session=session, source=key)]
    if json_out:
        emit(rows)
        return
    from assistant.display import beijing_time

    table = Table("批次", "来源", "文件", "年度", "数值", "行数", "状态", "导入时间")
    for r in rows:
        table.add_row(str(r["id"]), r["source_name"], escape(r["file"] or "-"), str(r["year"] or "-"), str(r["values"]),
                      str(r["rows_imported"]), STATUS.get(r["status"], r["status"]), beijing_time(r["created_at"]))
    console.print(table)


@batches_app.command("show")
@friendly
def batches_show(batch_id: Annotated[int, typer.Argument(help="批次号")], json_out: JsonOpt = False) -> None:
    """显示一个导入批次：来源、文件、SHA-256、工作表、行数与导入报告。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store

    with Session(open_engine(Settings())) as session:
        b = store.get_batch(session=session, batch_id=batch_id)
        data = {**_batch_row(b), "description": b.description, "report": b.report}
    if json_out:
        emit(data)
        return
    from assistant.display import beijing_time

    console.print(f"[bold]第 {data['id']} 号批次[/bold]  {data['source_name']}  {STATUS.get(data['status'], data['status'])}")
    for label, key in (("文件", "file"), ("SHA-256", "sha256"), ("年度", "year"), ("工作表", "sheets"),
                       ("读取行数", "rows_read"), ("导入行数", "rows_imported"), ("写入数值", "values"),
                       ("导入时间", "created_at"), ("撤销时间", "reverted_at")):
        value = data[key]
        if key.endswith("_at"):
            value = beijing_time(value) if value else None
        if isinstance(value, list):
            value = "、".join(value)
        console.print(f"  {label}：{'-' if value in (None, '') else value}", markup=False)
    for w in (data["report"] or {}).get("warnings", []):
        console.print(f"  提示：{w}", markup=False)


@batches_app.command("revert")
@friendly
def batches_revert(batch_id: Annotated[int, typer.Argument(help="批次号")]) -> None:
    """撤销一个导入批次：其数值不再参与评分（保留为历史），相关冲突标记为已处理。"""
    from assistant.config import Settings
    from scoring import store

    b = store.revert_batch(engine=open_engine(Settings()), batch_id=batch_id)
    console.print(f"已撤销第 {b.id} 号批次（{SOURCES.get(b.source, b.source)}，{b.file}）；重新评分后生效")


@app.command()
@friendly
def conflicts(
    year: Annotated[int | None, typer.Option("--year", help="只看某一年度")] = None,
    status: Annotated[str, typer.Option("--status", help="open（待处理）| resolved（已处理）| all")] = "open",
    json_out: JsonOpt = False,
) -> None:
    """数据冲突：不同来源对同一企业、年度、字段给出了不同的值（保留待核对，不会被静默覆盖）。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store
    from scoring.systems.fields import default_fields

    if status not in ("open", "resolved", "all"):
        raise typer.BadParameter("只能是 open、resolved 或 all", param_hint="--status")
    registry = default_fields()
    names = {k: f.name for k, f in registry.items()}
    with Session(open_engine(Settings())) as session:
        rows = [c.model_dump(mode="json") for c in store.list_conflicts(session=session, year=year, status=None if status == "all" else status)]
        firms = _enterprise_names(session, {r["uscc"] for r in rows})
    for r in rows:
        r["field_name"] = names.get(r["field"], r["field"])
    if json_out:
        emit(rows)
        return
    if not rows:
        console.print("没有" + ("待处理的" if status == "open" else "") + "数据冲突")
        return
    from assistant.display import beijing_time

    table = Table("编号", "企业", "年度", "字段", "原值（来源/批次）", "新值（来源/批次）", "状态", "发现时间")
    for r in rows:
        unit = registry[r["field"]].unit if r["field"] in registry else ""
        firm = f"{firms[r['uscc']]}（{r['uscc']}）" if r["uscc"] in firms else r["uscc"]
        table.add_row(str(r["id"]), escape(firm), str(r["year"]), r["field_name"],
                      escape(f"{_raw(r['value_a'], unit)}（{SOURCES.get(r['source_a'], r['source_a'])}/#{r['batch_a']}）"),
                      escape(f"{_raw(r['value_b'], unit)}（{SOURCES.get(r['source_b'], r['source_b'])}/#{r['batch_b']}）"),
                      STATUS.get(r["status"], r["status"]), beijing_time(r["created_at"]))
    console.print(table)


def _enterprise_names(session: Any, usccs: set[str]) -> dict[str, str]:
    """Names of the enterprises a list mentions, in one query."""
    from sqlmodel import col, select

    from scoring.store.models import Enterprise

    if not usccs:
        return {}
    return dict(session.exec(select(Enterprise.uscc, Enterprise.name).where(col(Enterprise.uscc).in_(sorted(usccs)))).all())


def _raw(value: str, unit: str) -> str:
    """A raw value as stored (text) for people: `1234.5万元`; text as it is."""
    from assistant.display import number

    try:
        return f"{number(float(value))}{unit}"
    except ValueError:
        return value
