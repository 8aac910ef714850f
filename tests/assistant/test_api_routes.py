"""Every route's happy path on the demo zone, checking content (sums, order, consistency between
routes), through TestClient and — for a subset — through the live uvicorn server with httpx."""

from __future__ import annotations

import io
import math
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import openpyxl
import pytest

from tests.assistant.conftest import SECRET, ZONE_SIZE, Api, Zone, bearer, login

STAGE_ORDER = ["startup", "growth", "development", "mature"]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def everyone(api: Api) -> list[dict[str, Any]]:
    """Every enterprise of the latest run as an official sees it (one page of 200)."""
    r = api.get("/api/enterprises", as_="official", params={"size": 200})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == ZONE_SIZE and len(body["items"]) == ZONE_SIZE
    return body["items"]  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- the harness
def test_network_blocker_refuses_outbound_connections(live_server: str) -> None:
    """Nothing in a test may reach another machine; this machine's own servers stay reachable."""
    import socket

    from tests.assistant.conftest import NetworkBlocked

    with pytest.raises(NetworkBlocked):
        socket.create_connection(("203.0.113.7", 443), timeout=1)  # TEST-NET-3: never routed
    with pytest.raises(NetworkBlocked):
        httpx.get("http://192.0.2.1/", timeout=1)
    assert httpx.get(f"{live_server}/api/health", timeout=10).status_code == 200


# ----------------------------------------------------------------------------- health, login, me
def test_health(api: Api) -> None:
    r = api.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_root_serves_the_portal(api: Api) -> None:
    r = api.client.get("/", follow_redirects=False)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "概况" in r.text


