"""The privacy rule (assistant/privacy.py), route by route and role by role.

Roles: `public` (anonymous); `own` (enterprise1 asking about its own enterprise); `other`
(enterprise1 asking about enterprise2's); `official`; `admin`. For routes without a target
enterprise `own` and `other` are the same caller.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.access.privacy import MIN_GROUP, PUBLIC_FIELDS
from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from scoring.uscc import make_usccs
from tests.assistant.conftest import (
    ZONE_SIZE,
    Api,
    Zone,
    assert_error,
    bearer,
    login,
    make_settings,
    use_zone,
)

ROLES = ["public", "own", "other", "official", "admin"]
CALLER = {"public": None, "own": "enterprise1", "other": "enterprise1", "official": "official", "admin": "admin"}
SEES_ALL = {"official", "admin"}
PRIVATE_KEYS = {"total", "rank", "percentile", "points", "value", "advice", "latest", "trend", "categories",
                "indicators", "verdicts", "missing", "stage_reason"}
PROFILE_PUBLIC = set(PUBLIC_FIELDS) | {"visibility"}


def target_of(role: str, zone: Zone) -> str:
    """The enterprise a role asks about: enterprise2's for `other`, enterprise1's otherwise."""
    return zone.own["enterprise2"] if role == "other" else zone.own["enterprise1"]


@pytest.fixture(scope="module")
def everyone(api: Api) -> list[dict[str, Any]]:
    return api.get("/api/enterprises", as_="official", params={"size": 200}).json()["items"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def unknown_uscc(everyone: list[dict[str, Any]]) -> str:
    """A valid USCC (right check character) of no enterprise in the store."""
    known = {e["uscc"] for e in everyone}
    return next(u for u in make_usccs(np.random.default_rng(4242), 50) if u not in known)


# ----------------------------------------------------------------------------- who may call what
ALL_200 = dict.fromkeys(ROLES, 200)
OFFICIALS = {"public": 403, "own": 403, "other": 403, "official": 200, "admin": 200}
ADMINS = {"public": 403, "own": 403, "other": 403, "official": 403, "admin": 200}
ACCESS: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/api/health", ALL_200),
    ("GET", "/api/auth/me", ALL_200),
    ("GET", "/api/systems", ALL_200),
    ("GET", "/api/systems/1.1", ALL_200),
    ("GET", "/api/systems/1.0/diff/1.1", ALL_200),
    ("GET", "/api/runs", ALL_200),
    ("GET", "/api/runs/1", ALL_200),
    ("GET", "/api/stats/distribution", ALL_200),
    ("GET", "/api/enterprises", ALL_200),
    ("GET", "/api/enterprises?stage=growth&sort=name&order=desc", ALL_200),
    ("GET", "/api/enterprises?sort=total", OFFICIALS),
    ("GET", "/api/enterprises?sort=rank&order=desc", OFFICIALS),
    ("GET", "/api/enterprises?min_points=50", OFFICIALS),
    ("GET", "/api/enterprises?max_points=50", OFFICIALS),
    ("GET", "/api/enterprises/{target}", ALL_200),
    ("GET", "/api/enterprises/{target}/portrait", {"public": 404, "own": 200, "other": 404, "official": 200, "admin": 200}),
    ("GET", "/api/enterprises/{target}/portrait?year={first_year}", {"public": 404, "own": 200, "other": 404, "official": 200, "admin": 200}),
    ("GET", "/api/rankings?stage=growth", OFFICIALS),
    ("GET", "/api/rankings?stage=mature&category=input", OFFICIALS),
    ("GET", "/api/lists/credit?top=3", OFFICIALS),
    ("GET", "/api/lists/credit?min_total=60&format=xlsx", OFFICIALS),
    ("GET", "/api/audit", ADMINS),
    ("GET", "/api/users", ADMINS),
    ("POST", "/api/users", {**ADMINS, "admin": 201}),
    ("POST", "/api/users/{fresh}/disable", ADMINS),
    ("POST", "/api/users/{fresh}/api-keys", {**ADMINS, "admin": 201}),
]


def _fresh_user(api: Api) -> str:
    name = f"matrix{uuid.uuid4().hex[:10]}"
    r = api.post("/api/users", as_="admin", json={"username": name, "password": "matrix-password-1", "role": "official"})
    assert r.status_code == 201, r.text
    return name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "expected"), ACCESS, ids=[f"{m} {p}" for m, p, _ in ACCESS])
def test_who_may_call_what(api: Api, zone: Zone, method: str, path: str, expected: dict[str, int], role: str) -> None:
    fresh = _fresh_user(api) if "{fresh}" in path else ""
    url = path.format(target=target_of(role, zone), fresh=fresh, first_year=zone.years[0])
    kwargs: dict[str, Any] = {}
    if method == "POST" and url == "/api/users":
        kwargs["json"] = {"username": f"m{uuid.uuid4().hex[:10]}", "password": "matrix-password-1", "role": "official"}
    r = (api.get if method == "GET" else api.post)(url, as_=CALLER[role], **kwargs)
    want = expected[role]
    if want >= 400:
        assert_error(r, want, {403: "forbidden", 404: "not_found"}[want])
    else:
        assert r.status_code == want, (r.status_code, r.text[:300])


# ----------------------------------------------------------------------------- one enterprise
@pytest.mark.parametrize("role", ["public", "other"])
def test_refused_portrait_looks_exactly_like_a_missing_enterprise(api: Api, zone: Zone, unknown_uscc: str, role: str) -> None:
    """Probing another enterprise's details tells nothing: same status, code, message and headers
    as asking about an enterprise that does not exist (the USCC in the message aside)."""
    target = target_of(role, zone)
    refused = api.get(f"/api/enterprises/{target}/portrait", as_=CALLER[role])
    missing = api.get(f"/api/enterprises/{unknown_uscc}/portrait", as_=CALLER[role])
    assert_error(refused, 404, "not_found")
    assert_error(missing, 404, "not_found")
    assert refused.json() == {"error": {**missing.json()["error"], "message": missing.json()["error"]["message"].replace(unknown_uscc, target)}}
    assert refused.headers.get("content-type") == missing.headers.get("content-type")
    assert refused.headers.get("content-length") == missing.headers.get("content-length")
    # …in every year too
    for year in zone.years:
        a = api.get(f"/api/enterprises/{target}/portrait", as_=CALLER[role], params={"year": year})
        b = api.get(f"/api/enterprises/{unknown_uscc}/portrait", as_=CALLER[role], params={"year": year})
        assert (a.status_code, a.json()["error"]["code"]) == (b.status_code, b.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("role", ROLES)
def test_profile_fields_by_role(api: Api, zone: Zone, role: str) -> None:
    target = target_of(role, zone)
    p = api.get(f"/api/enterprises/{target}", as_=CALLER[role]).json()
    assert p["uscc"] == target and p["name"]
    if role in ("own", "official", "admin"):
        assert p["visibility"] == "full"
        assert {"address", "legal_representative", "latest", "business_scope"} <= set(p)
        assert p["latest"]["total"] is not None and p["latest"]["rank"] >= 1
    else:
        assert p["visibility"] == "public"
        assert set(p) <= PROFILE_PUBLIC, set(p) - PROFILE_PUBLIC
        assert {"uscc", "name", "industry", "stage", "stage_name", "visibility"} <= set(p)


@pytest.mark.parametrize("role", ["public", "own", "official", "admin"])
def test_list_shows_points_only_where_allowed(api: Api, zone: Zone, role: str) -> None:
    body = api.get("/api/enterprises", as_=CALLER[role], params={"size": 200}).json()
    assert body["total"] == ZONE_SIZE and len(body["items"]) == ZONE_SIZE
    own = zone.own["enterprise1"]
    for item in body["items"]:
        assert set(PUBLIC_FIELDS) <= set(item)
        visible = role in SEES_ALL or (role == "own" and item["uscc"] == own)
        points = (item["total"], item["rank"], item["percentile"])
        if visible:
            assert None not in points, item
        else:
            assert points == (None, None, None), item


# ----------------------------------------------------------------------------- no individual data leaks
def _walk(node: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    """(path, parent, value) for every value in a JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield f"{path}.{k}", node, v
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield f"{path}[{i}]", node, v
            yield from _walk(v, f"{path}[{i}]")


