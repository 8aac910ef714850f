"""The portal's session: login sets an httpOnly SameSite=Strict cookie with the API's own token, the
API accepts it, changes made with it need the CSRF token, logout clears it; which shell a role gets.

Through the real app (TestClient on the shared demo zone); the browser tests use the same flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from assistant.api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from assistant.web import STATIC_DIR
from tests.assistant.conftest import PASSWORDS, Isolated, Zone, assert_error, bearer, login


def portal_login(client: TestClient, username: str, *, next: str = "/") -> Any:
    return client.post("/login", data={"username": username, "password": PASSWORDS[username], "next": next},
                       follow_redirects=False)


def test_login_sets_an_httponly_strict_session_cookie_and_a_readable_csrf_cookie(isolated: Isolated) -> None:
    r = portal_login(isolated.client, "official", next="/rankings")
    assert r.status_code == 303 and r.headers["location"] == "/rankings"
    cookies = {c.split("=", 1)[0]: c for c in r.headers.get_list("set-cookie")}
    session, csrf = cookies[SESSION_COOKIE], cookies[CSRF_COOKIE]
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf
    me = isolated.client.get("/api/auth/me").json()  # the cookie alone is the caller
    assert me["role"] == "official" and me["username"] == "official"


def test_a_change_with_the_cookie_needs_the_csrf_token(isolated: Isolated) -> None:
    client = isolated.client
    portal_login(client, "enterprise1")
    body = {"message": "积分怎么算？"}
    err = assert_error(client.post("/api/chat", json=body), 403, "forbidden")
    assert "CSRF" in err["message"]
    assert_error(client.post("/api/chat", json=body, headers={CSRF_HEADER: "0" * 32}), 403)
    ok = client.post("/api/chat", json=body, headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]})
    assert ok.status_code == 200, ok.text
    # The same for the streamed chat the portal's widget uses (the OpenAI-compatible route).
    stream = {"model": "innopoints", "messages": [{"role": "user", "content": "积分怎么算？"}], "stream": True}
    assert "CSRF" in assert_error(client.post("/v1/chat/completions", json=stream), 403, "forbidden")["message"]
    ok = client.post("/v1/chat/completions", json=stream, headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]})
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/event-stream"), ok.text
    assert ok.text.rstrip().endswith("data: [DONE]")


def test_a_planted_csrf_cookie_does_not_pass(isolated: Isolated) -> None:
    """The CSRF token is derived from the session's token: a cookie pair set by someone else fails."""
    client = isolated.client
    portal_login(client, "official")
    client.cookies.set(CSRF_COOKIE, "a" * 32)
    assert_error(client.post("/api/chat", json={"message": "你好"}, headers={CSRF_HEADER: "a" * 32}), 403)


def test_bearer_and_api_key_clients_need_no_csrf_token(isolated: Isolated) -> None:
    token = login(isolated.client, "official")
    fresh = TestClient(isolated.client.app)  # no cookies
    r = fresh.post("/api/chat", json={"message": "积分怎么算？"}, headers=bearer(token))
    assert r.status_code == 200, r.text


def test_logout_clears_both_cookies(isolated: Isolated) -> None:
    client = isolated.client
    portal_login(client, "official")
    r = client.post("/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    gone = " ".join(r.headers.get_list("set-cookie"))
    assert f'{SESSION_COOKIE}=""' in gone and f'{CSRF_COOKIE}=""' in gone
    assert client.get("/api/auth/me").json()["role"] == "public"


def test_a_wrong_password_shows_the_login_page_with_a_chinese_message(isolated: Isolated) -> None:
    r = isolated.client.post("/login", data={"username": "official", "password": "wrong-password-1"}, follow_redirects=False)
    assert r.status_code == 401 and "用户名或密码" in r.text and SESSION_COOKIE not in r.headers.get("set-cookie", "")
    empty = isolated.client.post("/login", data={"username": "", "password": ""}, follow_redirects=False)
    assert empty.status_code == 422 and "请填写用户名和密码" in empty.text


def test_login_goes_back_only_to_a_path_of_this_site(isolated: Isolated) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        r = portal_login(isolated.client, "official", next=target)
        assert r.status_code == 303 and r.headers["location"] == "/", target


def test_a_login_posted_from_another_site_is_refused(isolated: Isolated) -> None:
    r = isolated.client.post("/login", data={"username": "official", "password": PASSWORDS["official"]},
                             headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403 and "其他网站" in r.text and not r.headers.get_list("set-cookie")


def test_a_stale_cookie_is_the_public_and_is_cleared(client: TestClient) -> None:
    fresh = TestClient(client.app)
    fresh.cookies.set(SESSION_COOKIE, "not-a-token")
    r = fresh.get("/")
    assert r.status_code == 200 and "登录" in r.text
    assert f'{SESSION_COOKIE}=""' in " ".join(r.headers.get_list("set-cookie"))


def test_pages_by_role(isolated_factory: Callable[..., Isolated], zone: Zone) -> None:
    """The public gets the login page for pages that need a role; a role that may not see a page,
    and an enterprise user opening another enterprise's portrait, get the not-found page."""
    client = isolated_factory().client
    other = zone.own["enterprise2"]
    for path in ("/rankings", "/lists", "/imports", "/accounts", f"/enterprises/{other}"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in ("/", "/search", "/systems", "/assistant", "/login"):
        assert client.get(path).status_code == 200, path
    portal_login(client, "enterprise1")
    for path in ("/rankings", "/lists", "/imports", "/accounts", f"/enterprises/{other}", "/enterprises/nonsense"):
        r = client.get(path)
        assert r.status_code == 404 and "没有找到这个页面" in r.text, path
        assert other not in r.text.replace(path, "")
    own = client.get(f"/enterprises/{zone.own['enterprise1']}")
    assert own.status_code == 200 and f'data-uscc="{zone.own["enterprise1"]}"' in own.text
    client.post("/logout")
    portal_login(client, "official")
    for path in ("/rankings", "/lists", "/imports", f"/enterprises/{other}"):
        assert client.get(path).status_code == 200, path
    assert client.get("/accounts").status_code == 404
    client.post("/logout")
    portal_login(client, "admin")
    assert client.get("/accounts").status_code == 200


def test_static_files_are_served_compressed(client: TestClient) -> None:
    with client.stream("GET", "/static/vendor/echarts.min.js", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        sent = sum(len(chunk) for chunk in r.iter_raw())
    assert sent < 400_000 < (STATIC_DIR / "vendor" / "echarts.min.js").stat().st_size


def test_pages_forbid_inline_scripts_and_framing(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


def test_a_browser_opening_an_unknown_address_gets_the_not_found_page(client: TestClient) -> None:
    page = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html") and "没有找到这个页面" in page.text
    # API clients keep the JSON shape, on any address
    assert_error(client.get("/no-such-page"), 404)
    assert_error(client.get("/api/no-such", headers={"Accept": "text/html"}), 404)
