"""Relevance on a hand-made zone with near neighbours: famous firms from elsewhere that are not in
the store, product prefixes, extra terms, regions in pinyin and English, mixed hanzi and pinyin."""

from __future__ import annotations

import pytest

from search import Document, HybridSearcher

YAOYU = Document(
    "91320411MA1YAOYU01", "常州耀裕机器人科技有限公司", short_name="耀裕",
    english_name="Changzhou Yaoyu Robotics Technology Co., Ltd.",
    products="工业机器人系统集成、精密减速器", industry="智能装备",
)
# A homophone neighbour: same pinyin (yaoyu), same industry words, another first character.
YAOYU_HOMOPHONE = Document(
    "91320411MA1YAOYU03", "常州瑶裕机器人科技有限公司", short_name="瑶裕",
    products="服务机器人", industry="智能装备",
)
CHENYU = Document(
    "91320411MA1CHENYU1", "常州辰宇车灯股份有限公司", short_name="辰宇车灯",
    english_name="Changzhou Chenyu Automotive Lighting Co., Ltd.",
    products="汽车前照灯、汽车车灯", industry="新能源汽车零部件",
)
TIANLANG = Document(
    "91320411MA1TIANLA1", "常州天琅新能源科技有限公司", short_name="天琅新能源",
    products="户用光伏电站运维服务", industry="光伏",
)
TIANHE = Document(
    "91320411MA1TIANHE1", "常州天合光能有限公司", short_name="天合光能",
    products="光伏组件、储能系统", industry="光伏",
)
ZHAOHUI = Document(
    "91320411MA1ZHAOHU1", "常州朝晖医疗科技有限公司", short_name="朝晖医疗",
    products="一次性腔镜吻合器", industry="医疗器械",
)
# Local firms one character or one homophone away from well-known firms elsewhere in China.
NEIGHBOURS = [
    Document("91320411MA1NEIGH01", "常州源瑞医疗器械有限公司", short_name="源瑞医疗",
             products="医用导管", industry="医疗器械"),  # 迈瑞医疗
    Document("91320411MA1NEIGH02", "常州美德碳材料科技有限公司", short_name="美德",
             products="碳纤维复合材料", industry="新材料"),  # 美的集团
    Document("91320411MA1NEIGH03", "常州华万传感技术有限公司", short_name="华万传感",
             products="传感器", industry="电子信息"),  # 烟台万华
    Document("91320411MA1NEIGH04", "常州通伟微电子有限公司", short_name="通伟微电子",
             products="功率半导体器件", industry="电子信息"),  # 通威股份
    Document("91320411MA1NEIGH05", "常州长荣汽车部件有限公司", short_name="长荣汽车",
             products="汽车座椅骨架", industry="新能源汽车零部件"),  # 长城汽车
    Document("91320411MA1NEIGH06", "常州弘星医药科技股份有限公司", short_name="弘星医药",
             products="医药中间体", industry="生物医药"),  # 复星医药
    Document("91320411MA1NEIGH07", "常州长海光电科技有限公司", short_name="长海光电",
             products="红外热像仪", industry="电子信息"),  # 江苏长电科技
    Document("91320411MA1NEIGH08", "常州久扬高分子材料有限公司", short_name="久扬",
             products="高性能工程塑料", industry="新材料"),  # 九阳股份
]
# Makers of the plain product, more than the searcher reads from BM25 (lexical_k = 50).
ROBOT_MAKERS = [
    Document(f"9132041100001{i:04d}R", f"常州{a}{b}智能装备有限公司", products="工业机器人",
             industry="智能装备")
    for i, (a, b) in enumerate((a, b) for a in "恒泰宏德博嘉晶" for b in "星辰正东方金源汇通")
]
# The rest of a zone: robots are one product among many (a word most firms have says nothing).
OTHERS = [
    Document(f"9132041100002{i:04d}F", f"常州{a}{b}{word}有限公司", products=product)
    for i, (a, b, (word, product)) in enumerate(
        (a, b, w) for a in "甲乙丙丁戊己庚辛壬癸" for b in "子丑寅卯辰巳午未申酉戌亥"
        for w in (("材料科技", "功能性薄膜"), ("环保科技", "污水处理设备"),
                  ("软件技术", "数据分析平台"), ("电子科技", "电子连接器"))
    )
]
DOCS = [YAOYU, YAOYU_HOMOPHONE, CHENYU, TIANLANG, TIANHE, ZHAOHUI, *NEIGHBOURS, *ROBOT_MAKERS,
        *OTHERS]


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    return HybridSearcher(DOCS)


def first(searcher: HybridSearcher, query: str) -> Document | None:
    hits = searcher.search(query)
    return next(d for d in DOCS if d.id == hits[0].id) if hits else None


# --- item 18: well-known firms that are not in the store ----------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "迈瑞医疗",  # 源瑞医疗: the distinctive character of the trade name differs
        "美的集团",  # 美德: a homophone of a bare two-character trade name, nothing else agrees
        "佛山美的",  # the same, with a region that is not the local firm's
        "通威股份",  # 通伟
        "九阳股份",  # 久扬
        "烟台万华",  # 华万: two characters swapped are another word, not a slip
        "长城汽车",  # 长荣汽车: one trade character and a common industry word
        "复星医药",  # 弘星医药
        "江苏长电科技股份有限公司",  # 长海光电科技: two characters apart
    ],
)
def test_famous_firm_elsewhere_is_not_a_confident_hit(searcher: HybridSearcher, query: str) -> None:
    assert searcher.search(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("九晖医疗科技", ZHAOHUI),  # one wrong trade character, the rest of the name agrees
        ("常州天台光能有限公司", TIANHE),  # one wrong character, the region agrees
        ("天和光能", TIANHE),  # a homophone typo of a four-character name
        ("源瑞医疗", NEIGHBOURS[0]),  # the local firm itself
    ],
)
def test_typos_of_local_names_still_find_them(
    searcher: HybridSearcher, query: str, expected: Document
) -> None:
    assert first(searcher, query) == expected


