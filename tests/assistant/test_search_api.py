"""`/api/search` and `/api/search/suggest`: every role, privacy of hits, bad input, rebuild after
an import, and (slow) the real e5 vectors saved and loaded again without re-encoding."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from assistant.access import accounts
from assistant.api.app import create_app
from scoring.ingest.importer import import_file
from scoring.uscc import make_uscc
from search.vector import E5Embedder
from tests.assistant.conftest import (
    Api,
    Isolated,
    Zone,
    assert_error,
    copy_zone,
    make_settings,
    zone_rows,
)

ROLES = ["public", "enterprise1", "enterprise2", "official", "admin"]
PRIVATE = ("total", "rank", "percentile", "year")
# Product words of the demo zone: each finds many firms for officials, so hits of several owners
# come back; the public and enterprises search public fields only (industry words: 光伏, 软件).
BROAD = ["光伏组件", "工业软件", "做汽车线束的", "医用导管", "生物医药", "光伏", "软件"]


@pytest.fixture(scope="module")
def app_none(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Isolated]:
    """A private copy of the zone served with text retrieval only (no model: fast)."""
    folder = copy_zone(zone, tmp_path_factory.mktemp("search-none"))
    settings = make_settings(folder, embedder="none", recheck_seconds=0)
    with TestClient(create_app(settings)) as client:
        yield Isolated(settings=settings, client=client, api=Api(client))


@pytest.fixture(scope="module")
def firms(zone: Zone) -> dict[str, dict[str, Any]]:
    """USCC → name, short name, products and newest total of every demo firm."""
    rows = zone_rows(zone.pristine,
        "select e.uscc, e.name, e.short_name, e.products, s.total from enterprise e join enterprisescore s "
        "on s.uscc = e.uscc and s.run_id = (select max(id) from scorerun where status = 'published')")
    return {u: {"name": n, "short_name": sn, "products": p, "total": t} for u, n, sn, p, t in rows}


def search(api: Api, who: str, **params: Any) -> Any:
    return api.get("/api/search", as_=who, params=params)


def owner(zone: Zone, who: str) -> str | None:
    return zone.own.get(who)


# ----------------------------------------------------------------------------- roles and privacy
@pytest.mark.parametrize("who", ROLES)
def test_every_role_finds_a_firm_by_name(app_none: Isolated, zone: Zone, firms: dict[str, Any], who: str) -> None:
    target = zone.own["enterprise1"]
    r = search(app_none.api, who, q=firms[target]["name"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["items"][0]["uscc"] == target and body["items"][0]["score"] >= 0.9
    assert body["semantic"] is False and body["year"] == zone.latest_year
    top = body["items"][0]
    if who in ("official", "admin", "enterprise1"):
        assert top["total"] == pytest.approx(firms[target]["total"]) and top["rank"] >= 1
    else:
        assert all(top[k] is None for k in PRIVATE), top


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("q", BROAD)
def test_no_hit_shows_another_firms_points(app_none: Isolated, zone: Zone, firms: dict[str, Any], who: str, q: str) -> None:
    r = search(app_none.api, who, q=q, limit=50, include_weak=True)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    if who in ("official", "admin") or q in ("光伏", "软件", "生物医药"):
        assert len({i["uscc"] for i in items}) >= 2, q  # hits of several firms came back
    mine = owner(zone, who)
    for item in items:
        sees = who in ("official", "admin") or item["uscc"] == mine
        if sees:
            assert item["total"] == pytest.approx(firms[item["uscc"]]["total"])
        else:
            assert all(item[k] is None for k in PRIVATE), item
            assert not any(":" in reason and reason.split(":")[0].endswith(("产品", "语义相近", "曾用名", "英文名"))
                           for reason in item["reasons"]), item["reasons"]
    if who in ("public", "enterprise2"):
        text = r.text
        for item in items:
            if item["uscc"] != mine:
                assert f"{firms[item['uscc']]['total']}" not in text


def test_reasons_keep_their_quote_for_officials_only(app_none: Isolated) -> None:
    official = search(app_none.api, "official", q="光伏组件").json()["items"]
    public = search(app_none.api, "public", q="光伏组件", include_weak=True).json()["items"]
    assert any("产品: 光伏组件" in r for i in official for r in i["reasons"])
    # Products are not public: the public finds firms through their industry, never their products.
    assert public and all("产品" not in r for i in public for r in i["reasons"])


def test_the_searcher_never_holds_points(app_none: Isolated) -> None:
    """Its tie-breaking would otherwise order equal hits by points for everyone to see."""
    snap = app_none.client.app.state.search.current()  # type: ignore[attr-defined]
    assert snap.documents and all(d.total is None for d in snap.documents)
    assert all(d.stage for d in snap.documents)


def test_points_range_is_for_officials(app_none: Isolated) -> None:
    r = search(app_none.api, "official", q="光伏", points_min=50, points_max=100, limit=50, include_weak=True)
    assert r.status_code == 200
    items = r.json()["items"]
    assert items and all(50 <= i["total"] <= 100 for i in items)
    for who in ("public", "enterprise1"):
        err = assert_error(search(app_none.api, who, q="光伏", points_min=50), 403)
        assert "工作人员" in err["message"]
    assert_error(search(app_none.api, "official", q="光伏", points_min=80, points_max=20), 400)


def test_stage_and_industry_filters(app_none: Isolated) -> None:
    items = search(app_none.api, "public", q="光伏", stage="startup", limit=50, include_weak=True).json()["items"]
    assert items and all(i["stage"] == "startup" and i["stage_name"] == "初创期" for i in items)
    items = search(app_none.api, "official", q="储能系统", industry="光伏", limit=50, include_weak=True).json()["items"]
    assert items and all(i["industry"] == "光伏" for i in items)
    assert_error(search(app_none.api, "public", q="光伏", stage="bogus"), 422)


def test_a_firm_not_in_the_store_gives_an_empty_list(app_none: Isolated) -> None:
    body = search(app_none.api, "official", q="贵州茅台酒股份有限公司").json()
    assert body["items"] == []


def _events(isolated: Isolated, username: str) -> list[Any]:
    isolated.client.app.state.audit.flush()  # type: ignore[attr-defined]
    engine = isolated.client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        rows, _ = accounts.audit_events(session=session, username=username, action="search", limit=100)
    return rows


def test_searches_returning_points_are_audited(app_none: Isolated, zone: Zone, firms: dict[str, Any]) -> None:
    before = {who: len(_events(app_none, who)) for who in ("official", "enterprise1", "enterprise2")}
    search(app_none.api, "official", q="光伏组件")
    own = firms[zone.own["enterprise1"]]["name"]
    search(app_none.api, "enterprise1", q=own)  # its own points: audited
    search(app_none.api, "enterprise2", q=own)  # public fields only: not audited
    after = {who: _events(app_none, who) for who in before}
    assert len(after["official"]) == before["official"] + 1
    assert "光伏组件" in after["official"][0].target
    assert len(after["enterprise1"]) == before["enterprise1"] + 1
    assert len(after["enterprise2"]) == before["enterprise2"]


# ----------------------------------------------------------------------------- suggest
def test_suggest_completes_names_with_public_fields(app_none: Isolated, firms: dict[str, Any]) -> None:
    uscc, firm = next((u, f) for u, f in sorted(firms.items()) if f["short_name"] and len(f["short_name"]) >= 2)
    for who in ("public", "official"):
        r = app_none.api.get("/api/search/suggest", as_=who, params={"q": firm["short_name"][:2], "limit": 8})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert uscc in [i["uscc"] for i in items]
        assert set(items[0]) == {"uscc", "name", "matched"}
        if who == "public":
            for i in items:
                assert i["matched"] in (i["name"], firms[i["uscc"]]["short_name"])


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("q", ["", "   ", "\u3000\t"])
def test_empty_queries_are_refused_in_chinese(app_none: Isolated, q: str) -> None:
    assert_error(search(app_none.api, "public", q=q), 422)
    assert_error(app_none.api.get("/api/search/suggest", params={"q": q}), 422)


def test_missing_query_and_bad_limits(app_none: Isolated) -> None:
    assert_error(app_none.api.get("/api/search"), 422)
    for limit in (0, -1, 51, "x"):
        assert_error(search(app_none.api, "public", q="光伏", limit=limit), 422)


def test_a_10000_character_query_is_refused_fast(app_none: Isolated) -> None:
    start = time.perf_counter()
    assert_error(search(app_none.api, "public", q="a" * 10_000), 422)
    assert_error(search(app_none.api, "public", q="光" * 5_000), 422)  # 45 KB of URL: the client's limit is near
    assert_error(app_none.api.get("/api/search/suggest", params={"q": "a" * 10_000}), 422)
    assert time.perf_counter() - start < 5.0  # refused by validation, before any search (loaded host)


@pytest.mark.parametrize("q", [
    "\x00\x01\x1b[31m", "😀🚀", "'; DROP TABLE enterprise; --", "' OR 1=1 --", ".*[(+?\\", "%_%",
    "，。！？、；：", "()[]{}<>", "光伏\x00组件", "ＡＢＣ１２３", "a" * 200,
])
def test_hostile_queries_answer_200(app_none: Isolated, q: str) -> None:
    for path in ("/api/search", "/api/search/suggest"):
        r = app_none.api.get(path, params={"q": q[:50] if "suggest" in path else q})
        assert r.status_code in (200, 422), (path, r.status_code, r.text)
        if r.status_code == 200:
            assert isinstance(r.json()["items"], list)
        else:
            assert_error(r, 422)
    assert search(app_none.api, "official", q="光伏组件").json()["items"]  # the service still answers


def test_bytes_that_are_not_utf8_answer_200(app_none: Isolated) -> None:
    for raw in ("%ED%A0%80", "%FF%FE", "%C0%AF", "%E5%85"):  # a lone surrogate, junk, overlong, cut short
        for path in ("/api/search", "/api/search/suggest"):
            r = app_none.client.get(f"{path}?q={raw}")
            assert r.status_code in (200, 422), (path, raw, r.text)


def test_status_is_for_officials(app_none: Isolated) -> None:
    assert_error(app_none.api.get("/api/search/status"), 403)
    body = app_none.api.get("/api/search/status", as_="official").json()
    assert body["embedder"] == "none" and body["loaded"]["documents"] > 0


# ----------------------------------------------------------------------------- rebuild after import
def _register_csv(folder: Path, rows: Sequence[dict[str, str]]) -> Path:
    path = folder / "工商登记.csv"
    header = list(rows[0])
    path.write_text("\n".join([",".join(header), *(",".join(r[h] for h in header) for r in rows)]) + "\n", encoding="utf-8")
    return path


def new_firm(seed: int, name: str, short: str, products: str) -> dict[str, str]:
    return {"统一社会信用代码": make_uscc(np.random.default_rng(seed)), "企业名称": name, "企业简称": short,
            "所属行业": "光伏", "主要产品": products, "成立日期": "2020-05-01"}


def test_an_import_makes_a_new_firm_findable(isolated_factory: Callable[..., Isolated], tmp_path: Path, zone: Zone) -> None:
    iso = isolated_factory(embedder="none", recheck_seconds=0)
    assert search(iso.api, "official", q="常州曦澜光能科技有限公司").json()["items"] == []
    before = iso.api.get("/api/search/status", as_="official").json()["loaded"]["signature"]
    firm = new_firm(5, "常州曦澜光能科技有限公司", "曦澜光能", "钙钛矿电池")
    engine = iso.client.app.state.engine  # type: ignore[attr-defined]
    report = import_file(engine=engine, source="register", path=_register_csv(tmp_path, [firm]), year=zone.latest_year)
    assert not report.errors, report.errors
    for q in ("常州曦澜光能科技有限公司", "曦澜光能", "xilanguangneng", "曦兰光能"):
        items = search(iso.api, "official", q=q).json()["items"]
        assert items and items[0]["uscc"] == firm["统一社会信用代码"], q
    assert items[0]["total"] is None  # not scored yet
    after = iso.api.get("/api/search/status", as_="official").json()["loaded"]["signature"]
    assert after != before and "enterprises=201" in after


# ----------------------------------------------------------------------------- real vectors (e5)
class Counting:
    """Records the passages E5Embedder encodes (installed on the class for one test)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.passages: list[str] = []
        real = E5Embedder.encode_passages

        def encode_passages(embedder: E5Embedder, texts: Sequence[str]) -> Any:
            self.passages.extend(texts)
            return real(embedder, texts)

        monkeypatch.setattr(E5Embedder, "encode_passages", encode_passages)


