"""innopoints db upgrade|current|history: the store's schema revisions (Alembic).

`upgrade` brings the configured store (`INNOPOINTS_DATABASE_URL`, else the data folder's SQLite
file) to the newest revision: a new database gets every table, a store made before migrations is
adopted when its tables equal the baseline's. The service refuses to start on a store that is
behind and names this command. `current` prints the store's revision id (nothing else, for
scripts); `history` lists the revisions this program knows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, err, friendly

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

app = typer.Typer(help="数据库结构：升级、当前版本、迁移历史", no_args_is_help=True)

STATES = {"empty": "空库", "legacy": "迁移前建立（未记录版本）", "current": "最新", "behind": "落后，须升级",
          "unknown": "由更新版本的程序写入"}


def _engine() -> Engine:
    """The configured store's engine, its schema untouched (these commands decide what to do with it)."""
    from assistant.config import Settings
    from scoring.store import connect_engine

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return connect_engine(settings.db_url)


@app.command()
@friendly
def upgrade(as_json: JsonOpt = False) -> None:
    """把数据库结构升级到最新版本（新库建立全部数据表；迁移前建立的库核对后接管）。"""
    from scoring.store import migrate

    engine = _engine()
    try:
        before = migrate.current(engine)
        after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    if as_json:
        emit({"from": before, "to": after})
    elif before == after:
        console.print(f"数据库结构已是最新版本 {after}，无需升级")
    else:
        console.print(f"数据库结构已从 {before} 升级到 {after}" if before else f"数据库结构已建立（或接管）为版本 {after}")


@app.command()
@friendly
def current(as_json: JsonOpt = False) -> None:
    """显示数据库当前的结构版本号（未记录版本时不输出）。"""
    from scoring.store import migrate

    engine = _engine()
    try:
        rev, state = migrate.current(engine), migrate.state(engine)
    finally:
        engine.dispose()
    if as_json:
        emit({"revision": rev, "head": migrate.head(), "state": state})
        return
    if rev is not None:
        typer.echo(rev)
    if state != "current":
        err.print(f"[yellow]提示：{STATES[state]}；本程序的最新版本为 {migrate.head()}[/yellow]", highlight=False)


@app.command()
@friendly
def history(as_json: JsonOpt = False) -> None:
    """列出本程序的全部结构迁移（由旧到新）。"""
    from scoring.store import migrate

    revisions = migrate.history()
    if as_json:
        emit([{"revision": r.id, "down_revision": r.down, "message": r.message} for r in revisions])
        return
    table = Table("版本", "上一版本", "说明")
    for r in revisions:
        table.add_row(r.id, r.down or "-", r.message)
    console.print(table)
