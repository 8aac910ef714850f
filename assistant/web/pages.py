"""The portal's pages and the roles that may open each (the navigation is drawn from this table).

A role missing from a page's `roles` gets the login page when it is the public (someone who has
not logged in may be allowed once they do) and the not-found page otherwise, so that a page's
existence tells an enterprise user nothing it could not see anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

EVERYONE = frozenset({"public", "enterprise", "official", "admin"})
LOGGED_IN = frozenset({"enterprise", "official", "admin"})
OFFICIALS = frozenset({"official", "admin"})
ADMINS = frozenset({"admin"})


class Page(NamedTuple):
    """One page: its key (template and script name), path, Chinese title, roles, shown in the navigation."""

    key: str
    path: str
    title: str
    roles: frozenset[str]
    nav: bool = True


PAGES: dict[str, Page] = {p.key: p for p in (
    Page("overview", "/", "概况", EVERYONE),
    Page("search", "/search", "搜索", EVERYONE),
    Page("portrait", "/enterprises/{uscc}", "企业画像", LOGGED_IN, nav=False),
    Page("rankings", "/rankings", "排行", OFFICIALS),
    Page("lists", "/lists", "积分贷名单", OFFICIALS),
    Page("systems", "/systems", "指标体系", EVERYONE),
    Page("imports", "/imports", "数据导入", OFFICIALS),
    Page("assistant", "/assistant", "智能助手", EVERYONE),
    Page("accounts", "/accounts", "账号", ADMINS),
)}


def may_open(page: Page, role: str) -> bool:
    """Whether `role` may open `page` (an enterprise's own portrait is checked by the route)."""
    return role in page.roles


def visible_pages(role: str) -> list[Page]:
    """The navigation of `role`, in the table's order."""
    return [p for p in PAGES.values() if p.nav and may_open(p, role)]


__all__ = ["PAGES", "STATIC_DIR", "TEMPLATES_DIR", "Page", "may_open", "visible_pages"]
