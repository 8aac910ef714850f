"""The audit trail loses no event while a real import holds SQLite's write lock: the import is
paused inside its write transaction (its progress callback waits on an event), reads are answered
and spooled, the writer is refused and retries, and once the import commits every event is in."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.access.audit import AuditWriter
from scoring.demo.files import write_table
from scoring.ingest.importer import ImportReport, import_file
from tests.assistant.conftest import Zone, bearer, login
from tests.assistant.test_audit_reliability import _events, _wait_failures, locked_app  # noqa: F401  # the fixture

__all__ = ["locked_app"]
pytestmark = pytest.mark.sqlite_only  # the import holds SQLite's one write lock


def test_reads_while_an_import_holds_the_lock_are_all_audited(locked_app: tuple[TestClient, Path], zone: Zone,  # noqa: F811
                                                              tmp_path: Path) -> None:
    client, db = locked_app
    writer: AuditWriter = client.app.state.audit  # type: ignore[attr-defined]
    official = bearer(login(client, "official"))
    with sqlite3.connect(db) as conn:
        usccs = [u for (u,) in conn.execute("select uscc from enterprise order by uscc limit 50")]
    path = write_table(tmp_path / "税务.csv", [("", [], ["统一社会信用代码", "营业收入（万元）"],
                                                [[u, 1000.0 + i] for i, u in enumerate(usccs)])])
    writing, release = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:
        if total and done / total > 0.5 and not writing.is_set():  # past one half: inside the write transaction
            writing.set()
            release.wait()

    result: list[ImportReport] = []
    importer = threading.Thread(target=lambda: result.append(import_file(
        engine=client.app.state.engine, source="tax", path=path, year=zone.latest_year, progress=progress)))  # type: ignore[attr-defined]
    importer.start()
    try:
        assert writing.wait(timeout=600)
        for uscc in sorted(zone.own.values()):
            assert client.get(f"/api/enterprises/{uscc}", headers=official).status_code == 200
        _wait_failures(writer, 2)  # the import holds the lock: the writer is refused, and stays alive
        assert writer.alive() and writer.pending >= len(zone.own)
        assert _events(db, "read_profile") == []
    finally:
        release.set()
        importer.join()
    assert result and result[0].status == "imported"
    client.get("/api/audit", headers=bearer(login(client, "admin")), params={"size": 200})  # waits for the trail
    with writer.attempted:
        assert writer.attempted.wait_for(lambda: writer.pending == 0, timeout=120)
    assert [(u, t) for u, _, t in _events(db, "read_profile")] == [("official", u) for u in sorted(zone.own.values())]
    assert writer.alive() and writer.failures == 0
