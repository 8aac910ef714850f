"""Kept portraits and ranking pages sent before routing (assistant.api.kept_answers, issue 11 item 23).

The answer sent from memory must be the routes' own — status, headers, body bytes, audit event —
and everything the middleware does not answer itself (refusals, errors, unusual parameters, a
credential still to verify) must reach the routes unchanged. The service keeps what it has read
for `recheck_seconds` = 60 here, so that "verified recently" holds for the whole test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.assistant.conftest import Isolated, Zone, login

COMPARED_HEADERS = ("content-type", "content-encoding", "content-length", "vary")


@pytest.fixture
def iso(isolated_factory: Callable[..., Isolated]) -> Isolated:
    iso = isolated_factory(recheck_seconds=60)
    for who in ("admin", "official", "enterprise1", "enterprise2"):  # logins are not what is compared
        iso.api.headers(who)
    return iso


def _served(iso: Isolated) -> int:
    return int(iso.client.app.state.kept_answers.count)  # type: ignore[attr-defined]


def _same_answer(first: Any, second: Any) -> None:
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert [first.headers.get(h) for h in COMPARED_HEADERS] == [second.headers.get(h) for h in COMPARED_HEADERS]


def _events(iso: Isolated, action: str) -> list[tuple[str, str, str, str, str]]:
    r = iso.api.get("/api/audit", as_="admin", params={"size": 200})
    assert r.status_code == 200, r.text
    return [(e["username"], e["role"], e["target"], e["path"], e["client"])
            for e in reversed(r.json()["items"]) if e["action"] == action]


@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"])
def test_a_kept_portrait_is_the_routes_own_answer(iso: Isolated, zone: Zone, encoding: str) -> None:
    uscc = zone.own["enterprise1"]
    headers = {"Accept-Encoding": encoding}
    for who, params in (("official", {}), ("enterprise1", {}), ("official", {"year": str(zone.years[0])})):
        before = _served(iso)
        routed = iso.api.get(f"/api/enterprises/{uscc}/portrait", as_=who, params=params, headers=headers)
        assert routed.status_code == 200, routed.text
        assert _served(iso) == before  # built by the route, and kept
        kept = iso.api.get(f"/api/enterprises/{uscc}/portrait", as_=who, params=params, headers=headers)
        assert _served(iso) == before + 1
        _same_answer(routed, kept)
        assert (kept.headers.get("content-encoding") == "gzip") == (encoding != "identity")
    reads = _events(iso, "read_portrait")
    assert len(reads) == 6 and reads[0::2] == reads[1::2]  # each kept answer audited like the route's


def test_a_kept_ranking_page_is_the_routes_own_answer(iso: Isolated, zone: Zone) -> None:
    for params in ({"stage": "growth"}, {"stage": "startup", "page": "2", "size": "5", "year": str(zone.years[0])},
                   {"stage": "mature", "category": "input"}):
        before = _served(iso)
        routed = iso.api.get("/api/rankings", as_="official", params=params)
        assert routed.status_code == 200, routed.text
        kept = iso.api.get("/api/rankings", as_="official", params=params)
        assert _served(iso) == before + 1, params
        _same_answer(routed, kept)
    reads = _events(iso, "read_ranking")
    assert len(reads) == 6 and reads[0::2] == reads[1::2]


def test_what_the_middleware_does_not_answer_reaches_the_routes(iso: Isolated, zone: Zone) -> None:
    """Refusals, errors and unusual forms are answered by the routes, the same each time."""
    own, other = zone.own["enterprise1"], zone.own["enterprise2"]
    # Kept for the official and for enterprise1, so that only the checks below hold them back.
    for who in ("official", "enterprise1"):
        assert iso.api.get(f"/api/enterprises/{own}/portrait", as_=who).status_code == 200
    assert iso.api.get("/api/rankings", as_="official", params={"stage": "growth"}).status_code == 200
    cases: list[tuple[str, str | None, dict[str, str], int]] = [
        (f"/api/enterprises/{own}/portrait", "enterprise2", {}, 404),  # another firm's details
        (f"/api/enterprises/{own}/portrait", None, {}, 404),  # the public
        (f"/api/enterprises/{own[:-1]}X/portrait", "official", {}, 422),  # a wrong check character
        (f"/api/enterprises/{own}/portrait", "official", {"year": "1989"}, 422),
        (f"/api/enterprises/{own}/portrait", "official", {"year": "2031"}, 404),  # no run that year
        (f"/api/enterprises/{own}/portrait", "official", {"year": f"0{zone.latest_year}"}, 200),  # not plain: routed
        (f"/api/enterprises/{own}/portrait", "official", {"extra": "1"}, 200),
        (f"/api/enterprises/{own.lower()}/portrait", "official", {}, 200),  # normalized by the route's check
        ("/api/rankings", "enterprise1", {"stage": "growth"}, 403),
        ("/api/rankings", "official", {"stage": "growth", "category": "nope"}, 400),
        ("/api/rankings", "official", {"stage": "growth", "size": "201"}, 422),
        ("/api/rankings", "official", {"stage": "moon"}, 422),
        ("/api/rankings", "official", {"stage": "growth", "page": "01"}, 200),
    ]
    for path, who, params, status in cases:
        before = _served(iso)
        answers = [iso.api.get(path, as_=who, params=params) for _ in range(2)]
        assert [a.status_code for a in answers] == [status, status], (path, who, params, answers[0].text)
        assert answers[0].content == answers[1].content
        if status != 200 or "extra" in params or params.get("year", "").startswith("0") or params.get("page") == "01":
            assert _served(iso) == before, (path, who, params)
    assert iso.api.get(f"/api/enterprises/{other}/portrait", as_="enterprise2").status_code == 200


def test_a_credential_not_yet_verified_goes_to_the_routes(iso: Isolated, zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    assert iso.api.get(f"/api/enterprises/{uscc}/portrait", as_="official").status_code == 200  # kept
    fresh = login(iso.client, "official")  # a new token: not verified by this service yet
    before = _served(iso)
    first = iso.client.get(f"/api/enterprises/{uscc}/portrait", headers={"Authorization": f"Bearer {fresh}"})
    assert first.status_code == 200 and _served(iso) == before
    again = iso.client.get(f"/api/enterprises/{uscc}/portrait", headers={"Authorization": f"Bearer {fresh}"})
    assert _served(iso) == before + 1
    _same_answer(first, again)
    forged = iso.client.get(f"/api/enterprises/{uscc}/portrait", headers={"Authorization": f"Bearer {fresh}x"})
    assert forged.status_code == 401 and _served(iso) == before + 1
