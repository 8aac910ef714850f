"""Aliases, stock short names and stock codes as name keys: exact, prefix, pinyin and homophones,
each hit saying which field it came through; stock codes in every spelling people type."""

from __future__ import annotations

import pytest

from search import Document, HybridSearcher
from search.listings import split_code

DOCS = [
    Document("91320411MA1TIANHE1", "常州天合光能有限公司", short_name="天合光能",
             aliases=("TSL", "曜擎"), stock_codes=("688599.SH", "01799.HK"), stock_names=("天合股份",)),
    Document("91320400MA1BOYUE01", "江苏博岳新材料科技有限公司", short_name="博岳新材",
             stock_codes=("830799",), stock_names=("博岳新材",)),
    Document("91320411MA1HENGRUI", "常州恒锐智能装备有限公司", short_name="恒锐",
             stock_codes=("873122.NQ",)),
    Document("91320411MA1YAOYU01", "常州耀裕机器人科技有限公司", short_name="耀裕"),
]


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    return HybridSearcher(DOCS)


def top(searcher: HybridSearcher, q: str) -> tuple[str, float, tuple[str, ...]] | None:
    hits = searcher.search(q)
    return (hits[0].id[-7:], hits[0].score, hits[0].reasons) if hits else None


@pytest.mark.parametrize(("q", "firm", "reason"), [
    ("688599", "TIANHE1", "股票代码: 688599.SH"),
    ("688599.SH", "TIANHE1", "股票代码: 688599.SH"),
    ("sh688599", "TIANHE1", "股票代码: 688599.SH"),
    ("SH.688599", "TIANHE1", "股票代码: 688599.SH"),
    ("６８８５９９", "TIANHE1", "股票代码: 688599.SH"),  # full width
    ("1799.HK", "TIANHE1", "股票代码: 01799.HK"),  # Hong Kong codes padded to five digits
    ("01799", "TIANHE1", "股票代码: 01799.HK"),
    ("HK01799", "TIANHE1", "股票代码: 01799.HK"),
    ("830799", "BOYUE01", "股票代码: 830799"),  # stored without its exchange: any may be typed
    ("830799.BJ", "BOYUE01", "股票代码: 830799"),
    ("873122.BJ", "HENGRUI", "股票代码: 873122.NQ"),  # 北交所 and 新三板 share their codes
    ("873122", "HENGRUI", "股票代码: 873122.NQ"),
])
def test_a_stock_code_finds_its_firm_with_certainty(searcher: HybridSearcher, q: str, firm: str, reason: str) -> None:
    hits = searcher.search(q)
    assert len(hits) == 1 and hits[0].id.endswith(firm) and hits[0].score >= 0.9 and reason in hits[0].reasons


@pytest.mark.parametrize("q", ["688599.SZ", "SZ688599", "1799.SH", "68859", "6885990", "799.HK.SH"])
def test_a_code_of_another_exchange_or_shape_finds_nothing(searcher: HybridSearcher, q: str) -> None:
    assert searcher.search(q) == []


@pytest.mark.parametrize(("q", "reason", "at_least"), [
    ("TSL", "别名: TSL", 0.95),
    ("tsl", "别名: TSL", 0.95),
    ("曜擎", "别名: 曜擎", 0.95),
    ("yaoqing", "拼音: yaoqing（别名）", 0.9),
    ("天合股份", "股票简称: 天合股份", 0.95),
    ("tianhegufen", "拼音: tianhegufen（股票简称）", 0.9),
    ("thgf", "拼音首字母: thgf（股票简称）", 0.8),
])
def test_aliases_and_stock_short_names_are_names(searcher: HybridSearcher, q: str, reason: str, at_least: float) -> None:
    got = top(searcher, q)
    assert got is not None and got[0] == "TIANHE1" and got[1] >= at_least and reason in got[2], got


def test_a_two_character_homophone_alone_names_no_firm(searcher: HybridSearcher) -> None:
    # As for names (美德 is not 美的): two syllables sound like many names, so 耀擎 is a near miss
    # of the alias 曜擎, shown only among weak hits, and says which field it came through.
    # Likewise 天和股份: 股份 is a legal form, so what is left is the two-syllable 天和.
    for q, reason in (("耀擎", "同音字: 耀擎→曜擎（别名）"), ("天和股份", "同音字: 天和→天合")):
        assert searcher.search(q) == []
        weak = searcher.search(q, include_weak=True)
        assert weak and weak[0].id.endswith("TIANHE1") and weak[0].weak and reason in weak[0].reasons, weak


def test_a_stock_short_name_equal_to_the_short_name_says_both(searcher: HybridSearcher) -> None:
    got = top(searcher, "博岳新材")
    assert got is not None and {"简称匹配", "股票简称: 博岳新材"} <= set(got[2])


@pytest.mark.parametrize(("prefix", "doc", "matched"), [
    ("6885", 0, "688599.SH"), ("0179", 0, "01799.HK"), ("ts", 0, "TSL"), ("曜", 0, "曜擎"),
    ("天合股", 0, "天合股份"), ("8307", 1, "830799"),
])
def test_suggestions_complete_aliases_and_listings_as_written(
    searcher: HybridSearcher, prefix: str, doc: int, matched: str
) -> None:
    assert (DOCS[doc].id, matched) in [(s.id, s.matched) for s in searcher.suggest(prefix)]


def test_split_code() -> None:
    assert split_code("300750.XSHE") == ("300750", "sz")
    assert split_code("0700.hk") == ("00700", "hk")
    assert split_code("830799.OC") == ("830799", "bj")
    assert split_code("300750.SH.SZ") is None and split_code("天合") is None and split_code("300750.NY") is None
