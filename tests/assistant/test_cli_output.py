"""What officials read on the command line: Chinese names not codes, points with 2 decimals,
percentages as `12.5 %`, labelled Beijing times, formulas and rules in words; `--json` unchanged.

Runs the real `innopoints` commands on a copy of the session's demo zone (200 enterprises).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from assistant.access import accounts
from assistant.cli import common
from assistant.cli.main import app
from assistant.display import beijing_time
from scoring import store
from scoring.store import make_engine
from scoring.systems.fields import default_fields
from tests.assistant.conftest import Zone, copy_zone, use_zone, zone_url

runner = CliRunner()
STAGE_CODES = ("startup", "growth", "development", "mature")
LONG_DECIMALS = re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])")  # 0.526708: more than 2 decimals
FIELD_CODES = sorted((k for k in default_fields() if "_" in k), key=len, reverse=True)


@pytest.fixture(scope="module")
def data_dir(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo zone, with one audit event and one data conflict added."""
    folder = copy_zone(zone, tmp_path_factory.mktemp("cli-output"))
    engine = make_engine(zone_url(folder))
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        accounts.record(session=session, username="official", role="official", action="read_portrait",
                        target=zone.own["enterprise1"], client="127.0.0.1")
        a = store.add_batch(session=session, source="tax", file="税务_a.csv")
        b = store.add_batch(session=session, source="self_report", file="填报_b.xlsx")
        session.commit()
        store.add_conflicts(session=session, rows=[{
            "uscc": zone.own["enterprise1"], "year": zone.latest_year, "field": "revenue",
            "value_a": "1234.5", "source_a": "tax", "batch_a": a.id, "value_b": "1300", "source_b": "self_report",
            "batch_b": b.id,
        }])
        session.commit()
    engine.dispose()
    return folder


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`cli("show", uscc)` → the output, on a wide terminal (tables do not wrap their cells)."""
    use_zone(monkeypatch, data_dir)
    monkeypatch.setattr(common.console, "width", 400)

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result.output

    yield run


def assert_for_people(text: str) -> None:
    assert "inf" not in text.replace("info", "")
    assert not LONG_DECIMALS.search(text), LONG_DECIMALS.search(text)
    assert not any(code in text for code in FIELD_CODES), [c for c in FIELD_CODES if c in text][:5]
    assert not re.search(r"\d%", text), "a percentage without its space"


def test_show_says_stage_names_points_with_two_decimals_and_formulas_in_words(cli: Any, zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    text = cli("show", uscc)
    data = json.loads(cli("show", uscc, "--json"))
    assert_for_people(text)
    assert data["stage_name"] in text and not any(code in text for code in STAGE_CODES)
    assert re.search(rf"总分 {data['total']:.2f} / 100 分", text)
    assert f"优于同阶段 {data['percentile']:g} %" in text
    assert "公式：研发费用总额 ÷ 营业收入" in text and "rd_expense" not in text
    assert "纳税信用等级" in text and "等级：“" in text
    for cat in data["categories"]:
        assert f"{cat['name']}：{cat['points']:.2f} / {cat['max_points']:g} 分" in text
    # --json keeps codes and raw numbers
    assert data["stage"] in STAGE_CODES and isinstance(data["total"], float)
    assert {"code", "points", "value", "explanation"} <= set(data["indicators"][0])


def test_stats_shares_with_a_space_and_points_with_two_decimals(cli: Any) -> None:
    text = cli("stats")
    data = json.loads(cli("stats", "--json"))
    assert_for_people(text)
    for stage in data["stages"]:
        assert f"{stage['share']:g} %" in text and stage["name"] in text
        if "mean_total" in stage:
            assert f"{stage['mean_total']:.2f}" in text
    assert f"平均总分 {data['mean_total']:.2f} 分" in text
    assert isinstance(data["stages"][0]["share"], float) and data["stages"][0]["stage"] == "startup"


def test_systems_show_words_every_formula_and_rule(cli: Any) -> None:
    text = cli("systems", "show", "1.0")
    assert_for_people(text)
    assert "初创期：其余企业" in text and "成熟期：成立年限 ≥ 10年 且 营业收入 ≥ 20000万元" in text
    assert "公式：研发费用总额 ÷ 营业收入（单位 %）" in text
    assert "计分：按等级：“A” 得 3 分" in text and " if " not in text and "is_missing" not in text
    assert "权重：初创期 1.5，成长期 1.3，发展期 1.2，成熟期 1" in text
    assert "foundation" not in text  # categories by name
    data = json.loads(cli("systems", "show", "1.0", "--json"))
    mg19 = next(i for i in data["indicators"] if i["code"] == "MG19")
    assert mg19["rule"]["kind"] == "levels" and mg19["rule"]["levels"][0] == {"values": ["A"], "points": 3.0}
    fd01 = next(i for i in data["indicators"] if i["code"] == "FD01")
    assert fd01["formula"] == "tech_staff / staff_total" and fd01["rule"]["bands"][-1]["range"] == "[0.5, inf)"


def test_systems_diff_in_words(cli: Any) -> None:
    text = cli("systems", "diff", "1.0", "1.1")
    assert_for_people(text)
    assert "IN02 研发费用占营业收入比例 的计分规则：分档：≥ 0 % 且 < 1 % 得 0 分" in text
    assert "（科技创新环境能力）" in text and "（environment）" not in text
    data = json.loads(cli("systems", "diff", "1.0", "1.1", "--json"))
    assert {a["category"] for a in data["added"]} <= {"foundation", "input", "management", "output", "environment"}


def test_audit_times_in_beijing_and_roles_actions_in_chinese(cli: Any, zone: Zone) -> None:
    text = cli("audit")
    assert "（北京时间）" in text and "查看企业画像" in text and "园区工作人员" in text
    assert "read_portrait" not in text and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）", text)
    data = json.loads(cli("audit", "--json"))
    event = data["items"][0]
    assert event["action"] == "read_portrait" and event["role"] == "official" and "T" in event["at"]
    assert beijing_time(event["at"], seconds=True) in text


def test_batches_and_conflicts_in_beijing_time_with_names(cli: Any, zone: Zone) -> None:
    listing = cli("batches", "list")
    assert "（北京时间）" in listing and "税务" in listing
    rows = json.loads(cli("batches", "list", "--json"))
    assert rows[0]["source"] in ("tax", "self_report") and datetime.fromisoformat(rows[0]["created_at"])
    shown = cli("batches", "show", str(rows[-1]["id"]))
    assert re.search(r"导入时间：\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", shown) and "撤销时间：-" in shown
    conflicts = cli("conflicts")
    assert "营业收入" in conflicts and "1234.5万元（税务/#" in conflicts and "（北京时间）" in conflicts
    assert zone.own["enterprise1"] in conflicts and "revenue" not in conflicts
    assert json.loads(cli("conflicts", "--json"))[0]["field"] == "revenue"


def test_users_list_roles_in_chinese(cli: Any) -> None:
    text = cli("users", "list")
    assert "管理员" in text and "园区工作人员" in text and "企业用户" in text and "（北京时间）" in text
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert {row[0]: row[2] for row in cells}.items() >= {"admin": "管理员", "official": "园区工作人员", "enterprise1": "企业用户"}.items()
    roles = {u["username"]: u["role"] for u in json.loads(cli("users", "list", "--json"))}
    assert roles["admin"] == "admin" and roles["enterprise1"] == "enterprise"


def test_beijing_time_labels_utc_and_naive_times() -> None:
    assert beijing_time(datetime(2026, 11, 25, 11, 41, tzinfo=UTC)) == "2026-11-25 19:41（北京时间）"
    assert beijing_time(datetime(2026, 11, 25, 20, 5)) == "2026-11-26 04:05（北京时间）"  # naive = UTC (SQLite)
    assert beijing_time("2026-11-25T11:41:09+00:00", seconds=True) == "2026-11-25 19:41:09（北京时间）"