def test_login_issues_a_bearer_token_for_the_user(api: Api, settings: Any) -> None:
    r = api.post("/api/auth/token", data={"username": "official", "password": "demo-official-2026"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == settings.token_minutes * 60
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "official" and claims["exp"] - claims["iat"] == settings.token_minutes * 60
    me = api.client.get("/api/auth/me", headers=bearer(body["access_token"])).json()
    assert me == {"role": "official", "role_name": "园区工作人员", "username": "official", "uscc": None,
                  "usccs": []}


def test_me_names_each_role(api: Api, zone: Zone) -> None:
    assert api.get("/api/auth/me").json() == {"role": "public", "role_name": "公众", "username": "", "uscc": None,
                                               "usccs": []}
    assert api.get("/api/auth/me", as_="admin").json()["role"] == "admin"
    me = api.get("/api/auth/me", as_="enterprise2").json()
    assert me == {"role": "enterprise", "role_name": "企业用户", "username": "enterprise2", "uscc": zone.own["enterprise2"],
                  "usccs": [zone.own["enterprise2"]]}


def test_demo_accounts_are_bound_to_the_first_three_demo_enterprises(api: Api, zone: Zone) -> None:
    from scoring.demo.build import build_demo

    first = list(build_demo(n=ZONE_SIZE).enterprises.index[:3])
    assert [zone.own[f"enterprise{i}"] for i in (1, 2, 3)] == first


# ----------------------------------------------------------------------------- enterprises
def test_enterprise_list_for_officials_has_points_and_pages(api: Api, everyone: list[dict[str, Any]]) -> None:
    assert all(e["total"] is not None and e["rank"] >= 1 and 0 <= e["percentile"] <= 100 for e in everyone)
    assert [e["uscc"] for e in everyone] == sorted(e["uscc"] for e in everyone)  # default sort: uscc asc
    assert len({e["uscc"] for e in everyone}) == ZONE_SIZE
    p1 = api.get("/api/enterprises", as_="official", params={"size": 7, "page": 1}).json()
    p2 = api.get("/api/enterprises", as_="official", params={"size": 7, "page": 2}).json()
    assert p1["total"] == p2["total"] == ZONE_SIZE and (p1["page"], p1["size"]) == (1, 7)
    assert [e["uscc"] for e in p1["items"] + p2["items"]] == [e["uscc"] for e in everyone[:14]]
    beyond = api.get("/api/enterprises", as_="official", params={"size": 200, "page": 2}).json()
    assert beyond["items"] == [] and beyond["total"] == ZONE_SIZE


def test_enterprise_list_sorts_and_filters(api: Api, everyone: list[dict[str, Any]]) -> None:
    by_total = api.get("/api/enterprises", as_="official", params={"sort": "total", "order": "desc", "size": 200}).json()["items"]
    totals = [e["total"] for e in by_total]
    assert totals == sorted(totals, reverse=True)
    by_name = api.get("/api/enterprises", as_="official", params={"sort": "name", "size": 200}).json()["items"]
    assert [e["name"] for e in by_name] == sorted(e["name"] for e in everyone)
    band = api.get("/api/enterprises", as_="official", params={"min_points": 40, "max_points": 60, "size": 200}).json()
    expected = [e["uscc"] for e in everyone if 40 <= e["total"] <= 60]
    assert band["total"] == len(expected) and [e["uscc"] for e in band["items"]] == expected
    stage = api.get("/api/enterprises", params={"stage": "mature", "size": 200}).json()
    assert stage["total"] == sum(e["stage"] == "mature" for e in everyone) and all(e["stage"] == "mature" for e in stage["items"])
    industry = everyone[0]["industry"]
    same = api.get("/api/enterprises", params={"industry": industry, "size": 200}).json()
    assert same["total"] == sum(e["industry"] == industry for e in everyone) and all(e["industry"] == industry for e in same["items"])


def test_enterprise_list_of_an_earlier_year(api: Api, zone: Zone) -> None:
    first = zone.years[0]
    body = api.get("/api/enterprises", as_="official", params={"year": first, "size": 200}).json()
    assert body["total"] == ZONE_SIZE


def test_profile_in_full_for_officials(api: Api, everyone: list[dict[str, Any]], zone: Zone) -> None:
    row = everyone[0]
    p = api.get(f"/api/enterprises/{row['uscc']}", as_="official").json()
    assert p["visibility"] == "full" and p["uscc"] == row["uscc"] and p["name"] == row["name"]
    assert p["stage"] == row["stage"] and p["industry"] == row["industry"]
    assert p["latest"] == {"year": zone.latest_year, "total": row["total"], "rank": row["rank"], "percentile": row["percentile"]}
    for key in ("address", "legal_representative", "industry_code", "business_scope", "founding_date"):
        assert key in p


def test_portrait_adds_up(api: Api, everyone: list[dict[str, Any]], zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    row = next(e for e in everyone if e["uscc"] == uscc)
    p = api.get(f"/api/enterprises/{uscc}/portrait", as_="official").json()
    assert p["uscc"] == uscc and p["year"] == zone.latest_year
    assert math.isclose(p["total"], sum(c["points"] for c in p["categories"]), abs_tol=1e-6)
    assert (p["total"], p["rank"], p["percentile"], p["stage"]) == (row["total"], row["rank"], row["percentile"], row["stage"])
    assert all(0 <= c["points"] <= c["max_points"] + 1e-9 for c in p["categories"])
    assert math.isclose(sum(c["max_points"] for c in p["categories"]), p["max_total"])
    assert p["stage_size"] == sum(e["stage"] == p["stage"] for e in everyone)
    assert 1 <= p["rank"] <= p["stage_size"]
    # category points are the sum of their indicators' points (before category caps: never more)
    for cat in p["categories"]:
        inds = [i["points"] for i in p["indicators"] if i["category"] == cat["code"]]
        assert inds and cat["points"] <= sum(inds) + 1e-6
    assert p["missing"] == [i["code"] for i in p["indicators"] if i["missing"]]
    assert [a["gain"] for a in p["advice"]] == sorted((a["gain"] for a in p["advice"]), reverse=True)
    assert all(a["gain"] > 0 for a in p["advice"])
    assert [t["year"] for t in p["trend"]] == zone.years and p["trend"][-1]["total"] == p["total"]


def test_official_evaluations_for_the_firm_and_officials_only(api: Api, zone: Zone) -> None:
    """科小 and 高企 computed on the firm's own data (the portrait's 官方评价): for the firm itself and
    officials; another enterprise and the public get 404, as for the portrait; an unknown firm 404."""
    uscc = zone.own["enterprise1"]
    mine = api.get(f"/api/enterprises/{uscc}/evaluations", as_="enterprise1")
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["uscc"] == uscc and body["year"] == zone.latest_year
    names = {e["name"] for e in body["evaluations"]}
    assert any("科技型中小企业" in n for n in names) and any("高新技术企业" in n for n in names), names
    for e in body["evaluations"]:
        assert e["verdicts"] and all(isinstance(v["passed"], bool) and v["route"] for v in e["verdicts"])
        assert 0 <= e["total"] <= e["max_total"] + 1e-9
        assert math.isclose(e["total"], sum(c["points"] for c in e["categories"]), abs_tol=1e-6)
        assert all(m["field"] and m["source_name"] for m in e["missing"])
    assert api.get(f"/api/enterprises/{uscc}/evaluations", as_="official").json() == body  # the same figures
    earlier = api.get(f"/api/enterprises/{uscc}/evaluations", as_="official", params={"year": zone.years[0]}).json()
    assert earlier["year"] == zone.years[0]
    assert api.get(f"/api/enterprises/{uscc}/evaluations", as_="enterprise2").status_code == 404
    assert api.get(f"/api/enterprises/{uscc}/evaluations").status_code == 404
    assert api.get(f"/api/enterprises/{uscc}/portrait").status_code == 404
    unknown = "91320400MA1XXXXX0" + "0"
    assert api.get(f"/api/enterprises/{unknown}/evaluations", as_="official").status_code in (404, 422)


def test_portrait_of_an_earlier_year(api: Api, zone: Zone) -> None:
    uscc = zone.own["enterprise2"]
    first = zone.years[0]
    p = api.get(f"/api/enterprises/{uscc}/portrait", as_="official", params={"year": first}).json()
    assert p["year"] == first
    assert p["trend"][0]["total"] == p["total"]  # the trend is always every year
    assert [t["year"] for t in p["trend"]] == zone.years


# ----------------------------------------------------------------------------- rankings, stats
@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_ranking_is_sorted_with_competition_ranks(api: Api, everyone: list[dict[str, Any]], stage: str) -> None:
    body = api.get("/api/rankings", as_="official", params={"stage": stage, "size": 200}).json()
    mine = [e for e in everyone if e["stage"] == stage]
    assert body["total"] == len(mine) == len(body["items"]) and body["stage"] == stage and body["category"] is None
    points = [i["points"] for i in body["items"]]
    assert points == sorted(points, reverse=True)
    for item in body["items"]:
        assert item["stage"] == stage and item["points"] == item["total"]
        assert item["rank"] == 1 + sum(p > item["points"] for p in points)
    # the ranking's ranks are the stage ranks the list shows
    assert {i["uscc"]: i["rank"] for i in body["items"]} == {e["uscc"]: e["rank"] for e in mine}


def test_ranking_by_category_and_pages(api: Api, zone: Zone) -> None:
    body = api.get("/api/rankings", as_="official", params={"stage": "growth", "category": "input", "size": 200}).json()
    assert body["category"] == "input"
    points = [i["points"] for i in body["items"]]
    assert points == sorted(points, reverse=True)
    top = body["items"][0]
    portrait = api.get(f"/api/enterprises/{top['uscc']}/portrait", as_="official").json()
    assert next(c["points"] for c in portrait["categories"] if c["code"] == "input") == pytest.approx(top["points"])
    p2 = api.get("/api/rankings", as_="official", params={"stage": "growth", "category": "input", "size": 5, "page": 2}).json()
    assert [i["uscc"] for i in p2["items"]] == [i["uscc"] for i in body["items"][5:10]]


def test_distribution_adds_up(api: Api, everyone: list[dict[str, Any]], zone: Zone) -> None:
    d = api.get("/api/stats/distribution", as_="official").json()
    assert d["enterprises"] == ZONE_SIZE and d["year"] == zone.latest_year
    counts = Counter(e["stage"] for e in everyone)
    assert {s["stage"]: s["count"] for s in d["stages"]} == {s: counts.get(s, 0) for s in STAGE_ORDER}
    assert sum(s["count"] for s in d["stages"]) == ZONE_SIZE
    assert sum(s["share"] for s in d["stages"]) == pytest.approx(100, abs=0.3)
    assert sum(b["count"] for b in d["histogram"]) == ZONE_SIZE
    assert d["histogram"][0]["lo"] == 0 and all(b["hi"] - b["lo"] == pytest.approx(10) for b in d["histogram"])
    for b in d["histogram"]:
        inside = sum(b["lo"] <= e["total"] < b["hi"] or (b is d["histogram"][-1] and e["total"] == b["hi"]) for e in everyone)
        assert b["count"] == inside
    for cat in d["categories"]:
        for mean in cat["by_stage"].values():
            assert mean is not None and 0 <= mean <= cat["max_points"]
    coarse = api.get("/api/stats/distribution", as_="official", params={"bin_width": 25}).json()
    assert len(coarse["histogram"]) == 4 and sum(b["count"] for b in coarse["histogram"]) == ZONE_SIZE


def test_distribution_mean_totals_are_the_means_of_the_totals(api: Api, everyone: list[dict[str, Any]]) -> None:
    d = api.get("/api/stats/distribution", as_="official").json()
    assert d["totals"]["mean"] == pytest.approx(sum(e["total"] for e in everyone) / len(everyone), abs=0.005)
    for stage in STAGE_ORDER:
        part = [e["total"] for e in everyone if e["stage"] == stage]
        assert d["totals"]["by_stage"][stage] == pytest.approx(sum(part) / len(part), abs=0.005)
    public = api.get("/api/stats/distribution").json()  # every stage of the demo zone has five or more
    assert public["totals"] == d["totals"]


def test_distribution_category_means_match_the_credit_list(api: Api) -> None:
    d = api.get("/api/stats/distribution", as_="official").json()
    items = api.get("/api/lists/credit", as_="official", params={"min_total": 0}).json()["items"]
    assert len(items) == ZONE_SIZE
    for cat in d["categories"]:
        for stage in STAGE_ORDER:
            pts = [i["categories"][cat["code"]] for i in items if i["stage"] == stage]
            assert cat["by_stage"][stage] == pytest.approx(sum(pts) / len(pts), abs=0.006)


# ----------------------------------------------------------------------------- systems, runs
def test_systems_list_and_one(api: Api) -> None:
    systems = api.get("/api/systems").json()
    versions = {s["version"] for s in systems}
    assert {"1.0", "1.1"} <= versions
    for s in systems:
        one = api.get(f"/api/systems/{s['version']}").json()
        assert one["version"] == s["version"] and len(one["indicators"]) == s["indicators"]
        assert len(one["categories"]) == s["categories"]
        assert sum(c["max_points"] for c in one["categories"]) == pytest.approx(s["max_total"])


def test_systems_diff_lists_added_and_removed_indicators(api: Api) -> None:
    old = {i["code"] for i in api.get("/api/systems/1.0").json()["indicators"]}
    new = {i["code"] for i in api.get("/api/systems/1.1").json()["indicators"]}
    d = api.get("/api/systems/1.0/diff/1.1").json()
    assert (d["old"], d["new"]) == ("1.0", "1.1")
    assert {i["code"] for i in d["added"]} == new - old and new - old
    assert {i["code"] for i in d["removed"]} == old - new and old - new
    assert d["lines"][0] == "指标体系 1.0 → 1.1"
    assert all(any(i["code"] in line for line in d["lines"]) for i in d["added"] + d["removed"])
    back = api.get("/api/systems/1.1/diff/1.0").json()
    assert {i["code"] for i in back["added"]} == old - new and {i["code"] for i in back["removed"]} == new - old
    same = api.get("/api/systems/1.1/diff/1.1").json()
    assert same["added"] == same["removed"] == same["changed"] == []


def test_runs_list_and_one(api: Api, zone: Zone) -> None:
    runs = api.get("/api/runs").json()
    assert sorted({r["year"] for r in runs}) == zone.years
    assert all(r["status"] == "published" and r["n_enterprises"] == ZONE_SIZE for r in runs)
    for r in runs:
        assert api.get(f"/api/runs/{r['id']}").json() == r
    assert {r["system_version"] for r in runs if r["year"] == zone.latest_year} == {"1.1"}


# ----------------------------------------------------------------------------- credit lists
def test_credit_list_by_threshold(api: Api, everyone: list[dict[str, Any]]) -> None:
    body = api.get("/api/lists/credit", as_="official", params={"min_total": 60}).json()
    assert body["rule"] == "总分≥60"
    assert {i["uscc"] for i in body["items"]} == {e["uscc"] for e in everyone if e["total"] >= 60}
    keys = [(STAGE_ORDER.index(i["stage"]), i["rank"], i["uscc"]) for i in body["items"]]
    assert keys == sorted(keys)
    for i in body["items"]:
        assert math.isclose(sum(i["categories"].values()), i["total"], abs_tol=1e-5)


def test_credit_list_top_n_per_stage(api: Api, everyone: list[dict[str, Any]]) -> None:
    body = api.get("/api/lists/credit", as_="official", params={"top": 3}).json()
    assert body["rule"] == "各阶段前3名"
    assert {i["uscc"] for i in body["items"]} == {e["uscc"] for e in everyone if e["rank"] <= 3}
    per_stage = Counter(i["stage"] for i in body["items"])
    assert all(per_stage[s] >= 3 for s in STAGE_ORDER)
    both = api.get("/api/lists/credit", as_="official", params={"top": 3, "min_total": 70}).json()
    assert {i["uscc"] for i in both["items"]} == {e["uscc"] for e in everyone if e["rank"] <= 3 and e["total"] >= 70}


def test_credit_list_as_xlsx(api: Api, zone: Zone) -> None:
    as_json = api.get("/api/lists/credit", as_="official", params={"top": 5}).json()
    r = api.get("/api/lists/credit", as_="official", params={"top": 5, "format": "xlsx"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["content-disposition"] and f"_{zone.latest_year}.xlsx" in r.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert str(zone.latest_year) in rows[0][0] and "各阶段前5名" in rows[0][0]
    system = api.get("/api/systems/1.1").json()
    assert list(rows[1]) == ["统一社会信用代码", "企业名称", "行业", "成长阶段", "总分", "阶段内排名", *[c["name"] for c in system["categories"]]]
    data = rows[2:]
    assert len(data) == len(as_json["items"])
    for row, item in zip(data, as_json["items"], strict=True):
        assert row[0] == item["uscc"] and row[1] == item["name"] and row[3] == item["stage_name"]
        assert row[4] == pytest.approx(item["total"]) and row[5] == item["rank"]
        assert list(row[6:]) == pytest.approx([item["categories"][c["code"]] for c in system["categories"]])


# ----------------------------------------------------------------------------- users, audit
def test_users_list_hides_credentials(api: Api, zone: Zone) -> None:
    users = api.get("/api/users", as_="admin").json()
    by_name = {u["username"]: u for u in users}
    assert {"admin", "official", "enterprise1", "enterprise2", "enterprise3"} <= set(by_name)
    assert by_name["enterprise3"]["uscc"] == zone.own["enterprise3"] and by_name["enterprise3"]["role"] == "enterprise"
    for u in users:
        assert set(u) == {"username", "role", "uscc", "usccs", "display_name", "disabled"}


def test_add_user_disable_and_api_keys(api: Api, zone: Zone) -> None:
    name = unique("clerk")
    r = api.post("/api/users", as_="admin", json={"username": name, "password": "a-long-password-1", "role": "official", "display_name": "科员"})
    assert r.status_code == 201, r.text
    assert r.json() == {"username": name, "role": "official", "uscc": None, "usccs": [], "display_name": "科员",
                        "disabled": False}
    token = login(api.client, name, "a-long-password-1")
    assert api.client.get("/api/auth/me", headers=bearer(token)).json()["username"] == name
    ent = unique("ent")
    lower = zone.own["enterprise1"].lower()
    r = api.post("/api/users", as_="admin", json={"username": ent, "password": "a-long-password-1", "role": "enterprise", "uscc": lower})
    assert r.status_code == 201 and r.json()["uscc"] == zone.own["enterprise1"]  # normalized
    r = api.post(f"/api/users/{name}/api-keys", as_="admin")
    assert r.status_code == 201
    key = r.json()["api_key"]
    assert r.json()["username"] == name and key.startswith("ipk_") and len(key) > 40
    me = api.client.get("/api/auth/me", headers={"X-API-Key": key}).json()
    assert me["username"] == name and me["role"] == "official"
    second = api.post(f"/api/users/{name}/api-keys", as_="admin").json()["api_key"]
    assert second != key
    r = api.post(f"/api/users/{name}/disable", as_="admin")
    assert r.status_code == 200 and r.json()["disabled"] is True
    listed = {u["username"]: u for u in api.get("/api/users", as_="admin").json()}
    assert listed[name]["disabled"] is True and listed[ent]["disabled"] is False


def test_audit_lists_newest_first_with_filters(api: Api, zone: Zone) -> None:
    uscc = zone.own["enterprise3"]
    api.get(f"/api/enterprises/{uscc}/portrait", as_="official")
    body = api.get("/api/audit", as_="admin", params={"username": "official", "action": "read_portrait", "size": 5}).json()
    assert body["page"] == 1 and body["size"] == 5 and body["total"] >= 1
    ids = [e["id"] for e in body["items"]]
    assert ids == sorted(ids, reverse=True)
    assert all(e["username"] == "official" and e["action"] == "read_portrait" for e in body["items"])
    newest = body["items"][0]
    assert newest["target"] == uscc and newest["path"] == f"/api/enterprises/{uscc}/portrait" and newest["role"] == "official"
    everything = api.get("/api/audit", as_="admin", params={"size": 200}).json()
    assert everything["total"] >= body["total"] and len(everything["items"]) == min(200, everything["total"])


# ----------------------------------------------------------------------------- the live server
@pytest.fixture(scope="module")
def live(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def live_tokens(live: httpx.Client) -> dict[str, dict[str, str]]:
    return {who: bearer(login(live, who)) for who in ("admin", "official", "enterprise1")}


PUBLIC_GETS = [
    "/api/health",
    "/api/enterprises?size=50&stage=growth",
    "/api/stats/distribution",
    "/api/systems",
    "/api/systems/1.1",
    "/api/systems/1.0/diff/1.1",
    "/api/runs",
    "/api/runs/1",
]
OFFICIAL_GETS = [
    "/api/enterprises?size=50&sort=total&order=desc",
    "/api/enterprises/{own}",
    "/api/enterprises/{own}/portrait",
    "/api/rankings?stage=mature&size=50",
    "/api/stats/distribution?bin_width=5",
    "/api/lists/credit?top=2",
]


@pytest.mark.parametrize("path", PUBLIC_GETS)
def test_live_server_public_reads_match_the_test_client(live: httpx.Client, api: Api, path: str) -> None:
    r = live.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == api.get(path).json()


@pytest.mark.parametrize("path", OFFICIAL_GETS)
def test_live_server_official_reads_match_the_test_client(live: httpx.Client, live_tokens: dict[str, dict[str, str]], api: Api, zone: Zone, path: str) -> None:
    path = path.format(own=zone.own["enterprise1"])
    r = live.get(path, headers=live_tokens["official"])
    assert r.status_code == 200, r.text
    assert r.json() == api.get(path, as_="official").json()


def test_live_server_login_and_enterprise_view(live: httpx.Client, live_tokens: dict[str, dict[str, str]], zone: Zone) -> None:
    own, other = zone.own["enterprise1"], zone.own["enterprise2"]
    me = live.get("/api/auth/me", headers=live_tokens["enterprise1"]).json()
    assert me["uscc"] == own
    p = live.get(f"/api/enterprises/{own}/portrait", headers=live_tokens["enterprise1"])
    assert p.status_code == 200 and math.isclose(p.json()["total"], sum(c["points"] for c in p.json()["categories"]), abs_tol=1e-6)
    assert live.get(f"/api/enterprises/{other}/portrait", headers=live_tokens["enterprise1"]).status_code == 404
    assert live.post("/api/auth/token", data={"username": "official", "password": "demo-official-2026"}).status_code == 200


def test_live_server_credit_xlsx(live: httpx.Client, live_tokens: dict[str, dict[str, str]]) -> None:
    r = live.get("/api/lists/credit", params={"top": 1, "format": "xlsx"}, headers=live_tokens["official"])
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "统一社会信用代码" and len(rows) - 2 >= 4
    assert all(re.fullmatch(r"[0-9A-Z]{18}", row[0]) and row[5] == 1 for row in rows[2:])


def test_live_server_users_and_audit(live: httpx.Client, live_tokens: dict[str, dict[str, str]]) -> None:
    admin = live_tokens["admin"]
    name = unique("live")
    r = live.post("/api/users", headers=admin, json={"username": name, "password": "a-long-password-2", "role": "official"})
    assert r.status_code == 201
    key = live.post(f"/api/users/{name}/api-keys", headers=admin).json()["api_key"]
    assert live.get("/api/rankings", params={"stage": "growth"}, headers={"X-API-Key": key}).status_code == 200
    assert live.post(f"/api/users/{name}/disable", headers=admin).json()["disabled"] is True
    assert live.get("/api/auth/me", headers={"X-API-Key": key}).status_code == 401
    assert any(u["username"] == name for u in live.get("/api/users", headers=admin).json())
    events = live.get("/api/audit", params={"username": name}, headers=admin).json()["items"]
    reads = [e for e in events if e["action"] == "read_ranking"]
    assert reads and reads[0]["client"] == "127.0.0.1" and reads[0]["role"] == "official"


def test_cached_answers_are_the_same_json_with_and_without_gzip(api: Api, zone: Zone) -> None:
    """Portraits and rankings are kept compressed too; a client that accepts gzip gets that copy."""
    uscc = next(iter(zone.own.values()))
    for path in (f"/api/enterprises/{uscc}/portrait", "/api/rankings?stage=startup&size=5"):
        plain = api.get(path, as_="official", headers={"Accept-Encoding": "identity"})
        packed = api.get(path, as_="official", headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == packed.status_code == 200
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert int(packed.headers["content-length"]) < int(plain.headers["content-length"]) / 2
        assert packed.json() == plain.json()


def test_a_system_definition_words_each_indicator_as_the_cli_does(api: Api) -> None:
    """The portal's 指标体系 page reads formulas and rules in words from the API (not codes)."""
    from assistant.cli.systems import system_lines
    from scoring.systems.loader import find_system

    d = api.get("/api/systems/1.1").json()
    lines = "\n".join(system_lines(find_system("1.1", api.client.app.state.settings.systems_dir)))
    assert d["stage_words"] and all(w in lines for w in d["stage_words"])
    for ind in d["indicators"]:
        words = ind["words"]
        assert set(words) == {"formula", "rule", "weights", "source"}
        assert f"公式：{words['formula']}" in lines and f"计分：{words['rule']}" in lines and f"权重：{words['weights']}" in lines
