"""Credentials: token expiry and tampering, disabled users, login throttling, what a failed login
says."""

from __future__ import annotations

import base64
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlmodel import Session

from assistant.access import accounts
from assistant.access.privacy import Principal
from assistant.api.principal_cache import PrincipalCache
from assistant.config import DEV_SECRET
from scoring.store import make_engine
from tests.assistant.conftest import SECRET, Api, Isolated, assert_error, bearer, login

ME = "/api/auth/me"


def _token(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def _claims(sub: str = "official", *, minutes: float = 30, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"sub": sub, "role": "official", "iat": now, "exp": now + timedelta(minutes=minutes), **extra}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unauthorized(r: Any, message: str | None = None) -> None:
    err = assert_error(r, 401, "not_authenticated")
    if message is not None:
        assert err["message"] == message
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer") or message is None


# ----------------------------------------------------------------------------- tokens
def test_a_token_made_with_the_secret_works(api: Api) -> None:
    """The control for the tests below: a well-formed token of ours is accepted."""
    r = api.client.get(ME, headers=bearer(_token(_claims())))
    assert r.status_code == 200 and r.json()["username"] == "official"


def test_expired_token_is_refused_with_a_chinese_message(api: Api) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    token = _token({"sub": "official", "role": "official", "iat": past, "exp": past + timedelta(minutes=60)})
    r = api.client.get(ME, headers=bearer(token))
    _unauthorized(r, "登录已过期，请重新登录")
    # on a data route too, not just on /me
    _unauthorized(api.client.get("/api/rankings", params={"stage": "growth"}, headers=bearer(token)), "登录已过期，请重新登录")


def test_token_signature_tampering_is_refused(api: Api) -> None:
    token = login(api.client, "official")
    head, payload, sig = token.split(".")
    mid = len(sig) // 2
    flipped = sig[:mid] + ("A" if sig[mid] != "A" else "B") + sig[mid + 1:]
    _unauthorized(api.client.get(ME, headers=bearer(f"{head}.{payload}.{flipped}")), "访问令牌无效")
    _unauthorized(api.client.get(ME, headers=bearer(f"{head}.{payload}.")), "访问令牌无效")


def test_token_payload_tampering_is_refused(api: Api) -> None:
    """An enterprise user rewriting its token to say `admin` keeps the old signature: refused."""
    token = login(api.client, "enterprise1")
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(sub="admin", role="admin")
    forged = f"{head}.{_b64(json.dumps(claims).encode())}.{sig}"
    _unauthorized(api.client.get(ME, headers=bearer(forged)), "访问令牌无效")
    _unauthorized(api.client.get("/api/users", headers=bearer(forged)), "访问令牌无效")
    # one flipped character in the payload
    mid = len(payload) // 2
    flipped = payload[:mid] + ("A" if payload[mid] != "A" else "B") + payload[mid + 1:]
    _unauthorized(api.client.get(ME, headers=bearer(f"{head}.{flipped}.{sig}")))


def test_token_signed_with_another_secret_is_refused(api: Api) -> None:
    for secret in (DEV_SECRET, "another-secret-of-at-least-32-characters!!", SECRET + "x"):
        _unauthorized(api.client.get(ME, headers=bearer(_token(_claims("admin"), secret=secret))), "访问令牌无效")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_tokens_without_expiry_or_subject_or_with_other_algorithms_are_refused(api: Api) -> None:
    now = datetime.now(UTC)
    no_exp = _token({"sub": "official", "iat": now})
    no_sub = _token({"role": "official", "iat": now, "exp": now + timedelta(minutes=5)})
    hs512 = _token(_claims(), algorithm="HS512")
    unsigned = jwt.encode(_claims(), None, algorithm="none")
    for token in (no_exp, no_sub, hs512, unsigned, "not-a-jwt", "a.b.c", ""):
        r = api.client.get(ME, headers={"Authorization": f"Bearer {token}"})
        if token == "":
            assert r.json()["role"] == "public"  # an empty bearer is no credential at all
        else:
            _unauthorized(r, "访问令牌无效")


def test_token_for_a_user_that_does_not_exist_is_refused(api: Api) -> None:
    _unauthorized(api.client.get(ME, headers=bearer(_token(_claims("ghost-user")))), "账号不存在或已停用")


def test_unknown_api_key_is_refused(api: Api) -> None:
    err = assert_error(api.client.get(ME, headers={"X-API-Key": "ipk_" + "x" * 43}), 401, "not_authenticated")
    assert err["message"] == "API 密钥无效"


# ----------------------------------------------------------------------------- disabled users
def test_disabling_a_user_revokes_its_token_and_api_key_at_once(isolated: Isolated) -> None:
    api = isolated.api
    token = login(api.client, "enterprise2")
    key = api.post("/api/users/enterprise2/api-keys", as_="admin").json()["api_key"]
    uscc = api.client.get(ME, headers=bearer(token)).json()["uscc"]
    assert api.client.get(f"/api/enterprises/{uscc}/portrait", headers=bearer(token)).status_code == 200
    assert api.client.get(f"/api/enterprises/{uscc}/portrait", headers={"X-API-Key": key}).status_code == 200

    r = api.post("/api/users/enterprise2/disable", as_="admin")
    assert r.status_code == 200 and r.json()["disabled"] is True

    _unauthorized(api.client.get(f"/api/enterprises/{uscc}/portrait", headers=bearer(token)), "账号不存在或已停用")
    err = assert_error(api.client.get(f"/api/enterprises/{uscc}/portrait", headers={"X-API-Key": key}), 401, "not_authenticated")
    assert err["message"] == "API 密钥所属账号已停用"
    # and the password no longer logs in — with the same answer as a wrong password
    r = api.post("/api/auth/token", data={"username": "enterprise2", "password": "demo-enterprise-2026"})
    assert assert_error(r, 401, "not_authenticated")["message"] == "用户名或密码错误，或账号已停用"
    # others are untouched
    assert api.client.get(ME, headers=bearer(login(api.client, "enterprise3"))).json()["username"] == "enterprise3"


def test_a_verified_caller_is_kept_for_recheck_seconds_and_no_longer() -> None:
    """Workers keep a verified caller for `recheck_seconds` (a clock of the test's own: no waiting)."""
    now = [100.0]
    cache = PrincipalCache(recheck_s=0.5, clock=lambda: now[0])
    who = Principal(role="enterprise", username="enterprise2", uscc="91320411743700980A")
    cache.put("token", who)
    now[0] = 100.49
    assert cache.get("token") == who
    now[0] = 100.5
    assert cache.get("token") is None  # the next request re-reads the user
    cache.put("token", who, expires_in_s=0.1)  # never beyond the credential's own expiry
    now[0] = 100.61
    assert cache.get("token") is None


def test_a_busy_callers_credential_is_rechecked_ahead_once() -> None:
    """From half of `recheck_seconds` on, one request claims a background re-check while the others
    go on with the principal; the outcome renews it or drops it, never reviving a forgotten user."""
    now = [100.0]
    cache = PrincipalCache(recheck_s=1.0, clock=lambda: now[0])
    who = Principal(role="official", username="official")
    cache.put("token", who)
    now[0] = 100.49
    assert not cache.claim_recheck("token")
    now[0] = 100.5
    assert [cache.claim_recheck("token") for _ in range(50)].count(True) == 1
    assert cache.get("token") == who  # still served meanwhile
    cache.rechecked("token", who)  # renewed at 100.5
    now[0] = 100.9
    assert cache.get("token") == who and not cache.claim_recheck("token")
    now[0] = 101.0
    assert cache.claim_recheck("token")
    cache.rechecked("token", None)  # refused, or the database not readable: verified by the next request
    assert cache.get("token") is None
    cache.put("token", who)
    now[0] += 0.6
    assert cache.claim_recheck("token")
    cache.forget_user("official")  # disabled in this process while the re-check ran
    cache.rechecked("token", who)
    assert cache.get("token") is None


def test_a_user_disabled_by_another_process_loses_access_at_the_next_check(isolated_factory: Any) -> None:
    """A change made elsewhere (here: the users table written directly, as `innopoints users
    disable` does) shows as soon as the worker re-reads the user: with `recheck_seconds=0`, at once."""
    iso = isolated_factory(recheck_seconds=0)
    token = login(iso.client, "enterprise2")
    uscc = iso.client.get(ME, headers=bearer(token)).json()["uscc"]
    path = f"/api/enterprises/{uscc}/portrait"
    assert iso.client.get(path, headers=bearer(token)).status_code == 200
    engine = make_engine(iso.settings.db_url)
    with Session(engine) as session:
        accounts.set_disabled(session=session, username="enterprise2", disabled=True)
    engine.dispose()
    _unauthorized(iso.client.get(path, headers=bearer(token)), "账号不存在或已停用")


# ----------------------------------------------------------------------------- failed logins
def _fail(client: Any, username: str, password: str = "wrong-password-123") -> Any:
    return client.post("/api/auth/token", data={"username": username, "password": password})


# Throttling (per address and user name, with back-off): tests/assistant/test_throttle.py.


def test_wrong_password_says_nothing_about_whether_the_user_exists(isolated: Isolated) -> None:
    c = isolated.client
    isolated.api.post("/api/users/enterprise3/disable", as_="admin")
    answers = [_fail(c, name) for name in ("official", "no-such-user", "enterprise3")]
    for r in answers:
        assert_error(r, 401, "not_authenticated")
    bodies = [r.json() for r in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["error"]["message"] == "用户名或密码错误，或账号已停用"
    assert answers[0].headers.get("www-authenticate") == answers[1].headers.get("www-authenticate")


def test_wrong_password_takes_as_long_for_unknown_users(isolated_factory: Callable[..., Isolated]) -> None:
    """The answer's time must not tell either: a known user's wrong password costs an Argon2
    verification (~0.1–0.3 s), an unknown or disabled user's costs nothing, so timing the 401
    enumerates accounts."""
    iso = isolated_factory(login_failures_allowed=100)
    c = iso.client

    def timed(name: str) -> float:
        started = time.perf_counter()
        assert _fail(c, name).status_code == 401
        return time.perf_counter() - started

    _fail(c, "warm-up")
    # Interleaved, so that a burst of load from other jobs falls on both kinds alike; a ratio of
    # medians, not a time limit. Without the dummy verification the ratio is in the hundreds.
    known_times, unknown_times = [], []
    for i in range(7):
        known_times.append(timed("official"))
        unknown_times.append(timed(f"ghost{i}"))
    known, unknown = statistics.median(known_times), statistics.median(unknown_times)
    assert known < 3 * unknown + 0.02, f"known user {known * 1000:.0f} ms vs unknown {unknown * 1000:.0f} ms"


def test_login_input_limits(api: Api) -> None:
    """Overlong names or passwords are refused before any lookup (and count as no failure)."""
    err = assert_error(api.post("/api/auth/token", data={"username": "u" * 65, "password": "x" * 12}), 400, "bad_request")
    assert "过长" in err["message"]
    assert_error(api.post("/api/auth/token", data={"username": "official", "password": "x" * 201}), 400, "bad_request")
    assert_error(api.post("/api/auth/token", data={"username": "official"}), 422, "invalid_request")


# The settings' secret-key rule: tests/assistant/test_secret.py.
