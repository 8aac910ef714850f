"""概况 in a real browser: the year's figures are the API's, every chart is drawn, no errors; the
same at 375 px wide without horizontal scrolling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("role", ["public", "enterprise1", "official"])
def test_overview_shows_the_apis_figures_and_draws_its_charts(visit: Callable[..., Visit], zone: Zone, role: str) -> None:
    v = visit()
    if role != "public":
        v.login(role)
    v.goto("/")
    v.charts_drawn()
    d = v.api_json(f"/api/stats/distribution?year={zone.latest_year}")
    assert v.page.locator("#year").input_value() == str(zone.latest_year)
    assert v.page.locator("[data-figure=enterprises]").inner_text() == str(d["enterprises"])
    assert v.page.locator("[data-figure=mean]").inner_text() == f"{d['totals']['mean']:.2f}"
    v.screenshot(f"overview-{role}")
    v.clean()


def test_overview_year_selector_redraws_with_that_years_figures(visit: Callable[..., Visit], zone: Zone) -> None:
    v = visit()
    v.goto("/")
    v.charts_drawn()
    first = zone.years[0]
    v.page.select_option("#year", str(first))  # its answer is already there: the trend asked for every year
    d = v.api_json(f"/api/stats/distribution?year={first}")
    v.page.wait_for_function("(m) => document.querySelector('[data-figure=mean]').textContent === m", arg=f"{d['totals']['mean']:.2f}")
    v.clean()


def test_overview_on_a_phone_has_no_horizontal_scroll(visit: Callable[..., Visit]) -> None:
    v = visit(viewport=PHONE)
    v.goto("/")
    v.charts_drawn()
    v.no_horizontal_scroll()
    v.screenshot("overview-phone")
    v.clean()
