"""The officials' pages in a real browser: 排行 (the API's page, sortable, paged), 积分贷名单 (the
table and its Excel download), 指标体系 with the v1.0 → v1.1 diff (everyone)."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


def test_rankings_show_the_apis_page_sortable_and_paged(visit: Callable[..., Visit], zone: Zone) -> None:
    v = visit()
    v.login("official")
    v.goto("/rankings")
    v.page.locator("#ranking tbody tr").first.wait_for()
    api = v.api_json(f"/api/rankings?year={zone.latest_year}&stage=startup&page=1&size=20")
    assert [r.get_attribute("data-uscc") for r in v.page.locator("#ranking tbody tr").all()] == [i["uscc"] for i in api["items"]]
    assert v.page.locator("#ranking [data-figure=points]").all_inner_texts() == [f"{i['points']:.2f}" for i in api["items"]]
    v.page.click("#ranking th[data-key=points]")  # ascending by points: the page reversed
    assert v.page.locator("#ranking [data-figure=points]").first.inner_text() == f"{min(i['points'] for i in api['items']):.2f}"
    with v.page.expect_response(lambda r: "page=2" in r.url):
        v.page.click("#next")
    second = v.api_json(f"/api/rankings?year={zone.latest_year}&stage=startup&page=2&size=20")
    v.page.locator(f"#ranking tbody tr[data-uscc='{second['items'][0]['uscc']}']").wait_for()
    with v.page.expect_response(lambda r: "category=input" in r.url):
        v.page.select_option("select[name=category]", "input")
    by_input = v.api_json(f"/api/rankings?year={zone.latest_year}&stage=startup&page=1&size=20&category=input")
    v.page.locator(f"#ranking tbody tr[data-uscc='{by_input['items'][0]['uscc']}']").first.wait_for()
    v.screenshot("rankings-official")
    v.clean()


def test_credit_list_table_and_excel_download(visit: Callable[..., Visit], zone: Zone) -> None:
    v = visit()
    v.login("official")
    v.goto("/lists")
    v.page.locator("#list tbody tr").first.wait_for()
    api = v.api_json(f"/api/lists/credit?year={zone.latest_year}&min_total=60")
    assert v.page.locator("#list [data-figure=total]").all_inner_texts() == [f"{i['total']:.2f}" for i in api["items"]]
    with v.page.expect_download() as info:
        v.page.click("#xlsx")
    download = info.value
    assert download.suggested_filename == f"积分贷白名单_{zone.latest_year}.xlsx"
    with open(download.path(), "rb") as fh:
        book = openpyxl.load_workbook(io.BytesIO(fh.read()), read_only=True)
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert all(i["uscc"] in text for i in api["items"])
    v.screenshot("lists-official")
    v.clean()


@pytest.mark.parametrize("role", ["public", "official"])
def test_systems_page_words_every_indicator_and_shows_the_diff(visit: Callable[..., Visit], role: str) -> None:
    v = visit(viewport=PHONE if role == "public" else None)
    if role != "public":
        v.login(role)
    v.goto("/systems")
    v.page.locator("#indicators tr[data-indicator]").first.wait_for()
    d = v.api_json("/api/systems/1.1")
    assert v.page.locator("#indicators tr[data-indicator]").count() == len(d["indicators"])
    first = d["indicators"][0]
    assert f"公式：{first['words']['formula']}" in v.page.locator(f"tr[data-indicator={first['code']}]").inner_text()
    v.page.locator(".diff-added li").first.wait_for()
    diff = v.api_json("/api/systems/1.0/diff/1.1")
    assert v.page.locator(".diff-added li").all_inner_texts() == [f"{i['code']} {i['name']}" for i in diff["added"]]
    assert v.page.locator(".diff-removed li").count() == len(diff["removed"])
    assert v.page.locator(".diff-changed > li").count() == len(diff["changed"])
    if role == "public":
        v.no_horizontal_scroll()
    v.screenshot(f"systems-{role}")
    v.clean()
