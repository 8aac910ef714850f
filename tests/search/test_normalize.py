"""Normalization tables: width, script, case, symbols, core names and trade names."""

from __future__ import annotations

import pytest

from search.normalize import NameNormalizer, compact, fold, to_simplified


@pytest.fixture(scope="module")
def norm() -> NameNormalizer:
    return NameNormalizer.from_dir()


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width → half width, lower case
        ("天合（常州）", "天合(常州)"),  # full-width brackets become ASCII ones
        ("長江電子", "长江电子"),  # traditional → simplified
        ("天合光能股份有限公司", "天合光能股份有限公司"),  # simplified stays as it is
        ("天合\x00光能", "天合 光能"),  # control characters become spaces
        ("天合😀光能", "天合 光能"),  # emoji become spaces
        ("\u200d天合", " 天合"),  # zero-width joiner
        ("Senqin Data", "senqin data"),
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_to_simplified_is_phrase_aware() -> None:
    assert to_simplified("乾坤") == "乾坤"  # 乾 stays in 乾坤, OpenCC knows the phrase
    assert to_simplified("臺灣積體電路") == "台湾积体电路"


def test_compact_keeps_letters_digits_hanzi() -> None:
    assert compact("天合 (常州)-光能_3！") == "天合常州光能3"


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("常州天合光能有限公司", "天合光能"),
        ("江苏天合光能股份有限公司", "天合光能"),
        ("常州市新北区天合光能有限责任公司", "天合光能"),
        ("天合光能（常州）股份有限公司", "天合光能"),  # bracketed region anywhere
        ("江苏天合光能科技有限公司常州分公司", "天合光能科技"),  # branch office
        ("天合集团股份有限公司", "天合"),
        ("常州天宁光电科技有限公司", "天宁光电科技"),  # 天宁 is a district *and* the trade name
        ("常州市武进单氏医疗器械厂", "单氏医疗器械"),
        ("星宇股份", "星宇"),
        ("常州", "常州"),  # nothing would be left: keep it
        ("溧阳市奥瑞电池材料有限公司", "奥瑞电池材料"),
    ],
)
def test_core_name(norm: NameNormalizer, name: str, core: str) -> None:
    assert norm.core(fold(name)) == core


@pytest.mark.parametrize(
    ("core", "trade", "words"),
    [
        ("天合光能", "天合", "光能"),
        ("耀裕机器人科技", "耀裕", "机器人科技"),
        ("健瑞宝医疗器械", "健瑞宝", "医疗器械"),
        ("重华精密锻造", "重华", "精密锻造"),
        ("中芯国际", "中芯", "国际"),  # unknown industry words: the first two characters
        ("天合", "天合", ""),
    ],
)
def test_split_trade(norm: NameNormalizer, core: str, trade: str, words: str) -> None:
    assert norm.split_trade(core) == (trade, words)


def test_region_short_forms(norm: NameNormalizer) -> None:
    assert {"常州", "常州市", "江苏", "江苏省", "新北", "新北区", "内蒙古"} <= norm.regions
    assert "高新" not in norm.regions  # a zone word, also the start of many trade names


@pytest.mark.parametrize(
    ("text", "descriptor"),
    [("机器人科技", True), ("锂业", True), ("医疗器械", True), ("支架", False), ("光伏玻璃的", False),
     ("", True)],
)
def test_is_descriptor(norm: NameNormalizer, text: str, descriptor: bool) -> None:
    assert norm.is_descriptor(text) is descriptor
