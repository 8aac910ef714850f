"""Generate the labelled query set of the search-quality benchmark: benchmarks/search_queries.jsonl.

    python benchmarks/make_search_queries.py          # writes benchmarks/search_queries.jsonl
    python benchmarks/make_search_queries.py --db var/innopoints.sqlite --seed 20240605 --check

Each line is one query: ``{"id", "type", "query", "expected": [uscc, …] (empty: not in the
store), "source": "demo" | "fixture" | "hand" | "generated", "note"}``. ``expected`` holds one
USCC for every query of this file (a product query is only written where exactly one enterprise
makes the product); the benchmark scores top-1 as "the first confident hit is in ``expected``",
so a set would also work.

Where the queries come from:

- the demo zone (``var/innopoints.sqlite``, table ``enterprise``; ``innopoints demo`` writes it)
  and the hand-made fixture ``tests/fixtures/search_enterprises.yaml``;
- generated with a fixed seed (``random.Random(seed)``): full_name, short_name, core_name, typo
  (homophone substitution from ``COMMON_CHARS`` grouped by toneless pinyin, or one wrong common
  character), swapped (two adjacent characters), pinyin_full (syllables with and without spaces),
  initials, mixed (hanzi + pinyin), traditional (opencc s2t), english, former_name, uscc, and the
  plainly absent names of not_in_store;
- hand-written: product (paraphrases of what an official would say, never a copy of the products
  field) and the near-miss names of not_in_store (``PRODUCT_QUERIES``, ``NEAR_MISSES``);
- not_in_store_famous: well-known Chinese enterprises from elsewhere in China, as people type them
  (short names mostly, registered names, with a city, pinyin, initials, English), one per line of
  ``benchmarks/famous_firms.tsv``. A line whose query names a firm of the store by the labeller's
  rules (below), or is a local trade name plus 集团/股份/控股, is left out and listed; a firm one
  character or one homophone away from a local one stays in: that is what the type is for.

Pinyin is the *correct* reading, not pypinyin's: the demo trade-name characters use the hand-checked
table of ``scoring.demo.names`` (晟 is shèng), and the fixture names use ``PHRASE_READINGS`` (长海
is cháng hǎi, 重华 chóng huá, 单氏 shàn shì …). A searcher that trusts pypinyin fails those queries.

A generated query is kept only if it is unambiguous (``Labeller.ambiguous``): no other enterprise
has the query as a name, short name, core name, trade name (字号) or former name, or as a prefix
of one that covers its whole trade name; in pinyin space the same holds for syllables and
initials; a typo or swapped query is also dropped when it lies within one edit of another
enterprise's name (so a typo that produces another existing name is never a typo query). The same
checks run again in ``benchmarks/search_quality.py --size`` over the padded zone.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin
from rapidfuzz.distance import OSA, Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.demo.names import _OLD_WORDS, _PINYIN, _WORDS  # noqa: E402
from scoring.uscc import make_uscc  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "search_enterprises.yaml"
OUTPUT = ROOT / "benchmarks" / "search_queries.jsonl"
DB = ROOT / "var" / "innopoints.sqlite"
SEED = 20240605
TYPES = (
    "full_name",
    "short_name",
    "core_name",
    "typo",
    "swapped",
    "pinyin_full",
    "initials",
    "mixed",
    "traditional",
    "english",
    "former_name",
    "uscc",
    "product",
    "not_in_store",
    "not_in_store_famous",
)
# Types whose queries name no enterprise of the store: passed when nothing relevant comes back.
ABSENT_TYPES = ("not_in_store", "not_in_store_famous")
FAMOUS = ROOT / "benchmarks" / "famous_firms.tsv"
# Words after a famous trade name that say nothing about the firm (集团, 股份 …).
_GENERIC_TAIL = re.compile("(集团|股份|控股)+$")
# Generated queries per type: (from the demo zone, from the fixture).
PER_TYPE = {
    "full_name": (24, 8),
    "short_name": (22, 12),
    "core_name": (22, 10),
    "typo": (28, 14),
    "swapped": (24, 10),
    "pinyin_full": (26, 16),
    "initials": (24, 12),
    "mixed": (24, 12),
    "traditional": (22, 10),
    "english": (22, 12),
    "former_name": (20, 12),
    "uscc": (24, 8),
}

# Region words and legal forms that a "core name" drops (longest first).
REGIONS = (
    "常州市新北区",
    "常州市武进区",
    "江苏省",
    "常州市",
    "溧阳市",
    "江苏",
    "常州",
    "溧阳",
    "武进",
)
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "厂")
# Hand-checked readings of fixture names where pypinyin is wrong (or where a reading is contextual).
PHRASE_READINGS = {
    "长海": "chang hai",
    "长荣": "chang rong",
    "长盛": "chang sheng",
    "长风": "chang feng",
    "长芯": "chang xin",
    "长宁": "chang ning",
    "长江": "chang jiang",
    "重华": "chong hua",
    "重光": "chong guang",
    "重轨": "zhong gui",
    "单氏": "shan shi",
    "乐行": "le xing",
    "行健": "xing jian",
    "行云": "xing yun",
    "朝晖": "zhao hui",
}
CHAR_READINGS = dict(_PINYIN)  # 晟 sheng and the other trade-name characters of the demo zone
# Fixture trade names (字号) longer than two characters.
LONG_TRADES = ("健瑞宝", "易企账", "艾威森", "本草堂", "智汇云", "智慧云")
# Words after the trade name in the demo zone's names (industry words and former-name words).
NAME_WORDS = tuple(
    sorted(
        {w for words in _WORDS.values() for w, _, _ in words} | set(_OLD_WORDS),
        key=len,
        reverse=True,
    )
)

# A small table of common characters; typos substitute a character by another one of this table
# with the same toneless pinyin (同音字), or, for "wrong character" typos, by any of them.
COMMON_CHARS = (
    "天恒瑞华盛鼎泰宏达创信德隆安康博远嘉和晶星辰正东方金源汇通广誉鑫锐峰海腾飞立诚永昌凯祥润丰佳"
    "宇森航越顺兴卓思睿欣荣振宁亚骏耀明光启迪伟力晟智捷精美臻奥邦驰晨成富高冠浩弘辉坤蓝联龙茂铭南"
    "鹏普沁清仁赛尚拓万威维旭扬亿优裕元悦云泽展中众久聚迈纳诺勤锦煜昊琪特微芯易征岳"
    "田甜添填恆衡横亨红虹洪鸿宏弘泓锐蕊睿瑞芮滑划话化画桦生升声胜圣省顶丁定订钉太态汰钛泰"
    "宏洪虹大答打搭川传船穿串新心欣辛馨薪得的地弟第帝龙隆笼聋咙陇按岸暗案岸抗炕伯柏勃泊波"
    "院愿远原园圆缘加家佳家甲假价驾精经京井景静境境镜敬竞径星新兴形行型醒幸杏陈晨尘臣沉趁"
    "政证郑整正征蒸冬动洞懂栋放房防方访仿芳今进近尽紧锦津劲圆员元缘援会汇惠慧辉回挥绘汤堂糖"
    "唐棠塘光广逛晃玉遇域欲预育与语鱼雨余于娱心信新星欣辛锋风封丰峰疯逢奉凤害海还孩亥骇滕疼"
    "菲非肥飞妃费里力利理例立丽李历励城成程承呈诚乘勇用永泳涌庸长常场厂唱畅倡开凯楷慨详想向"
    "相香祥湘乡箱闰润顺舜瞬丰风逢封甲家价架嫁宇语羽雨禹域森深伸身申神审肯杭航行巷悦跃月阅岳越"
    "顺舜吉及级急集极即籍际记技继既纪济思斯丝司私四寺寺瑞锐睿蕊容荣融溶绒镇振震阵珍真针甄宁"
    "凝柠拧亚压鸭牙雅芽军君均俊峻骏菌要耀药摇遥谣名明鸣铭命茗光广逛启起齐奇其旗棋骑琪迪敌笛"
    "的地帝第递伟维为围卫微威唯位味力立利历丽理李例智志至知治之制支直值置捷杰洁结节姐介借界"
    "精经京晶井景静境镜美每妹梅煤眉媚没臻真珍针枕阵镇奥澳傲熬邦帮榜棒绑驰迟池持尺赤齿成城程"
    "承富福复付副府负服浮冠关观官管馆贯灌浩号好豪毫耗郝坤昆困捆蓝兰篮栏览揽联连莲廉脸练恋龙"
    "茂贸帽冒猫毛矛铭明名鸣南男难楠鹏朋棚蓬捧彭普谱浦朴铺沁亲琴勤秦芹清青轻情晴庆请仁人任认"
    "忍刃赛塞尚上商伤赏拓托脱妥驼万完玩晚湾碗挽威微为维违围伟尾未旭续序叙绪需虚许扬阳杨洋仰"
    "样氧亿意义艺易益译忆异优友有油游由右幼裕玉预遇育域元原源园员圆远悦越跃月阅乐云运允匀泽"
    "则责择展站占战湛中众钟忠终种重久九酒旧就聚具剧巨句居迈麦卖买脉纳那娜诺挪勤芹琴锦进近尽"
    "煜昊号豪皓特微芯新心欣易义艺征正证政整岳越月"
)


def norm(text: str) -> str:
    """NFKC, lower case, no whitespace or punctuation (what two spellings of a name share)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def core_name(name: str) -> str:
    """The name without region words and legal form: 常州耀裕机器人科技有限公司 → 耀裕机器人科技."""
    core = re.sub(r"[（(][^）)]*[）)]", "", name)
    stripped = True
    while stripped:  # 常州市武进… : one region word after another
        stripped = False
        for region in REGIONS:
            if core.startswith(region) and len(core) > len(region) + 1:
                core, stripped = core[len(region) :], True
                break
    for form in LEGAL_FORMS:
        if core.endswith(form) and len(core) > len(form) + 1:
            core = core[: -len(form)]
            break
    return core


