"""Commands that cannot hurt: demo, the first admin, serve, evaluation runs, unpublish, gaps.

One small demo zone is built through `innopoints demo` (development); every test that changes
something works on its own copy. `serve` and the confirmation prompt run as real processes (a
real terminal for the prompt), everything else through typer's runner.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner, Result

from assistant.api.app import create_app
from assistant.cli.main import app
from scoring.errors import StoreError
from tests.assistant.conftest import (
    PASSWORDS,
    SECRET,
    bearer,
    copy_store,
    make_settings,
    store_name,
    use_zone,
    zone_engine,
    zone_env,
    zone_rows,
)

runner = CliRunner()
SIZE = 30
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"INNOPOINTS_ENVIRONMENT": "production", "INNOPOINTS_SECRET_KEY": SECRET}


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Consoles wider than any message, so that a one-line message is one line of output."""
    from assistant.cli import common

    for console in (common.console, common.err):
        monkeypatch.setattr(console, "width", 1000)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, new_store: Callable[[Path], Path]) -> Iterator[Path]:
    """`innopoints demo --size 30` in development, once for this module."""
    data = new_store(tmp_path_factory.mktemp("built"))
    mp = pytest.MonkeyPatch()
    use_zone(mp, data)
    mp.setenv("INNOPOINTS_ENVIRONMENT", "development")
    result = runner.invoke(app, ["demo", "--size", str(SIZE), "--no-index"])
    mp.undo()
    assert result.exit_code == 0, result.output
    yield data


@pytest.fixture
def zone(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built zone, and the environment pointing at it (development)."""
    data = copy_store(built, tmp_path / "zone")
    use_zone(monkeypatch, data)
    monkeypatch.setenv("INNOPOINTS_ENVIRONMENT", "development")
    return data


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def run_json(*args: str) -> Any:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_chinese_line(result: Result) -> str:
    """The refusal is one Chinese line and an exit code, never a traceback."""
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert re.search(r"[\u4e00-\u9fff]", lines[0]) and "Traceback" not in result.output
    return lines[0]


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_ids(data: Path) -> list[tuple[int, int, str, str]]:
    return [(int(i), int(y), str(k), str(s))
            for i, y, k, s in zone_rows(data, "select id, year, kind, status from scorerun order by id")]


# ------------------------------------------------------------------------------------ demo
def test_demo_refuses_an_existing_store_without_force(zone: Path) -> None:
    before, runs = snapshot(zone), run_ids(zone)
    line = one_chinese_line(invoke("demo", "--size", str(SIZE)))
    assert "--force" in line and store_name(zone) in line
    assert snapshot(zone) == before and run_ids(zone) == runs


def test_demo_force_rebuilds_the_store(zone: Path) -> None:
    assert invoke("score", "--system", "1.0", "--year", "2024", "--yes").exit_code == 0
    assert len(run_ids(zone)) == 4
    result = invoke("demo", "--size", str(SIZE), "--force", "--no-index")
    assert result.exit_code == 0, result.output
    assert [r[:3] for r in run_ids(zone)] == [(1, 2023, "zone"), (2, 2024, "zone"), (3, 2025, "zone")]


@pytest.mark.parametrize("environment", ["production", "test"])
def test_demo_refuses_outside_development_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INNOPOINTS_ENVIRONMENT", environment)
    monkeypatch.setenv("INNOPOINTS_SECRET_KEY", SECRET)
    for args in (["demo", "--size", str(SIZE)], ["demo", "--size", str(SIZE), "--force"]):
        line = one_chinese_line(invoke(*args))
        assert "开发环境" in line and environment in line
    assert not (tmp_path / "data").exists()  # no store, no accounts, no source files


def test_demo_with_a_short_secret_in_production_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INNOPOINTS_ENVIRONMENT", "production")
    monkeypatch.setenv("INNOPOINTS_SECRET_KEY", "short")  # unset is fine: the service generates one
    assert "INNOPOINTS_SECRET_KEY" in one_chinese_line(invoke("demo", "--size", str(SIZE)))
    assert not (tmp_path / "data").exists()


# ------------------------------------------------------------------------------------ the first admin
def test_init_admin_makes_one_admin_with_a_random_password_shown_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      new_store: Callable[[Path], Path]) -> None:
    passwords = []
    for name in ("a", "b"):
        use_zone(monkeypatch, new_store(tmp_path / name))
        for key, value in PRODUCTION.items():
            monkeypatch.setenv(key, value)
        result = invoke("init-admin")
        assert result.exit_code == 0, result.output
        found = re.search(r"初始密码（只显示这一次，请立即妥善保存）：(\S+)", result.output.replace("\n", ""))
        assert found, result.output
        passwords.append(found.group(1))
        assert "已有管理员" in one_chinese_line(invoke("init-admin"))
    assert passwords[0] != passwords[1] and min(map(len, passwords)) >= 20
    assert not set(passwords) & set(PASSWORDS.values())
    settings = make_settings(tmp_path / "b")
    with TestClient(create_app(settings)) as client:
        r = client.post("/api/auth/token", data={"username": "admin", "password": passwords[1]})
        assert r.status_code == 200, r.text
        me = client.get("/api/auth/me", headers=bearer(r.json()["access_token"])).json()
        assert me["role"] == "admin"
    audit = run_json("audit")
    assert [e["action"] for e in audit["items"] if e["action"] == "init_admin"] == ["init_admin"]


# ------------------------------------------------------------------------------------ serve
@dataclass
class Served:
    output: str
    started: bool  # the server answered /api/health (then it was stopped)
    code: int | None


def serve(data: Path, **env: str) -> Served:
    """`innopoints serve` as a real process; stopped once it answers, or when it exits by itself."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INNOPOINTS_")}
    environ.update(INNOPOINTS_EMBEDDER="none", INNOPOINTS_SEARCH_WARM_START="false",
                   COLUMNS="400", PYTHONPATH=str(ROOT), **zone_env(data), **env)
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=data.parent,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    started = False
    deadline = time.monotonic() + 180  # only against a hang: a healthy start takes seconds
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            started = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=30).status_code == 200
        except httpx.TransportError:
            time.sleep(0.05)  # not listening yet
        if started:
            break
    if proc.poll() is None:
        proc.terminate()
    out, _ = proc.communicate()
    return Served(out.decode("utf-8", "replace"), started, proc.returncode)


