"""The `innopoints` CLI end to end on a real store (a SQLite file in a temporary data folder, or a
PostgreSQL database with `pytest --store postgresql`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from scoring.demo.build import build_demo
from scoring.uscc import make_usccs
from tests.assistant.conftest import use_zone

runner = CliRunner()


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory, new_store: Callable[[Path], Path]) -> Path:
    """A small demo zone (300 enterprises) built through `innopoints demo`."""
    data = new_store(tmp_path_factory.mktemp("zone"))
    mp = pytest.MonkeyPatch()
    use_zone(mp, data)
    result = runner.invoke(app, ["demo", "--size", "300", "--no-index"])
    assert result.exit_code == 0, result.output
    assert "园区概况" in result.output and "初创期" in result.output
    yield data
    mp.undo()


@pytest.fixture
def env(zone: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_zone(monkeypatch, zone)
    return zone


def run_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_stats_counts_every_enterprise_once(env: Path) -> None:
    data = run_json("stats")
    assert data["year"] == 2025 and data["system"] == "1.1" and data["enterprises"] == 300
    assert sum(s["count"] for s in data["stages"]) == 300
    assert abs(sum(s["share"] for s in data["stages"]) - 100) < 0.5
    earlier = run_json("stats", "--year", "2023")
    assert earlier["system"] == "1.0"


def test_show_portrait_with_explanations_and_advice(env: Path) -> None:
    stats = run_json("stats")
    assert isinstance(stats, dict)
    demo = build_demo(n=300)
    uscc = demo.enterprises.index[0]
    data = run_json("show", uscc)
    assert isinstance(data, dict)
    assert data["name"] == demo.enterprises.loc[uscc, "name"]
    assert len(data["indicators"]) == 121
    assert abs(sum(c["points"] for c in data["categories"]) - data["total"]) < 1e-6
    assert all(i["explanation"].startswith("公式：") for i in data["indicators"])
    for tip in data["advice"]:
        assert tip["gain"] > 0 and "可增加" in tip["text"]
    assert [t["gain"] for t in data["advice"]] == sorted((t["gain"] for t in data["advice"]), reverse=True)
    text = runner.invoke(app, ["show", uscc])
    assert text.exit_code == 0 and "提分建议" in text.output and "阶段内第" in text.output


def test_show_refuses_bad_and_unknown_codes(env: Path) -> None:
    bad = runner.invoke(app, ["show", "123"])
    assert bad.exit_code == 1 and "18位" in bad.output
    unknown = make_usccs(__import__("numpy").random.default_rng(99), 1)[0]
    missing = runner.invoke(app, ["show", unknown])
    assert missing.exit_code == 1 and "找不到" in missing.output
    no_year = runner.invoke(app, ["show", build_demo(n=300).enterprises.index[0], "--year", "2031"])
    assert no_year.exit_code == 1 and "2031" in no_year.output


def test_systems_list_show_diff(env: Path) -> None:
    versions = {s["version"]: s for s in run_json("systems", "list")}  # type: ignore[union-attr]
    assert versions["1.0"]["indicators"] == 121 and {"tsme-2017", "hte-2016"} <= set(versions)
    shown = run_json("systems", "show", "1.0")
    assert isinstance(shown, dict) and len(shown["indicators"]) == 121
    diff = run_json("systems", "diff", "v1.0", "v1.1")
    assert isinstance(diff, dict) and diff["added"] and diff["removed"] and diff["changed"]
    text = runner.invoke(app, ["systems", "diff", "v1.0", "v1.1"])
    assert "新增" in text.output and "删除" in text.output
    assert runner.invoke(app, ["systems", "show", "9.9"]).exit_code == 1


def test_score_publishes_a_new_run(env: Path) -> None:
    before = run_json("stats", "--year", "2024")
    out = run_json("score", "--system", "1.0", "--year", "2024", "--yes")  # replaces the published run
    assert isinstance(out, dict) and out["enterprises"] == 300
    after = run_json("stats", "--year", "2024")
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["run_id"] == out["run_id"] != before["run_id"]
    assert after["mean_total"] == before["mean_total"]  # same inputs, same results


def _table(n: int = 5) -> pd.DataFrame:
    demo = build_demo(n=n)
    frame = demo.raw[2024].copy()
    prev = demo.raw[2023]
    for col in ("revenue", "net_assets"):
        frame[f"{col}[-1]"] = prev[col]
    frame.index.name = "统一社会信用代码"
    return frame.reset_index()


def test_score_file_without_database(tmp_path: Path) -> None:
    src, out = tmp_path / "raw.csv", tmp_path / "out.xlsx"
    _table().to_csv(src, index=False, encoding="gb18030")
    result = runner.invoke(app, ["score-file", "--system", "1.0", "--input", str(src), "--output", str(out), "--year", "2024"])
    assert result.exit_code == 0, result.output
    scored = pd.read_excel(out)
    assert len(scored) == 5 and {"成长阶段", "总分", "IN02 得分", "缺失数据"} <= set(scored.columns)


def test_score_file_reports_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    table = _table().astype(object)
    table.loc[1, "统一社会信用代码"] = "91320411MA1MXXXX01"  # wrong check character
    table.loc[2, "revenue"] = "一千万"
    table.loc[3, "staff_total"] = -4
    table.loc[4, "统一社会信用代码"] = table.loc[0, "统一社会信用代码"]  # listed twice
    table = table.drop(columns=["rd_expense"])
    src, out = tmp_path / "raw.csv", tmp_path / "out.csv"
    table.to_csv(src, index=False)
    first = runner.invoke(app, ["score-file", "--system", "1.0", "--input", str(src), "--output", str(out)])
    assert first.exit_code == 1 and "缺少列" in first.output and "rd_expense" in first.output
    assert not out.exists()
    table = table.copy()
    table["rd_expense"] = 1.0
    table.to_csv(src, index=False)
    second = runner.invoke(app, ["score-file", "--system", "1.0", "--input", str(src), "--output", str(out)])
    assert second.exit_code == 1, second.output
    flat = "".join(second.output.split())  # rich wraps long lines at the test terminal's width
    assert "第3行" in flat and "校验码" in flat
    assert "不是数字" in flat and "不能为负" in flat
    assert "第6行" in flat and "与第2行重复" in flat
    assert not out.exists()


def test_score_file_refuses_unreadable_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["score-file", "--system", "1.0", "--input", str(empty), "--output", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "空" in res.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    res = runner.invoke(app, ["score-file", "--system", "1.0", "--input", str(broken), "--output", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "Excel" in res.output
