"""Login throttling (issue 11, item 9): per (address, user name) with back-off, a ceiling per
address, and forwarded headers believed only from configured proxies. Time is a fake clock
handed to `create_app`: no test waits for time to pass."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.access.throttle import LoginPolicy
from assistant.api.app import create_app
from assistant.api.forwarded import TrustedProxies
from assistant.cli.serve import SERVER_OPTIONS
from assistant.config import Settings
from tests.assistant.conftest import (
    PASSWORDS,
    SECRET,
    Zone,
    assert_error,
    bearer,
    copy_zone,
    make_settings,
)

PROXY = "10.0.0.2"  # the reverse proxy the test client stands for
WRONG = "wrong-password-123"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Zone1:
    """One private zone behind a trusted proxy: `login(name, password, address)`."""

    client: TestClient
    clock: Clock
    settings: Settings

    def login(self, name: str, password: str = WRONG, *, address: str = "198.51.100.1") -> Any:
        return self.client.post("/api/auth/token", data={"username": name, "password": password},
                                headers={"X-Forwarded-For": address})

    def ok(self, name: str, *, address: str = "198.51.100.1") -> Any:
        return self.login(name, PASSWORDS[name], address=address)

    def audit(self, action: str) -> list[dict[str, Any]]:
        token = self.ok("admin", address="192.0.2.250").json()["access_token"]
        r = self.client.get("/api/audit", params={"action": action, "size": 100}, headers=bearer(token))
        assert r.status_code == 200, r.text
        return r.json()["items"]


@pytest.fixture
def behind_proxy(zone: Zone, tmp_path: Path) -> Iterator[Callable[..., Zone1]]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> Zone1:
        clock = Clock()
        settings = make_settings(copy_zone(zone, tmp_path / f"z{len(clients)}"), trusted_proxies=[f"{PROXY}/32"],
                                 search_warm_start=False, **overrides)
        client = TestClient(create_app(settings, clock=clock), client=(PROXY, 40000))
        client.__enter__()
        clients.append(client)
        return Zone1(client=client, clock=clock, settings=settings)

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _retry_after(r: Any) -> int:
    assert_error(r, 429, "too_many_attempts")
    return int(r.headers["retry-after"])


# ----------------------------------------------------------------------------- the cases
def test_failures_on_one_name_do_not_lock_the_other_users_behind_the_address(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy()
    for _ in range(5):
        assert_error(z.login("official"), 401, "not_authenticated")
    assert _retry_after(z.login("official")) == 1
    for name in ("enterprise1", "enterprise2", "admin"):  # colleagues in the same office
        assert z.ok(name).status_code == 200


def test_a_locked_name_still_logs_in_from_another_address(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy()
    for _ in range(12):
        z.clock.advance(3600)
        z.login("official", address="203.0.113.66")  # someone guessing from elsewhere, slowly
    assert _retry_after(z.ok("official", address="203.0.113.66")) > 60
    assert z.ok("official", address="198.51.100.1").status_code == 200  # the real user is not locked out


def test_the_wait_doubles_after_the_free_failures_and_is_capped(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy(login_failures_allowed=3, login_backoff_max_seconds=60)
    for _ in range(3):
        assert_error(z.login("official"), 401)
    waits = []
    for _ in range(8):
        wait = _retry_after(z.login("official"))
        waits.append(wait)
        z.clock.advance(wait - 0.5)
        assert _retry_after(z.ok("official")) == 1  # even the right password waits its turn
        z.clock.advance(0.5)
        assert_error(z.login("official"), 401, "not_authenticated")  # the turn came: one more guess
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    err = assert_error(z.login("official"), 429)
    assert err["message"] == "登录失败次数过多，请 60 秒后再试"


def test_the_wait_is_said_in_minutes_when_long(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy(login_failures_allowed=1)
    for _ in range(12):
        z.clock.advance(3600)
        z.login("official")
    err = assert_error(z.login("official"), 429)
    assert err["message"] == "登录失败次数过多，请 15 分钟后再试"


def test_a_success_forgives_the_pair(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy()
    for _ in range(4):
        assert_error(z.login("official"), 401)
    assert z.ok("official").status_code == 200
    for _ in range(4):  # four more typos after logging in are free again
        assert_error(z.login("official"), 401)
    assert z.ok("official").status_code == 200


def test_an_address_that_sprays_many_names_hits_its_own_ceiling(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy(login_address_failures_allowed=10, login_window_seconds=600)
    sprayer = "203.0.113.7"
    for i in range(10):
        assert_error(z.login(f"guess{i}", address=sprayer), 401)
        z.clock.advance(10)
    r = z.ok("official", address=sprayer)
    err = assert_error(r, 429, "too_many_attempts")
    assert err["message"] == "此地址登录失败次数过多，请 9 分钟后再试" and r.headers["retry-after"] == "500"
    assert z.ok("official").status_code == 200  # other addresses are not affected
    z.clock.advance(499)
    assert_error(z.ok("official", address=sprayer), 429)
    z.clock.advance(1)  # the first failure leaves the window
    assert z.ok("official", address=sprayer).status_code == 200


def test_failures_are_forgotten_after_a_day(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy(login_failures_allowed=1, login_backoff_max_seconds=3600)
    for _ in range(8):
        z.clock.advance(4000)
        z.login("official")
    assert _retry_after(z.ok("official")) > 0
    z.clock.advance(24 * 3600)
    assert z.ok("official").status_code == 200


def test_user_names_are_counted_in_any_letter_case(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy()
    for name in ("official", "Official", "OFFICIAL", "offICIAL", "officiaL"):
        assert_error(z.login(name), 401)
    assert_error(z.ok("official"), 429)


def test_failed_logins_are_audited_with_the_client_address(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy(login_failures_allowed=3)
    for _ in range(3):
        z.login("official", address="203.0.113.9")
    assert_error(z.login("official", address="203.0.113.9"), 429)  # a refused attempt is no new failure
    events = z.audit("login_failed")
    assert [(e["username"], e["client"]) for e in events] == [("official", "203.0.113.9")] * 3


# ----------------------------------------------------------------------------- forwarded headers
def test_forwarded_headers_count_only_from_trusted_proxies_right_most_untrusted(behind_proxy: Callable[..., Zone1]) -> None:
    z = behind_proxy()
    # A client behind the proxy forging the left part of the chain: the proxy's own entry wins.
    for forged in ("1.1.1.1", "2.2.2.2, 3.3.3.3", "not-an-ip"):
        z.login("official", address=f"{forged}, 203.0.113.20")
    z.client.post("/api/auth/token", data={"username": "official", "password": WRONG}, headers={"X-Real-IP": "203.0.113.21"})
    clients = {e["client"] for e in z.audit("login_failed")}
    assert clients == {"203.0.113.20", "203.0.113.21"}
    # A peer that is not a configured proxy is taken at its word for nothing.
    with TestClient(z.client.app, client=("198.51.100.99", 40001)) as direct:
        for fake in ("203.0.113.30", "203.0.113.31"):
            direct.post("/api/auth/token", data={"username": "enterprise1", "password": WRONG},
                        headers={"X-Forwarded-For": fake, "X-Real-IP": fake})
    assert {e["client"] for e in z.audit("login_failed") if e["username"] == "enterprise1"} == {"198.51.100.99"}


def test_forwarded_for_from_localhost_neither_escapes_the_wait_nor_fools_the_audit(zone: Zone, tmp_path: Path) -> None:
    """Through a real uvicorn with `innopoints serve`'s options and no trusted proxies: a client on
    127.0.0.1 sending X-Forwarded-For is still 127.0.0.1, for throttling and for the audit trail."""
    settings = make_settings(copy_zone(zone, tmp_path / "zone"), search_warm_start=False)
    # A clock that stands still: the back-off after the fifth failure never runs out, however slow
    # the machine is between the requests (with the real clock a loaded machine outlasted it).
    now = datetime.now(UTC)
    app = create_app(settings, clock=lambda: now)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", **SERVER_OPTIONS))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)  # waiting for start-up only, no timing is measured
        port = server.servers[0].sockets[0].getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for i in range(5):
                r = http.post("/api/auth/token", data={"username": "official", "password": WRONG},
                              headers={"X-Forwarded-For": f"203.0.113.{100 + i}"})
                assert r.status_code == 401
            r = http.post("/api/auth/token", data={"username": "official", "password": PASSWORDS["official"]},
                          headers={"X-Forwarded-For": "203.0.113.200"})
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
            token = http.post("/api/auth/token", data={"username": "admin", "password": PASSWORDS["admin"]}).json()["access_token"]
            events = http.get("/api/audit", params={"action": "login_failed"}, headers=bearer(token)).json()["items"]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert [e["client"] for e in events] == ["127.0.0.1"] * 5


# ----------------------------------------------------------------------------- settings and policy
def test_trusted_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOPOINTS_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12")
    assert Settings(_env_file=None, secret_key=SECRET).trusted_proxies == ["10.0.0.1", "172.16.0.0/12"]  # type: ignore[call-arg]
    monkeypatch.setenv("INNOPOINTS_TRUSTED_PROXIES", "10.0.0.1,proxy.local")
    with pytest.raises(ValidationError, match="INNOPOINTS_TRUSTED_PROXIES 中的“proxy.local”不是 IP 地址或网段"):
        Settings(_env_file=None, secret_key=SECRET)  # type: ignore[call-arg]


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    proxies = TrustedProxies(["10.0.0.0/8", "::1"])
    assert proxies.client("10.0.0.2", forwarded_for="9.9.9.9, 203.0.113.9, 10.1.1.1") == "203.0.113.9"
    assert proxies.client("10.0.0.2", forwarded_for="10.3.3.3, 10.1.1.1") == "10.3.3.3"  # all proxies: the first
    assert proxies.client("10.0.0.2", forwarded_for="garbage") == "10.0.0.2"
    assert proxies.client("10.0.0.2", real_ip="203.0.113.4") == "203.0.113.4"
    assert proxies.client("::1", forwarded_for="2001:db8::1") == "2001:db8::1"
    assert proxies.client("203.0.113.5", forwarded_for="10.0.0.9") == "203.0.113.5"
    assert TrustedProxies([]).client("127.0.0.1", forwarded_for="203.0.113.5") == "127.0.0.1"


def test_the_back_off_never_overflows() -> None:
    policy = LoginPolicy(free=5, max_wait_s=900)
    assert [policy.wait_s(n) for n in (0, 4, 5, 6, 10, 10_000)] == [0, 0, 1, 2, 32, 900]