def trade_of(core: str) -> str:
    """The trade name (字号) at the start of a core name."""
    for trade in LONG_TRADES:
        if core.startswith(trade):
            return trade
    for word in NAME_WORDS:
        if core.endswith(word) and 2 <= len(core) - len(word) <= 3:
            return core[: -len(word)]
    return core[:2]


@cache
def syllables(text: str) -> tuple[str, ...]:
    """Correct toneless pinyin of a Chinese string, one syllable per character (others dropped)."""
    joined = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    out = lazy_pinyin(joined)  # in context: 银行 háng, 快乐 lè …
    if len(out) != len(joined):  # pypinyin keeps no hanzi unconverted; be safe anyway
        out = [lazy_pinyin(c)[0] for c in joined]
    out = [CHAR_READINGS.get(c, p) for c, p in zip(joined, out, strict=True)]
    for phrase, reading in PHRASE_READINGS.items():
        start = joined.find(phrase)
        while start >= 0:
            out[start : start + len(phrase)] = reading.split()
            start = joined.find(phrase, start + 1)
    return tuple(out)


def initials(text: str) -> str:
    return "".join(s[0] for s in syllables(text))


@dataclass
class Doc:
    uscc: str
    name: str
    short_name: str
    former_names: tuple[str, ...]
    english_name: str | None
    products: str
    industry: str
    business_scope: str
    source: str  # demo | fixture | pad
    address: str = ""
    aliases: tuple[str, ...] = ()  # brands, acronyms: searched, never queried here
    stock_codes: tuple[str, ...] = ()
    stock_names: tuple[str, ...] = ()

    @property
    def core(self) -> str:
        return core_name(self.name)

    @property
    def trade(self) -> str:
        return trade_of(self.core)


