"""`innopoints db …` and the commands people run first, on an empty SQLite file and an empty
PostgreSQL database alike; the service refuses a store it cannot use, in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app
from scoring.errors import StoreError
from scoring.store import connect_engine, migrate
from tests.assistant.conftest import PASSWORDS, Api, login, make_settings

runner = CliRunner()


@pytest.fixture
def env(empty_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A data folder and the empty database as INNOPOINTS_DATABASE_URL (SQLite: the folder's file)."""
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(tmp_path / "data"))
    if empty_store_url.startswith("postgresql"):
        monkeypatch.setenv("INNOPOINTS_DATABASE_URL", empty_store_url)
        return empty_store_url
    return f"sqlite:///{tmp_path / 'data' / 'innopoints.sqlite'}"


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_db_upgrade_demo_stats_and_the_service_work_on_an_empty_database(env: str, tmp_path: Path) -> None:
    assert invoke("db", "current") == ""
    assert json.loads(invoke("db", "current", "--json"))["state"] == "empty"
    assert f"为版本 {migrate.head()}" in invoke("db", "upgrade")
    assert invoke("db", "current") == f"{migrate.head()}\n"
    assert "无需升级" in invoke("db", "upgrade")
    history = json.loads(invoke("db", "history", "--json"))
    assert history[0] == {"revision": "0001", "down_revision": None, "message": "基线：引入迁移之前（提交 48db335）的全部数据表"}
    assert history[1] == {"revision": "0002", "down_revision": "0001", "message": "用户名不区分大小写唯一（数据库唯一索引）"}
    invoke("demo", "--size", "60", "--no-index", "--force")
    stats = json.loads(invoke("stats", "--json"))
    assert stats["enterprises"] == 60 and sum(s["count"] for s in stats["stages"]) == 60
    assert invoke("db", "current") == f"{migrate.head()}\n"
    settings = make_settings(tmp_path / "data", database_url=env if env.startswith("postgresql") else "",
                             search_warm_start=False, embedder="none")
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        token = login(client, "official", PASSWORDS["official"])
        assert token
        listed = api.get("/api/enterprises?sort=total&page_size=5", as_="official")
        assert listed.status_code == 200, listed.text
        first = listed.json()["items"][0]["uscc"]
        portrait = api.get(f"/api/enterprises/{first}/portrait", as_="official")
        assert portrait.status_code == 200, portrait.text


def test_a_store_of_the_version_before_is_refused_by_the_service_until_upgraded(env: str, tmp_path: Path) -> None:
    """A zone running the previous version (schema 0001, its users) installs this one: the service
    refuses to start, naming the command; `innopoints db upgrade` takes it to head with every row;
    then the service starts and the users log in."""
    (tmp_path / "data").mkdir()
    engine = connect_engine(env)
    try:
        migrate.upgrade(engine, migrate.BASELINE)
    finally:
        engine.dispose()
    # A user as the old version stored it (every command of this version refuses the old store).
    _write(env, 'insert into "user" (username, password_hash, role, display_name, disabled, created_at) values '
                f"('zhang.wei', '{PasswordHasher().hash('a-long-password-1')}', 'official', '', false, CURRENT_TIMESTAMP)")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "0001" in result.output and migrate.head() in result.output and "innopoints db upgrade" in result.output
    assert invoke("db", "current") == "0001\n"
    assert invoke("db", "upgrade") == f"数据库结构已从 0001 升级到 {migrate.head()}\n"
    settings = make_settings(tmp_path / "data", database_url=env if env.startswith("postgresql") else "",
                             search_warm_start=False, embedder="none")
    with TestClient(create_app(settings)) as client:
        assert login(client, "zhang.wei", "a-long-password-1")
    again = runner.invoke(app, ["users", "add", "Zhang.Wei", "--role", "official", "--password", "a-long-password-2"])
    assert again.exit_code == 1 and "不区分大小写" in again.output


def test_the_service_refuses_a_store_written_by_newer_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(data))
    invoke("db", "upgrade")
    engine = connect_engine(f"sqlite:///{data / 'innopoints.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    engine.dispose()
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "9999" in result.output and "更新版本" in result.output and "Traceback" not in result.output
    assert "9999" in invoke("db", "current")
    with pytest.raises(StoreError, match="9999"), TestClient(create_app(make_settings(data))):
        pass


# ----------------------------------------------------------------------------- backup and restore
def _names(url: str) -> list[str]:
    engine = connect_engine(url)
    try:
        with engine.connect() as conn:
            return [n for (n,) in conn.execute(text("select name from enterprise order by uscc"))]
    finally:
        engine.dispose()


def _write(url: str, sql: str) -> None:
    engine = connect_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def test_backup_and_restore_give_back_the_store_as_it_was(env: str, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    _write(env, "insert into enterprise (uscc, name) values ('91320411MA1MXXXX01', '常州甲科技有限公司'), "
                "('91320411MA1MXXXX02', '常州乙材料有限公司')")
    saved = tmp_path / "backup.dump"
    assert "已备份到" in invoke("db", "backup", str(saved))
    again = runner.invoke(app, ["db", "backup", str(saved)])
    assert again.exit_code == 1 and "已存在" in again.output
    _write(env, "delete from enterprise where uscc = '91320411MA1MXXXX01'")
    _write(env, "insert into enterprise (uscc, name) values ('91320411MA1MXXXX03', '江苏丙装备股份有限公司')")
    unconfirmed = runner.invoke(app, ["db", "restore", str(saved)])
    assert unconfirmed.exit_code == 1 and "--force" in unconfirmed.output
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是备份", encoding="utf-8")
    refused = runner.invoke(app, ["db", "restore", str(bogus), "--force"])
    assert refused.exit_code == 1 and "不是 innopoints 数据库的备份" in refused.output and "Traceback" not in refused.output
    assert _names(env) == ["常州乙材料有限公司", "江苏丙装备股份有限公司"]  # unchanged by the refusals
    assert "已从" in invoke("db", "restore", str(saved), "--force")
    assert _names(env) == ["常州甲科技有限公司", "常州乙材料有限公司"]
    assert invoke("db", "current") == f"{migrate.head()}\n"
