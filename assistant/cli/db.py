"""innopoints db upgrade|current|history|backup|restore: the store's schema revisions (Alembic)
and whole-store backups.

`upgrade` brings the configured store (`INNOPOINTS_DATABASE_URL`, else the data folder's SQLite
file) to the newest revision: a new database gets every table, a store made before migrations is
adopted when its tables equal the baseline's. The service refuses to start on a store that is
behind and names this command. `current` prints the store's revision id (nothing else, for
scripts); `history` lists the revisions this program knows. `backup FILE` copies the store into
one file while the service runs (SQLite's backup API; PostgreSQL's pg_dump, custom format);
`restore FILE --force` replaces the store with one (stop the service first).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, err, friendly

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

app = typer.Typer(help="数据库：结构升级、当前版本、迁移历史、备份与恢复", no_args_is_help=True)

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


@app.command()
@friendly
def backup(file: Annotated[Path, typer.Argument(help="备份文件（不能已存在）")]) -> None:
    """把整个数据库备份到一个文件（服务运行中也可备份；SQLite 用备份接口，PostgreSQL 用 pg_dump）。"""
    from assistant.config import Settings
    from scoring.store.backup import backup as copy_store

    settings = Settings()
    copy_store(settings.db_url, file)
    console.print(f"已备份到 {file}（{file.stat().st_size / 1e6:.1f} MB）", highlight=False)


@app.command()
@friendly
def restore(
    file: Annotated[Path, typer.Argument(help="由 innopoints db backup 生成的备份文件")],
    force: Annotated[bool, typer.Option("--force", help="确认用备份覆盖当前数据库")] = False,
) -> None:
    """用备份文件替换当前数据库的全部内容（请先停止服务；失败时数据库保持不变）。"""
    from assistant.config import Settings
    from scoring.store.backup import restore as put_back

    settings = Settings()
    if not force:
        err.print("[red]错误：恢复会用备份覆盖当前数据库的全部内容；确认请加 --force（未做任何改动）[/red]")
        raise typer.Exit(1)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    put_back(settings.db_url, file)
    console.print(f"已从 {file} 恢复数据库；如备份来自旧版本，请再运行 innopoints db upgrade", highlight=False)