def load_demo(db: Path) -> list[Doc]:
    if not db.exists():
        raise SystemExit(f"{db} is missing: run `.venv/bin/innopoints demo` first")
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT uscc, name, short_name, former_names, english_name, products, industry,"
        " business_scope, address, aliases, stock_codes, stock_names FROM enterprise ORDER BY uscc"
    ).fetchall()
    con.close()
    return [
        Doc(
            uscc=r[0],
            name=r[1],
            short_name=r[2] or "",
            former_names=tuple(json.loads(r[3]) if r[3] else ()),
            english_name=r[4],
            products=r[5] or "",
            industry=r[6] or "",
            business_scope=r[7] or "",
            source="demo",
            address=r[8] or "",
            aliases=tuple(json.loads(r[9]) if r[9] else ()),
            stock_codes=tuple(json.loads(r[10]) if r[10] else ()),
            stock_names=tuple(json.loads(r[11]) if r[11] else ()),
        )
        for r in rows
    ]


def load_fixture(path: Path = FIXTURE) -> list[Doc]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Doc(
            uscc=e["uscc"],
            name=e["name"],
            short_name=e.get("short_name") or "",
            former_names=tuple(e.get("former_names") or ()),
            english_name=e.get("english_name"),
            products=e.get("products") or "",
            industry=e.get("industry") or "",
            business_scope=e.get("business_scope") or "",
            source="fixture",
            address=e.get("address") or "",
        )
        for e in data["enterprises"]
    ]


