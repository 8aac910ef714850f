"""`innopoints wechat menu [--push]` against the fake WeChat API, and `innopoints wechat bindings`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.wechat import bindings
from assistant.wechat.tables import ensure_tables
from scoring.store import make_engine
from tests.assistant.conftest import Zone, copy_zone, zone_env, zone_url
from tests.assistant.wechat.fake_api import FakeWeChatApi, serve_fake_api


@pytest.fixture
def api() -> Iterator[FakeWeChatApi]:
    yield from serve_fake_api()


def _env(folder: Path, api: FakeWeChatApi) -> dict[str, str]:
    return {"INNOPOINTS_DATA_DIR": str(folder), "INNOPOINTS_WECHAT_APP_ID": "wxtest",
            "INNOPOINTS_WECHAT_APP_SECRET": "test-app-secret", "INNOPOINTS_WECHAT_API_BASE": api.base_url}


def test_menu_push_sends_the_shipped_menu_as_utf8(api: FakeWeChatApi, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["wechat", "menu", "--push"], env=_env(tmp_path, api))
    assert result.exit_code == 0, result.output
    (menu,) = api.menus
    names = [b["name"] for b in menu["button"]]
    assert names[0] == "我的积分" and len(names) <= 3
    keys = {s.get("key") for b in menu["button"] for s in b.get("sub_button", [b])}
    assert {"MY_POINTS", "MY_CATEGORIES", "ADVICE", "POLICY", "HELP"} <= keys
    assert api.fetches == 1


def test_a_broken_menu_is_one_chinese_line(api: FakeWeChatApi, tmp_path: Path) -> None:
    bad = tmp_path / "menu.yaml"
    bad.write_text("button:\n  - {name: 查询, type: click, key: DROP_TABLE}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["wechat", "menu", "--push", "--file", str(bad)], env=_env(tmp_path, api))
    assert result.exit_code == 1 and "DROP_TABLE" in result.output and "Traceback" not in result.output
    assert not api.menus


def test_bindings_lists_and_revokes(zone: Zone, tmp_path: Path) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    engine = make_engine(zone_url(folder))
    ensure_tables(engine)
    now = datetime.now(UTC)
    with Session(engine) as session:
        code = bindings.issue_code(session=session, username="enterprise1", now=now).code
        bindings.redeem(session=session, account="mp:wxtest", openid="o-cli-test", code=code, now=now)
    engine.dispose()
    env = zone_env(folder)
    listed = CliRunner().invoke(app, ["wechat", "bindings", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert row["username"] == "enterprise1" and row["openid"] == "o-cli-test"
    gone = CliRunner().invoke(app, ["wechat", "bindings", "--revoke", str(row["id"])], env=env)
    assert gone.exit_code == 0 and "已解除" in gone.output
    again = CliRunner().invoke(app, ["wechat", "bindings", "--revoke", str(row["id"])], env=env)
    assert again.exit_code == 1 and "没有编号" in again.output
