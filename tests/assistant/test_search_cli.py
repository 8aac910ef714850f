"""`innopoints search` and `innopoints index build|status` on a private copy of the demo zone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from scoring.ingest.importer import import_file
from scoring.store import make_engine
from scoring.uscc import make_uscc
from tests.assistant.conftest import Zone, copy_zone, zone_env, zone_rows, zone_url


def run(folder: Path, *args: str, embedder: str = "none") -> Any:
    env = {**zone_env(folder), "INNOPOINTS_EMBEDDER": embedder}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def folder(zone: Zone, tmp_path: Path) -> Path:
    return copy_zone(zone, tmp_path / "zone")


def a_firm(folder: Path) -> tuple[str, str, float]:
    (row,) = zone_rows(folder,
        "select e.uscc, e.name, s.total from enterprise e join enterprisescore s on s.uscc = e.uscc "
        "where s.run_id = (select max(id) from scorerun) order by e.uscc limit 1")
    return str(row[0]), str(row[1]), float(row[2])


def test_search_prints_json_with_points_for_the_local_official(folder: Path) -> None:
    uscc, name, total = a_firm(folder)
    result = run(folder, "search", name, "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["items"][0]["uscc"] == uscc and body["items"][0]["total"] == pytest.approx(total)
    assert body["semantic"] is False
    table = run(folder, "search", name)
    assert table.exit_code == 0 and "相关度" in table.stdout
    # Points for people: 2 decimals, as everywhere officials read them.
    assert f"{total:.2f}" in table.stdout and not re.search(r"\d\.\d{3,}", table.stdout)


def test_search_refuses_empty_text_and_unknown_stage(folder: Path) -> None:
    result = run(folder, "search", "   ")
    assert result.exit_code == 2 and "不能为空" in result.output
    result = run(folder, "search", "光伏", "--stage", "bogus")
    assert result.exit_code == 2 and "未知的阶段" in result.output
    assert "没有找到" in run(folder, "search", "贵州茅台酒股份有限公司").stdout


def test_status_without_vectors(folder: Path) -> None:
    result = run(folder, "index", "status", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["embedder"] == "none" and body["stale"] is False
    assert body["store_signature"].startswith("enterprises=200;")


@pytest.mark.slow
def test_build_encodes_only_new_texts_and_status_tells_stale(folder: Path, tmp_path: Path, zone: Zone) -> None:
    result = run(folder, "index", "build", "--json", embedder="e5")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)
    assert first["documents"] == 200 and first["encoded"] == first["passages"] > 150 and first["kind"] == "flat"
    status = json.loads(run(folder, "index", "status", "--json", embedder="e5").stdout)
    assert status["built"] and not status["stale"] and status["index"]["count"] == 200
    assert status["files"]["vectors"]["index.faiss"] > 200 * 384 * 4
    again = json.loads(run(folder, "index", "build", "--json", embedder="e5").stdout)
    assert again["encoded"] == 0

    csv = tmp_path / "工商.csv"
    csv.write_text("统一社会信用代码,企业名称,企业简称,所属行业,主要产品\n"
                   f"{make_uscc(np.random.default_rng(3))},常州岚曜光电科技有限公司,岚曜光电,光伏,光伏组件\n", encoding="utf-8")
    report = import_file(engine=make_engine(zone_url(folder)), source="register",
                         path=csv, year=zone.latest_year)
    assert not report.errors, report.errors
    status = json.loads(run(folder, "index", "status", "--json", embedder="e5").stdout)
    assert status["stale"] is True
    third = json.loads(run(folder, "index", "build", "--json", embedder="e5").stdout)
    assert third["documents"] == 201 and third["encoded"] == 1
    found = json.loads(run(folder, "search", "岚曜光电", "--json", embedder="e5").stdout)
    assert found["semantic"] is True and found["items"][0]["name"] == "常州岚曜光电科技有限公司"
