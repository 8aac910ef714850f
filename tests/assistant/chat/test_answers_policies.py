"""The policy and programme files: the shipped ones load; a broken one is refused with the file,
the item and the problem named; programme texts carry no literal numbers (every number said has a
source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat.answers.policies import InvalidPolicyFile, load_policies
from assistant.chat.answers.programme import PROGRAMME_FILE, InvalidProgrammeFile, load_programme
from scoring.systems.loader import load_all
from tests.assistant.chat.answer_setup import POLICIES_DIR, SYSTEMS_DIR

ITEM = """
  - id: {id}
    title: 测试政策
    kind: {kind}
    summary: 一段说明。
    document: 测试〔2024〕1号
    document_title: 测试文件
    source_text: 原文。
{extra}"""


def write(folder: Path, name: str, *items: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("policies:" + "".join(items), encoding="utf-8")


def item(id: str = "test", kind: str = "reward", extra: str = "") -> str:
    return ITEM.format(id=id, kind=kind, extra=extra)


def test_the_shipped_policies_load_and_name_existing_systems() -> None:
    policies = load_policies(POLICIES_DIR, systems=frozenset(load_all(SYSTEMS_DIR)))
    assert {"credit", "tsme", "hte"} <= set(policies)
    assert policies["tsme"].evaluation == "tsme-2017" and policies["hte"].evaluation == "hte-2016"
    assert all(p.document and p.source_text for p in policies.values())
    assert all("（示例" in p.title for p in policies.values() if p.example)
    assert " " not in policies["tsme"].source_text.replace("（", "").split("第六条")[1][:40]  # folded lines joined


@pytest.mark.parametrize(("items", "file", "item_id", "problem"), [
    ([item(extra="    deadline: 2024-12-31\n")], "a.yaml", "test", "deadline"),  # unknown key
    ([item().replace("    summary: 一段说明。\n", "")], "a.yaml", "test", "summary"),  # missing field
    ([item(kind="evaluation")], "a.yaml", "test", "evaluation"),  # an evaluation without its system
    ([item(kind="credit")], "a.yaml", "test", "cutoff"),  # a credit item without its rule
    ([item(kind="bonus")], "a.yaml", "test", "kind"),
    ([item(id="Bad Id")], "a.yaml", "Bad Id", "id"),
])
def test_a_broken_item_is_refused_naming_file_item_and_problem(
    tmp_path: Path, items: list[str], file: str, item_id: str, problem: str,
) -> None:
    write(tmp_path, file, *items)
    with pytest.raises(InvalidPolicyFile) as caught:
        load_policies(tmp_path)
    assert caught.value.file == file and caught.value.item == item_id and problem in caught.value.problem
    assert file in caught.value.message and item_id in caught.value.message


def test_a_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", item(id="same"))
    write(tmp_path, "b.yaml", item(id="same"))
    with pytest.raises(InvalidPolicyFile) as caught:
        load_policies(tmp_path)
    assert caught.value.file == "b.yaml" and caught.value.item == "same" and "a.yaml" in caught.value.problem


def test_an_evaluation_the_systems_folder_lacks_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", item(kind="evaluation", extra="    evaluation: tsme-2099\n"))
    with pytest.raises(InvalidPolicyFile) as caught:
        load_policies(tmp_path, systems=frozenset(load_all(SYSTEMS_DIR)))
    assert "tsme-2099" in caught.value.problem and "tsme-2017" in caught.value.problem


def test_a_yaml_error_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("policies: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(InvalidPolicyFile) as caught:
        load_policies(tmp_path)
    assert caught.value.file == "bad.yaml" and "YAML" in caught.value.problem


def test_the_shipped_programme_loads() -> None:
    prog = load_programme()
    assert {"overview", "stages", "categories", "data_sources", "no_duplicate", "login"} <= {s.id for s in prog.sections}
    assert prog.help.official and prog.help.enterprise and prog.help.public and prog.out_of_scope


@pytest.mark.parametrize(("change", "problem"), [
    (("园区试点：", "园区试点（共 121 项）："), "121"),  # a literal number
    (("{n_indicators} 项指标，满分", "{n_widgets} 项指标，满分"), "n_widgets"),  # an unknown placeholder
    (("园区试点：", "第三个园区试点："), "第三"),  # Chinese numerals count too
])
def test_a_programme_text_with_a_literal_number_is_refused(tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    text = PROGRAMME_FILE.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "programme.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(InvalidProgrammeFile) as caught:
        load_programme(path)
    assert "programme.yaml" in caught.value.message and "overview" in caught.value.message
    assert problem in caught.value.message
