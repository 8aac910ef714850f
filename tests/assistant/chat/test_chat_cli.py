"""`innopoints ask`, `innopoints chat` and `innopoints users bind|unbind` on a private copy of the zone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from tests.assistant.chat.conftest import read_firms
from tests.assistant.conftest import Zone, copy_zone, zone_env

runner = CliRunner()


@pytest.fixture
def env(zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_zone(zone, tmp_path / "cli")
    for key, value in zone_env(folder).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("INNOPOINTS_EMBEDDER", "none")
    return folder


def ask(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["ask", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_ask_as_an_enterprise_and_follow_up_in_the_session(env: Path, zone: Zone) -> None:
    firms = read_firms(env)
    own = zone.own["enterprise1"]
    first = ask(f"我们{zone.latest_year}年总积分多少", "--as", f"enterprise:{own}")
    assert (first["kind"], first["intent"]) == ("answer", "my_total_points")
    assert [e["uscc"] for e in first["entities"]["enterprises"]] == [own]
    assert any(f["uscc"] == own and f["value"] == pytest.approx(firms.totals[zone.latest_year][own], abs=0.005)
               for f in first["facts"])
    then = ask(f"那{zone.latest_year - 1}年呢", "--as", f"enterprise:{own}", "--session", first["session_id"])
    assert then["session_id"] == first["session_id"] and then["entities"]["years"] == [zone.latest_year - 1]
    other = firms.names[zone.own["enterprise2"]]
    refused = ask(f"{other}的总积分是多少", "--as", f"enterprise:{own}")
    assert (refused["kind"], refused["refuse_reason"]) == ("refuse", "privacy") and other not in refused["reply"]
    public = ask("我们今年总积分多少", "--as", "public")
    assert public["refuse_reason"] == "unauthenticated"


def test_ask_for_people_and_its_refusals(env: Path, zone: Zone) -> None:
    result = runner.invoke(app, ["ask", "帮助"])
    assert result.exit_code == 0 and "可以接着问" in result.stdout
    for who in ("enterprise:123", "enterprise:", "boss", f"enterprise:{zone.own['enterprise1']}x"):
        bad = runner.invoke(app, ["ask", "帮助", "--as", who])
        assert bad.exit_code == 1 and "错误" in bad.output and "Traceback" not in bad.output, who
    sid = ask("帮助", "--as", "official")["session_id"]
    other = runner.invoke(app, ["ask", "帮助", "--as", "public", "--session", sid])
    assert other.exit_code == 1 and "会话" in other.output


def test_chat_is_a_loop_over_one_session(env: Path, zone: Zone) -> None:
    own = zone.own["enterprise2"]
    result = runner.invoke(app, ["chat", "--as", f"enterprise:{own}"],
                           input=f"我们{zone.latest_year}年总积分多少\n\n那{zone.latest_year - 1}年呢\n退出\n")
    assert result.exit_code == 0, result.output
    firms = read_firms(env)
    # Both answers name its own firm (by its short name when it has one, as replies do).
    assert result.stdout.count(firms.short[own] or firms.names[own]) >= 2
    assert "会话号" in result.output


def test_users_bind_and_unbind(env: Path, zone: Zone) -> None:
    first, second = zone.own["enterprise1"], zone.own["enterprise3"]
    bound = runner.invoke(app, ["users", "bind", "enterprise1", second])
    assert bound.exit_code == 0 and first in bound.stdout and second in bound.stdout, bound.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    row = next(u for u in json.loads(listed.stdout) if u["username"] == "enterprise1")
    assert row["usccs"] == [first, second]
    assert runner.invoke(app, ["users", "unbind", "enterprise1", first]).exit_code == 0
    row = next(u for u in json.loads(runner.invoke(app, ["users", "list", "--json"]).stdout) if u["username"] == "enterprise1")
    assert (row["uscc"], row["usccs"]) == (second, [second])  # the next binding became the first
    last = runner.invoke(app, ["users", "unbind", "enterprise1", second])
    assert last.exit_code == 1 and "唯一" in last.output
    assert runner.invoke(app, ["users", "bind", "official", second]).exit_code == 1
