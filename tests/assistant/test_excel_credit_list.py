"""The credit list workbook: a company name imported from a register as `=HYPERLINK(…)` stays text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli.main import app as cli_app
from tests.assistant.conftest import Api, Zone, copy_zone, make_settings, use_zone

HYPERLINK = '=HYPERLINK("http://example.invalid","点此领取")'


def test_formula_like_name_from_the_register_is_text_in_the_credit_list(
    zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(copy_zone(zone, tmp_path / "zone"))
    with TestClient(create_app(settings)) as client:
        listed = Api(client).get("/api/lists/credit", as_="official", params={"top": 1}).json()["items"]
    uscc = listed[0]["uscc"]
    register = tmp_path / "登记.csv"
    with register.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["统一社会信用代码", "企业名称"], [uscc, HYPERLINK]])
    use_zone(monkeypatch, settings.data_dir)
    result = CliRunner().invoke(cli_app, ["import", "register", str(register), "--year", str(zone.latest_year)])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(settings)) as client:
        r = Api(client).get("/api/lists/credit", as_="official", params={"top": 1, "format": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["白名单"]
    (row,) = [row for row in ws.iter_rows(min_row=3) if row[0].value == uscc]
    assert row[1].value == HYPERLINK and row[1].data_type == "s" and row[1].quotePrefix
    assert not [c.coordinate for line in ws.iter_rows() for c in line if c.data_type == "f"]
    assert row[4].number_format == "0.00" and "北京时间" in str(ws["A1"].value)