@pytest.mark.slow
def test_e5_vectors_are_saved_then_loaded_without_encoding(
    zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = copy_zone(zone, tmp_path / "zone")
    settings = make_settings(folder, embedder="e5", recheck_seconds=0)
    counting = Counting(monkeypatch)
    with TestClient(create_app(settings)) as client:
        api, index = Api(client), client.app.state.search  # type: ignore[attr-defined]
        first = search(api, "official", q="光伏组件")
        assert first.status_code == 200  # answered by the text retrievers while vectors are made
        assert index.wait(timeout=300)
        body = search(api, "official", q="太阳能电池板制造商", limit=5).json()
        assert body["semantic"] is True
        assert body["items"] and body["items"][0]["industry"] == "光伏"
        assert any(r.startswith("语义相近") for i in body["items"] for r in i["reasons"])
        public = search(api, "public", q="太阳能电池板制造商", limit=5).json()["items"]
        assert all(r == "语义相近" or not r.startswith("语义相近") for i in public for r in i["reasons"])
        encoded = len(counting.passages)
        assert encoded == len(set(counting.passages)) and 150 <= encoded <= 200  # each text once
    files = sorted(p.name for p in (folder / "search").glob("*/vectors/*"))
    assert files == ["ids.npy", "index.faiss", "keys.npy", "meta.json"]

    counting.passages.clear()
    with TestClient(create_app(settings)) as client:  # a restart: the saved index is loaded
        api, index = Api(client), client.app.state.search  # type: ignore[attr-defined]
        body = search(api, "official", q="太阳能电池板制造商", limit=5).json()
        assert body["semantic"] is True and counting.passages == []
        # An import of one firm: only its passage is encoded, within the request.
        firm = new_firm(11, "常州澄曜新能源科技有限公司", "澄曜", "光伏逆变器、储能系统")
        import_file(engine=client.app.state.engine, source="register",  # type: ignore[attr-defined]
                    path=_register_csv(tmp_path, [firm]), year=zone.latest_year)
        body = search(api, "official", q="澄曜新能源").json()
        assert body["semantic"] is True and body["items"][0]["uscc"] == firm["统一社会信用代码"]
        assert len(counting.passages) == 1 and "澄曜" in counting.passages[0]
        status = api.get("/api/search/status", as_="official").json()
        assert status["stale"] is False and status["index"]["count"] == 201
