"""Refuse a database whose tables are older than the code, in one Chinese line instead of a crash.

`SQLModel.metadata.create_all` creates missing tables but never adds a column to an existing one,
so a store built by an earlier version (say, `scorerun` without `kind`) would otherwise fail at
its first query with an SQL error. Until migrations exist (a later issue), such a store is rebuilt.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from scoring.errors import StoreError

__all__ = ["check_schema", "missing_columns"]


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


def check_schema(engine: Engine) -> None:
    """Raise StoreError naming the database, the table and the columns if the store is outdated."""
    missing = missing_columns(engine)
    if not missing:
        return
    what = "；".join(f"表 {t} 缺少列 {'、'.join(cols)}" for t, cols in missing.items())
    where = engine.url.render_as_string(hide_password=True)
    raise StoreError(
        f"数据库 {where} 由旧版本建立（{what}），须重建后才能使用："
        "示范园区运行 innopoints demo --force，正式数据请备份后重新导入并评分"
    )
