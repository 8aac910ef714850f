"""Accounts refuse bad input with one Chinese line and nothing written; roles in Chinese too.

The same checks reach `innopoints users add` (exit code 1, no traceback) and `POST /api/users`
(422, or 409 for a name already taken, in the one error shape), because they live in
`assistant.access.accounts`.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from assistant.access import accounts
from assistant.access.roles import role_code
from assistant.cli.main import app
from assistant.errors import Conflict, Unprocessable
from scoring.store import make_engine
from scoring.uscc import make_usccs
from tests.assistant.conftest import (
    Api,
    Zone,
    assert_error,
    copy_zone,
    use_zone,
    zone_rows,
    zone_url,
)

runner = CliRunner()
PASSWORD = "long-enough-pass-1"
NOT_IN_STORE = "{not in store}"  # replaced by `unknown`: a well-formed code of no demo enterprise


@pytest.fixture(scope="module")
def unknown(zone: Zone) -> str:
    known = {u for (u,) in zone_rows(zone.pristine, "select uscc from enterprise")}
    return next(u for u in make_usccs(np.random.default_rng(4242), 50) if u not in known)


@pytest.fixture
def data_dir(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_zone(zone, tmp_path / "zone")
    use_zone(monkeypatch, folder)
    return folder


def users(data_dir: Path) -> dict[str, dict[str, Any]]:
    result = runner.invoke(app, ["users", "list", "--json"])
    assert result.exit_code == 0, result.output
    return {u["username"]: u for u in json.loads(result.stdout)}


def add(*args: str) -> Any:
    return runner.invoke(app, ["users", "add", *args])


@pytest.mark.parametrize(("role", "code"), [("企业", "enterprise"), ("企业用户", "enterprise"), ("enterprise", "enterprise")])
def test_users_add_takes_the_enterprise_role_in_chinese(data_dir: Path, zone: Zone, role: str, code: str) -> None:
    name = f"firm{uuid.uuid4().hex[:6]}"
    result = add(name, "--role", role, "--uscc", zone.own["enterprise2"].lower(), "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "企业用户" in result.output and zone.own["enterprise2"] in result.output
    assert users(data_dir)[name] | {} == {"username": name, "role": code, "uscc": zone.own["enterprise2"],
                                         "usccs": [zone.own["enterprise2"]], "display_name": "", "disabled": False}


@pytest.mark.parametrize(("role", "code"), [("管理员", "admin"), ("工作人员", "official"), ("园区工作人员", "official"), ("Official", "official")])
def test_users_add_takes_other_roles_in_chinese(data_dir: Path, role: str, code: str) -> None:
    name = f"u{uuid.uuid4().hex[:8]}"
    result = add(name, "--role", role, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert users(data_dir)[name]["role"] == code


REFUSED = [
    (["clerk01", "--role", "工作人员", "--password", "short"], "密码太短：只有 5 个字符，至少 10 个"),
    (["clerk02", "--role", "boss", "--password", PASSWORD], "未知的角色“boss”"),
    (["clerk03", "--role", "公众", "--password", PASSWORD], "公众不需要账号"),
    (["Admin", "--role", "管理员", "--password", PASSWORD], "用户名“Admin”已存在（已有用户“admin”，用户名不区分大小写）"),
    (["OFFICIAL", "--role", "official", "--password", PASSWORD], "用户名“OFFICIAL”已存在"),
    (["firm01", "--role", "企业", "--uscc", "123", "--password", PASSWORD], "统一社会信用代码“123”无效"),
    (["firm02", "--role", "企业", "--uscc", NOT_IN_STORE, "--password", PASSWORD], "不在库中：库里没有这家企业"),
    (["firm03", "--role", "企业", "--password", PASSWORD], "企业用户必须绑定统一社会信用代码"),
    (["clerk04", "--role", "official", "--uscc", NOT_IN_STORE, "--password", PASSWORD], "只有企业用户可以绑定"),
    (["no name", "--role", "official", "--password", PASSWORD], "用户名“no name”不合要求"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[a[0] + "-" + a[2] for a, _ in REFUSED])
def test_users_add_refuses_with_one_chinese_line_exit_1_and_writes_nothing(
    data_dir: Path, unknown: str, args: list[str], message: str
) -> None:
    before = users(data_dir)
    result = add(*(unknown if a == NOT_IN_STORE else a for a in args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误：") and message in lines[0], result.stderr
    assert users(data_dir) == before


def test_a_bad_role_is_refused_before_asking_for_the_password(data_dir: Path) -> None:
    result = runner.invoke(app, ["users", "add", "clerk05", "--role", "boss"], input="")
    assert result.exit_code == 1 and "未知的角色“boss”" in result.stderr and "密码" not in result.stdout


def test_the_password_is_asked_twice_after_the_checks(data_dir: Path) -> None:
    result = runner.invoke(app, ["users", "add", "clerk06", "--role", "工作人员"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert users(data_dir)["clerk06"]["role"] == "official"


def test_disabling_an_unknown_user_is_one_line_too(data_dir: Path) -> None:
    result = runner.invoke(app, ["users", "disable", "nobody-here"])
    assert result.exit_code == 1 and result.stderr.strip() == "错误：没有用户 nobody-here"


# ----------------------------------------------------------------------------- the function
def test_add_user_raises_the_service_errors(zone: Zone, unknown: str, tmp_path: Path) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    engine = make_engine(zone_url(folder))
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        with pytest.raises(Conflict) as taken:
            accounts.add_user(session=session, username="ENTERPRISE1", password=PASSWORD, role="official")
        assert taken.value.status == 409
        with pytest.raises(Unprocessable) as bad:
            accounts.add_user(session=session, username="firm9", password=PASSWORD, role="企业", uscc=unknown)
        assert bad.value.status == 422
        user = accounts.add_user(session=session, username="firm9", password=PASSWORD, role="企业", uscc=zone.own["enterprise3"])
        assert (user.role, user.uscc) == ("enterprise", zone.own["enterprise3"])
    engine.dispose()


def test_role_words() -> None:
    assert [role_code(w) for w in ("管理员", "工作人员", "园区工作人员", "企业", "企业用户", "公众", "admin", " ENTERPRISE ", "老板")] == [
        "admin", "official", "official", "enterprise", "enterprise", "public", "admin", "enterprise", None]


# ----------------------------------------------------------------------------- the API
def test_api_refuses_a_duplicate_name_in_any_case_with_409(api: Api) -> None:
    r = api.post("/api/users", as_="admin", json={"username": "ADMIN", "password": PASSWORD, "role": "official"})
    err = assert_error(r, 409, "conflict")
    assert "已存在" in err["message"] and "admin" in err["message"]


@pytest.mark.parametrize(("body", "message"), [
    ({"role": "enterprise", "uscc": NOT_IN_STORE}, "不在库中"),
    ({"role": "enterprise", "uscc": "91320411MA6PBT8L2X"}, "无效"),
    ({"role": "enterprise"}, "必须绑定"),
    ({"role": "official", "uscc": NOT_IN_STORE}, "只有企业用户"),
])
def test_api_refuses_bad_enterprise_bindings_with_422(api: Api, unknown: str, body: dict[str, Any], message: str) -> None:
    name = f"api{uuid.uuid4().hex[:8]}"
    body = {k: unknown if v == NOT_IN_STORE else v for k, v in body.items()}
    r = api.post("/api/users", as_="admin", json={"username": name, "password": PASSWORD, **body})
    err = assert_error(r, 422)
    assert message in err["message"]
    listed = api.get("/api/users", as_="admin").json()
    assert name not in {u["username"] for u in listed}
