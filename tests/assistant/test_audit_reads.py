"""Reads of non-public data that used to leave no audit event (issue 11, item 11): source conflicts,
import batches, users, officials' distributions, an enterprise's own points in the list."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from scoring import store
from tests.assistant.conftest import Isolated, Zone


@pytest.fixture
def iso(isolated: Isolated) -> Isolated:
    for who in ("admin", "official", "enterprise1", "enterprise2"):  # logins are not what is counted
        isolated.api.headers(who)
    return isolated


def _new_reads(iso: Isolated, before: set[int]) -> list[dict[str, Any]]:
    """Events since `before`, oldest first, without logins and the admin's reads of the trail."""
    r = iso.api.get("/api/audit", as_="admin", params={"size": 200})
    assert r.status_code == 200, r.text
    items = [e for e in r.json()["items"] if e["id"] not in before and e["action"] not in ("login", "login_failed")]
    return list(reversed(items))


def _ids(iso: Isolated) -> set[int]:
    return {e["id"] for e in iso.api.get("/api/audit", as_="admin", params={"size": 200}).json()["items"]}


def test_conflicts_imports_and_users_are_audited(iso: Isolated, zone: Zone) -> None:
    uscc = zone.own["enterprise2"]
    with Session(iso.client.app.state.engine) as session:  # type: ignore[attr-defined]
        # Another firm's two revenue values, as two sources gave them.
        session.add(store.Conflict(uscc=uscc, year=zone.latest_year, field="revenue", value_a="900", source_a="self_report",
                                   batch_a=1, value_b="1000", source_b="tax", batch_b=2, status="open", note=""))
        session.commit()
    before = _ids(iso)
    conflicts = iso.api.get("/api/conflicts", as_="official")
    assert conflicts.status_code == 200 and [c["uscc"] for c in conflicts.json()] == [uscc]
    batches = iso.api.get("/api/imports", as_="official")
    assert batches.status_code == 200 and batches.json()
    first = batches.json()[-1]["id"]
    assert iso.api.get(f"/api/imports/{first}", as_="official").status_code == 200
    users = iso.api.get("/api/users", as_="admin")
    assert users.status_code == 200
    got = [(e["username"], e["action"], e["target"], e["path"]) for e in _new_reads(iso, before)]
    assert got == [
        ("official", "read_conflicts", "全部年度 open：1 条", "/api/conflicts"),
        ("official", "list_imports", f"全部：{len(batches.json())} 批", "/api/imports"),
        ("official", "read_import", f"batch:{first}", f"/api/imports/{first}"),
        ("admin", "list_users", f"{len(users.json())} 个", "/api/users"),
    ]


def test_an_officials_distribution_is_audited_the_publics_is_not(iso: Isolated, zone: Zone) -> None:
    before = _ids(iso)
    for who in (None, "enterprise1"):  # groups under five are hidden from them: nothing non-public
        assert iso.api.get("/api/stats/distribution", as_=who).status_code == 200
    assert _new_reads(iso, before) == []
    assert iso.api.get("/api/stats/distribution", as_="official", params={"bin_width": 5}).status_code == 200
    got = [(e["username"], e["action"], e["target"]) for e in _new_reads(iso, before)]
    assert got == [("official", "read_distribution", f"{zone.latest_year} 年（区间 5 分）")]


def test_an_enterprise_seeing_its_own_points_in_the_list_is_audited(iso: Isolated, zone: Zone) -> None:
    own = zone.own["enterprise1"]
    pages = [iso.api.get("/api/enterprises", as_="enterprise1", params={"size": 50, "page": p}).json() for p in range(1, 5)]
    mine = [i for i, page in enumerate(pages) if any(item.get("total") is not None for item in page["items"])]
    assert len(mine) == 1 and [item["uscc"] for item in pages[mine[0]]["items"] if item.get("total") is not None] == [own]
    before = _ids(iso)
    for page in range(1, 5):  # only the page carrying its own points is a non-public read
        iso.api.get("/api/enterprises", as_="enterprise1", params={"size": 50, "page": page})
    got = [(e["username"], e["role"], e["action"], e["target"], e["path"]) for e in _new_reads(iso, before)]
    assert got == [("enterprise1", "enterprise", "list_enterprises", own, f"/api/enterprises?size=50&page={mine[0] + 1}")]
