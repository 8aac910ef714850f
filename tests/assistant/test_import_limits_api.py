"""Uploads that used to hurt the service (issue 11, items 2–3): a CSV past column ZZZ answers 422,
not 500; a file of many bad cells answers the count and the first `MAX_ERRORS`; `/api/health`
answers while an import is in progress.

Runs on its own small store (not the shared demo zone): imports change data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from assistant.access import accounts
from assistant.api.app import create_app
from scoring.ingest.limits import MAX_ERRORS
from tests.assistant.conftest import Api, assert_error, make_settings
from tests.scoring.test_ingest import NAMES, REGISTER_HEADER, USCCS, write_csv

PASSWORD = "import-limits-2026"
LIVENESS_S = 120  # only a hang guard: a healthy run never waits for it


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = make_settings(tmp_path_factory.mktemp("import-limits") / "data")
    with TestClient(create_app(settings)) as client:
        with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
            accounts.add_user(session=s, username="official", password=PASSWORD, role="official")
        a = Api(client)
        r = client.post("/api/auth/token", data={"username": "official", "password": PASSWORD})
        a.tokens["official"] = r.json()["access_token"]
        yield a


def _upload(api: Api, path: Path, *, source: str, year: int = 2023) -> Any:
    with path.open("rb") as fh:
        return api.post("/api/imports", as_="official", data={"source": source, "year": str(year)},
                        files={"file": (path.name, fh, "text/csv")})


def test_a_csv_wider_than_zzz_answers_422_not_500(api: Api, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", ["统一社会信用代码", *(f"列{i}" for i in range(18_300))], [[USCCS[0]]])
    err = assert_error(_upload(api, path, source="tax"), 422, "import_rejected")
    first = err["details"]["errors"][0]
    assert "16,384 列的上限" in first["reason"] and first["column_letter"] == "XFE"


def test_many_bad_cells_answer_the_count_and_the_first_ones(api: Api, tmp_path: Path) -> None:
    rows = [[f"BAD{i:06d}", NAMES[0], "2015-03-05", "1000", "", "软件", "张三"] for i in range(MAX_ERRORS + 200)]
    path = write_csv(tmp_path / "register.csv", REGISTER_HEADER, rows)
    err = assert_error(_upload(api, path, source="工商"), 422, "import_rejected")
    details = err["details"]
    assert details["errors_total"] == MAX_ERRORS + 200 and len(details["errors"]) == MAX_ERRORS
    assert [e["row"] for e in details["errors"][:3]] == [2, 3, 4]
    assert f"共 {MAX_ERRORS + 200} 处错误" in err["message"]


def test_health_answers_while_an_import_is_in_progress(api: Api, tmp_path: Path) -> None:
    """The import is held inside its write transaction (on its first INSERT) until health has answered."""
    engine = api.client.app.state.engine
    started, release = threading.Event(), threading.Event()

    def hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO batch") and not started.is_set():
            started.set()
            release.wait(LIVENESS_S)

    rows = [[u, n, "2015-03-05", "1000", "", "软件", "张三"] for u, n in zip(USCCS, NAMES, strict=True)]
    path = write_csv(tmp_path / "工商登记.csv", REGISTER_HEADER, rows)
    event.listen(engine, "before_cursor_execute", hold)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            upload = pool.submit(_upload, api, path, source="工商")
            assert started.wait(LIVENESS_S), "the import never reached its first write"
            health = pool.submit(api.client.get, "/api/health")
            response = health.result(timeout=LIVENESS_S)  # raises if the event loop is blocked
            assert response.status_code == 200 and response.json()["status"] == "ok"
            assert not upload.done()  # health answered while the import was still held
            release.set()
            assert upload.result(timeout=LIVENESS_S).status_code == 201
    finally:
        release.set()
        event.remove(engine, "before_cursor_execute", hold)
