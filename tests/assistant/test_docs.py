"""The API documentation: served offline, switchable, in Chinese, with units and exact error lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from assistant.api import schemas
from assistant.config import Settings
from tests.assistant.conftest import CJK, Isolated, assert_error

METHODS = {"get", "post", "put", "patch", "delete"}


class AssetLinks(HTMLParser):
    """Every `<script src>` and `<link href>` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def asset_urls(html: str) -> list[str]:
    parser = AssetLinks()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{m.upper()} {path}", op) for path, ops in openapi["paths"].items() for m, op in ops.items() if m in METHODS]


# ----------------------------------------------------------------------------- offline pages
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_the_service(client: TestClient, page: str) -> None:
    """A zone's intranet has no internet: every script and stylesheet is a local path that answers."""
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "http://" not in r.text and "https://" not in r.text, "the page names an outside URL"
    urls = asset_urls(r.text)
    assert any(u.endswith(".js") for u in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"not a local path: {url}"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
        kind = {".js": "javascript", ".css": "text/css", ".png": "image/png"}[url[url.rindex("."):]]
        assert kind in asset.headers["content-type"], (url, asset.headers["content-type"])


def test_swagger_ui_asks_nothing_of_the_internet(client: TestClient) -> None:
    """No online validator badge, the stylesheet served too, and the schema it reads is local."""
    html = client.get("/docs").text
    assert '"validatorUrl": null' in html
    assert any(u.endswith(".css") for u in asset_urls(html))
    assert "url: '/openapi.json'" in html
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "https://" not in redirect.text


def test_redoc_uses_no_google_fonts(client: TestClient) -> None:
    html = client.get("/redoc").text
    assert "fonts.googleapis" not in html and 'spec-url="/openapi.json"' in html


# ----------------------------------------------------------------------------- the switch
def test_docs_are_on_by_default_and_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().docs_enabled is True
    monkeypatch.setenv("INNOPOINTS_DOCS_ENABLED", "false")
    assert Settings().docs_enabled is False


def test_docs_switched_off_answer_404_in_the_error_shape(isolated_factory: Callable[..., Isolated]) -> None:
    client = isolated_factory(docs_enabled=False).client
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect", "/docs/static/swagger-ui-bundle.js"):
        assert_error(client.get(path), 404)
    assert client.get("/api/health").status_code == 200  # the API itself stays
    # The root is the portal, documentation or not.
    assert client.get("/", follow_redirects=False).status_code == 200


# ----------------------------------------------------------------------------- Chinese text, units
def test_every_operation_has_a_chinese_summary(openapi: dict[str, Any]) -> None:
    missing = [name for name, op in operations(openapi) if not CJK.search(op.get("summary", ""))]
    assert not missing, f"operations without a Chinese summary: {missing}"


def test_every_parameter_is_described_in_chinese(openapi: dict[str, Any]) -> None:
    bare = [
        f"{name} {p['in']}:{p['name']}"
        for name, op in operations(openapi)
        for p in op.get("parameters", [])
        if not CJK.search(p.get("description", ""))
    ]
    assert not bare, f"parameters without a Chinese description: {bare}"


def test_numeric_parameters_state_their_range(openapi: dict[str, Any]) -> None:
    """A number's description says its bounds (e.g. 1–200), so nobody must guess the scale."""
    vague = [
        f"{name} {p['name']}"
        for name, op in operations(openapi)
        for p in op.get("parameters", [])
        if _is_number(p["schema"]) and not re.search(r"\d+–\d+", p["description"])
    ]
    assert not vague, vague


def _is_number(schema: dict[str, Any]) -> bool:
    kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
    return bool({"integer", "number"} & set(kinds))


def _our_schemas(openapi: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The component schemas built from `assistant.api.schemas` (generic pages included)."""
    names = {n for n, obj in vars(schemas).items() if isinstance(obj, type) and issubclass(obj, BaseModel)}
    return {
        name: schema for name, schema in openapi["components"]["schemas"].items()
        if name in names or name.split("_")[0] in names
    }


def test_every_response_field_is_described(openapi: dict[str, Any]) -> None:
    found = _our_schemas(openapi)
    for main in ("Portrait", "IndicatorPoints", "EnterpriseProfile", "Ranking", "Distribution", "RunInfo", "SearchResults"):
        assert main in found, main
    bare = [
        f"{name}.{prop}"
        for name, schema in found.items()
        for prop, body in schema.get("properties", {}).items()
        if not CJK.search(body.get("description", ""))
    ]
    assert not bare, f"fields without a Chinese description: {bare}"


def test_scales_are_stated_where_they_could_be_misread(openapi: dict[str, Any]) -> None:
    """Percentile is 0–100 (the engine's share of the stage below, times 100), normalized 0–1,
    times UTC, shares of a whole 0–100."""
    found = _our_schemas(openapi)
    for name in ("Portrait", "LatestScore", "RankingItem", "TrendPoint", "EnterpriseListItem", "SearchHit"):
        assert "0–100" in found[name]["properties"]["percentile"]["description"], name
    assert "0–1" in found["IndicatorPoints"]["properties"]["normalized"]["description"]
    assert "0–1 的比例" in found["IndicatorPoints"]["properties"]["value"]["description"]
    assert "0–100" in found["StageShare"]["properties"]["share"]["description"]
    for name, field in (("RunInfo", "published_at"), ("AuditEventPublic", "at")):
        assert "UTC" in found[name]["properties"][field]["description"], name


def test_percentiles_served_are_on_the_documented_scale(api: Any, zone: Any) -> None:
    """What the schema says is what the service answers: percentiles run up to 100, not 1."""
    items = api.get("/api/rankings", params={"stage": "growth", "size": 200}, as_="official").json()["items"]
    percentiles = [i["percentile"] for i in items]
    assert max(percentiles) == 100 and min(percentiles) == 0 and len(percentiles) > 5


# ----------------------------------------------------------------------------- errors per route
EXPECTED_ERRORS = {
    "GET /api/health": set(),
    "GET /api/ready": {503},
    "POST /api/auth/token": {400, 401, 413, 422, 429, 503},
    "GET /api/auth/me": {401},
    "GET /api/enterprises": {400, 401, 403, 404, 422},
    "GET /api/enterprises/{uscc}": {401, 404, 422},
    "GET /api/enterprises/{uscc}/portrait": {401, 404, 422},
    "GET /api/rankings": {400, 401, 403, 404, 422},
    "GET /api/stats/distribution": {401, 403, 404, 422},
    "GET /api/systems": set(),
    "GET /api/systems/{version}": {404, 422},
    "GET /api/systems/{old}/diff/{new}": {404, 422},
    "GET /api/runs": set(),
    "GET /api/runs/{run_id}": {404, 422},
    "GET /api/lists/credit": {400, 401, 403, 404, 422},
    "GET /api/users": {401, 403},
    "POST /api/users": {401, 403, 409, 413, 422},
    "POST /api/users/{username}/disable": {401, 403, 404, 409, 422},
    "POST /api/users/{username}/enable": {401, 403, 404, 422},
    "POST /api/users/{username}/api-keys": {401, 403, 404, 422},
    "GET /api/users/{username}/api-keys": {401, 403, 404, 422},
    "DELETE /api/users/{username}/api-keys/{key_id}": {401, 403, 404, 422},
    "GET /api/audit": {401, 403, 422, 503},
    "GET /api/search": {400, 401, 403, 422},
    "GET /api/search/suggest": {401, 422},
    "GET /api/search/status": {401, 403},
    "POST /api/imports": {400, 401, 403, 413, 422},
    "GET /api/imports": {401, 403, 422},
    "GET /api/imports/{batch_id}": {401, 403, 404, 422},
    "POST /api/imports/{batch_id}/revert": {401, 403, 404, 409, 422},
    "GET /api/conflicts": {401, 403, 422},
}


def test_each_route_lists_only_the_errors_it_can_give(openapi: dict[str, Any]) -> None:
    documented = {
        name: {int(code) for code in op["responses"] if code.startswith(("4", "5"))}
        for name, op in operations(openapi)
    }
    wrong = {name: (documented.get(name), want) for name, want in EXPECTED_ERRORS.items() if documented.get(name) != want}
    assert not wrong, wrong
    # Public definitions never ask who calls; officials' routes say who may use them.
    assert not {401, 403} & documented["GET /api/systems"]
    assert 403 in documented["GET /api/rankings"] and 429 in documented["POST /api/auth/token"]


def test_errors_are_documented_in_the_one_shape(openapi: dict[str, Any]) -> None:
    """422 is ours too, not FastAPI's default `HTTPValidationError` (which the service never sends)."""
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    for name, op in operations(openapi):
        for code, body in op["responses"].items():
            if code.startswith("4"):
                ref = body["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), (name, code)
                assert CJK.search(body["description"]), (name, code)


def test_a_public_route_that_reads_the_caller_refuses_a_bad_token(api: Any) -> None:
    """Why public list routes document 401: a wrong token is refused, not taken for the public;
    the definitions, which never read the caller, do not care."""
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(api.get("/api/enterprises", headers=bad), 401)
    assert api.get("/api/systems", headers=bad).status_code == 200