def test_serve_start_up_output_never_contains_a_password(zone: Path, tmp_path: Path,
                                                        new_store: Callable[[Path], Path]) -> None:
    demo = serve(zone, INNOPOINTS_ENVIRONMENT="development")
    assert demo.started and "innopoints 服务" in demo.output, demo.output
    assert not [p for p in PASSWORDS.values() if p in demo.output], demo.output
    fresh = new_store(tmp_path / "fresh")
    empty = serve(fresh, **PRODUCTION)
    assert empty.started and "innopoints init-admin" in empty.output, empty.output
    made = subprocess.run([sys.executable, "-m", "assistant.cli", "init-admin"], cwd=tmp_path, capture_output=True,
                          env={**os.environ, **zone_env(fresh), "COLUMNS": "400", **PRODUCTION}, check=True)
    password = made.stdout.decode().strip().rsplit("：", 1)[-1]
    assert len(password) >= 20
    production = serve(fresh, **PRODUCTION)
    assert production.started, production.output
    assert password not in production.output and "init-admin" not in production.output
    assert "密码" not in demo.output + production.output


def test_serve_creates_every_table_before_its_workers_start(tmp_path: Path, new_store: Callable[[Path], Path]) -> None:
    """Workers starting together on a fresh store must find nothing to create (two creating one
    table at once: all but one fail to start). The supervisor's part runs in a fresh interpreter,
    as in `innopoints serve`, which imports only what the command needs."""
    settings = make_settings(new_store(tmp_path / "fresh"))
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INNOPOINTS_")}
    environ.update(PYTHONPATH=str(ROOT), **zone_env(settings.data_dir))
    code = "from assistant.cli.serve import prepare_store; from assistant.config import Settings; prepare_store(Settings())"
    subprocess.run([sys.executable, "-c", code], env=environ, check=True, cwd=tmp_path)

    def tables() -> set[str]:
        engine = zone_engine(settings.data_dir)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    prepared = tables()
    with TestClient(create_app(settings)):
        pass
    assert tables() == prepared


def test_serve_refuses_published_demo_passwords_outside_development(zone: Path) -> None:
    served = serve(zone, **PRODUCTION)
    assert not served.started and served.code == 1, served.output
    assert "公开的示范密码" in served.output and "admin" in served.output
    assert not [p for p in PASSWORDS.values() if p in served.output]


# ------------------------------------------------------------------------------------ score
def test_score_says_what_it_replaces_and_refuses_without_a_terminal(zone: Path) -> None:
    current = run_json("stats", "--year", "2024")["run_id"]
    refused = invoke("score", "--system", "1.0", "--year", "2024")
    assert refused.exit_code == 1, refused.output
    text = refused.output.replace("\n", "")
    assert f"将替换 2024 年当前发布的园区积分：评分批次 #{current}（2024 年，指标体系 1.0，发布于" in text
    assert "北京时间" in text and "没有终端可供确认" in text and "--yes" in text
    assert len(run_ids(zone)) == 3
    out = run_json("score", "--system", "1.0", "--year", "2024", "--yes")
    assert out["replaced_run_id"] == current and out["kind"] == "zone"
    assert run_json("stats", "--year", "2024")["run_id"] == out["run_id"]


