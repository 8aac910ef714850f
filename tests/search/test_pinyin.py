"""Pinyin readings of names, the hand-checked override table, variants and mixed text."""

from __future__ import annotations

import pytest
from pypinyin import Style, pinyin

from search.dicts import DEFAULT_DICT_DIR, read_entries
from search.pinyin import PinyinTable


@pytest.fixture(scope="module")
def table() -> PinyinTable:
    return PinyinTable.from_dir()


@pytest.mark.parametrize(
    ("text", "full"),
    [
        ("长海", "changhai"),  # pypinyin alone: zhang hai
        ("长江", "changjiang"),
        ("华晟", "huasheng"),  # pypinyin alone: hua cheng
        ("重庆", "chongqing"),
        ("重工", "zhonggong"),
        ("银行", "yinhang"),
        ("行远", "xingyuan"),
        ("快乐", "kuaile"),
        ("音乐", "yinyue"),
        ("厦门", "xiamen"),
        ("成都", "chengdu"),
        ("天合光能", "tianheguangneng"),
    ],
)
def test_readings_in_names(table: PinyinTable, text: str, full: str) -> None:
    assert table.full(text) == full


def test_every_character_override_corrects_pypinyin() -> None:
    """A character in the table must be one pypinyin gets wrong, else the line is noise."""
    for key, *fields in read_entries(DEFAULT_DICT_DIR / "pinyin_overrides.txt"):
        default = fields[0].split("|")[0]
        if len(key) == 1 and "|" not in fields[0]:
            assert pinyin(key, style=Style.NORMAL)[0][0] != default, key


def test_initials_and_mixed_text(table: PinyinTable) -> None:
    assert table.initials("天合光能") == "thgn"
    assert table.full("天he光能") == "tianheguangneng"
    assert table.full("tian合") == "tianhe"
    assert table.syllables("ABB中国") == ["ABB".lower(), "zhong", "guo"]
    assert table.syllables("，。！") == []


def test_variants_give_both_readings(table: PinyinTable) -> None:
    fulls = {"".join(v) for v in table.variants("重华精密")}
    assert fulls == {"zhonghuajingmi", "chonghuajingmi"}
    assert table.variants("天合")[0] == ("tian", "he")
    assert len(table.variants("重重重重重")) <= 4
    # A phrase fixes its reading: no alternate where the phrase applies.
    assert {"".join(v) for v in table.variants("重庆")} == {"chongqing"}


def test_custom_table_overrides() -> None:
    table = PinyinTable({"晟": ("sheng",), "长海": ("chang", "hai")})
    assert table.full("晟长海") == "shengchanghai"


def test_keys_of_reads_words_with_the_table(table: PinyinTable) -> None:
    # Regions typed in pinyin are recognised from the region list through this table (长 chang).
    assert table.keys_of(["常州", "长沙", "重庆", "Suzhou", ""]) == {
        "changzhou": "常州", "changsha": "长沙", "chongqing": "重庆",
    }
