"""Migrations: the migrated schema is the models' on both stores, old stores are adopted with every
row, and a store that is behind or ahead is refused in one Chinese line."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
import warnings
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from scoring.errors import StoreError
from scoring.store import connect_engine, make_engine, migrate

FIXTURE = Path(__file__).parents[1] / "fixtures" / "store_48db335.sql"
# Every module that defines tables: the assistant's join SQLModel's registry when imported.
TABLE_MODULES = ("scoring.store.models", "assistant.access.accounts", "assistant.access.throttle",
                 "assistant.chat.sessions", "assistant.wechat.tables", "assistant.queries.portrait_store")
NEXT = "0999"  # the revision a later version adds in `newer_code`
SERVICE_TABLES = ("chat_session", "chat_turn", "portrait_cache_2", "wechat_access_token", "wechat_bind_attempt",
                  "wechat_binding", "wechat_binding_code", "wechat_delivery", "wechat_follower")


def all_tables() -> Any:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return SQLModel.metadata


def differences(url: str) -> list[Any]:
    engine = connect_engine(url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # SQLite's expression indexes cannot be reflected, so they are not compared there;
            # `test_user_names_are_unique_in_any_letter_case_in_the_database` checks the one we have.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            return list(compare_metadata(context, all_tables()))
    finally:
        engine.dispose()


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of an SQLite file, in a stable order."""
    db = sqlite3.connect(path)
    try:
        names = [n for (n,) in db.execute("select name from sqlite_master where type = 'table' and name != 'alembic_version'")]
        return {n: sorted(db.execute(f'select * from "{n}"').fetchall(), key=repr) for n in names}
    finally:
        db.close()