def test_score_of_a_new_year_or_an_evaluation_replaces_nothing_so_asks_nothing(zone: Path) -> None:
    # The case: tsme-2017 scored for 2024 used to become the zone's 2024 points.
    stats = run_json("stats", "--year", "2024")
    runs_before = run_json("runs", "list")
    first = run_json("stats")["year"]
    portrait = run_json("show", _first_uscc(zone), "--year", "2024")
    out = run_json("score", "--system", "tsme-2017", "--year", "2024")  # no --yes, no terminal
    assert out["kind"] == "evaluation" and out["replaced_run_id"] is None
    assert run_json("stats", "--year", "2024") == stats
    assert run_json("stats")["year"] == first
    assert run_json("show", _first_uscc(zone), "--year", "2024") == portrait
    listed = {r["id"]: r for r in run_json("runs", "list")}
    assert len(listed) == len(runs_before) + 1
    assert (listed[out["run_id"]]["kind"], listed[out["run_id"]]["state"]) == ("evaluation", "evaluation")
    assert listed[stats["run_id"]]["state"] == "current"
    settings = make_settings(zone)
    with TestClient(create_app(settings)) as client:
        one = client.get(f"/api/runs/{out['run_id']}").json()
        assert (one["kind"], one["system_version"], one["status"]) == ("evaluation", "tsme-2017", "published")
        assert {r["kind"] for r in client.get("/api/runs").json()} == {"zone", "evaluation"}
        assert client.get("/api/stats/distribution", params={"year": 2024}).json()["run_id"] == stats["run_id"]


def _first_uscc(data: Path) -> str:
    return str(zone_rows(data, "select uscc from enterprise order by uscc limit 1")[0][0])


def test_score_asks_on_a_terminal_and_no_means_nothing_changes(zone: Path) -> None:
    def answer(reply: bytes) -> tuple[int, str]:
        master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "400", "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "score", "--system", "1.0", "--year", "2024"],
                                stdin=slave, stdout=slave, stderr=slave, env=env, cwd=zone.parent)
        os.close(slave)
        seen = b""
        answered = False
        while True:
            try:
                chunk = os.read(master, 4096)  # blocks until the process writes or exits
            except OSError:  # EIO: the process has closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"[y/N]" in seen:
                os.write(master, reply)
                answered = True
        os.close(master)
        return proc.wait(), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))

    before = run_ids(zone)
    code, text = answer(b"n\n")
    assert code == 1 and "已取消，未做任何改动" in text and "将替换 2024 年" in text, text
    assert run_ids(zone) == before
    code, text = answer(b"y\n")
    assert code == 0 and "已发布评分批次" in text, text
    assert len(run_ids(zone)) == len(before) + 1


# ------------------------------------------------------------------------------------ runs
def test_unpublish_puts_the_previous_run_back_everywhere(zone: Path) -> None:
    old = run_json("stats", "--year", "2024")["run_id"]
    settings = make_settings(zone, recheck_seconds=0)
    with TestClient(create_app(settings)) as client:
        def served_run() -> int:
            return int(client.get("/api/stats/distribution", params={"year": 2024}).json()["run_id"])

        assert served_run() == old
        new = run_json("score", "--system", "1.0", "--year", "2024", "--yes")["run_id"]
        assert served_run() == new
        result = invoke("runs", "unpublish", str(new))
        assert result.exit_code == 0, result.output
        assert f"已撤回评分批次 #{new}" in result.output and f"现在发布的是 #{old}" in result.output.replace("\n", "")
        assert run_json("stats", "--year", "2024")["run_id"] == old
        assert served_run() == old  # the service's run cache sees the withdrawal
        withdrawn = client.get(f"/api/runs/{new}").json()
        assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"]
    listed = {r["id"]: r["state"] for r in run_json("runs", "list")}
    assert (listed[new], listed[old]) == ("withdrawn", "current")
    events = [e for e in run_json("audit")["items"] if e["action"] == "unpublish_run"]
    assert [e["target"] for e in events] == [f"run {new}"]
    assert "已经撤回" in one_chinese_line(invoke("runs", "unpublish", str(new)))
    assert "没有评分批次 #999" in one_chinese_line(invoke("runs", "unpublish", "999"))
    evaluation = run_json("score", "--system", "hte-2016", "--year", "2024")["run_id"]
    assert "官方评价" in one_chinese_line(invoke("runs", "unpublish", str(evaluation)))


