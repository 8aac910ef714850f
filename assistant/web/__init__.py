"""The portal's pages: Jinja2 templates, static files and which role sees which page.

Framework-free (the route module `assistant.api.routes.portal` renders the shells): a page is an
HTML shell whose script fetches JSON from the API as the logged-in caller, so every number on a
page is the API's and the privacy rule is the API's.

    >>> from assistant.web import visible_pages
    >>> [p.title for p in visible_pages("public")]
    ['概况', '搜索', '指标体系', '智能助手']
"""

from __future__ import annotations

from assistant.web.pages import PAGES, STATIC_DIR, TEMPLATES_DIR, Page, may_open, visible_pages

__all__ = ["PAGES", "STATIC_DIR", "TEMPLATES_DIR", "Page", "may_open", "visible_pages"]
