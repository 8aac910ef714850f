"""Account administration (issue 11, item 10): revoking one API key, listing keys without their
secrets, re-enabling a user, and no admin disabling itself or the last active admin — over HTTP
(`create_app` on a private copy of the demo zone) and on the command line."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from assistant.cli.main import app
from tests.assistant.conftest import (
    PASSWORDS,
    Isolated,
    Zone,
    assert_error,
    bearer,
    copy_zone,
    login,
    use_zone,
)
from tests.pg_cluster import lock_waiters

runner = CliRunner()
ME = "/api/auth/me"
NEW_ADMIN = {"username": "admin2", "password": "second-admin-pass-1", "role": "admin"}


def _key(api: Any, user: str) -> str:
    r = api.post(f"/api/users/{user}/api-keys", as_="admin")
    assert r.status_code == 201, r.text
    return str(r.json()["api_key"])


def _who(api: Any, key: str) -> Any:
    return api.client.get(ME, headers={"X-API-Key": key})


# ----------------------------------------------------------------------------- API keys
def test_one_api_key_is_revoked_and_the_others_keep_working(isolated: Isolated) -> None:
    api = isolated.api
    first, second = _key(api, "enterprise1"), _key(api, "enterprise1")
    assert _who(api, first).json()["username"] == _who(api, second).json()["username"] == "enterprise1"

    listed = api.get("/api/users/enterprise1/api-keys", as_="admin")
    assert listed.status_code == 200
    rows = listed.json()
    assert [set(r) for r in rows] == [{"id", "prefix", "created_at", "revoked"}] * 2
    assert [r["prefix"] for r in rows] == [first[:12], second[:12]] and not any(r["revoked"] for r in rows)
    assert first not in listed.text and second not in listed.text  # never the keys themselves

    r = api.client.delete(f"/api/users/enterprise1/api-keys/{rows[0]['id']}", headers=api.headers("admin"))
    assert r.status_code == 200 and r.json()["revoked"] is True and r.json()["prefix"] == first[:12]
    assert assert_error(_who(api, first), 401, "not_authenticated")["message"] == "API 密钥无效"
    assert _who(api, second).json()["username"] == "enterprise1"  # the other key, and the password, still work
    assert login(api.client, "enterprise1")
    assert [r["revoked"] for r in api.get("/api/users/enterprise1/api-keys", as_="admin").json()] == [True, False]
    again = api.client.delete(f"/api/users/enterprise1/api-keys/{rows[0]['id']}", headers=api.headers("admin"))
    assert again.status_code == 200 and again.json()["revoked"] is True  # revoking twice changes nothing


def test_revoking_someone_elses_or_a_missing_key_is_404_in_chinese(isolated: Isolated) -> None:
    api = isolated.api
    _key(api, "enterprise1")
    key_id = api.get("/api/users/enterprise1/api-keys", as_="admin").json()[0]["id"]
    admin = api.headers("admin")
    err = assert_error(api.client.delete(f"/api/users/enterprise2/api-keys/{key_id}", headers=admin), 404)
    assert err["message"] == f"用户 enterprise2 没有编号为 {key_id} 的 API 密钥"
    assert_error(api.client.delete("/api/users/no-such-user/api-keys/1", headers=admin), 404)
    assert_error(api.get("/api/users/no-such-user/api-keys", as_="admin"), 404)
    for bad in ("0", "-1", "abc", str(2**63), "1.5"):
        assert_error(api.client.delete(f"/api/users/enterprise1/api-keys/{bad}", headers=admin), 422)
    assert api.get("/api/users/enterprise1/api-keys", as_="admin").json()[0]["revoked"] is False


@pytest.mark.parametrize("who", ["official", "enterprise1", "public"])
def test_key_administration_is_for_admins_only(isolated: Isolated, who: str) -> None:
    api = isolated.api
    _key(api, "enterprise1")
    headers, status = api.headers(who), 403  # the public too: the service's answer for every admin route
    assert_error(api.client.get("/api/users/enterprise1/api-keys", headers=headers), status)
    assert_error(api.client.delete("/api/users/enterprise1/api-keys/1", headers=headers), status)
    assert_error(api.client.post("/api/users/enterprise2/enable", headers=headers), status)
    assert api.get("/api/users/enterprise1/api-keys", as_="admin").json()[0]["revoked"] is False


# ----------------------------------------------------------------------------- disable and enable
def test_an_admin_cannot_disable_itself(isolated: Isolated) -> None:
    api = isolated.api
    for name in ("admin", "ADMIN"):
        err = assert_error(api.post(f"/api/users/{name}/disable", as_="admin"), 409, "conflict")
        assert err["message"] == "不能停用自己的账号“admin”：请由另一位管理员操作"
    assert api.get("/api/users", as_="admin").status_code == 200  # still an admin


def test_two_admins_disabling_each_other_at_once_leave_one(isolated: Isolated) -> None:
    api = isolated.api
    assert api.post("/api/users", as_="admin", json=NEW_ADMIN).status_code == 201
    tokens = {"admin": login(api.client, "admin"), "admin2": login(api.client, "admin2", NEW_ADMIN["password"])}
    start, answers = threading.Barrier(2), {}

    def disable(actor: str, target: str) -> None:
        start.wait()
        answers[actor] = api.client.post(f"/api/users/{target}/disable", headers=bearer(tokens[actor])).status_code

    threads = [threading.Thread(target=disable, args=pair) for pair in (("admin", "admin2"), ("admin2", "admin"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers.values()) != [200, 200], answers
    users = {u["username"]: u for u in api.get("/api/users", headers=bearer(tokens[next(a for a, s in answers.items() if s == 200)])).json()}
    assert not (users["admin"]["disabled"] and users["admin2"]["disabled"])


def test_two_admins_disabling_each_other_after_waiting_on_the_same_lock_leave_one(isolated: Isolated) -> None:
    """The race above made certain on PostgreSQL: a third transaction holds the admins' rows, both
    disables wait on it inside the database, then go at the same instant. READ COMMITTED gives each
    UPDATE the snapshot of its start, so only the row locks taken before the check keep one admin."""
    url = isolated.settings.db_url
    if not url.startswith("postgresql"):
        pytest.skip("SQLite's one writer serializes the two disables; the test above covers it there")
    api = isolated.api
    assert api.post("/api/users", as_="admin", json=NEW_ADMIN).status_code == 201
    tokens = {"admin": login(api.client, "admin"), "admin2": login(api.client, "admin2", NEW_ADMIN["password"])}
    engine = create_engine(url)
    answers: dict[str, int] = {}

    def disable(actor: str, target: str) -> None:
        answers[actor] = api.client.post(f"/api/users/{target}/disable", headers=bearer(tokens[actor])).status_code

    threads = [threading.Thread(target=disable, args=pair) for pair in (("admin", "admin2"), ("admin2", "admin"))]
    try:
        with engine.connect() as locker:
            locker.execute(text("SELECT id FROM \"user\" WHERE role = 'admin' FOR UPDATE")).all()
            for t in threads:
                t.start()
            while lock_waiters(engine) < 2:  # both requests are inside the database, held by the locker
                assert all(t.is_alive() for t in threads), answers
                time.sleep(0.01)
            locker.commit()
        for t in threads:
            t.join()
    finally:
        engine.dispose()
    assert sorted(answers.values()) == [200, 409], answers
    survivor = "admin" if answers["admin"] == 200 else "admin2"
    users = {u["username"]: u for u in api.client.get("/api/users", headers=bearer(tokens[survivor])).json()}
    assert users[survivor]["disabled"] is False and users["admin2" if survivor == "admin" else "admin"]["disabled"] is True


def test_a_name_created_in_another_letter_case_meanwhile_is_refused_with_409(isolated: Isolated) -> None:
    """Another transaction inserts `racer` and holds it uncommitted: our `Racer` passes the check (it
    cannot see that row), waits on the unique index (PostgreSQL) or the write lock (SQLite), then is
    refused by the database once the other commits: a 409 naming the existing user, never a 500."""
    api = isolated.api
    engine = create_engine(isolated.settings.db_url)
    answer: dict[str, Any] = {}
    creating = threading.Thread(target=lambda: answer.setdefault(
        "r", api.post("/api/users", as_="admin", json={**NEW_ADMIN, "username": "Racer"})))
    try:
        with engine.connect() as other:
            other.execute(text('INSERT INTO "user" (username, password_hash, role, display_name, disabled, created_at) '
                               "VALUES ('racer', 'x', 'official', '', false, CURRENT_TIMESTAMP)"))
            creating.start()
            if engine.dialect.name == "postgresql":
                while lock_waiters(engine) < 1:  # our insert waits on the other's index entry
                    assert creating.is_alive(), answer
                    time.sleep(0.01)
            other.commit()
        creating.join()
    finally:
        engine.dispose()
    err = assert_error(answer["r"], 409, "conflict")
    assert "racer" in err["message"] and "不区分大小写" in err["message"]
    names = [u["username"] for u in api.get("/api/users", as_="admin").json()]
    assert names.count("racer") == 1 and "Racer" not in names


def test_a_disabled_user_is_enabled_again_with_its_password_and_keys(isolated: Isolated) -> None:
    api = isolated.api
    key = _key(api, "enterprise2")
    r = api.post("/api/users/Enterprise2/disable", as_="admin")  # names in any letter case
    assert r.status_code == 200 and r.json()["username"] == "enterprise2" and r.json()["disabled"] is True
    assert_error(_who(api, key), 401)
    assert_error(api.post("/api/auth/token", data={"username": "enterprise2", "password": PASSWORDS["enterprise2"]}), 401)

    r = api.post("/api/users/enterprise2/enable", as_="admin")
    assert r.status_code == 200 and r.json()["disabled"] is False
    assert login(api.client, "enterprise2")
    assert _who(api, key).json()["username"] == "enterprise2"
    assert_error(api.post("/api/users/no-such-user/enable", as_="admin"), 404)


def test_user_names_stay_unique_in_any_letter_case(isolated: Isolated) -> None:
    """Verifies the earlier fix: `Admin` cannot be created beside `admin`."""
    r = isolated.api.post("/api/users", as_="admin", json={**NEW_ADMIN, "username": "Admin"})
    err = assert_error(r, 409, "conflict")
    assert err["message"] == "用户名“Admin”已存在（已有用户“admin”，用户名不区分大小写）"


# ----------------------------------------------------------------------------- the command line
@pytest.fixture
def data_dir(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_zone(zone, tmp_path / "zone")
    use_zone(monkeypatch, folder)
    return folder


def _cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _error_line(result: Any) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return str(lines[0])


def test_cli_refuses_to_disable_the_last_active_admin(data_dir: Path) -> None:
    line = _error_line(_cli("users", "disable", "admin"))
    assert line == "错误：不能停用最后一位启用中的管理员“admin”：请先新建或启用另一位管理员"
    assert _cli("users", "add", "admin2", "--role", "管理员", "--password", NEW_ADMIN["password"]).exit_code == 0
    assert _cli("users", "disable", "admin").exit_code == 0  # another admin is active now
    assert _error_line(_cli("users", "disable", "admin2")).startswith("错误：不能停用最后一位启用中的管理员“admin2”")
    assert _cli("users", "enable", "admin").exit_code == 0
    assert _cli("users", "disable", "admin2").exit_code == 0


def test_cli_enables_lists_and_revokes_keys(data_dir: Path) -> None:
    assert _cli("users", "disable", "enterprise3").exit_code == 0
    r = _cli("users", "enable", "enterprise3")
    assert r.exit_code == 0 and r.stdout.strip() == "已重新启用用户 enterprise3"
    made = [_cli("users", "keys", "add", "enterprise3").stdout.strip().splitlines()[-1] for _ in range(2)]
    assert all(k.startswith("ipk_") for k in made)
    rows = json.loads(_cli("users", "keys", "list", "enterprise3", "--json").stdout)
    assert [(r["prefix"], r["revoked"]) for r in rows] == [(k[:12], False) for k in made]
    table = _cli("users", "keys", "list", "enterprise3").stdout
    assert "有效" in table and "北京时间" in table and made[0] not in table
    r = _cli("users", "keys", "revoke", "enterprise3", str(rows[0]["id"]))
    assert r.exit_code == 0 and r.stdout.strip() == f"已吊销用户 enterprise3 的 API 密钥 #{rows[0]['id']}（{made[0][:12]}…）"
    assert [r["revoked"] for r in json.loads(_cli("users", "keys", "list", "enterprise3", "--json").stdout)] == [True, False]
    assert _error_line(_cli("users", "keys", "revoke", "enterprise3", "99999")) == "错误：用户 enterprise3 没有编号为 99999 的 API 密钥"
    assert _error_line(_cli("users", "enable", "nobody-here")) == "错误：没有用户 nobody-here"
    assert _error_line(_cli("users", "keys", "list", "nobody-here")) == "错误：没有用户 nobody-here"
