"""GET /api/gaps and /api/gaps/form: a year's data gaps and one firm's self-report form (officials)."""

from __future__ import annotations

import io

import openpyxl

from tests.assistant.conftest import Api, Zone, assert_error


def test_officials_read_the_gaps_of_a_year(api: Api, zone: Zone) -> None:
    r = api.get("/api/gaps", as_="official", params={"year": zone.latest_year, "size": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == zone.latest_year and body["enterprises_checked"] > 0
    assert body["summary"] and body["summary"] == sorted(body["summary"], key=lambda s: (-s["missing"], -s["year"], s["field"]))
    assert len(body["enterprises"]) <= 5 and body["enterprises_with_gaps"] >= len(body["enterprises"])
    assert all(e["gaps"] > 0 for e in body["enterprises"])


def test_gaps_are_for_officials_only(api: Api, zone: Zone) -> None:
    for who in (None, "enterprise1"):
        assert_error(api.get("/api/gaps", as_=who, params={"year": zone.latest_year}), 403)
        assert_error(api.get("/api/gaps/form", as_=who, params={"year": zone.latest_year, "uscc": zone.own["enterprise1"]}), 403)


def test_a_year_without_data_or_without_a_system_is_refused(api: Api) -> None:
    assert "没有任何已导入的数据" in assert_error(api.get("/api/gaps", as_="official", params={"year": 2030}), 404)["message"]
    assert "没有适用的指标体系" in assert_error(api.get("/api/gaps", as_="official", params={"year": 2001}), 422)["message"]


def test_the_self_report_form_asks_for_what_the_firm_lacks(api: Api, zone: Zone) -> None:
    body = api.get("/api/gaps", as_="official", params={"year": zone.latest_year, "size": 50}).json()
    firm = next(e for e in body["enterprises"] if e["form_years"])
    year = firm["form_years"][0]
    r = api.get("/api/gaps/form", as_="official", params={"year": zone.latest_year, "uscc": firm["uscc"], "data_year": year})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats") and "attachment" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    cells = {str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None}
    assert firm["uscc"] in cells and firm["name"] in cells


def test_a_bad_uscc_is_refused_in_chinese(api: Api, zone: Zone) -> None:
    assert_error(api.get("/api/gaps/form", as_="official", params={"year": zone.latest_year, "uscc": "12345"}), 422)