@dataclass
class Labeller:
    """Keys of every enterprise, to tell whether a query names exactly one of them."""

    docs: Sequence[Doc]
    hanzi: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    trades: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    prefix: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pinyin: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    pinyin_prefix: dict[tuple[str, ...], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    inits: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    english: list[tuple[str, str]] = field(default_factory=list)
    all_keys: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for d in self.docs:
            self.add(d)

    def add(self, d: Doc) -> None:
        former_cores = [core_name(f) for f in d.former_names]
        cores = [(d.core, d.trade)] + [(c, trade_of(c)) for c in former_cores]
        keys = {d.name, d.short_name, *d.former_names} - {""}
        for core, trade in cores:
            keys |= {core, trade}
            # A prefix of a core name names the enterprise once it covers the whole trade name.
            self._prefixes(core, len(trade), d.uscc)
        if d.short_name:
            short_trade = d.trade if d.short_name.startswith(d.trade) else d.short_name[:2]
            self._prefixes(d.short_name, min(len(short_trade), len(d.short_name)), d.uscc)
        # Names a typo query could also be one edit from: the trade name with any word of its
        # industry (煜兴 + 自动化 for 滕兴自动化, a typo of 宁兴自动化, though 煜兴's short
        # name is 煜兴).
        for word, short_word, _ in _WORDS.get(d.industry, ()):
            self.all_keys += [(norm(d.trade + word), d.uscc), (norm(d.trade + short_word), d.uscc)]
        for key in keys:
            self.hanzi[norm(key)].add(d.uscc)
            self.pinyin[syllables(key)].add(d.uscc)
            self.all_keys.append((norm(key), d.uscc))
        if d.english_name:
            words = re.findall(r"[a-z0-9]+", d.english_name.lower())
            self.english.append((" ".join(words), d.uscc))

    def _prefixes(self, text: str, start: int, uscc: str) -> None:
        """Register the prefixes of ``text`` from ``start`` characters on (hanzi, pinyin,
        initials)."""
        full = syllables(text)  # one syllable per hanzi: a prefix's syllables are a slice
        hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
        exact = len(hanzi) == len(text)
        for end in range(start, len(text) + 1):
            self.prefix[norm(text[:end])].add(uscc)
            syl = full[:end] if exact else syllables(text[:end])
            self.pinyin_prefix[syl].add(uscc)
            self.inits["".join(s[0] for s in syl)].add(uscc)

    def owners_hanzi(self, q: str) -> set[str]:
        return self.hanzi.get(norm(q), set()) | self.prefix.get(norm(q), set())

    def owners_pinyin(self, syl: Sequence[str]) -> set[str]:
        syl = tuple(syl)
        return self.pinyin.get(syl, set()) | self.pinyin_prefix.get(syl, set())

    def owners_initials(self, letters: str) -> set[str]:
        return self.inits.get(letters, set())

    def owners_english(self, q: str) -> set[str]:
        qn = " ".join(re.findall(r"[a-z0-9]+", q.lower()))
        return {u for e, u in self.english if f" {qn} " in f" {e} "}

    def near(self, q: str, *, swapped: bool) -> set[str]:
        """Enterprises with a name key within one edit (or one transposition) of ``q``."""
        from rapidfuzz import process

        if not hasattr(self, "_key_texts"):
            self._key_texts = [k for k, _ in self.all_keys]
        dist = OSA.distance if swapped else Levenshtein.distance
        found = process.extract(
            norm(q), self._key_texts, scorer=dist, score_cutoff=1, limit=None
        )
        return {self.all_keys[i][1] for _, _, i in found}

    def ambiguous(self, kind: str, query: str, expected: str) -> bool:
        """Whether ``query`` (of type ``kind``) could name another enterprise than ``expected``."""
        others = lambda owners: bool(owners - {expected})  # noqa: E731
        if kind in ("full_name", "short_name", "core_name", "former_name", "traditional"):
            return others(self.owners_hanzi(to_simplified(query)))
        if kind in ("typo", "swapped"):
            swapped = kind == "swapped"
            return (
                others(self.near(query, swapped=swapped))
                or others(self.near(core_name(query), swapped=swapped))
                or others(self.owners_hanzi(query))
                or others(self.owners_pinyin(syllables(query)))
            )
        if kind in ("pinyin_full", "mixed"):
            return others(self.owners_pinyin(query_syllables(query)))
        if kind == "initials":
            return others(self.owners_initials(query.lower()))
        if kind == "english":
            return others(self.owners_english(query))
        return False

    def absent(self, query: str) -> bool:
        """Whether a not-in-store query names no enterprise (nor a homophone of one)."""
        core = core_name(query)
        return not (
            self.owners_hanzi(query)
            or self.owners_hanzi(core)
            or self.owners_pinyin(query_syllables(core))
            or self.owners_english(query)
        )


@cache
def _s2t():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("s2t")


@cache
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@cache
def _syllable_set() -> frozenset[str]:
    sylls = set(CHAR_READINGS.values())
    for c in COMMON_CHARS:
        sylls.add(lazy_pinyin(c)[0])
    sylls |= {r for reading in PHRASE_READINGS.values() for r in reading.split()}
    return frozenset(sylls)


def split_pinyin(letters: str) -> list[str] | None:
    """Split run-together pinyin into syllables (longest match first, with backtracking)."""
    table = _syllable_set() | {
        s for w in NAME_WORDS for s in syllables(w)
    } | {"ji", "qi", "ren", "ke", "ruan", "jian", "shu", "ju", "wang", "luo", "dian", "zi", "guang",
         "fu", "neng", "yuan", "tai", "yang", "che", "deng", "li", "chi"}

    @cache
    def go(i: int) -> tuple[str, ...] | None:
        if i == len(letters):
            return ()
        for j in range(min(len(letters), i + 6), i, -1):
            if letters[i:j] in table:
                rest = go(j)
                if rest is not None:
                    return (letters[i:j], *rest)
        return None

    found = go(0)
    return list(found) if found is not None else None


def query_syllables(query: str) -> tuple[str, ...]:
    """Syllables of a pinyin or mixed hanzi/pinyin query."""
    out: list[str] = []
    for part in re.findall(r"[\u4e00-\u9fff]+|[a-zA-Z]+", query):
        if re.match(r"[a-zA-Z]", part):
            out.extend(split_pinyin(part.lower()) or [part.lower()])
        else:
            out.extend(syllables(part))
    return tuple(out)


@cache
def homophones() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for c in dict.fromkeys(COMMON_CHARS):
        groups[lazy_pinyin(c)[0]].append(c)
    return groups


# --- hand-written queries ---------------------------------------------------------------------

# (query, fixture enterprise name it must find, note). Paraphrases of what an official says.
PRODUCT_QUERIES = (
    ("做汽车车灯的", "常州辰宇车灯股份有限公司", "车灯 maker"),
    ("汽车大灯生产厂家", "常州辰宇车灯股份有限公司", "前照灯 = 大灯"),
    ("光伏跟踪支架", "江苏天朗光能科技股份有限公司", ""),
    ("做光伏电站运维的公司", "常州天琅新能源科技有限公司", ""),
    ("异质结太阳能电池", "江苏华晟新能源科技有限公司", "HJT"),
    ("生产光伏玻璃的", "常州华盛新能源有限公司", ""),
    ("切硅片用的金刚线", "常州曜阳光伏科技有限公司", ""),
    ("汽车座椅骨架供应商", "常州长荣汽车部件有限公司", ""),
    ("转向节锻件", "江苏重华精密锻造有限公司", ""),
    ("汽车空调管子", "常州腾骏汽车空调管路有限公司", ""),
    ("倒车雷达和全景影像", "常州朗驰汽车电子有限公司", ""),
    ("电动自行车厂", "常州乐行车业有限公司", ""),
    ("磷酸铁锂正极", "常州晟泰锂电科技有限公司", ""),
    ("钠电池", "常州乐能电池有限公司", "钠离子电池"),
    ("储能柜", "江苏长盛储能科技有限公司", ""),
    ("碳酸锂生产企业", "常州容川锂业有限公司", ""),
    ("锂电池电解液", "常州沃能新材料有限公司", ""),
    ("手机散热用的石墨烯膜", "常州烯望新材料科技有限公司", "导热膜"),
    ("石墨烯防腐漆", "江苏烯成科技有限公司", "涂料 = 漆"),
    ("心脏支架", "常州安脉医疗器械有限公司", "冠脉支架"),
    ("腔镜吻合器", "常州朝晖医疗科技有限公司", ""),
    ("脊柱内固定", "常州单氏骨科器械有限公司", ""),
    ("手术缝合线", "常州健瑞宝医疗器械有限公司", ""),
    ("乳腺钼靶", "江苏康瀚医学影像科技有限公司", ""),
    ("家用制氧机", "常州恒康医疗器械有限公司", ""),
    ("医用口罩厂家", "常州恒安医疗器械有限公司", ""),
    ("胰岛素", "常州诺泽生物医药有限公司", ""),
    ("布洛芬胶囊", "江苏行健药业有限公司", ""),
    ("宠物疫苗", "江苏朗泰生物科技有限公司", ""),
    ("阿胶和膏方", "常州本草堂药业有限公司", ""),
    ("12345热线智能客服", "常州云朵数智科技有限公司", "政务热线"),
    ("数字孪生工厂", "常州行云信息技术有限公司", ""),
    ("停车管理系统", "江苏智汇云智能科技有限公司", "智慧停车"),
    ("校园一卡通", "江苏智慧云智能科技有限公司", ""),
    ("代理记账软件", "常州易企账财税软件有限公司", ""),
    ("医院HIS系统", "江苏长风软件科技有限公司", "医院信息系统"),
    ("焊接机器人", "常州博途机器人科技有限公司", ""),
    ("协作机器人关节", "常州极智协作机器人有限公司", ""),
    ("AGV小车", "常州迅行智能装备有限公司", ""),
    ("聚酰亚胺薄膜", "常州瑞华化工新材料有限公司", "PI膜"),
    ("芳纶", "江苏晟达特种纤维有限公司", ""),
    ("无纺布生产", "常州恒纺新材料科技有限公司", ""),
    ("高铁座椅", "常州朗铁轨道交通装备有限公司", ""),
    ("钢轨探伤", "江苏重轨科技有限公司", ""),
    ("地铁屏蔽门", "常州铁城电气设备有限公司", ""),
    ("污泥干化", "常州清源水务科技有限公司", ""),
    ("垃圾焚烧烟气处理", "江苏碧朗环境科技股份有限公司", "脱硝"),
    ("动力电池回收", "常州绿循再生资源有限公司", ""),
    ("MEMS麦克风", "常州晶晟微电子有限公司", ""),
    ("激光雷达", "常州长芯光电科技有限公司", ""),
    ("红外热成像", "常州长海光电科技有限公司", ""),
    ("微显示屏", "常州优朗显示科技有限公司", "Micro LED"),
    ("收割机插秧机", "常州丰耕农业机械有限公司", ""),
    ("无人机", "常州翔宇航空科技有限公司", ""),
    ("消防服面料", "江苏常朗纺织科技有限公司", ""),
    ("汤圆水饺", "常州常乐食品有限公司", "速冻食品"),
    ("高压电缆", "常州市新北区江南电缆有限公司", ""),
    ("电动车换电站", "常州智行新能源汽车科技有限公司", ""),
    ("龙门加工中心", "江苏长江数控机床有限公司", ""),
    ("自动喂猫器", "常州乐美智能家居有限公司", "宠物智能喂食器"),
    ("预制构件", "常州弘晟建材科技有限公司", "装配式建筑"),
    ("充电桩", "常州艾威森电气有限公司", ""),
    ("硅碳负极", "溧阳市奥瑞电池材料有限公司", ""),
    ("苗木", "常州市武进区嘉泽花木有限公司", ""),
    ("人工晶体", "常州重光眼科医疗器械有限公司", "人工晶状体"),
)

# Near misses: real-looking names that differ from an enterprise of the store by one word (a whole
# word, never one character: a name one character off is what a typo query looks like), naming a
# business the enterprise of the store does not do.
NEAR_MISSES = (
    ("天朗储能", "only 天朗光能 exists"),
    ("常州天朗医疗器械有限公司", "天朗 only in 光伏"),
    ("华晟生物医药", "华晟 only in 光伏"),
    ("常州辰宇物流有限公司", "辰宇 only 车灯"),
    ("常州长荣生物医药有限公司", "长荣 only 汽车部件"),
    ("乐能光伏", "乐能 only 电池"),
    ("常州安脉生物科技有限公司", "安脉 only 医疗器械"),
    ("诺泽医疗器械", "诺泽 only 生物医药"),
    ("常州云朵供应链管理有限公司", "云朵 only 软件"),
    ("常州博途汽车部件有限公司", "博途 only 机器人"),
    ("江苏碧朗水务有限公司", "碧朗 only 环境"),
    ("常州绿循包装材料有限公司", "绿循 only 再生资源"),
    ("常州翔宇物流有限公司", "翔宇 only 航空"),
    ("常州常乐大酒店有限公司", "常乐 only 食品"),
    ("常州江南化工有限公司", "江南 only 电缆"),
    ("江苏重华生物科技有限公司", "重华 only 精锻"),
    ("常州长海物流有限公司", "长海 only 光电"),
    ("晟泰光伏", "晟泰 only 锂电"),
    ("常州行云物业管理有限公司", "行云 only 信息"),
    ("常州康瀚物流有限公司", "康瀚 only 医学影像"),
    ("智汇云物业管理", "智汇云 only 软件"),
    ("常州恒康养老服务有限公司", "恒康 only 医疗器械"),
    ("江苏乐美食品有限公司", "乐美 only 智能家居"),
    ("常州朗驰物流有限公司", "朗驰 only 汽车电子"),
    ("常州优朗家纺有限公司", "优朗 only 显示"),
)
# Demo-zone near misses: a demo trade name with an industry word no enterprise of that trade has.
DEMO_NEAR_MISS_WORDS = (
    "物流", "食品", "酒店管理", "房地产开发", "餐饮管理", "服装", "建筑工程", "物业管理",
)  # fmt: skip
# Plainly absent enterprises (famous or invented names, foreign brands, a valid but unknown code).
ABSENT = (
    "华为技术有限公司",
    "比亚迪股份有限公司",
    "宁德时代新能源科技股份有限公司",
    "小米科技有限责任公司",
    "格力电器",
    "海尔智家",
    "贵州茅台酒股份有限公司",
    "中国石油天然气集团",
    "Tesla",
    "Apple Inc.",
    "huawei",
    "ningdeshidai",
    "做火锅底料的",
    "远洋捕捞公司",
)
ABSENT_CHARS = "蔚霖馨璟翎桐枫岚澜斐骐翔蓓珂琳瑶婷娅薇芊莎菁萱"
ABSENT_WORDS = (
    "物流", "食品", "服饰", "文化传媒", "酒店管理", "房地产开发", "餐饮管理", "商贸", "教育科技",
    "广告",
)  # fmt: skip


def famous_firms(path: Path = FAMOUS) -> list[tuple[str, str]]:
    """(query, note) of each line of famous_firms.tsv: query, the firm, its seat, its sector."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, firm, seat, sector = line.split("\t")
            out.append((query, f"famous: {firm} ({seat}, {sector})"))
    return out


def _sample(rng: random.Random, docs: Sequence[Doc], n: int) -> list[Doc]:
    return rng.sample(list(docs), min(n, len(docs)))


def generate(demo: Sequence[Doc], fixture: Sequence[Doc], seed: int = SEED) -> list[dict]:
    docs = [*demo, *fixture]
    lab = Labeller(docs)
    by_name = {d.name: d for d in docs}
    queries: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, query: str, expected: Iterable[str], source: str, note: str = "") -> bool:
        expected = list(expected)
        key = (kind, query)
        if key in seen or not query.strip():
            return False
        if expected and lab.ambiguous(kind, query, expected[0]):
            return False
        if not expected and not lab.absent(query):
            return False
        seen.add(key)
        queries.append(
            {"type": kind, "query": query, "expected": expected, "source": source, "note": note}
        )
        return True

    for kind, (n_demo, n_fix) in PER_TYPE.items():
        rng = random.Random(f"{seed}:{kind}")
        for pool, n in ((demo, n_demo), (fixture, n_fix)):
            made = 0
            for d in rng.sample(list(pool), len(pool)):
                if made >= n:
                    break
                q = make_query(kind, d, rng)
                if q is not None and add(kind, q[0], [d.uscc], d.source, q[1]):
                    made += 1

    for text, name, note in PRODUCT_QUERIES:
        add("product", text, [by_name[name].uscc], "hand", note)

    for text, note in NEAR_MISSES:
        if not add("not_in_store", text, [], "hand", "near miss: " + note):
            raise SystemExit(f"near miss {text!r} names an enterprise of the store")
    rng = random.Random(f"{seed}:near")
    made = 0
    for d in rng.sample(list(demo), len(demo)):
        if made >= 10:
            break
        word = rng.choice(DEMO_NEAR_MISS_WORDS)
        region = rng.choice(("常州", "江苏", ""))
        text = f"{region}{d.trade}{word}" + ("有限公司" if region else "")
        others = [e for e in docs if e.trade == d.trade]
        note = f"near miss: {d.trade} only as {', '.join(e.core for e in others)}"
        made += add("not_in_store", text, [], "hand", note)
    for text in ABSENT:
        add("not_in_store", text, [], "hand", "absent")
    made = 0
    while made < 8:
        trade = "".join(rng.sample(ABSENT_CHARS, 2))
        text = f"常州{trade}{rng.choice(ABSENT_WORDS)}有限公司"
        made += add("not_in_store", text, [], "generated", "absent: invented name")
    urng = __import__("numpy").random.default_rng(seed)
    for _ in range(3):
        code = make_uscc(urng, region="320411")
        if code not in {d.uscc for d in docs}:
            add("not_in_store", code, [], "generated", "absent: valid USCC of no enterprise here")
    for text, note in famous_firms():  # last: the ids of the older types stay as they were
        # 拓普集团 is 拓普 and a word every group has: it names a local 拓普 as much as the famous one.
        if not lab.owners_hanzi(_GENERIC_TAIL.sub("", core_name(text))):
            add("not_in_store_famous", text, [], "hand", note)

    for i, q in enumerate(queries, start=1):
        q["id"] = f"q{i:04d}"
    return [{"id": q["id"], **{k: v for k, v in q.items() if k != "id"}} for q in queries]


def make_query(kind: str, d: Doc, rng: random.Random) -> tuple[str, str] | None:
    """One query of ``kind`` for ``d`` (and a note), or None when ``d`` has nothing to offer."""
    core, short = d.core, d.short_name
    if kind == "full_name":
        return d.name, ""
    if kind == "short_name":
        if not short or short in (core, d.name):
            return None
        return short, ""
    if kind == "core_name":
        if core in (short, d.name):
            return None
        return core, ""
    if kind == "typo":
        base = rng.choice([core, core, d.name, short if len(short) >= 3 else core])
        start = base.find(d.trade)
        positions = list(range(start, start + len(d.trade)) if start >= 0 else range(len(base)))
        if rng.random() < 0.25:  # now and then a character of the industry word
            at = base.find(core)
            positions = list(range(at, at + len(core))) if at >= 0 else list(range(len(base)))
        pos = rng.choice(positions)
        old = base[pos]
        if not "\u4e00" <= old <= "\u9fff":
            return None
        reading = syllables(base)[len([c for c in base[:pos] if "\u4e00" <= c <= "\u9fff"])]
        same = [c for c in homophones().get(reading, []) if c != old]
        in_trade = start >= 0 and start <= pos < start + len(d.trade)
        if same and (rng.random() < 0.8 or not in_trade):
            new, how = rng.choice(same), "homophone"
        elif not in_trade:
            return None  # a wrong character only where people get names wrong: the trade name
        else:
            new, how = rng.choice([c for c in dict.fromkeys(COMMON_CHARS) if c != old]), "wrong"
        return base[:pos] + new + base[pos + 1 :], f"{how} {old}→{new} in {base}"
    if kind == "swapped":
        base = rng.choice([core, core, short if len(short) >= 3 else core])
        pairs = [i for i in range(min(len(base) - 1, 4)) if base[i] != base[i + 1]]
        if not pairs:
            return None
        i = rng.choice(pairs)
        return base[:i] + base[i + 1] + base[i] + base[i + 2 :], f"swapped in {base}"
    if kind == "pinyin_full":
        base = short if short and rng.random() < 0.6 else core
        syl = syllables(base)
        spaced = rng.random() < 0.5
        text = " ".join(syl) if spaced else "".join(syl)
        return (text.title() if rng.random() < 0.15 else text), f"{base}"
    if kind == "initials":
        base = short if len(short) >= 3 and rng.random() < 0.6 else core
        if len(base) < 3:
            return None
        text = initials(base)
        return (text.upper() if rng.random() < 0.2 else text), f"{base}"
    if kind == "mixed":
        base = short if len(short) >= 3 and rng.random() < 0.5 else core
        if len(base) < 3:
            return None
        syl = syllables(base)
        trade_len = len(d.trade) if base.startswith(d.trade) else 2
        mode = rng.choice(["trade", "word", "one"])
        if mode == "trade":  # yaoyu机器人科技
            text = "".join(syl[:trade_len]) + base[trade_len:]
        elif mode == "word":  # 耀裕jiqiren
            text = base[:trade_len] + "".join(syl[trade_len:])
        else:  # 耀yu机器人科技
            i = rng.randrange(len(base))
            text = base[:i] + syl[i] + base[i + 1 :]
        if not (re.search(r"[a-z]", text) and re.search(r"[\u4e00-\u9fff]", text)):
            return None
        return text, f"{base}"
    if kind == "traditional":
        base = rng.choice([d.name, core, short or core])
        text = _s2t().convert(base)
        return (text, f"{base}") if text != base else None
    if kind == "english":
        if not d.english_name:
            return None
        en = d.english_name
        stem = re.sub(r"\s*(\(Changzhou\)|\(Jiangsu\))?\s*Co\., Ltd\.$", "", en)
        stem = re.sub(r"^(Changzhou Xinbei|Changzhou|Jiangsu)\s+", "", stem)
        mode = rng.choice(["full", "stem", "lower"])
        text = en if mode == "full" else stem if mode == "stem" else stem.lower()
        return text, en
    if kind == "former_name":
        if not d.former_names:
            return None
        former = rng.choice(d.former_names)
        text = former if rng.random() < 0.6 else core_name(former)
        if norm(text) in {norm(k) for k in (d.name, core, short, d.trade)}:
            return None  # a former name that is still a current name is no former-name query
        return text, former
    if kind == "uscc":
        mode = rng.random()
        if mode < 0.6:
            return d.uscc, ""
        if mode < 0.8:
            return d.uscc.lower(), "lower case"
        if mode < 0.9:
            return " ".join([d.uscc[:2], d.uscc[2:8], d.uscc[8:17], d.uscc[17]]), "with spaces"
        return unicodedata.normalize("NFKC", d.uscc).translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
        ), "full-width digits"
    raise ValueError(kind)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=DB)
    ap.add_argument("--fixture", type=Path, default=FIXTURE)
    ap.add_argument("--out", type=Path, default=OUTPUT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--check", action="store_true", help="print counts, write nothing")
    args = ap.parse_args(argv)
    queries = generate(load_demo(args.db), load_fixture(args.fixture), args.seed)
    counts = Counter(q["type"] for q in queries)
    print(f"{len(queries)} queries:", ", ".join(f"{t} {counts[t]}" for t in TYPES))
    kept = {q["query"] for q in queries if q["type"] == "not_in_store_famous"}
    left_out = [text for text, _ in famous_firms() if text not in kept]
    if left_out:
        print("famous firms left out (they name a firm of the store):", "、".join(left_out))
    short = [t for t in TYPES if counts[t] < 20]
    if short:
        print("fewer than 20 queries:", short, file=sys.stderr)
        return 1
    if not args.check:
        with args.out.open("w", encoding="utf-8") as f:
            for q in queries:
                f.write(json.dumps(q, ensure_ascii=False) + "\n")
        print("wrote", args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
