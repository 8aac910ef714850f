"""The upload endpoint and batch/conflict routes: officials import, others are refused.

Runs on its own small store (not the shared demo zone): imports change data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, delete

from assistant.access import accounts
from assistant.api.app import create_app
from assistant.api.routes.imports import MAX_UPLOAD_BYTES
from scoring import store
from tests.assistant.conftest import Api, assert_error, make_settings
from tests.scoring.test_ingest import NAMES, REGISTER_HEADER, USCCS, write_csv

PASSWORD = "imports-test-2026"


@pytest.fixture(scope="module")
def app_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One app and its users for the module (password hashing is slow on purpose)."""
    settings = make_settings(tmp_path_factory.mktemp("imports") / "data")
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with Session(engine) as s:
            s.add(store.Enterprise(uscc=USCCS[0], name=NAMES[0]))  # an enterprise user is bound to one in the store
            s.commit()
            for user, role, uscc in (("admin", "admin", None), ("official", "official", None), ("enterprise1", "enterprise", USCCS[0])):
                accounts.add_user(session=s, username=user, password=PASSWORD, role=role, uscc=uscc)
        a = Api(client)
        for user in ("admin", "official", "enterprise1"):
            r = client.post("/api/auth/token", data={"username": user, "password": PASSWORD})
            a.tokens[user] = r.json()["access_token"]
        yield a


@pytest.fixture
def api(app_api: Api) -> Api:
    """The module's app with an empty store: each test starts without enterprises or batches."""
    with Session(app_api.client.app.state.engine) as s:  # type: ignore[attr-defined]
        for table in (store.Conflict, store.RawValue, store.Batch, store.Enterprise):
            s.exec(delete(table))  # type: ignore[call-overload]
        s.commit()
    return app_api


def _upload(api: Api, path: Path, *, source: str, year: int | None = 2023, as_: str | None = "official", **extra: str) -> object:
    data = {"source": source, **({"year": str(year)} if year else {}), **extra}
    with path.open("rb") as fh:
        return api.post("/api/imports", as_=as_, data=data, files={"file": (path.name, fh, "text/csv")})


def _register(tmp_path: Path) -> Path:
    rows = [[u, n, "2015-03-05", "1000", "", "软件", "张三"] for u, n in zip(USCCS, NAMES, strict=True)]
    return write_csv(tmp_path / "工商登记.csv", REGISTER_HEADER, rows, encoding="gbk")


def test_official_imports_lists_shows_and_reverts(api: Api, tmp_path: Path) -> None:
    r = _upload(api, _register(tmp_path), source="工商")
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    report = r.json()  # type: ignore[attr-defined]
    assert report["status"] == "imported" and report["rows_imported"] == 4 and report["file"] == "工商登记.csv"
    again = _upload(api, _register(tmp_path), source="register")
    assert again.status_code == 200 and again.json()["status"] == "unchanged"  # type: ignore[attr-defined]
    tax = write_csv(tmp_path / "tax.csv", ["纳税人识别号", "营业收入（万元）"], [[USCCS[0], "1000"]])
    tax_id = _upload(api, tax, source="tax", as_="admin").json()["batch_id"]  # type: ignore[attr-defined]
    assert [b["id"] for b in api.get("/api/imports", as_="official", params={"source": "税务"}).json()] == [tax_id]
    batches = api.get("/api/imports", as_="official").json()
    assert [b["id"] for b in batches] == [tax_id, report["batch_id"]] and batches[0]["source_name"] == "税务"
    one = api.get(f"/api/imports/{tax_id}", as_="official").json()
    assert one["file"] == "tax.csv" and one["report"]["values_written"] == 1 and one["status"] == "active"
    reverted = api.post(f"/api/imports/{tax_id}/revert", as_="official")
    assert reverted.status_code == 200 and reverted.json()["status"] == "reverted"
    assert_error(api.post(f"/api/imports/{tax_id}/revert", as_="official"), 409, "conflict")
    assert_error(api.get("/api/imports/9999", as_="official"), 404, "not_found")


def test_rejected_file_is_422_with_the_report(api: Api, tmp_path: Path) -> None:
    _upload(api, _register(tmp_path), source="register")
    bad = write_csv(tmp_path / "hr.csv", ["统一社会信用代码", "参保人数"], [[USCCS[0], "12a"], [USCCS[1], "-3"]])
    err = assert_error(_upload(api, bad, source="社保/人社"), 422, "import_rejected")
    details = err["details"]
    assert details["status"] == "rejected" and details["batch_id"] is None
    assert [(e["row"], e["column_letter"], e["reason"]) for e in details["errors"]] == [
        (2, "B", "不是数字：'12a'"), (3, "B", "人数不能为负：-3")]
    assert len(api.get("/api/imports", as_="official").json()) == 1  # nothing written