def old_store(path: Path, *, drop: tuple[str, ...] = ()) -> Path:
    """A store as commit 48db335 built it (create_all, three rows in each of its 25 tables)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(FIXTURE.read_text(encoding="utf-8"))
        for table in drop:
            db.execute(f'drop table "{table}"')
        db.commit()
    finally:
        db.close()
    return path


# ----------------------------------------------------------------------------- schema
def test_the_migrated_schema_is_the_models_schema(empty_store_url: str) -> None:
    make_engine(empty_store_url).dispose()
    assert differences(empty_store_url) == []
    engine = connect_engine(empty_store_url)
    try:
        assert migrate.current(engine) == migrate.head() and migrate.state(engine) == "current"
        assert set(all_tables().tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_baseline_holds_every_table_the_code_defines() -> None:
    assert set(migrate.baseline_metadata().tables) == set(all_tables().tables)
    assert [r.id for r in migrate.history()][0] == migrate.BASELINE


# ----------------------------------------------------------------------------- stores before migrations
def test_a_store_of_48db335_is_adopted_and_keeps_every_row(tmp_path: Path) -> None:
    """Opening it adopts it at the baseline (nothing else changes), then refuses it as behind, naming
    the command; `innopoints db upgrade` (migrate.upgrade) brings it to head with every row."""
    path = old_store(tmp_path / "old.sqlite")
    before = rows(path)
    assert len(before) == 25 and all(len(r) == 3 for r in before.values())
    with pytest.raises(migrate.StoreBehind, match="innopoints db upgrade"):
        make_engine(f"sqlite:///{path}")
    assert rows(path) == before
    engine = connect_engine(f"sqlite:///{path}")
    try:
        assert migrate.current(engine) == migrate.BASELINE and migrate.state(engine) == "behind"
        assert migrate.upgrade(engine) == migrate.head() != migrate.BASELINE
    finally:
        engine.dispose()
    make_engine(f"sqlite:///{path}").dispose()  # current: opened as it is
    assert rows(path) == before
    assert differences(f"sqlite:///{path}") == []


def test_a_store_without_the_service_tables_gets_them_on_upgrade(tmp_path: Path) -> None:
    """`innopoints demo` at 48db335 left the service's tables to `serve`: the baseline creates them."""
    path = old_store(tmp_path / "old.sqlite", drop=SERVICE_TABLES)
    before = rows(path)
    engine = connect_engine(f"sqlite:///{path}")
    try:
        assert migrate.state(engine) == "legacy"
        assert migrate.upgrade(engine) == migrate.head()
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from chat_session")).scalar_one() == 0
    finally:
        engine.dispose()
    after = rows(path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert differences(f"sqlite:///{path}") == []


def test_an_old_store_that_differs_from_the_baseline_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = old_store(tmp_path / "old.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("alter table scorerun drop column kind")
    for _ in range(2):  # refused again: nothing was written the first time
        with pytest.raises(StoreError) as caught:
            make_engine(f"sqlite:///{path}")
        message = str(caught.value)
        assert "旧版本" in message and "表 scorerun 缺少列 kind" in message and "\n" not in message
    assert "alembic_version" not in rows(path)


# ----------------------------------------------------------------------------- behind and ahead
@pytest.fixture
def newer_code(tmp_path: Path) -> str:
    """The migrations as a later version would ship them: this version's, and one revision after them."""
    location = tmp_path / "migrations"
    shutil.copytree(Path(migrate.__file__).parent / "migrations", location,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / f"{NEXT}_note.py").write_text(
        f'"""为企业增加备注\n\nRevision ID: {NEXT}\nRevises: {migrate.head()}\n"""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "{NEXT}"\ndown_revision = "{migrate.head()}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade() -> None:\n"
        '    with op.batch_alter_table("enterprise") as batch:\n'
        '        batch.add_column(sa.Column("note", sa.String(), nullable=True))\n\n\n'
        "def downgrade() -> None:\n"
        '    with op.batch_alter_table("enterprise") as batch:\n'
        '        batch.drop_column("note")\n',
        encoding="utf-8",
    )
    return str(location)


def test_a_store_behind_is_refused_naming_the_upgrade_command_then_upgraded(tmp_path: Path, newer_code: str) -> None:
    path = old_store(tmp_path / "old.sqlite")
    before = rows(path)
    engine = connect_engine(f"sqlite:///{path}")
    try:
        assert migrate.upgrade(engine) == migrate.head()  # adopted and upgraded by this version
        assert migrate.state(engine, location=newer_code) == "behind"
        with pytest.raises(migrate.StoreBehind) as caught:
            migrate.prepare(engine, location=newer_code)
        message = str(caught.value)
        assert migrate.head() in message and NEXT in message and "innopoints db upgrade" in message
        assert "\n" not in message
        assert migrate.upgrade(engine, location=newer_code) == NEXT
        migrate.prepare(engine, location=newer_code)  # current now
    finally:
        engine.dispose()
    after = rows(path)
    assert {t: [r[:-1] for r in after[t]] if t == "enterprise" else after[t] for t in after} == before


def test_a_store_written_by_newer_code_is_refused(tmp_path: Path, newer_code: str) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    engine = connect_engine(url)
    try:
        migrate.upgrade(engine, location=newer_code)
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match=f"{NEXT}.*更新版本"):
        make_engine(url)


def test_a_plain_alembic_run_builds_the_same_schema(tmp_path: Path) -> None:
    """The env.py path without a handed connection (a developer's `alembic` command) works too."""
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'plain.sqlite'}"
    config = Config()
    config.set_main_option("script_location", migrate.LOCATION)
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    assert differences(url) == []
    engine = create_engine(url)
    try:
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- 0002: user names in any case
def test_user_names_are_unique_in_any_letter_case_in_the_database(store_url: str) -> None:
    engine = make_engine(store_url)
    add = text('INSERT INTO "user" (username, password_hash, role, display_name, disabled, created_at) '
               "VALUES (:name, 'x', 'official', '', false, CURRENT_TIMESTAMP)")
    try:
        with engine.begin() as conn:
            conn.execute(add, {"name": "zhang.wei"})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(add, {"name": "Zhang.Wei"})
        with engine.connect() as conn:
            assert conn.execute(text('SELECT username FROM "user"')).scalars().all() == ["zhang.wei"]
    finally:
        engine.dispose()


def test_a_store_holding_names_that_differ_in_case_only_is_not_upgraded_and_keeps_them(tmp_path: Path) -> None:
    path = old_store(tmp_path / "old.sqlite")
    with sqlite3.connect(path) as db:
        db.execute('INSERT INTO "user" (username, password_hash, role, display_name, disabled, created_at) '
                   "SELECT 'LI.NA', password_hash, role, display_name, disabled, created_at FROM \"user\" LIMIT 1")
        db.execute('INSERT INTO "user" (username, password_hash, role, display_name, disabled, created_at) '
                   "SELECT 'li.na', password_hash, role, display_name, disabled, created_at FROM \"user\" LIMIT 1")
    engine = connect_engine(f"sqlite:///{path}")
    try:
        assert migrate.upgrade(engine, migrate.BASELINE) == migrate.BASELINE
        before = rows(path)
        with pytest.raises(StoreError) as caught:
            migrate.upgrade(engine)
        message = str(caught.value)
        assert "li.na（2 个）" in message and "数据库未作任何改动" in message and "\n" not in message
        assert migrate.current(engine) == migrate.BASELINE
    finally:
        engine.dispose()
    assert rows(path) == before
    with sqlite3.connect(path) as db:
        assert not db.execute("select name from sqlite_master where name = 'ux_user_username_lower'").fetchall()
