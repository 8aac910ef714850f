"""The API documentation pages, served with no internet: Swagger UI at /docs, ReDoc at /redoc.

FastAPI's own pages load their JavaScript and CSS from a public CDN, which a zone's offline
intranet cannot reach (a blank page). Here they follow FastAPI's "self-hosting JavaScript and
CSS for docs" recipe: the assets come from the `fastapi-offline` package (MIT), which ships
Swagger UI 5 (Apache-2.0) and ReDoc 2 (MIT) builds as package data, and are served under
`/docs/static`. Every URL in the pages is a path on this service (behind `root_path` when
mounted under a prefix); ReDoc uses no Google fonts and Swagger UI no online validator badge.

`Settings.docs_enabled = False` (INNOPOINTS_DOCS_ENABLED=false) switches off /docs, /redoc and
/openapi.json together: each then answers 404 in the one error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
STATIC_URL = "/docs/static"
ASSETS = ("fastapi_offline", "static")  # (package, folder): swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png
# Without validatorUrl: null, Swagger UI shows a badge image fetched from validator.swagger.io.
SWAGGER_PARAMETERS: dict[str, Any] = {"validatorUrl": None, "persistAuthorization": True}


# The documentation's sections in reading order (routes are mounted in the order they are matched).
TAGS = ["系统", "登录", "企业", "排名与分布", "指标体系", "评分批次", "积分贷白名单", "用户", "审计", "搜索", "数据导入",
        "智能助手", "OpenAI 兼容接口", "微信"]


def app_options(*, enabled: bool) -> dict[str, Any]:
    """`FastAPI(...)` keywords: its CDN pages always off; the schema only while docs are enabled."""
    return {"docs_url": None, "redoc_url": None, "openapi_url": OPENAPI_URL if enabled else None,
            "openapi_tags": [{"name": tag} for tag in TAGS]}


def install_docs(app: FastAPI) -> None:
    """Serve the assets and the Swagger UI, OAuth2-redirect and ReDoc pages from this service."""
    app.mount(STATIC_URL, StaticFiles(packages=[ASSETS]), name="docs-static")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + OPENAPI_URL,
            title=f"{app.title} - 接口文档",
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=root + OPENAPI_URL,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )
