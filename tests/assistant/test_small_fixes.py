"""Smaller API corrections (issue 11, item 13): trailing slashes, a bad USCC, an unknown source,
and what the OpenAPI schema states so that schema-driven clients send what is accepted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.errors import Unprocessable
from assistant.queries.profiles import checked_uscc
from scoring.uscc import CHARSET
from tests.assistant.conftest import Api, Zone, assert_error


def _bad_check_digit(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


# ----------------------------------------------------------------------------- trailing slash
@pytest.mark.parametrize(("method", "path", "bare"), [
    ("GET", "/api/enterprises/", "/api/enterprises"),
    ("GET", "/api/health/", "/api/health"),
    ("POST", "/api/auth/token/", "/api/auth/token"),
])
def test_a_trailing_slash_is_a_404_naming_the_address_without_it(api: Api, method: str, path: str, bare: str) -> None:
    """No redirect whose Location comes from the Host header, and no empty body."""
    r = api.client.request(method, path, headers={"Host": "attacker.example"}, follow_redirects=False)
    err = assert_error(r, 404, "http_404")
    assert "location" not in r.headers
    assert f"“/”：{bare}）" in err["message"], err
    assert "attacker" not in r.text


def test_a_trailing_slash_on_an_unknown_path_gets_no_hint(api: Api) -> None:
    err = assert_error(api.client.get("/api/no-such-thing/", follow_redirects=False), 404, "http_404")
    assert err["message"] == "没有这个地址"


# ----------------------------------------------------------------------------- bad USCC: 422
@pytest.mark.parametrize("suffix", ["", "/portrait"])
@pytest.mark.parametrize("who", [None, "official"])
def test_a_wrong_check_character_is_422(api: Api, zone: Zone, suffix: str, who: str | None) -> None:
    bad = _bad_check_digit(zone.own["enterprise1"])
    err = assert_error(api.get(f"/api/enterprises/{bad}{suffix}", as_=who), 422, "unprocessable")
    assert "校验码" in err["message"] and bad in err["message"]


def test_checked_uscc_refuses_as_unprocessable(zone: Zone) -> None:
    """The shared read (framework-free) says 422 for every surface that uses it."""
    with pytest.raises(Unprocessable, match="第18位"):
        checked_uscc(_bad_check_digit(zone.own["enterprise1"]))


# ----------------------------------------------------------------------------- unknown source
def test_an_unknown_source_has_its_own_code(api: Api) -> None:
    err = assert_error(api.get("/api/imports", as_="official", params={"source": "海关"}), 422, "unknown_source")
    assert "海关" in err["message"] and "tax（税务）" in err["message"]


def test_an_upload_for_an_unknown_source_has_its_own_code(api: Api) -> None:
    files = {"file": ("x.csv", "统一社会信用代码,营业收入（万元）\n".encode(), "text/csv")}
    r = api.post("/api/imports", as_="official", data={"source": "海关", "year": "2024", "dry_run": "true"}, files=files)
    assert_error(r, 422, "unknown_source")


# ----------------------------------------------------------------------------- OpenAPI
@pytest.fixture(scope="module")
def openapi(api: Api) -> dict[str, Any]:
    return api.client.get("/openapi.json").json()  # type: ignore[no-any-return]


def _parameter(openapi: dict[str, Any], path: str, name: str, method: str = "get") -> dict[str, Any]:
    return next(p for p in openapi["paths"][path][method]["parameters"] if p["name"] == name)


@pytest.mark.parametrize("path", ["/api/enterprises/{uscc}", "/api/enterprises/{uscc}/portrait"])
def test_the_uscc_parameter_states_the_gb_32100_pattern(openapi: dict[str, Any], zone: Zone, path: str) -> None:
    pattern = re.compile(_parameter(openapi, path, "uscc")["schema"]["pattern"])
    real = zone.own["enterprise1"]
    assert pattern.fullmatch(real) and pattern.fullmatch(real.lower())
    assert not pattern.fullmatch(real[:17]) and not pattern.fullmatch(real + "0")
    letters = {chr(c) for c in range(ord("A"), ord("Z") + 1)} | set("0123456789")
    for ch in sorted(letters):  # exactly the 31 characters of the standard (I O S V Z never occur)
        assert bool(pattern.fullmatch(ch * 18)) is (ch in CHARSET), ch


def test_bounds_that_must_be_ordered_say_so(openapi: dict[str, Any]) -> None:
    for path, low, high in (("/api/enterprises", "min_points", "max_points"), ("/api/search", "points_min", "points_max")):
        assert f"不得大于 {high}" in _parameter(openapi, path, low)["description"]
        assert f"不得小于 {low}" in _parameter(openapi, path, high)["description"]


def test_the_credit_list_says_one_of_its_two_options_is_required(openapi: dict[str, Any]) -> None:
    for name in ("min_total", "top"):
        assert "min_total 与 top 至少给一个" in _parameter(openapi, "/api/lists/credit", name)["description"]


def test_the_upload_states_the_file_types_it_takes(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]
    types = body["encoding"]["file"]["contentType"]
    assert "text/csv" in types and "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in types
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    described = openapi["components"]["schemas"][ref]["properties"]["file"]["description"]
    assert all(ending in described for ending in (".csv", ".txt", ".xlsx", ".xlsm")), described
