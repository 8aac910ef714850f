"""The portal: HTML shells of the pages in `assistant.web`, login and logout with a cookie session.

The shells hold no figures: each page's script fetches the API as the caller (the session cookie
is accepted by `get_principal` like a bearer token), so the numbers and the privacy rule are the
API's. This module only decides which shell a caller gets: the page, the login page (the public
asking for a page that needs a role) or the not-found page (a role that may not see it, or an
enterprise user opening another enterprise's portrait — answered exactly like a firm that does
not exist, with no request for its data).

Login posts the form to `/login`, which checks it through the API's own login (throttling and
audit included) and sets two cookies: the token, httpOnly and SameSite=Strict, and its CSRF token,
readable by the pages' script, which echoes it in `X-CSRF-Token` on every change it asks for.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import OAuth2PasswordRequestForm
from fastapi.templating import Jinja2Templates

from assistant.access.privacy import PUBLIC, Principal
from assistant.api.deps import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    ClientDep,
    SessionDep,
    SettingsDep,
    csrf_token,
    get_principal,
)
from assistant.api.routes import auth
from assistant.errors import ServiceError
from assistant.web import PAGES, TEMPLATES_DIR, Page, may_open, visible_pages
from scoring.systems.labels import SOURCES, STAGES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# Scripts only from this site (no inline script: a name with markup in it can never run), styles
# inline too (ECharts sizes its canvas with style attributes), no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
HTML_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                "Content-Security-Policy": CSP, "X-Frame-Options": "DENY"}


async def page_principal(request: Request) -> Principal:
    """The caller of a page: from the session cookie only; a stale or bad cookie is the public."""
    if not request.cookies.get(SESSION_COOKIE):
        return PUBLIC
    try:
        return await get_principal(request, None, None)
    except ServiceError:  # expired token, disabled user: the page shows the login link
        return PUBLIC


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def render(request: Request, principal: Principal, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the portal with its navigation for `principal`."""
    response = templates.TemplateResponse(request, template, {
        "principal": principal, "nav": visible_pages(principal.role), "own": list(principal.bound),
        "role_name": {"admin": "管理员", "official": "园区工作人员", "enterprise": "企业用户"}.get(principal.role, "公众"),
        "csrf_header": CSRF_HEADER, "csrf_cookie": CSRF_COOKIE, **context,
    }, status_code=status, headers=HTML_HEADERS)
    if request.cookies.get(SESSION_COOKIE) and principal.role == "public":
        clear_session(response)  # the cookie no longer logs anyone in
    return response


def not_found(request: Request, principal: Principal) -> HTMLResponse:
    """The not-found page (404), the same for a missing page and a page the role may not see."""
    return render(request, principal, "404.html", status=404, page=None)


async def not_found_page(request: Request) -> HTMLResponse:
    """The not-found page for any address a browser opens that is no page (`app.state.html_not_found`)."""
    return not_found(request, await page_principal(request))


def to_login(request: Request) -> RedirectResponse:
    """To the login page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303, headers=HTML_HEADERS)


def shell(request: Request, principal: Principal, page: Page, **context: Any) -> Response:
    """The page's shell, the login page or the not-found page, as `principal` may see it."""
    if not may_open(page, principal.role):
        return to_login(request) if principal.role == "public" else not_found(request, principal)
    return render(request, principal, f"{page.key}.html", page=page, **context)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, principal: PagePrincipal) -> Response:
    """概况."""
    return shell(request, principal, PAGES["overview"], stages=STAGES)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, principal: PagePrincipal) -> Response:
    """搜索."""
    return shell(request, principal, PAGES["search"], stages=STAGES)


@router.get("/enterprises/{uscc}", response_class=HTMLResponse)
def portrait(uscc: str, request: Request, principal: PagePrincipal) -> Response:
    """企业画像: officials any enterprise, an enterprise user its own; anyone else the not-found page."""
    page = PAGES["portrait"]
    if not may_open(page, principal.role):
        return to_login(request) if principal.role == "public" else not_found(request, principal)
    code = uscc.strip().upper()
    if len(code) != 18 or not code.isalnum() or not principal.may_see_details(code):
        return not_found(request, principal)
    return render(request, principal, "portrait.html", page=page, uscc=code,
                  sources_json=json.dumps(SOURCES, ensure_ascii=False))


@router.get("/rankings", response_class=HTMLResponse)
def rankings(request: Request, principal: PagePrincipal) -> Response:
    """排行."""
    return shell(request, principal, PAGES["rankings"], stages=STAGES)


@router.get("/lists", response_class=HTMLResponse)
def lists(request: Request, principal: PagePrincipal) -> Response:
    """积分贷名单."""
    return shell(request, principal, PAGES["lists"])


@router.get("/systems", response_class=HTMLResponse)
def systems(request: Request, principal: PagePrincipal) -> Response:
    """指标体系."""
    return shell(request, principal, PAGES["systems"], sources_json=json.dumps(SOURCES, ensure_ascii=False))


@router.get("/imports", response_class=HTMLResponse)
def imports(request: Request, principal: PagePrincipal) -> Response:
    """数据导入."""
    return shell(request, principal, PAGES["imports"], sources=SOURCES)


@router.get("/assistant", response_class=HTMLResponse)
def assistant(request: Request, principal: PagePrincipal) -> Response:
    """智能助手."""
    return shell(request, principal, PAGES["assistant"])


@router.get("/accounts", response_class=HTMLResponse)
def accounts(request: Request, principal: PagePrincipal) -> Response:
    """账号."""
    return shell(request, principal, PAGES["accounts"])


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, principal: PagePrincipal, next: str = "/") -> Response:
    """The login form."""
    return render(request, principal, "login.html", page=None, next=safe_next(next), message=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
    next: Annotated[str, Form(max_length=400)] = "/",
) -> Response:
    """Check the form through the API's login; on success set the session and CSRF cookies."""
    target = safe_next(next)
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        return render(request, PUBLIC, "login.html", status=403, page=None, next=target, username=username,
                      message="登录请求来自其他网站，已拒绝")
    if not username.strip() or not password:
        return render(request, PUBLIC, "login.html", status=422, page=None, next=target, username=username,
                      message="请填写用户名和密码")
    form = OAuth2PasswordRequestForm(username=username.strip(), password=password)
    try:
        token = auth.login(request, form, session, settings, client)
    except ServiceError as exc:  # wrong password (401), throttled (429), too long (400)
        return render(request, PUBLIC, "login.html", status=exc.status, page=None, next=target, username=username,
                      message=exc.message)
    response = RedirectResponse(target, status_code=303, headers=HTML_HEADERS)
    secure = request.url.scheme == "https"
    max_age = token.expires_in
    secret = request.app.state.settings.secret_key
    response.set_cookie(SESSION_COOKIE, token.access_token, max_age=max_age, httponly=True, samesite="strict",
                        secure=secure, path="/")
    response.set_cookie(CSRF_COOKIE, csrf_token(token.access_token, secret), max_age=max_age, httponly=False,
                        samesite="strict", secure=secure, path="/")
    return response


@router.post("/logout")
def logout() -> Response:
    """Clear the session and CSRF cookies, back to 概况."""
    response = RedirectResponse("/", status_code=303, headers=HTML_HEADERS)
    clear_session(response)
    return response


def clear_session(response: Response) -> None:
    """Remove both cookies."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", samesite="strict")


def safe_next(target: str) -> str:
    """Only a path of this site (no other host through `//` or a backslash) is a place to go back to."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(c < " " for c in target):
        return "/"
    return target
