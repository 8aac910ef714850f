"""企业画像 in a real browser: the enterprise's own and an official's view show the API's figures,
draw the radar and the trend, list every indicator; another enterprise's portrait is the not-found
page with no data in any request; the print view is an A4 report."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("role", ["enterprise1", "official"])
def test_portrait_shows_the_apis_total_rank_and_every_indicator(visit: Callable[..., Visit], zone: Zone, role: str) -> None:
    uscc = zone.own["enterprise1"]
    v = visit()
    v.login(role)
    v.goto(f"/enterprises/{uscc}")
    v.charts_drawn()
    p = v.api_json(f"/api/enterprises/{uscc}/portrait")
    fig = v.page.locator("[data-figure]")
    assert v.page.locator("[data-figure=total]").inner_text() == f"{p['total']:.2f}"
    assert v.page.locator("[data-figure=rank]").inner_text() == f"{p['rank']} / {p['stage_size']}"
    assert v.page.locator("[data-figure=percentile]").inner_text() == f"{p['percentile']:.2f} %"
    assert fig.count() == 3
    assert v.page.locator("#name").inner_text() == p["name"]
    rows = v.page.locator("tr[data-indicator]")
    assert rows.count() == len(p["indicators"])
    for code in p["missing"]:  # missing data is shown as missing, with where to supply it
        row = v.page.locator(f"tr[data-indicator={code}]")
        assert "缺失" in row.inner_text() and "自报表" in row.inner_text()
    assert v.page.locator("#advice li").count() == max(len(p["advice"]), 1)
    for a in p["advice"]:
        assert f"+{a['gain']:.2f} 分" in v.page.locator("#advice").inner_text()
    v.screenshot(f"portrait-{role}")
    v.clean()


def test_portrait_shows_the_official_evaluations_computed_on_the_firms_data(visit: Callable[..., Visit], zone: Zone) -> None:
    """官方评价: the verdicts of 科小 and 高企 the API computes for the firm, as the page shows them."""
    uscc = zone.own["enterprise1"]
    v = visit()
    v.login("enterprise1")
    v.goto(f"/enterprises/{uscc}")
    v.charts_drawn()
    ev = v.api_json(f"/api/enterprises/{uscc}/evaluations?year={zone.latest_year}")
    assert ev["evaluations"]  # the demo zone has the raw data both evaluations read
    v.page.wait_for_selector("#verdicts-card:not([hidden]) li[data-evaluation]")
    for e in ev["evaluations"]:
        item = v.page.locator(f"li[data-evaluation='{e['version']}']").inner_text()
        assert e["name"] in item
        for verdict in e["verdicts"]:
            assert f"{verdict['name']}{'通过' if verdict['passed'] else '未通过'}" in item
        assert f"{e['total']:.2f}" in item
    assert "仅供参考" in v.page.locator("#verdicts").inner_text()
    v.clean()


def test_another_enterprises_portrait_is_the_not_found_page_with_no_data(visit: Callable[..., Visit], zone: Zone) -> None:
    other = zone.own["enterprise2"]
    v = visit()
    v.login("enterprise1")
    v.urls.clear()
    v.responses.clear()
    response = v.goto(f"/enterprises/{other}")
    v.page.wait_for_load_state("networkidle")
    assert response.status == 404
    assert "没有找到这个页面" in v.page.locator("main").inner_text()
    asked = [u for u in v.urls if other in u]
    assert asked == [v.base + f"/enterprises/{other}"], asked  # the page itself, no API request for it
    api_answers = [r for r in v.responses if "/api/" in r.url]
    assert not api_answers, [r.url for r in api_answers]
    name = v.api_json(f"/api/enterprises/{other}")["name"]  # its public name: even that is not on the page
    assert name not in v.page.content()
    v.screenshot("portrait-not-found")
    v.clean(allow=(f"/enterprises/{other}",))


def test_a_year_of_the_trend_opens_that_years_portrait(visit: Callable[..., Visit], zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    v = visit()
    v.login("enterprise1")
    v.goto(f"/enterprises/{uscc}")
    v.charts_drawn()
    first = zone.years[0]
    with v.page.expect_response(lambda r: f"/portrait?year={first}" in r.url):
        v.page.select_option("#year", str(first))
    p = v.api_json(f"/api/enterprises/{uscc}/portrait?year={first}")
    v.page.wait_for_function("(t) => document.querySelector('[data-figure=total]').textContent === t", arg=f"{p['total']:.2f}")
    v.clean()


def test_portrait_prints_as_an_a4_report(visit: Callable[..., Visit], zone: Zone) -> None:
    uscc = zone.own["enterprise1"]
    v = visit()
    v.login("enterprise1")
    v.goto(f"/enterprises/{uscc}")
    v.charts_drawn()
    v.page.emulate_media(media="print")
    assert v.page.locator(".report-title").is_visible()
    assert v.page.locator(".report-title").inner_text() == "企业科技创新积分报告"
    assert not v.page.locator("header.top").is_visible() and not v.page.locator("#chat-toggle").is_visible()
    pdf = v.page.pdf(prefer_css_page_size=True)
    boxes = {tuple(round(float(x)) for x in m.groups()) for m in re.finditer(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes == {(595, 842)}, boxes  # A4 in points
    v.clean()


def test_portrait_on_a_phone_has_no_horizontal_scroll(visit: Callable[..., Visit], zone: Zone) -> None:
    v = visit(viewport=PHONE)
    v.login("enterprise1")
    v.goto(f"/enterprises/{zone.own['enterprise1']}")
    v.charts_drawn()
    v.no_horizontal_scroll()
    v.screenshot("portrait-phone")
    v.clean()
