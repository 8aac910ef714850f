"""Every role visits every page it may see, in a desktop window and on a phone: no console error,
no failed request, no horizontal scroll at 375 px, a screenshot of each under var/screenshots/;
the pages it may not see are the login page (the public) or the not-found page (everyone else)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.web import PAGES, visible_pages
from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow
ROLES = {"public": "public", "enterprise1": "enterprise", "official": "official", "admin": "admin"}


@pytest.mark.parametrize("user", list(ROLES))
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_page_a_role_may_see(visit: Callable[..., Visit], zone: Zone, user: str, viewport: str) -> None:
    v = visit(viewport=PHONE if viewport == "phone" else None)
    if user != "public":
        v.login(user)
    role = ROLES[user]
    paths = [p.path for p in visible_pages(role)]
    if role == "enterprise":
        paths.append(f"/enterprises/{zone.own[user]}")
    elif role != "public":
        paths.append(f"/enterprises/{zone.own['enterprise2']}")
    v.goto("/")
    v.page.wait_for_load_state("networkidle")
    nav = v.page.locator("#nav a")
    assert [a.get_attribute("href") for a in nav.all()] == [p.path for p in visible_pages(role)] + \
        ([f"/enterprises/{zone.own[user]}"] if role == "enterprise" else [])
    for path in paths:
        response = v.goto(path)
        assert response.status == 200, path
        v.page.wait_for_load_state("networkidle")
        assert not v.page.locator("[role=alert].error, p.error").count(), (path, v.page.locator("p.error").all_inner_texts())
        if v.page.locator("[data-chart]").count():
            v.charts_drawn()
        if viewport == "phone":
            v.no_horizontal_scroll()
        v.screenshot(f"{viewport}-{user}{path.replace('/', '-') if path != '/' else '-overview'}")
    v.clean()


@pytest.mark.parametrize("user", list(ROLES))
def test_the_pages_a_role_may_not_see(visit: Callable[..., Visit], user: str) -> None:
    v = visit()
    if user != "public":
        v.login(user)
    role = ROLES[user]
    hidden = [p for p in PAGES.values() if p.nav and role not in p.roles]
    for page in hidden:
        response = v.goto(page.path)
        if role == "public":
            assert v.page.url.endswith(f"/login?next={page.path}"), v.page.url
            assert v.page.locator("input[name=password]").count() == 1
        else:
            assert response.status == 404 and "没有找到这个页面" in v.page.locator("main").inner_text(), page.path
    v.clean(allow=tuple(p.path for p in hidden))
