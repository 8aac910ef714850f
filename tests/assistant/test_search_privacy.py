"""Search and suggestions leak no non-public field: no hit through one, no reason quoting one.

The demo zone plus one firm imported for these tests, whose former name, English name, aliases,
products and business scope use characters no other firm has: a query for any of them finds the
firm for officials and for the firm itself, and nothing for the public or another enterprise. Its
stock codes and stock short name are public: they find it for everyone. Every reason kind the
library gives is produced here, and each is checked as the public sees it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from assistant.access.privacy import PUBLIC, Principal, public_document, public_reason
from assistant.api.app import create_app
from assistant.queries import profiles, search_hits
from assistant.queries.search_index import SearchIndex
from scoring.ingest.importer import import_file
from scoring.uscc import make_uscc
from search.documents import Document
from tests.assistant.conftest import Api, Zone, copy_zone, make_settings

OFFICIAL = Principal(role="official", username="official")
FIRM = {
    "统一社会信用代码": make_uscc(np.random.default_rng(4242)),
    "企业名称": "常州澜汐精密传动有限公司",
    "企业简称": "澜汐传动",
    "曾用名": "常州璟岫工贸有限公司",
    "英文名称": "Brightmoor Motion Systems Co., Ltd.",
    "其他名称": "鹮翥；鹮翥",  # a brand, given twice
    "英文缩写": "VMX",  # a second alias column: one list with the first
    "证券代码": "301999.SZ、2838.HK",
    "证券简称": "汐泓股份",
    "所属行业": "智能装备",
    "主要产品": "谐波磁齿轮、量子陀螺仪",
    "经营范围": "深海缆绳检测服务；谐波磁齿轮的研发",
    "成立日期": "2019-03-01",
}
USCC = FIRM["统一社会信用代码"]
# Queries that match the firm through one non-public field only, and the reason officials get.
PRIVATE = [
    ("常州璟岫工贸有限公司", "曾用名: 常州璟岫工贸有限公司"),
    ("璟岫工贸", "曾用名: 常州璟岫工贸有限公司"),
    ("景秀工贸", "同音字: 景秀工贸→璟岫工贸（曾用名）"),
    ("璟岫工茂", "同音字: 璟岫工茂→璟岫工贸（曾用名）"),
    ("jingxiugongmao", "拼音: jingxiugongmao（曾用名）"),
    ("景xiu工贸", "拼音: jingxiugongmao（曾用名）"),
    ("jxgm", "拼音首字母: jxgm（曾用名）"),
    ("岫璟工贸", "曾用名近似（两字颠倒）"),
    ("brightmoor motion systems", "英文名匹配"),
    ("brightmoor", "英文名: brightmoor motion systems"),
    ("鹮翥", "别名: 鹮翥"),
    ("VMX", "别名: VMX"),
    ("环翥", "同音字: 环翥→鹮翥（别名）"),
    ("huanzhu", "拼音: huanzhu（别名）"),
    ("谐波磁齿轮", "产品: 谐波磁齿轮"),
    ("深海缆绳检测", "经营范围: 深海、缆绳、检测"),
]
# Queries that name the firm by public fields (some also touching a non-public one), and queries
# on the demo zone's products and names: hits through every retriever, shown to every caller.
MIXED = ["澜汐量子陀螺仪", "澜汐储能", "澜汐传动", "澜汐精密", "澜汐精蜜传动", "汐澜传动", "lanxi", "lxcd"]
BROAD = ["光伏组件", "做汽车线束的", "医用导管", "工业软件", "生物医药", "光伏", "常州"]
# The kinds of reason the library gives (search/matching.py, search/signals.py, search/documents.py).
KINDS = ["全称匹配", "曾用名", "简称匹配", "同音字", "拼音", "拼音首字母", "英文名", "产品", "经营范围",
         "行业", "名称含", "名称前缀", "名称近似", "曾用名近似", "字号相同但名称不同", "别名", "股票代码",
         "股票简称"]
# Queries through the public stock listings, and the reason every caller gets.
LISTED = [
    ("301999", "股票代码: 301999.SZ"),
    ("301999.SZ", "股票代码: 301999.SZ"),
    ("sz301999", "股票代码: 301999.SZ"),
    ("2838.HK", "股票代码: 02838.HK"),
    ("02838", "股票代码: 02838.HK"),
    ("汐泓股份", "股票简称: 汐泓股份"),
    ("xihonggufen", "拼音: xihonggufen（股票简称）"),
]
# Words of the library's reasons themselves: a reason may hold them whatever the firm's fields say.
LABELS = set("全称核心名称简称字号曾用名英文名匹配同音字拼音首字母前缀近似两字颠倒一字之差两字之差多出简写"
             "相同但不同产品经营范围行业含语义相近统一社会信用代码别名股票")
HANZI = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True)
class Served:
    """The zone with the test firm, served over HTTP, and its search index."""

    api: Api
    index: SearchIndex
    other: Principal  # an enterprise that is not the test firm
    own: Principal  # the test firm itself


def _import_firm(folder: Path, client: TestClient, year: int) -> None:
    path = folder / "工商登记.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(FIRM))
        writer.writeheader()
        writer.writerow(FIRM)
    report = import_file(engine=client.app.state.engine, source="register", path=path, year=year)  # type: ignore[attr-defined]
    assert not report.errors, report.errors


@pytest.fixture(scope="module")
def served(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = copy_zone(zone, tmp_path_factory.mktemp("search-privacy"))
    with TestClient(create_app(make_settings(folder, embedder="none", recheck_seconds=0))) as client:
        _import_firm(folder, client, zone.latest_year)
        yield Served(Api(client), client.app.state.search,  # type: ignore[attr-defined]
                     Principal(role="enterprise", username="enterprise2", uscc=zone.own["enterprise2"]),
                     Principal(role="enterprise", username="firm", uscc=USCC))


def hits(served: Served, who: Principal, q: str) -> list[dict[str, object]]:
    body = search_hits.search(principal=who, index=served.index, audit=None, text=q, limit=50, include_weak=True)
    return list(body["items"])


def secrets(doc: Document, query: str) -> tuple[set[str], set[str]]:
    """Hanzi and English words of the firm's non-public fields that nothing public explains."""
    public = public_document(doc)
    shown = "".join(str(v) for v in (public.name, public.short_name, public.industry, public.id,
                                     *public.stock_names, *public.stock_codes) if v) + query
    hidden = "".join((*doc.former_names, doc.english_name or "", *doc.aliases, doc.products or "",
                      doc.business_scope or "", doc.address or ""))
    chars = set(HANZI.findall(hidden)) - set(shown) - LABELS
    words = set(WORD.findall(hidden.lower())) - set(WORD.findall(shown.lower()))
    return chars, words


