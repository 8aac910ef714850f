"""搜索 in a real browser: suggestions as one types (a firm found by the initials of its short
name), keyboard choice, results with their reasons; points only for callers who may see them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from pypinyin import Style, lazy_pinyin

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def test_search_as_you_type_finds_a_firm_by_its_initials(visit: Callable[..., Visit], zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    v = visit()
    v.goto("/search")
    firm = v.api_json(f"/api/enterprises/{uscc}")
    typed = initials(firm["short_name"])
    expected = v.api_json(f"/api/search/suggest?q={quote(typed)}&limit=8")["items"]
    assert uscc in [i["uscc"] for i in expected], (typed, expected)
    v.page.locator("#q").press_sequentially(typed)
    option = v.page.locator(f"#suggest li[data-uscc='{uscc}']")
    option.wait_for()
    assert [li.get_attribute("data-uscc") for li in v.page.locator("#suggest li").all()] == [i["uscc"] for i in expected]
    # keyboard: down to the firm, Enter searches its name; the hit says why it matched
    position = [i["uscc"] for i in expected].index(uscc)
    for _ in range(position + 1):
        v.page.keyboard.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    with v.page.expect_response(lambda r: "/api/search?" in r.url):
        v.page.keyboard.press("Enter")
    hit = v.page.locator(f"#hits li[data-uscc='{uscc}']")
    hit.wait_for()
    assert v.page.locator("#q").input_value() == firm["name"]
    assert hit.locator(".tag").count() >= 1
    assert hit.locator("[data-figure=total]").count() == 0  # the public sees no points
    v.screenshot("search-public")
    v.clean()


def test_officials_filter_by_points_and_see_totals(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.login("official")
    v.goto("/search")
    v.page.fill("#q", "机器人")
    v.page.fill("input[name=points_min]", "40")
    v.page.fill("input[name=points_max]", "70")
    with v.page.expect_response(lambda r: "/api/search?" in r.url) as info:
        v.page.click("#search-form button[type=submit]")
    answer = info.value.json()
    assert answer["items"]
    v.page.locator("#hits li").first.wait_for()
    totals = v.page.locator("#hits [data-figure=total]").all_inner_texts()
    assert len(totals) == len(answer["items"])
    for text, item in zip(totals, answer["items"], strict=True):
        assert 40 <= item["total"] <= 70 and f"总分 {item['total']:.2f} 分" in text
    v.screenshot("search-official")
    v.clean()


def test_enterprise_users_get_no_points_filters(visit: Callable[..., Visit]) -> None:
    v = visit(viewport=PHONE)
    v.login("enterprise1")
    v.goto("/search")
    assert v.page.locator("input[name=points_min]").count() == 0
    v.page.fill("#q", "太阳能")
    v.page.press("#q", "Enter")
    v.page.locator("#hits li").first.wait_for()
    v.no_horizontal_scroll()
    v.screenshot("search-phone")
    v.clean()
