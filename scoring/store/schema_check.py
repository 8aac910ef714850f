"""Refuse a database whose tables are older than the code, in one Chinese line instead of a crash.

`SQLModel.metadata.create_all` creates missing tables but never adds a column to an existing one,
so a store built by an earlier version (say, `scorerun` without `kind`) would otherwise fail at
its first query with an SQL error. Likewise a table that holds part of every run (each
enterprise's advice): created empty in a store that already has runs, it would leave those runs
silently without it. Until migrations exist (a later issue), such a store is rebuilt.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from scoring.errors import StoreError

__all__ = ["RUN_TABLES", "check_schema", "missing_columns", "missing_run_tables"]

# Tables written with every run, added after runs existed: (table, what it holds in words).
RUN_TABLES = (("enterpriseadvice", "提分建议"),)


def missing_columns(engine: Engine) -> dict[str, list[str]]:
    """Per existing table the code knows: the columns the code needs and the database lacks."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    out: dict[str, list[str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in present:
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        lacking = [c.name for c in table.columns if c.name not in have]
        if lacking:
            out[table.name] = lacking
    return out


def missing_run_tables(engine: Engine) -> list[str]:
    """The tables of `RUN_TABLES` that a store holding score runs lacks (before they are created)."""
    present = set(inspect(engine).get_table_names())
    if "scorerun" not in present:
        return []
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM scorerun LIMIT 1")).first() is None:
            return []  # no run yet: creating the tables now loses nothing
    return [f"{name}（{words}）" for name, words in RUN_TABLES if name not in present]


def check_schema(engine: Engine) -> None:
    """Raise StoreError naming the database, the tables and the columns if the store is outdated.

    Called before the missing tables are created, so that a run table created empty cannot hide it.
    """
    missing = [f"表 {t} 缺少列 {'、'.join(cols)}" for t, cols in missing_columns(engine).items()]
    missing += [f"缺少表 {name}" for name in missing_run_tables(engine)]
    if not missing:
        return
    where = engine.url.render_as_string(hide_password=True)
    raise StoreError(
        f"数据库 {where} 由旧版本建立（{'；'.join(missing)}），须重建后才能使用："
        "示范园区运行 innopoints demo --force，正式数据请备份后重新导入并评分"
    )