def leaks(reason: str, doc: Document, query: str) -> list[str]:
    chars, words = secrets(doc, query)
    return sorted({c for c in reason if c in chars} | {w for w in words if w in reason.lower()})


def kind(reason: str) -> str:
    return re.split(r"[:（,]", reason, maxsplit=1)[0]


# ----------------------------------------------------------------------------- no match through a hidden field
@pytest.mark.parametrize(("q", "reason"), PRIVATE)
def test_a_hidden_field_finds_the_firm_for_officials_and_itself_only(served: Served, q: str, reason: str) -> None:
    for who in (OFFICIAL, served.own):
        found = hits(served, who, q)
        assert found and found[0]["uscc"] == USCC, (who.role, q, found[:2])
        assert reason in found[0]["reasons"], found[0]["reasons"]
    for who in (PUBLIC, served.other):
        assert hits(served, who, q) == [], (who.role, q)


def test_the_api_answers_the_public_from_public_fields(served: Served) -> None:
    for q, _ in PRIVATE:
        for who in ("public", "enterprise2"):
            r = served.api.get("/api/search", as_=who, params={"q": q, "include_weak": True, "limit": 50})
            assert r.status_code == 200 and r.json()["items"] == [], (who, q, r.text)
        # Weak hits included: a two-syllable homophone of the alias (环翥) alone is only weak.
        official = served.api.get("/api/search", as_="official", params={"q": q, "include_weak": True}).json()["items"]
        assert official and official[0]["uscc"] == USCC, q


