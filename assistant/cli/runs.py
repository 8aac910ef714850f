"""innopoints runs list|unpublish: the score runs, and taking back a published one.

A year's published points are its newest published zone run. `unpublish` withdraws a zone run
(its results stay in the store, readable by id) so that the year's previous run is the published
one again; it is recorded in the audit trail. Evaluation runs (official evaluations) are never the
zone's points, so there is nothing of theirs to withdraw.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, friendly, open_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from scoring.store import ScoreRun

app = typer.Typer(help="评分批次：列表、撤回发布", no_args_is_help=True)

KINDS = {"zone": "园区积分", "evaluation": "官方评价"}
BEIJING = timezone(timedelta(hours=8))


def beijing(moment: datetime | None) -> str:
    """A stored time as officials read it: Beijing time, to the minute, labelled."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; the store writes UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M 北京时间")


def describe(run: ScoreRun) -> str:
    """`#12（2024 年，指标体系 1.0，发布于 2025-03-01 09:30 北京时间）`."""
    return f"#{run.id}（{run.year} 年，指标体系 {run.system_version}，发布于 {beijing(run.published_at)}）"


def record(engine: Engine, *, action: str, target: str, detail: str) -> None:
    """An audit event for a change made from the command line (the user is the OS account)."""
    from sqlmodel import Session

    from assistant.access import accounts

    accounts.ensure_tables(engine)
    with Session(engine) as session:
        accounts.record(session=session, username=getpass.getuser(), role="cli", action=action, target=target, detail=detail)


def _state(run: ScoreRun, current: Mapping[int, int | None]) -> tuple[str, str]:
    """(code, Chinese) of a run's standing: current, replaced, withdrawn, or an evaluation."""
    if run.status == "withdrawn":
        return "withdrawn", f"已撤回（{beijing(run.withdrawn_at)}）"
    if run.kind != "zone":
        return "evaluation", "评价结果（不替换园区积分）"
    if current.get(run.year) == run.id:
        return "current", "当前发布"
    return "replaced", f"已被 #{current.get(run.year)} 替换"


@app.command("list")
@friendly
def runs_list(json_out: JsonOpt = False) -> None:
    """列出全部评分批次：园区积分与官方评价，哪一批是各年度当前发布的。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store

    with Session(open_engine(Settings())) as session:
        runs = store.list_runs(session=session)
        current = {y: r.id for y, r in store.latest_runs_by_year(session=session).items()}
    rows: list[dict[str, Any]] = []
    for run in runs:
        state, text = _state(run, current)
        rows.append({**run.model_dump(mode="json"), "state": state, "state_text": text})
    if json_out:
        emit(rows)
        return
    if not rows:
        console.print("还没有评分批次；用 innopoints score --system 版本 --year 年度 评分")
        return
    table = Table("批次", "年度", "类型", "指标体系", "企业数", "发布时间", "状态")
    for run, row in zip(runs, rows, strict=True):
        table.add_row(f"#{run.id}", str(run.year), KINDS.get(run.kind, run.kind), run.system_version,
                      str(run.n_enterprises), beijing(run.published_at), row["state_text"])
    console.print(table)


@app.command("unpublish")
@friendly
def runs_unpublish(run_id: Annotated[int, typer.Argument(help="要撤回的评分批次编号（innopoints runs list 可查）")]) -> None:
    """撤回一个园区积分批次：该年度上一批次恢复为发布的积分（结果保留，记入审计记录）。"""
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring.store.runs import withdraw_run

    engine = open_engine(Settings())
    with Session(engine) as session:
        run, now = withdraw_run(session=session, run_id=run_id)
    after = f"现在发布的是 {describe(now)}" if now else f"{run.year} 年现在没有发布的积分"
    record(engine, action="unpublish_run", target=f"run {run.id}",
           detail=f"{run.year} 年，指标体系 {run.system_version}；{after}")
    console.print(f"已撤回评分批次 #{run.id}（{run.year} 年，指标体系 {run.system_version}）；{after}")