# --- item 19: products, extra terms, regions, mixed input ---------------------------------------


def test_product_prefix_finds_the_longer_product_word(searcher: HybridSearcher) -> None:
    # 工业机器人 is the start of 耀裕's product 工业机器人系统集成, while 63 firms make exactly
    # 工业机器人: a product word's prefix must count as the product, wherever BM25 cuts its list.
    hits = searcher.search("工业机器人", limit=100)
    found = {h.id: h for h in hits}
    assert YAOYU.id in found and not found[YAOYU.id].weak
    assert any("工业机器人系统集成" in r for r in found[YAOYU.id].reasons)


def test_product_prefix_jieba_cannot_cut(searcher: HybridSearcher) -> None:
    # 户用光伏 cuts into 户 / 用 / 光伏: only 光伏 would be left, which every solar firm covers.
    hits = searcher.search("户用光伏")
    assert hits[0].id == TIANLANG.id
    assert all(h.score < hits[0].score for h in hits[1:])


@pytest.mark.parametrize(
    "query",
    [
        "常州 耀裕机器人 精密",  # a region and an extra term the products hold (精密减速器)
        "江苏耀裕 机器人",  # another region word than the registered one
        "耀裕机器人 焊接",  # an extra term that matches nothing of the firm
    ],
)
def test_extra_terms_and_regions_keep_the_firm(searcher: HybridSearcher, query: str) -> None:
    hits = searcher.search(query)
    assert hits and hits[0].id == YAOYU.id, hits


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("changzhou chenyu", CHENYU),  # region in pinyin, then the trade name
        ("changzhouchenyu", CHENYU),
        ("jiangsu chenyu", CHENYU),
        ("Changzhou Chenyu Automotive", CHENYU),  # region in English, then the English name
        ("Changzhou Yaoyu Robotics", YAOYU),
        ("shenzhen chenyu", CHENYU),  # any region of regions.txt, read by the pinyin table
    ],
)
def test_region_in_pinyin_or_english(searcher: HybridSearcher, query: str, expected: Document) -> None:
    assert first(searcher, query) == expected


def test_typed_hanzi_breaks_the_tie_with_a_homophone(searcher: HybridSearcher) -> None:
    hits = searcher.search("耀yu机器人")
    assert [h.id for h in hits[:2]] == [YAOYU.id, YAOYU_HOMOPHONE.id]
    assert hits[0].score > hits[1].score
    hits = searcher.search("瑶yu机器人")
    assert [h.id for h in hits[:2]] == [YAOYU_HOMOPHONE.id, YAOYU.id]
    assert hits[0].score > hits[1].score


# --- item 18 with vectors: what the model knows of a famous name is not evidence -------------

E5_ZONE = [
    Document("91320411MA1E5ZONE1", "江苏亚德汽车部件有限公司", products="电池管理系统、动力电池模组",
             industry="新能源汽车零部件"),
    Document("91320411MA1E5ZONE2", "蓝赛（常州）网络科技有限责任公司", products="ERP系统、智慧园区平台",
             industry="软件"),
    Document("91320411MA1E5ZONE3", "江苏耀荣电池科技股份有限公司", products="动力电池模组、电池管理系统",
             industry="新能源汽车零部件"),
    Document("91320411MA1E5ZONE4", "江苏信成制药股份有限公司", products="体外诊断试剂、多肽药物",
             industry="生物医药"),
    Document("91320411MA1E5ZONE5", "常州迪维智能技术有限公司", products="ERP系统、嵌入式软件",
             industry="软件"),
    CHENYU,
    TIANHE,
    Document("91320411MA1E5ZONE8", "常州安脉医疗器械有限公司", products="冠脉药物洗脱支架、球囊扩张导管",
             industry="医疗器械"),
    Document("91320411MA1E5ZONE9", "常州乐美智能家居有限公司", products="宠物智能喂食器、智能猫砂盆",
             industry="智能家居"),
]


@pytest.fixture(scope="module")
def e5_searcher() -> HybridSearcher:
    from search.vector import E5Embedder

    return HybridSearcher(E5_ZONE, embedder=E5Embedder())


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    ["比亚迪", "创维", "赣锋锂业", "蓝思科技", "信达生物", "天能电池"],
)
def test_famous_name_is_no_semantic_hit(e5_searcher: HybridSearcher, query: str) -> None:
    # The real multilingual-e5-small puts 比亚迪 near a battery-pack maker and 蓝思科技 near a
    # 网络科技 firm: close for the model, unrelated for an official.
    assert e5_searcher.search(query) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "expected"),
    [("汽车大灯生产厂家", "常州辰宇车灯股份有限公司"), ("自动喂猫器", "常州乐美智能家居有限公司"),
     ("心脏支架", "常州安脉医疗器械有限公司")],
)
def test_descriptions_still_find_firms_by_meaning(
    e5_searcher: HybridSearcher, query: str, expected: str
) -> None:
    hits = e5_searcher.search(query)
    assert hits and hits[0].name == expected