# ----------------------------------------------------------------------------- reasons
@pytest.mark.parametrize(("q", "reason"), LISTED)
def test_a_stock_listing_finds_the_firm_for_everyone(served: Served, q: str, reason: str) -> None:
    for who in (PUBLIC, served.other, served.own, OFFICIAL):
        found = hits(served, who, q)
        assert found and found[0]["uscc"] == USCC and reason in found[0]["reasons"], (who.role, q, found[:2])
        assert (found[0]["stock_codes"], found[0]["stock_names"]) == (["301999.SZ", "02838.HK"], ["汐泓股份"])
        if "股票代码" in reason:
            assert found[0]["score"] >= 0.9 and len(found) == 1, found[:3]  # certain, and no other firm


def test_stock_codes_of_another_exchange_find_nothing(served: Served) -> None:
    for q in ("301999.SH", "SH301999", "2838.SZ"):
        assert all(i["uscc"] != USCC for i in hits(served, OFFICIAL, q)), q


@pytest.mark.parametrize("q", [q for q, _ in PRIVATE] + [q for q, _ in LISTED] + MIXED + BROAD)
def test_reasons_shown_without_details_quote_no_hidden_value(served: Served, q: str) -> None:
    by_id = served.index.current().by_id
    for who in (PUBLIC, served.other):
        for item in hits(served, who, q):
            if item["uscc"] == who.uscc:
                continue
            doc = by_id[str(item["uscc"])]
            for reason in item["reasons"]:  # type: ignore[attr-defined]
                assert not leaks(reason, doc, q), (who.role, q, reason, leaks(reason, doc, q))
                assert public_reason(reason) == reason, reason  # drawn from public fields only


def test_the_firm_itself_sees_its_own_reasons_in_full(served: Served) -> None:
    found = hits(served, served.own, "澜汐量子陀螺仪")
    assert found[0]["uscc"] == USCC and "字号匹配, 产品: 量子陀螺仪" in found[0]["reasons"]
    public = hits(served, PUBLIC, "澜汐量子陀螺仪")
    assert public[0]["uscc"] == USCC and all("产品" not in r for r in public[0]["reasons"])  # type: ignore[attr-defined]


def test_every_reason_kind_says_only_its_field_when_made_public(served: Served) -> None:
    """`public_reason` over every reason officials get: no hidden value survives it."""
    by_id = served.index.current().by_id
    seen: set[str] = set()
    for q in [q for q, _ in PRIVATE + LISTED] + MIXED + BROAD + _zone_queries(served):
        for item in hits(served, OFFICIAL, q):
            for reason in item["reasons"]:  # type: ignore[attr-defined]
                seen.add(kind(reason))
                shown = public_reason(reason)
                assert not leaks(shown, by_id[str(item["uscc"])], q), (q, reason, shown)
    assert set(KINDS) <= seen, set(KINDS) - seen
    assert public_reason("同音字: 瑞广工贸→锐广工贸（曾用名）") == "曾用名匹配"
    assert public_reason("语义相近: 谐波磁齿轮、量子陀螺仪") == "语义相近"
    assert public_reason("字号匹配, 产品: 量子陀螺仪") == "产品匹配"


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} - {"常州", "江苏", "有限", "限公", "公司"}


def _zone_queries(served: Served) -> list[str]:
    """Demo firms' former names sharing no word with their names (a rename that kept its trade
    name is found by that name), English names, and one full name (全称匹配)."""
    docs = sorted(served.index.current().documents, key=lambda d: d.id)
    former = [f for d in docs for f in d.former_names[:1]
              if not _pairs(f) & _pairs(d.name + (d.short_name or ""))][:5]
    english = [d.english_name for d in docs if d.english_name][:5]
    return [*former, *(e for e in english if e), docs[0].name]


def test_demo_firms_are_not_found_by_former_or_english_names_by_the_public(served: Served) -> None:
    by_id = served.index.current().by_id
    for q in _zone_queries(served)[:-1]:
        official = {i["uscc"] for i in hits(served, OFFICIAL, q)}
        named = {u for u in official if q in (*by_id[str(u)].former_names, by_id[str(u)].english_name)}
        assert named, q
        public = {i["uscc"] for i in hits(served, PUBLIC, q)}
        assert not named & public, (q, named & public)