def _individual_leaks(doc: Any, secret_totals: set[float], allowed_uscc: str | None = None) -> list[str]:
    """Places in `doc` where one enterprise's non-public data shows: a private key with a value in
    an object about an enterprise (one with a `uscc`), or the exact total of an enterprise."""
    leaks = []
    for path, parent, value in _walk(doc):
        key = path.rsplit(".", 1)[-1]
        if isinstance(parent, dict) and "uscc" in parent and parent.get("uscc") != allowed_uscc:
            if key in PRIVATE_KEYS and value not in (None, [], {}):
                leaks.append(f"{path} = {value!r} (enterprise {parent['uscc']})")
        if isinstance(value, float) and not value.is_integer() and value in secret_totals:
            leaks.append(f"{path} = {value!r} is an enterprise's exact total")
    return leaks


def _reads(api: Api, zone: Zone, role: str, everyone: list[dict[str, Any]], unknown: str) -> dict[str, Any]:
    """Every read a caller can make, as JSON (errors included)."""
    who = CALLER[role]
    paths = [
        "/api/health", "/api/auth/me", "/api/systems", "/api/runs", "/api/runs/1",
        "/api/enterprises?size=200", "/api/enterprises?size=200&stage=mature", "/api/enterprises?size=200&sort=name",
        "/api/enterprises?sort=total", "/api/enterprises?min_points=60", "/api/rankings?stage=growth",
        "/api/lists/credit?top=3", "/api/audit", "/api/users", f"/api/enterprises/{unknown}", f"/api/enterprises/{unknown}/portrait",
    ]
    paths += [f"/api/stats/distribution?year={y}&bin_width={w}" for y in zone.years for w in (5, 10, 25)]
    for e in everyone[:: max(1, len(everyone) // 20)] + [{"uscc": u} for u in zone.own.values()]:
        paths += [f"/api/enterprises/{e['uscc']}", f"/api/enterprises/{e['uscc']}/portrait"]
    out = {}
    for p in paths:
        r = api.get(p, as_=who)
        assert r.status_code < 500, (p, r.status_code)
        out[p] = r.json()
    return out


def test_public_sees_no_individual_points_anywhere(api: Api, zone: Zone, everyone: list[dict[str, Any]], unknown_uscc: str) -> None:
    secret = {e["total"] for e in everyone}
    leaks = {p: found for p, doc in _reads(api, zone, "public", everyone, unknown_uscc).items() if (found := _individual_leaks(doc, secret))}
    assert not leaks, leaks


def test_enterprise_sees_no_other_enterprises_points(api: Api, zone: Zone, everyone: list[dict[str, Any]], unknown_uscc: str) -> None:
    own = zone.own["enterprise1"]
    secret = {e["total"] for e in everyone if e["uscc"] != own}
    reads = _reads(api, zone, "own", everyone, unknown_uscc)
    leaks = {p: found for p, doc in reads.items() if (found := _individual_leaks(doc, secret, allowed_uscc=own))}
    assert not leaks, leaks
    # and it does see its own
    assert reads[f"/api/enterprises/{own}/portrait"]["uscc"] == own


# ----------------------------------------------------------------------------- small groups
def _visible_count_ok(count: int | None) -> bool:
    return count is None or count == 0 or count >= MIN_GROUP


def _in_bin(total: float, lo: float, hi: float, last: bool) -> bool:
    return lo <= total < hi or (last and total == hi)


@pytest.mark.parametrize("role", ["public", "own"])
def test_distribution_hides_groups_under_five(api: Api, zone: Zone, role: str) -> None:
    """Non-officials see no stage or histogram group of 1–4 enterprises (hidden, or merged into a
    wider bin), and every count they do see is the true count of its range."""
    small_seen = False
    for year in zone.years:
        totals = [e["total"] for e in api.get("/api/enterprises", as_="official", params={"year": year, "size": 200}).json()["items"]]
        full = api.get("/api/stats/distribution", as_="official", params={"year": year}).json()
        seen = api.get("/api/stats/distribution", as_=CALLER[role], params={"year": year}).json()
        assert seen["enterprises"] == full["enterprises"] == len(totals)
        small_seen |= any(0 < b["count"] < MIN_GROUP for b in full["histogram"])
        bins = seen["histogram"]
        assert bins[0]["lo"] == 0 and bins[-1]["hi"] == full["histogram"][-1]["hi"]
        assert all(a["hi"] == b["lo"] for a, b in pairwise(bins)), "bins must tile the range"
        for k, b in enumerate(bins):
            assert _visible_count_ok(b["count"]), b
            if b["count"] is not None:
                assert b["count"] == sum(_in_bin(t, b["lo"], b["hi"], k == len(bins) - 1) for t in totals), b
        for a, b in zip(full["stages"], seen["stages"], strict=True):
            assert b["count"] in (a["count"], None) and _visible_count_ok(b["count"]), (a, b)
            assert (b["share"] is None) == (b["count"] is None)
            # a stage's mean total is hidden with its count; the zone's mean with any stage hidden
            assert (seen["totals"]["by_stage"][b["stage"]] is None) == (b["count"] is None or b["count"] == 0), (b, seen["totals"])
        any_hidden = any(b["count"] is None for b in seen["stages"])
        assert seen["totals"]["mean"] == (None if any_hidden else full["totals"]["mean"])
    # the demo zone has bins of 1–4 (the lowest and highest totals): the test is not vacuous
    assert small_seen


def test_public_histograms_cannot_be_differenced_into_small_groups(api: Api, zone: Zone) -> None:
    """Hiding a group under 5 is pointless if another answer gives it back: a visible wider bin
    (of another bin width, or the whole zone) minus the visible bins inside it. No range the
    public can derive that way may hold 1–4 enterprises."""
    exposed = []
    for year in zone.years:
        facts: dict[tuple[float, float], int] = {}
        for w in (5, 10, 20, 25, 50, 100):
            r = api.get("/api/stats/distribution", params={"year": year, "bin_width": w})
            if r.status_code != 200:  # custom widths may be refused to the public: nothing learned
                assert_error(r, (400, 403, 422))
                continue
            d = r.json()
            bins = d["histogram"]
            facts[(bins[0]["lo"], bins[-1]["hi"])] = d["enterprises"]
            # a run of consecutive visible bins is known too
            for i in range(len(bins)):
                acc = 0
                for j in range(i, len(bins)):
                    if bins[j]["count"] is None:
                        break
                    acc += bins[j]["count"]
                    facts[(bins[i]["lo"], bins[j]["hi"])] = acc
        for (alo, ahi), a in facts.items():
            for (blo, bhi), b in facts.items():
                inner = (alo, ahi) != (blo, bhi) and alo <= blo and bhi <= ahi and (alo == blo or ahi == bhi)
                if inner and 0 < a - b < MIN_GROUP:
                    gap = (bhi, ahi) if alo == blo else (alo, blo)
                    exposed.append(f"{year}: [{gap[0]:g}, {gap[1]:g}) holds {a - b} = {a} in [{alo:g}, {ahi:g}) − {b} in [{blo:g}, {bhi:g})")
        d = api.get("/api/stats/distribution", params={"year": year}).json()
        hidden = [s for s in d["stages"] if s["count"] is None]
        rest = d["enterprises"] - sum(s["count"] for s in d["stages"] if s["count"] is not None)
        if len(hidden) == 1 and 0 < rest < MIN_GROUP:
            exposed.append(f"{year}: stage {hidden[0]['stage']} holds {rest} = all − the visible stages")
    assert not exposed, exposed[:10]


@pytest.fixture(scope="module")
def small_zone(tmp_path_factory: pytest.TempPathFactory, new_store: Callable[[Path], Path]) -> Iterator[Api]:
    """A 15-enterprise demo zone: some stages have fewer than five enterprises."""
    data = new_store(tmp_path_factory.mktemp("small-zone"))
    mp = pytest.MonkeyPatch()
    use_zone(mp, data)
    try:
        result = CliRunner().invoke(cli_app, ["demo", "--size", "15", "--no-index"])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    with TestClient(create_app(make_settings(data))) as c:
        yield Api(c)


def test_small_stages_are_hidden_from_the_public(small_zone: Api) -> None:
    full = small_zone.get("/api/stats/distribution", as_="official").json()
    small = [s["stage"] for s in full["stages"] if 0 < s["count"] < MIN_GROUP]
    assert small, "the 15-enterprise zone should have a stage with fewer than five enterprises"
    for who in (None, "enterprise1"):
        seen = small_zone.get("/api/stats/distribution", as_=who).json()
        by_stage = {s["stage"]: s for s in seen["stages"]}
        for stage in small:
            assert by_stage[stage]["count"] is None and by_stage[stage]["share"] is None
            assert all(c["by_stage"][stage] is None for c in seen["categories"]), stage
        for s in full["stages"]:
            if s["count"] >= MIN_GROUP:
                assert by_stage[s["stage"]]["count"] == s["count"]
    official = small_zone.get("/api/stats/distribution", as_="official").json()
    assert all(c["by_stage"][s] is not None for c in official["categories"] for s in small)


def test_portrait_in_a_small_stage_reveals_no_other_enterprise(small_zone: Api) -> None:
    """An enterprise in a stage of 2–4 must not learn the others' data from its own portrait: the
    stage mean and top quartile of 3 enterprises give the other two's exact category points; the
    cohort figures in the explanations (quartiles, median, maximum) and advice targets taken from
    the cohort are their raw values."""
    everyone = small_zone.get("/api/enterprises", as_="official", params={"size": 200}).json()["items"]
    sizes: dict[str, int] = {}
    for e in everyone:
        sizes[e["stage"]] = sizes.get(e["stage"], 0) + 1
    stage = min((s for s, n in sizes.items() if 2 <= n < MIN_GROUP), key=lambda s: sizes[s], default=None)
    assert stage is not None, f"no stage of 2–4 enterprises in the small zone: {sizes}"
    members = [e["uscc"] for e in everyone if e["stage"] == stage]
    me = members[0]
    name = f"small{uuid.uuid4().hex[:8]}"
    r = small_zone.post("/api/users", as_="admin", json={"username": name, "password": "small-password-1", "role": "enterprise", "uscc": me})
    assert r.status_code == 201, r.text
    mine = small_zone.client.get(f"/api/enterprises/{me}/portrait", headers=bearer(login(small_zone.client, name, "small-password-1"))).json()
    assert mine["stage"] == stage and mine["stage_size"] == sizes[stage]
    own_values = {i["code"]: i["value_text"] for i in mine["indicators"]}
    leaks = []
    for c in mine["categories"]:
        if c["stage_mean"] is not None or c["stage_p75"] is not None:
            leaks.append(f"category {c['code']}: stage_mean={c['stage_mean']} stage_p75={c['stage_p75']} over {sizes[stage]} enterprises")
    for other in members[1:]:
        theirs = small_zone.get(f"/api/enterprises/{other}/portrait", as_="official").json()
        for tip in mine["advice"]:
            theirs_value = next((i["value"] for i in theirs["indicators"] if i["code"] == tip["indicator"]), None)
            if theirs_value is not None and tip["target"] == theirs_value and tip["target"] != tip["current"] and tip["kind"] not in ("yes", "next_band"):
                leaks.append(f"advice {tip['indicator']}: target {tip['target']} is {other}'s value")
        for ind in theirs["indicators"]:
            v = ind["value_text"]
            distinctive = re.search(r"\d\.\d", v) is not None  # "27.27%", "145.38万元": not a bare "3"
            if distinctive and v != own_values.get(ind["code"]) and re.search(rf"(?<![\d.]){re.escape(v)}", _explanation(mine, ind["code"])):
                leaks.append(f"{ind['code']}: {other}'s value {v} shown in {me}'s explanation")
    assert not leaks, leaks[:10]


def _explanation(portrait: dict[str, Any], code: str) -> str:
    return next((i["explanation"] for i in portrait["indicators"] if i["code"] == code), "")


# ----------------------------------------------------------------------------- API keys
def test_api_key_acts_exactly_like_its_user(api: Api, zone: Zone, unknown_uscc: str) -> None:
    def key_for(user: str) -> dict[str, str]:
        r = api.post(f"/api/users/{user}/api-keys", as_="admin")
        assert r.status_code == 201, r.text
        return {"X-API-Key": r.json()["api_key"]}

    ent, off = key_for("enterprise1"), key_for("official")
    own, other = zone.own["enterprise1"], zone.own["enterprise2"]
    c = api.client
    assert c.get("/api/auth/me", headers=ent).json() == api.get("/api/auth/me", as_="enterprise1").json()
    assert c.get(f"/api/enterprises/{own}/portrait", headers=ent).status_code == 200
    refused = c.get(f"/api/enterprises/{other}/portrait", headers=ent)
    missing = c.get(f"/api/enterprises/{unknown_uscc}/portrait", headers=ent)
    assert_error(refused, 404, "not_found")
    assert refused.json()["error"]["message"] == missing.json()["error"]["message"].replace(unknown_uscc, other)
    assert c.get(f"/api/enterprises/{other}", headers=ent).json()["visibility"] == "public"
    assert_error(c.get("/api/rankings", params={"stage": "growth"}, headers=ent), 403, "forbidden")
    assert_error(c.get("/api/enterprises", params={"sort": "total"}, headers=ent), 403, "forbidden")
    assert_error(c.get("/api/users", headers=off), 403, "forbidden")
    listed = c.get("/api/enterprises", params={"size": 200}, headers=ent).json()["items"]
    assert [i["uscc"] for i in listed if i["total"] is not None] == [own]
    assert c.get("/api/rankings", params={"stage": "growth"}, headers=off).status_code == 200
    assert c.get(f"/api/enterprises/{other}/portrait", headers=off).status_code == 200
