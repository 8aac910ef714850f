"""The audit trail: every read of non-public data is recorded (who, role, action, target, path,
client, time); public reads are not; admins read it through the API and `innopoints audit`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from tests.assistant.conftest import (
    Isolated,
    Zone,
    copy_zone,
    login,
    make_settings,
    use_zone,
    zone_rows,
)


def _events(iso: Isolated, **params: Any) -> list[dict[str, Any]]:
    r = iso.api.get("/api/audit", as_="admin", params={"size": 200, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def _reads(iso: Isolated) -> list[dict[str, Any]]:
    """Every event but logins (logging in is audited too, but is not a read)."""
    return [e for e in _events(iso) if e["action"] not in ("login", "login_failed")]


def _when(e: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(e["at"].replace("Z", "+00:00"))


@pytest.fixture
def iso(isolated: Isolated) -> Isolated:
    # log everyone in first so their logins are not mixed into what a test counts
    for who in ("admin", "official", "enterprise1"):
        isolated.api.headers(who)
    return isolated


def test_official_reads_of_non_public_data_are_recorded(iso: Isolated, zone: Zone) -> None:
    uscc = zone.own["enterprise2"]
    before = {e["id"] for e in _reads(iso)}
    started = datetime.now(UTC) - timedelta(seconds=1)
    calls = [
        (f"/api/enterprises/{uscc}/portrait", "read_portrait", uscc),
        (f"/api/enterprises/{uscc}", "read_profile", uscc),
        ("/api/rankings?stage=growth&category=input", "read_ranking", "growth input"),
        ("/api/lists/credit?top=3", "credit_list", "各阶段前3名"),
        ("/api/lists/credit?min_total=60&format=xlsx", "credit_list", "总分≥60"),
        ("/api/enterprises?size=5", "list_enterprises", "5 家"),
    ]
    for path, _, _ in calls:
        assert iso.api.get(path, as_="official").status_code == 200, path
    new = [e for e in _reads(iso) if e["id"] not in before]
    assert len(new) == len(calls), new
    for (path, action, target), e in zip(calls, reversed(new), strict=True):  # the API lists newest first
        assert (e["action"], e["target"], e["path"]) == (action, target, path)
        assert (e["username"], e["role"], e["client"]) == ("official", "official", "testclient")
        assert started <= _when(e) <= datetime.now(UTC) + timedelta(seconds=1)


def test_an_enterprise_reading_its_own_details_is_recorded(iso: Isolated, zone: Zone) -> None:
    own = zone.own["enterprise1"]
    before = {e["id"] for e in _reads(iso)}
    iso.api.get(f"/api/enterprises/{own}/portrait", as_="enterprise1")
    iso.api.get(f"/api/enterprises/{own}", as_="enterprise1")
    new = [e for e in _reads(iso) if e["id"] not in before]
    assert [(e["action"], e["target"], e["username"], e["role"]) for e in reversed(new)] == [
        ("read_portrait", own, "enterprise1", "enterprise"),
        ("read_profile", own, "enterprise1", "enterprise"),
    ]


def test_public_reads_are_not_recorded(iso: Isolated, zone: Zone) -> None:
    before = _reads(iso)
    other = zone.own["enterprise2"]
    public = [
        "/api/health", "/api/systems", "/api/runs", "/api/stats/distribution", "/api/enterprises?size=50",
        f"/api/enterprises/{other}", "/api/systems/1.0/diff/1.1", "/api/auth/me",
    ]
    for path in public:
        assert iso.api.get(path).status_code == 200
    # an enterprise reading another's public profile or the public list reads nothing private
    for path in (f"/api/enterprises/{other}", "/api/stats/distribution", "/api/enterprises?size=50&sort=name"):
        assert iso.api.get(path, as_="enterprise1").status_code == 200
    assert _reads(iso) == before


def test_refused_reads_record_no_read(iso: Isolated, zone: Zone) -> None:
    before = _reads(iso)
    assert iso.api.get(f"/api/enterprises/{zone.own['enterprise2']}/portrait", as_="enterprise1").status_code == 404
    assert iso.api.get("/api/rankings?stage=growth", as_="enterprise1").status_code == 403
    assert iso.api.get("/api/lists/credit?top=1").status_code == 403
    assert _reads(iso) == before


def test_admin_filters_and_pages_the_audit(iso: Isolated, zone: Zone) -> None:
    uscc = zone.own["enterprise3"]
    for _ in range(3):
        iso.api.get(f"/api/enterprises/{uscc}/portrait", as_="official")
    only = iso.api.get("/api/audit", as_="admin", params={"action": "read_portrait", "username": "official", "size": 2}).json()
    assert only["total"] == 3 and len(only["items"]) == 2
    page2 = iso.api.get("/api/audit", as_="admin", params={"action": "read_portrait", "username": "official", "size": 2, "page": 2}).json()
    assert len(page2["items"]) == 1
    ids = [e["id"] for e in only["items"] + page2["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    logins = iso.api.get("/api/audit", as_="admin", params={"action": "login"}).json()["items"]
    assert {e["username"] for e in logins} >= {"admin", "official", "enterprise1"}


def test_cli_audit_json_shows_the_same_trail(iso: Isolated, zone: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
    uscc = zone.own["enterprise1"]
    iso.api.get(f"/api/enterprises/{uscc}/portrait", as_="official")
    use_zone(monkeypatch, iso.settings.data_dir)
    # The service writes audit events in batches (assistant/access/audit.py); another process —
    # the CLI — sees them once written: write them now rather than wait for the writer's turn.
    assert iso.client.app.state.audit.flush()  # type: ignore[attr-defined]
    result = CliRunner().invoke(cli_app, ["audit", "--json", "--limit", "200"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    api_items = _events(iso)
    assert data["total"] == len(api_items)
    assert [e["id"] for e in data["items"]] == [e["id"] for e in api_items]
    newest_read = next(e for e in data["items"] if e["action"] == "read_portrait")
    assert (newest_read["username"], newest_read["role"], newest_read["target"]) == ("official", "official", uscc)
    assert newest_read["path"] == f"/api/enterprises/{uscc}/portrait" and newest_read["client"] == "testclient"
    only = json.loads(CliRunner().invoke(cli_app, ["audit", "--json", "--username", "enterprise1"]).stdout)
    assert only["items"] and all(e["username"] == "enterprise1" for e in only["items"])
    table = CliRunner().invoke(cli_app, ["audit", "--limit", "5"])
    assert table.exit_code == 0 and "时间" in table.output and "testclient" in table.output


def test_reads_are_in_the_trail_at_once_for_the_api_and_after_shutdown(zone: Zone, tmp_path: Any) -> None:
    """The admin's API sees a read immediately (readers flush the batch); a read made just before
    the service stops is on disk after it stops (the writer flushes at shutdown)."""
    folder = copy_zone(zone, tmp_path / "trail")
    uscc = zone.own["enterprise1"]
    with TestClient(create_app(make_settings(folder))) as c:
        official = {"Authorization": f"Bearer {login(c, 'official')}"}
        admin = {"Authorization": f"Bearer {login(c, 'admin')}"}
        assert c.get(f"/api/enterprises/{uscc}/portrait", headers=official).status_code == 200
        seen = c.get("/api/audit", params={"action": "read_portrait"}, headers=admin).json()
        assert seen["total"] == 1 and seen["items"][0]["target"] == uscc
        assert c.get("/api/rankings", params={"stage": "mature"}, headers=official).status_code == 200
    rows = zone_rows(folder, "select username, role, action, target from auditevent where action like 'read_%' order by id")
    assert rows == [("official", "official", "read_portrait", uscc), ("official", "official", "read_ranking", "mature total")]
