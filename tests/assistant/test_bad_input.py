"""Bad input gets a 4xx in the error shape with a Chinese message — never a 5xx, never a page of
English from the framework."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from scoring.uscc import make_usccs
from tests.assistant.conftest import Api, Zone, assert_error, bearer, login


@pytest.fixture(scope="module")
def unknown_uscc(api: Api) -> str:
    known = {e["uscc"] for e in api.get("/api/enterprises", as_="official", params={"size": 200}).json()["items"]}
    return next(u for u in make_usccs(np.random.default_rng(777), 50) if u not in known)


# ----------------------------------------------------------------------------- USCCs
def test_unknown_uscc_is_404(api: Api, unknown_uscc: str) -> None:
    err = assert_error(api.get(f"/api/enterprises/{unknown_uscc}", as_="official"), 404, "not_found")
    assert unknown_uscc in err["message"]
    assert_error(api.get(f"/api/enterprises/{unknown_uscc}/portrait", as_="official"), 404, "not_found")
    assert_error(api.get(f"/api/enterprises/{unknown_uscc}"), 404, "not_found")


MALFORMED = {
    "too short": "123",
    "too long": "91320411MA6PBT8L2FX1",
    "wrong check character": None,  # built from a real code below
    "illegal letter I": "9132041IMA6PBT8L2F",
    "letters O and Z": "91320411MA6PBTOZ2F",
    "punctuation": "91320411MA6PBT8L2-",
    "chinese": "统一社会信用代码统一社会信用代码统一",
}


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("suffix", ["", "/portrait"])
def test_malformed_uscc_is_refused_clearly(api: Api, zone: Zone, case: str, suffix: str) -> None:
    code = MALFORMED[case]
    if code is None:
        real = zone.own["enterprise1"]
        code = real[:17] + ("0" if real[17] != "0" else "1")
    r = api.get(f"/api/enterprises/{code}{suffix}", as_="official")
    err = assert_error(r, (400, 422))
    assert "统一社会信用代码" in err["message"] or "请求参数有误" in err["message"]


@pytest.mark.parametrize("form", ["lower", "full-width", "spaces"])
def test_lowercase_full_width_and_spaced_uscc_are_normalized(api: Api, zone: Zone, form: str) -> None:
    real = zone.own["enterprise1"]
    code = {
        "lower": real.lower(),
        "full-width": "".join(chr(ord(ch) + 0xFEE0) for ch in real),  # ９１３２… as typed with a Chinese IME
        "spaces": f" {real[:6]} {real[6:]} ",
    }[form]
    for who in ("official", "enterprise1"):
        p = api.get(f"/api/enterprises/{code}", as_=who)
        assert p.status_code == 200 and p.json()["uscc"] == real and p.json()["visibility"] == "full"
        q = api.get(f"/api/enterprises/{code}/portrait", as_=who)
        assert q.status_code == 200 and q.json()["uscc"] == real


def test_normalized_uscc_of_another_enterprise_is_still_refused(api: Api, zone: Zone) -> None:
    other = zone.own["enterprise2"].lower()
    assert_error(api.get(f"/api/enterprises/{other}/portrait", as_="enterprise1"), 404, "not_found")
    assert api.get(f"/api/enterprises/{other}", as_="enterprise1").json()["visibility"] == "public"


# ----------------------------------------------------------------------------- years without runs
@pytest.mark.parametrize("path", [
    "/api/enterprises?year=2030", "/api/stats/distribution?year=2030", "/api/rankings?stage=growth&year=2030",
    "/api/lists/credit?top=3&year=2030", "/api/enterprises/{own}/portrait?year=1999",
])
def test_year_without_a_run_is_404(api: Api, zone: Zone, path: str) -> None:
    err = assert_error(api.get(path.format(own=zone.own["enterprise1"]), as_="official"), 404, "not_found")
    assert "年" in err["message"]


# ----------------------------------------------------------------------------- query parameters
BAD_QUERIES = [
    ("/api/enterprises", {"page": 0}),
    ("/api/enterprises", {"page": -1}),
    ("/api/enterprises", {"size": 0}),
    ("/api/enterprises", {"size": 10000}),
    ("/api/enterprises", {"page": "x"}),
    ("/api/enterprises", {"page": 10**30}),
    ("/api/enterprises", {"year": "abc"}),
    ("/api/enterprises", {"year": 1800}),
    ("/api/enterprises", {"year": 2.5}),
    ("/api/enterprises", {"min_points": "x"}),
    ("/api/enterprises", {"min_points": -1}),
    ("/api/enterprises", {"max_points": "nan"}),
    ("/api/enterprises", {"max_points": "inf"}),
    ("/api/enterprises", {"min_points": 80, "max_points": 20}),
    ("/api/enterprises", {"sort": "points"}),
    ("/api/enterprises", {"sort": "total; drop table user"}),
    ("/api/enterprises", {"order": "up"}),
    ("/api/enterprises", {"stage": "unicorn"}),
    ("/api/enterprises", {"industry": "x" * 51}),
    ("/api/rankings", {}),
    ("/api/rankings", {"stage": "growth", "category": "nope"}),
    ("/api/rankings", {"stage": "growth", "category": "../../etc"}),
    ("/api/rankings", {"stage": "growth", "page": 0}),
    ("/api/rankings", {"stage": "growth", "size": 201}),
    ("/api/stats/distribution", {"bin_width": 0}),
    ("/api/stats/distribution", {"bin_width": -5}),
    ("/api/stats/distribution", {"bin_width": 101}),
    ("/api/stats/distribution", {"bin_width": "wide"}),
    ("/api/stats/distribution", {"bin_width": 1e-9}),
    ("/api/stats/distribution", {"bin_width": 5e-324}),
    ("/api/lists/credit", {}),
    ("/api/lists/credit", {"top": 0}),
    ("/api/lists/credit", {"top": "many"}),
    ("/api/lists/credit", {"min_total": 1001}),
    ("/api/lists/credit", {"top": 3, "format": "pdf"}),
    ("/api/audit", {"size": 0}),
    ("/api/audit", {"page": -1}),
    ("/api/audit", {"username": "u" * 65}),
    ("/api/runs/0", {}),
    ("/api/runs/abc", {}),
    ("/api/runs/99999", {}),
    ("/api/runs/99999999999999", {}),
    ("/api/systems/nope", {}),
    ("/api/systems/..%2F..%2Fetc", {}),
    ("/api/systems/1.0/diff/9.9", {}),
    ("/api/systems/" + "v" * 41, {}),
    ("/api/no-such-route", {}),
]


@pytest.mark.parametrize(("path", "params"), BAD_QUERIES, ids=[f"{p}?{q}" for p, q in BAD_QUERIES])
def test_bad_query_is_a_clear_4xx(api: Api, path: str, params: dict[str, Any]) -> None:
    who = "admin" if path.startswith("/api/audit") else "official"
    r = api.get(path, as_=who, params=params)
    assert r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
    assert_error(r, (400, 403, 404, 422))


def test_public_bad_query_is_a_clear_4xx_too(api: Api) -> None:
    for params in ({"bin_width": 1e-9}, {"bin_width": 0}, {"year": "x"}):
        r = api.get("/api/stats/distribution", params=params)
        assert r.status_code < 500 and assert_error(r, (400, 403, 422))


def test_wrong_method_is_405_in_the_error_shape(api: Api) -> None:
    assert_error(api.client.delete("/api/enterprises"), 405, "http_405")
    assert_error(api.client.put("/api/users", json={}), 405, "http_405")


# ----------------------------------------------------------------------------- bodies
@pytest.fixture(scope="module")
def admin_headers(api: Api) -> dict[str, str]:
    return api.headers("admin")


BAD_USERS = [
    {"username": "ab", "password": "long-enough-1", "role": "official"},
    {"username": "bad name", "password": "long-enough-1", "role": "official"},
    {"username": "名字不行的用户", "password": "long-enough-1", "role": "official"},
    {"username": "okname1", "password": "short", "role": "official"},
    {"username": "okname2", "password": "long-enough-1", "role": "boss"},
    {"username": "okname3", "password": "long-enough-1", "role": "enterprise"},
    {"username": "okname4", "password": "long-enough-1", "role": "enterprise", "uscc": "123"},
    {"username": "okname5", "password": "long-enough-1", "role": "official", "uscc": "91320411MA6PBT8L2F"},
    {"username": "admin", "password": "long-enough-1", "role": "official"},
    {"username": "okname6", "password": "long-enough-1"},
    {"username": 12345, "password": "long-enough-1", "role": "official"},
    {"username": "okname7", "password": "x" * 201, "role": "official"},
]


@pytest.mark.parametrize("body", BAD_USERS, ids=[str(i) for i in range(len(BAD_USERS))])
def test_bad_user_bodies_are_refused(api: Api, admin_headers: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(api.client.post("/api/users", json=body, headers=admin_headers), (400, 409, 422))  # 409: name taken


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"null", b'"text"', b""])
def test_non_json_or_wrong_json_bodies_are_refused(api: Api, admin_headers: dict[str, str], raw: bytes) -> None:
    r = api.client.post("/api/users", content=raw, headers={**admin_headers, "content-type": "application/json"})
    assert_error(r, (400, 422))


def test_oversized_body_is_413(api: Api, admin_headers: dict[str, str]) -> None:
    big = b'{"username":"big","password":"' + b"x" * 1_100_000 + b'","role":"official"}'
    r = api.client.post("/api/users", content=big, headers={**admin_headers, "content-type": "application/json"})
    assert_error(r, 413, "payload_too_large")
    r = api.client.post("/api/auth/token", content=b"username=a&password=" + b"x" * 1_100_000,
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert_error(r, 413, "payload_too_large")


def _chunks(data: bytes, size: int = 65536) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_oversized_chunked_body_is_413(api: Api, admin_headers: dict[str, str]) -> None:
    """Without a Content-Length (chunked transfer) the limit must hold just the same."""
    big = b'{"username":"big","password":"' + b"x" * 1_100_000 + b'","role":"official"}'
    r = api.client.post("/api/users", content=_chunks(big), headers={**admin_headers, "content-type": "application/json"})
    assert_error(r, 413, "payload_too_large")


def test_oversized_bodies_on_the_live_server(live_server: str) -> None:
    big = b'{"username":"big","password":"' + b"x" * 1_100_000 + b'","role":"official"}'
    with httpx.Client(base_url=live_server, timeout=30) as c:
        headers = {**bearer(login(c, "admin")), "content-type": "application/json"}
        assert_error(c.post("/api/users", content=big, headers=headers), 413, "payload_too_large")
        assert_error(c.post("/api/users", content=_chunks(big), headers=headers), 413, "payload_too_large")


# ----------------------------------------------------------------------------- credentials
@pytest.mark.parametrize("header", [
    {"Authorization": "Bearer"}, {"Authorization": "Basic YWRtaW46eA=="}, {"Authorization": "Bearer " + "x" * 5000},
    {"X-API-Key": ""}, {"X-API-Key": "x" * 5000},
])
def test_odd_credentials_never_give_a_5xx(api: Api, header: dict[str, str]) -> None:
    r = api.client.get("/api/rankings", params={"stage": "growth"}, headers=header)
    assert_error(r, (401, 403))


def test_api_key_for_a_missing_user_is_a_client_error_not_an_auth_failure(api: Api, admin_headers: dict[str, str]) -> None:
    """The admin is logged in; the *target* user does not exist. Answering 401 "账号不存在或已停用"
    tells the admin its own credentials failed (a client would log out); it should say that
    the user does not exist (400 or 404), as disabling a missing user does."""
    missing = api.client.post("/api/users/no-such-user-xyz/disable", headers=admin_headers)
    assert_error(missing, (400, 404))
    r = api.client.post("/api/users/no-such-user-xyz/api-keys", headers=admin_headers)
    assert_error(r, (400, 404))