# ----------------------------------------------------------------------------- suggestions
@pytest.mark.parametrize("prefix", ["璟岫", "璟岫工", "常州璟岫", "jingxiu", "jingxiugong", "jxg", "bright", "brightmoor mo",
                                    "鹮", "鹮翥", "vm", "huanzh"])
def test_suggest_never_completes_a_hidden_field(served: Served, prefix: str) -> None:
    official = search_hits.suggest(principal=OFFICIAL, index=served.index, text=prefix)["items"]
    assert USCC in [s["uscc"] for s in official], prefix  # the prefix is the firm's hidden field's
    for who in (PUBLIC, served.other, served.own):
        items = search_hits.suggest(principal=who, index=served.index, text=prefix)["items"]
        assert USCC not in [s["uscc"] for s in items], (who.role, prefix)
    r = served.api.get("/api/search/suggest", params={"q": prefix})
    assert r.status_code == 200 and USCC not in [s["uscc"] for s in r.json()["items"]]


def test_suggest_still_completes_public_names(served: Served) -> None:
    for prefix in ("澜汐", "lanxi", "lxc"):
        items = search_hits.suggest(principal=PUBLIC, index=served.index, text=prefix)["items"]
        assert USCC in [s["uscc"] for s in items], prefix


@pytest.mark.parametrize(("prefix", "matched"), [("30199", "301999.SZ"), ("0283", "02838.HK"), ("汐泓", "汐泓股份")])
def test_suggest_completes_stock_listings_for_everyone(served: Served, prefix: str, matched: str) -> None:
    for who in (PUBLIC, served.other, OFFICIAL):
        items = search_hits.suggest(principal=who, index=served.index, text=prefix)["items"]
        assert {"uscc": USCC, "name": FIRM["企业名称"], "matched": matched} in items, (who.role, prefix, items)


def test_suggest_shows_an_alias_only_to_who_may_see_it(served: Served) -> None:
    items = search_hits.suggest(principal=OFFICIAL, index=served.index, text="鹮")["items"]
    assert {"uscc": USCC, "name": FIRM["企业名称"], "matched": "鹮翥"} in items


# ----------------------------------------------------------------------------- the profile
def test_the_profile_shows_listings_to_everyone_and_aliases_to_who_may_see_details(served: Served) -> None:
    url = f"/api/enterprises/{USCC}"
    public = served.api.get(url).json()
    other = served.api.get(url, as_="enterprise2").json()
    assert public == other and public["visibility"] == "public"
    assert public["stock_codes"] == ["301999.SZ", "02838.HK"] and public["stock_names"] == ["汐泓股份"]
    assert "aliases" not in public and "english_name" not in public
    official = served.api.get(url, as_="official").json()
    assert official["aliases"] == ["鹮翥", "VMX"] and official["stock_codes"] == public["stock_codes"]
    with Session(served.index.engine) as session:
        own = profiles.enterprise_profile(principal=served.own, session=session, uscc=USCC, audit=None)
    assert own["visibility"] == "full" and own["aliases"] == ["鹮翥", "VMX"]


# ----------------------------------------------------------------------------- vectors
class TopicEmbedder:
    """A fake embedder: texts mentioning 陀螺 point one way, every other text another."""

    name = "topic-fake"
    dim = 4

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            rows[i, 0 if "陀螺" in text else 1] = 1.0
        return rows

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def test_semantic_hits_are_for_officials_only(served: Served, tmp_path: Path) -> None:
    index = SearchIndex(served.index.engine, tmp_path / "search", TopicEmbedder(), background=False)
    index.build()
    body = search_hits.search(principal=OFFICIAL, index=index, audit=None, text="会转的陀螺")
    assert body["semantic"] is True and body["items"][0]["uscc"] == USCC
    reasons = body["items"][0]["reasons"]
    assert any(r.startswith("语义相近: ") and "量子陀螺仪" in r for r in reasons), reasons
    for who in (PUBLIC, served.other):
        body = search_hits.search(principal=who, index=index, audit=None, text="会转的陀螺", include_weak=True)
        assert body["items"] == [] and body["semantic"] is False