def _stored_advice(data: Path, run_id: int, uscc: str) -> list[tuple[str, str, float]]:
    """An enterprise's advice as the run keeps it: (indicator, kind, gain), largest gain first."""
    rows = zone_rows(data, "select indicator, kind, gain from enterpriseadvice where run_id = :run and uscc = :uscc "
                     "order by position", run=run_id, uscc=uscc)
    return [(str(i), str(k), float(g)) for i, k, g in rows]


def test_a_withdrawn_runs_advice_is_not_served(zone: Path) -> None:
    """A 2025 re-score under system 1.0 keeps other advice than the demo's 2025 run (1.1); once
    withdrawn, portraits show the demo run's advice again, through the service's caches too."""
    old = run_json("stats", "--year", "2025")["run_id"]
    new = run_json("score", "--system", "1.0", "--year", "2025", "--yes")["run_id"]
    usccs = [str(u) for (u,) in zone_rows(zone, "select uscc from enterprise order by uscc")]
    uscc = next(u for u in usccs if _stored_advice(zone, old, u) != _stored_advice(zone, new, u))
    assert _stored_advice(zone, old, uscc) and _stored_advice(zone, new, uscc)
    with TestClient(create_app(make_settings(zone, recheck_seconds=0))) as client:
        token = client.post("/api/auth/token", data={"username": "official", "password": PASSWORDS["official"]})
        headers = bearer(token.json()["access_token"])

        def served() -> tuple[int, list[tuple[str, str, float]]]:
            body = client.get(f"/api/enterprises/{uscc}/portrait", params={"year": 2025}, headers=headers).json()
            return body["run_id"], [(a["indicator"], a["kind"], a["gain"]) for a in body["advice"]]

        assert served() == (new, _stored_advice(zone, new, uscc))
        assert invoke("runs", "unpublish", str(new)).exit_code == 0
        assert served() == (old, _stored_advice(zone, old, uscc))
    shown = run_json("show", uscc, "--year", "2025")["advice"]
    assert [{k: a[k] for k in ("indicator", "kind", "points_now", "points_then", "gain")} for a in shown] == \
        served_advice_of(zone, old, uscc)


def served_advice_of(data: Path, run_id: int, uscc: str) -> list[dict[str, Any]]:
    """The advice `show --json` gives: the run's rows, in order (checked field by field above)."""
    keys = ("indicator", "kind", "points_now", "points_then", "gain")
    rows = zone_rows(data, f"select {', '.join(keys)} from enterpriseadvice where run_id = :run and uscc = :uscc "
                     "order by position", run=run_id, uscc=uscc)
    return [dict(zip(keys, row, strict=True)) for row in rows]


# ------------------------------------------------------------------------------------ gaps, old stores
def test_gaps_for_a_year_without_data_says_so(zone: Path) -> None:
    line = one_chinese_line(invoke("gaps", "--year", "2026"))
    assert "2026 年还没有任何已导入的数据" in line


def test_an_old_store_is_named_and_refused_not_crashed_on(zone: Path) -> None:
    zone_rows(zone, "alter table scorerun drop column kind")
    zone_rows(zone, "drop table alembic_version")  # built before migrations
    for args in (["stats"], ["runs", "list"], ["show", _first_uscc(zone)]):
        line = one_chinese_line(invoke(*args))
        assert "旧版本" in line and "kind" in line and "重建" in line
    served = serve(zone, INNOPOINTS_ENVIRONMENT="development")
    assert not served.started and served.code == 1 and "旧版本" in served.output, served.output
    with pytest.raises(StoreError, match="旧版本"), TestClient(create_app(make_settings(zone))):
        pass


def test_a_store_without_the_advice_table_is_named_and_refused_not_crashed_on(zone: Path) -> None:
    """A store whose runs were published before advice was kept with them (no 500 on a portrait)."""
    zone_rows(zone, "drop table enterpriseadvice")
    zone_rows(zone, "drop table alembic_version")  # built before migrations
    for args in (["stats"], ["show", _first_uscc(zone)]):
        line = one_chinese_line(invoke(*args))
        assert "旧版本" in line and "enterpriseadvice" in line and "重建" in line
    served = serve(zone, INNOPOINTS_ENVIRONMENT="development")
    assert not served.started and served.code == 1 and "enterpriseadvice" in served.output, served.output
    with pytest.raises(StoreError, match="enterpriseadvice"), TestClient(create_app(make_settings(zone))):
        pass
