"""Schema migrations (Alembic): the store's schema is the head of `scoring/store/migrations/`.

A database is in one of these states (`state`):

- ``empty``: none of our tables. Opening it builds the schema at head: a new store loses nothing.
- ``legacy``: made by `create_all` before migrations existed (no `alembic_version`). It is adopted
  (the baseline creates the tables it lacks, then the revision is recorded) when every table it
  has equals the baseline's; otherwise it is refused, naming the tables and columns.
- ``current``: at head. ``behind``: at an older revision; the service refuses to start and names
  `innopoints db upgrade`. ``unknown``: a revision this code does not know (a newer version of
  the program wrote it); refused.

Every writer of the schema goes through `upgrade`, which holds a PostgreSQL advisory lock for its
transaction, so that several processes opening one new database build it once.

    >>> from sqlalchemy import create_engine
    >>> engine = create_engine("sqlite://")
    >>> upgrade(engine) == head()
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

from scoring.errors import StoreError

__all__ = [
    "BASELINE",
    "LOCATION",
    "RUN_TABLES",
    "Revision",
    "StoreBehind",
    "baseline_metadata",
    "current",
    "head",
    "history",
    "legacy_problems",
    "prepare",
    "revision_of",
    "state",
    "upgrade",
]

# Where the revisions live (an Alembic script location); tests pass a copy with a revision added.
LOCATION = "scoring.store:migrations"
BASELINE = "0001"
VERSION_TABLE = "alembic_version"
# Any fixed 64-bit number: the key of the advisory lock that serialises schema changes.
_PG_LOCK_KEY = 7_201_515_015
# Tables written with every run, added after runs existed: (table, what it holds in words). A
# legacy store with runs and without one of them would keep those runs silently without it.
RUN_TABLES = (("enterpriseadvice", "提分建议"),)


class StoreBehind(StoreError):
    """The store's schema is older than the code: `innopoints db upgrade` brings it up to date."""


@dataclass(frozen=True)
class Revision:
    """One migration: its id, the one before it, and its message."""

    id: str
    down: str | None
    message: str


# ----------------------------------------------------------------------------- scripts
@cache
def _script(location: str = LOCATION) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(location))


def _config(location: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", location)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head(*, location: str = LOCATION) -> str:
    """The newest revision this code knows."""
    found = _script(location).get_current_head()
    assert found is not None  # the package ships at least the baseline
    return found


def history(*, location: str = LOCATION) -> list[Revision]:
    """Every migration, oldest first."""
    revs = list(_script(location).walk_revisions())
    return [Revision(id=r.revision, down=r.down_revision if isinstance(r.down_revision, str) else None,
                     message=(r.doc or "").strip()) for r in reversed(revs)]


def baseline_metadata() -> MetaData:
    """The tables as the baseline migration creates them (the schema of the store before migrations)."""
    revision = _script().get_revision(BASELINE)
    assert revision is not None  # the package ships the baseline
    module: Any = revision.module
    meta: MetaData = module.baseline_metadata()
    return meta


# ----------------------------------------------------------------------------- state
def current(engine: Engine) -> str | None:
    """The revision recorded in the database (None: not yet under migrations)."""
    with engine.connect() as conn:
        return revision_of(conn)


def revision_of(connection: Connection) -> str | None:
    """The revision recorded in the database, read on an open connection (None: not recorded)."""
    return MigrationContext.configure(connection).get_current_revision()


def state(engine: Engine, *, location: str = LOCATION) -> str:
    """empty | legacy | current | behind | unknown (see the module's docstring)."""
    present = set(inspect(engine).get_table_names())
    if VERSION_TABLE not in present or (rev := current(engine)) is None:
        return "legacy" if present & set(baseline_metadata().tables) else "empty"
    if rev == head(location=location):
        return "current"
    known = {r.id for r in history(location=location)}
    return "behind" if rev in known else "unknown"


def legacy_problems(engine: Engine) -> list[str]:
    """What keeps a store made before migrations from being adopted as the baseline (Chinese)."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    problems = []
    for table in baseline_metadata().sorted_tables:
        if table.name not in present:
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        want = {c.name for c in table.columns}
        if lacking := [c.name for c in table.columns if c.name not in have]:
            problems.append(f"表 {table.name} 缺少列 {'、'.join(lacking)}")
        if extra := sorted(have - want):
            problems.append(f"表 {table.name} 多出列 {'、'.join(extra)}")
    if "scorerun" in present:
        with engine.connect() as conn:
            has_runs = conn.execute(text("SELECT 1 FROM scorerun LIMIT 1")).first() is not None
        if has_runs:
            problems += [f"缺少表 {name}（{words}）" for name, words in RUN_TABLES if name not in present]
    return problems


# ----------------------------------------------------------------------------- changes
def upgrade(engine: Engine, revision: str = "head", *, location: str = LOCATION) -> str:
    """Bring the schema to `revision` (head by default) and return the revision it is at.

    A store made before migrations is adopted first when it equals the baseline (else StoreError).
    """
    found = state(engine, location=location)
    if found == "unknown":
        raise _unknown(engine)
    if found == "legacy":
        _refuse_unadoptable(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        command.upgrade(_config(location, conn), revision)
    rev = current(engine)
    assert rev is not None
    return rev


def prepare(engine: Engine, *, location: str = LOCATION) -> None:
    """Make a store usable by this code or refuse it in one Chinese line.

    A new store is built at head and one made before migrations is adopted (both lose nothing);
    a store at an older revision is left alone: upgrading is the operator's decision, taken with
    `innopoints db upgrade` (after `innopoints db backup`).
    """
    found = state(engine, location=location)
    if found == "current":
        return
    if found in ("empty", "legacy"):
        upgrade(engine, BASELINE if found == "legacy" else "head", location=location)
        found = state(engine, location=location)
        if found == "current":
            return
    if found == "unknown":
        raise _unknown(engine)
    where = engine.url.render_as_string(hide_password=True)
    raise StoreBehind(
        f"数据库 {where} 的结构版本为 {current(engine)}，本程序需要 {head(location=location)}："
        "请先备份（innopoints db backup 文件）再运行 innopoints db upgrade 升级"
    )


def _refuse_unadoptable(engine: Engine) -> None:
    problems = legacy_problems(engine)
    if not problems:
        return
    where = engine.url.render_as_string(hide_password=True)
    raise StoreError(
        f"数据库 {where} 由旧版本建立（{'；'.join(problems)}），无法迁移，须重建后才能使用："
        "示范园区运行 innopoints demo --force，正式数据请备份后重新导入并评分"
    )


def _unknown(engine: Engine) -> StoreError:
    where = engine.url.render_as_string(hide_password=True)
    return StoreError(f"数据库 {where} 的结构版本 {current(engine)} 由更新版本的程序写入，本程序不认识：请使用更新版本的 innopoints")
