"""The loader refuses broken system files with an error naming file, place and problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scoring.errors import ExpressionError, InvalidIndicatorSystem, UnknownRule
from scoring.systems.loader import find_system, load_system, parse_system, system_from_user
from scoring.systems.rules import RULES
from tests.scoring.conftest import dump

SYSTEMS = Path(__file__).resolve().parents[2] / "data" / "indicator_systems"


def refuse(doc: dict[str, Any] | str, tmp_path: Path, *expected: str) -> InvalidIndicatorSystem:
    path = tmp_path / "broken.yaml"
    path.write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    with pytest.raises(InvalidIndicatorSystem) as info:
        load_system(path)
    message = str(info.value)
    assert str(path) in message, message
    for part in expected:
        assert part in message, message
    return info.value


def test_mini_system_loads(mini: dict[str, Any]) -> None:
    system = parse_system(dump(mini))
    assert [i.code for i in system.indicators] == ["R1", "R2", "G1", "P1", "D1"]
    assert system.max_total == 20


def test_unknown_rule_kind_lists_the_valid_ones(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][1]["rule"] = {"kind": "rankorder"}
    err = refuse(mini, tmp_path, "指标 R2", "rankorder", *RULES)
    assert isinstance(err, UnknownRule)


def test_unknown_raw_field(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["formula"] = "rd_expnse / revenue"
    err = refuse(mini, tmp_path, "指标 R1", "未声明的字段", "rd_expnse")
    assert isinstance(err, ExpressionError)


def test_duplicate_code(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][1]["code"] = "R1"
    refuse(mini, tmp_path, "指标 R1", "重复")


def test_duplicate_name(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][1]["name"] = "研发强度"
    refuse(mini, tmp_path, "指标 R2", "研发强度", "重复")


def test_weights_that_do_not_add_up(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["weights"]["growth"] = 4.5
    refuse(mini, tmp_path, "类别 input", "成长期", "9.5", "10")


def test_formula_cycle(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["formula"] = "val.R2 + 1"
    mini["indicators"][1]["formula"] = "val.R1 * 2"
    refuse(mini, tmp_path, "循环", "R1 → R2 → R1")


def test_overlapping_bands(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["rule"]["bands"][1]["range"] = "[0.03, 0.1]"
    refuse(mini, tmp_path, "指标 R1", "重叠", "0.1")


def test_gapped_bands(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["rule"]["bands"][1]["range"] = "[0.04, 0.1)"
    refuse(mini, tmp_path, "指标 R1", "空隙")


def test_band_edge_left_out(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["rule"]["bands"][1]["range"] = "(0.03, 0.1)"
    refuse(mini, tmp_path, "指标 R1", "漏掉", "0.03")


def test_unknown_stage_in_weights(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["weights"]["seed"] = 1
    refuse(mini, tmp_path, "指标 R1", "未知的阶段", "seed")


def test_unknown_stage_in_stage_table(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["stages"][0]["stage"] = "unicorn"
    refuse(mini, tmp_path, "unicorn", "未知的阶段")


def test_bad_yaml(tmp_path: Path) -> None:
    refuse("version: '1.0'\nindicators: [\n  - code: A\n", tmp_path, "YAML 格式错误", "行")


def test_missing_required_key(mini: dict[str, Any], tmp_path: Path) -> None:
    del mini["indicators"][2]["formula"]
    refuse(mini, tmp_path, "指标 G1", "缺少必填项", "formula")


def test_wrong_type(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["categories"][0]["max_points"] = "十"
    refuse(mini, tmp_path, "类别 input", "max_points", "类型不对")


def test_unknown_key_is_not_ignored(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["wieght"] = 3
    refuse(mini, tmp_path, "指标 R1", "不认识的键", "wieght")


def test_unknown_category(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["category"] = "inputs"
    refuse(mini, tmp_path, "指标 R1", "未知的类别", "inputs")


def test_formula_is_never_executed(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["formula"] = "__import__('os').system('touch /tmp/pwned')"
    refuse(mini, tmp_path, "指标 R1", "未知函数")
    mini["indicators"][0]["formula"] = "revenue.__class__"
    refuse(mini, tmp_path, "指标 R1", "未声明的字段")


def test_formula_syntax_error(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["formula"] = "rd_expense / (revenue"
    refuse(mini, tmp_path, "指标 R1", "语法错误")


def test_last_stage_must_catch_all(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["stages"].pop()
    refuse(mini, tmp_path, "兜底")


def test_bad_interval_syntax(mini: dict[str, Any], tmp_path: Path) -> None:
    mini["indicators"][0]["rule"]["bands"][0]["range"] = "below 0.03"
    refuse(mini, tmp_path, "指标 R1", "区间", "below 0.03")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidIndicatorSystem, match="文件不存在"):
        load_system(tmp_path / "nope.yaml")


@pytest.mark.parametrize("name", ["v1.0.yaml", "v1.1.yaml", "tsme-2017.yaml", "hte-2016.yaml"])
def test_shipped_systems_load(name: str) -> None:
    system = load_system(SYSTEMS / name)
    assert system.indicators


def test_v1_0_has_121_indicators_in_five_categories() -> None:
    system = load_system(SYSTEMS / "v1.0.yaml")
    assert len(system.indicators) == 121
    assert [c.name for c in system.categories] == [
        "科技创新基础能力", "科技创新投入能力", "科技创新管理能力", "科技创新产出能力", "科技创新环境能力",
    ]
    assert system.max_total == 100
    assert all(i.aliases and i.description and i.unit is not None for i in system.indicators)


def test_find_system_takes_versions_never_paths(mini: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `/api/systems/{version}` reaches find_system: a file name must not open a file outside the
    # systems folder, even one that exists in the server's working directory.
    (tmp_path / "stray.yaml").write_text(dump(mini), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidIndicatorSystem, match="找不到指标体系版本"):
        find_system("stray.yaml")
    with pytest.raises(InvalidIndicatorSystem, match="找不到指标体系版本"):
        find_system(str(tmp_path / "stray.yaml"))
    assert find_system("1.0").version == "1.0"
    # The CLI's local user may name a file.
    assert system_from_user("stray.yaml").version == mini["version"]