def test_conflicts_route(api: Api, tmp_path: Path) -> None:
    _upload(api, _register(tmp_path), source="register")
    _upload(api, write_csv(tmp_path / "self.csv", ["统一社会信用代码", "营业收入（万元）"], [[USCCS[0], "900"]]), source="企业填报")
    _upload(api, write_csv(tmp_path / "tax.csv", ["统一社会信用代码", "营业收入（万元）"], [[USCCS[0], "1000"]]), source="tax")
    rows = api.get("/api/conflicts", as_="official", params={"year": 2023}).json()
    assert [(c["field"], c["value_a"], c["source_a"], c["value_b"], c["source_b"]) for c in rows] == [
        ("revenue", "900", "self_report", "1000", "tax")]
    assert api.get("/api/conflicts", as_="official", params={"status": "resolved"}).json() == []
    assert_error(api.get("/api/conflicts", as_="official", params={"status": "maybe"}), 422)


@pytest.mark.parametrize(("who", "status"), [("enterprise1", 403), (None, 403)])
def test_others_are_refused(api: Api, tmp_path: Path, who: str | None, status: int) -> None:
    path = _register(tmp_path)
    assert_error(_upload(api, path, source="register", as_=who), (401, 403))  # type: ignore[arg-type]
    for url in ("/api/imports", "/api/imports/1", "/api/conflicts"):
        assert_error(api.get(url, as_=who), (401, 403))
    assert_error(api.post("/api/imports/1/revert", as_=who), (401, 403))


def test_bad_requests(api: Api, tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert_error(_upload(api, pdf, source="tax"), 400)
    assert_error(_upload(api, _register(tmp_path), source="海关"), 422)
    assert_error(api.post("/api/imports", as_="official", data={"source": "tax"}), 422, "invalid_request")


def test_upload_limit_is_raised_for_this_route_only(api: Api, tmp_path: Path) -> None:
    settings_limit = api.client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    big = tmp_path / "big.csv"  # one huge cell: bigger than the global limit, cheap to parse
    big.write_text(f"统一社会信用代码,企业名称\n{USCCS[0]},{'甲' * (settings_limit // 3 + 10)}\n", encoding="utf-8")
    r = _upload(api, big, source="tax")
    assert r.status_code != 413  # type: ignore[attr-defined]
    assert MAX_UPLOAD_BYTES > settings_limit
    assert_error(api.post("/api/users", as_="admin", content=b"x" * (settings_limit + 1),
                          headers={"content-type": "application/json"}), 413)


def test_store_state_after_api_import(api: Api, tmp_path: Path) -> None:
    _upload(api, _register(tmp_path), source="register")
    with Session(api.client.app.state.engine) as s:  # type: ignore[attr-defined]
        assert store.enterprise(session=s, uscc=USCCS[2]).name == NAMES[2]


# ----------------------------------------------------------------------------- the CLI
def test_cli_import_batches_and_conflicts(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from assistant.cli.main import app as cli

    runner = CliRunner()
    env = {"INNOPOINTS_DATA_DIR": str(tmp_path / "cli")}

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), env=env)
        return result.exit_code, result.output

    code, out = run("import", "工商", str(_register(tmp_path)), "--year", "2023")
    assert code == 0 and "已导入（第 1 号批次）" in out and "读取 4 行" in out
    self_report = write_csv(tmp_path / "self.csv", ["统一社会信用代码", "营业收入（万元）"], [[USCCS[0], "900"]])
    tax = write_csv(tmp_path / "tax.csv", ["统一社会信用代码", "营业收入（万元）"], [[USCCS[0], "1000"]])
    assert run("import", "self_report", str(self_report), "--year", "2023")[0] == 0
    code, out = run("import", "税务", str(tax), "--year", "2023", "--json")
    report = json.loads(out)
    assert code == 0 and report["status"] == "imported" and report["conflicts"] == 1
    code, out = run("import", "tax", str(tax), "--year", "2023")
    assert code == 0 and "未变化" in out
    batches = json.loads(run("batches", "list", "--json")[1])
    assert [b["source"] for b in batches] == ["tax", "self_report", "register"]
    shown = json.loads(run("batches", "show", str(report["batch_id"]), "--json")[1])
    assert shown["file"] == "tax.csv" and shown["sha256"] == report["sha256"]
    (conflict,) = json.loads(run("conflicts", "--year", "2023", "--json")[1])
    assert (conflict["field_name"], conflict["value_a"], conflict["value_b"]) == ("营业收入", "900", "1000")
    code, out = run("batches", "revert", str(report["batch_id"]))
    assert code == 0 and "已撤销" in out
    code, out = run("batches", "revert", str(report["batch_id"]))
    assert code == 1 and "不能重复撤销" in out
    bad = write_csv(tmp_path / "bad.csv", ["统一社会信用代码", "参保人数"], [[USCCS[0], "12a"]])
    xlsx = tmp_path / "report.xlsx"
    code, out = run("import", "hr", str(bad), "--year", "2023", "--report-xlsx", str(xlsx))
    assert code == 1 and "不是数字：'12a'" in out and xlsx.exists()
    code, out = run("import", "海关", str(bad))
    assert code == 1 and "未知的数据来源" in out
