"""A private demo zone served live with WeChat configured (official account and WeCom), a fake
WeChat API on 127.0.0.1 for the pushes, and followers that talk through the simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.api.app import create_app
from assistant.config import Settings
from tests.assistant.chat.conftest import Clock, serve
from tests.assistant.conftest import Zone, copy_zone, login, make_settings
from tests.assistant.wechat.fake_api import FakeWeChatApi, serve_fake_api
from tests.assistant.wechat.simulator import Follower, Mode

TOKEN, AES_KEY, APP_ID = "wxtesttoken2026", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
WORK_TOKEN, WORK_AES_KEY, CORP_ID = "worktoken2026", "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut", "ww1234567890abcdef"


def wechat_settings(folder: Path, api: FakeWeChatApi, **overrides: Any) -> Settings:
    return make_settings(folder, **{
        "embedder": "none", "recheck_seconds": 0, "chat_turns_per_minute": 0,
        "wechat_token": TOKEN, "wechat_aes_key": AES_KEY, "wechat_app_id": APP_ID, "wechat_app_secret": "test-app-secret",
        "wechat_api_base": api.base_url, "wework_token": WORK_TOKEN, "wework_aes_key": WORK_AES_KEY,
        "wework_corp_id": CORP_ID, "wework_secret": "test-corp-secret", "wework_agent_id": "1000002",
        "wework_api_base": api.base_url, **overrides,
    })


@dataclass
class WeChatZone:
    url: str
    clock: Clock
    http: httpx.Client
    api: FakeWeChatApi
    folder: Path  # the zone copy's data folder (`zone_url(folder)` is its database)
    own: dict[str, str]

    def follower(self, mode: Mode = "safe", **kw: Any) -> Follower:
        now: Callable[[], float] = lambda: self.clock().timestamp()  # noqa: E731
        if mode == "work":
            return Follower(f"{self.url}/wechat/work", WORK_TOKEN, WORK_AES_KEY, CORP_ID, mode, now,
                            account_name=CORP_ID, **kw)
        return Follower(f"{self.url}/wechat", TOKEN, AES_KEY, APP_ID, mode, now, **kw)

    def code(self, username: str) -> str:
        token = login(self.http, username)
        r = self.http.post("/api/wechat/binding-code", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        return str(r.json()["code"])


def start(zone: Zone, folder: Path, api: FakeWeChatApi, **overrides: Any) -> Iterator[WeChatZone]:
    clock = Clock(datetime(zone.latest_year, 6, 1, 2, 0, tzinfo=UTC))
    server, thread, url = serve(create_app(wechat_settings(copy_zone(zone, folder), api, **overrides), clock=clock))
    try:
        with httpx.Client(base_url=url, timeout=120) as http:
            yield WeChatZone(url=url, clock=clock, http=http, api=api, folder=folder, own=dict(zone.own))
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeWeChatApi]:
    yield from serve_fake_api()


@pytest.fixture(scope="module")
def wz(zone: Zone, tmp_path_factory: pytest.TempPathFactory, fake_api: FakeWeChatApi) -> Iterator[WeChatZone]:
    """The live service with WeChat configured, on its own copy of the zone (module-wide)."""
    yield from start(zone, tmp_path_factory.mktemp("wechat"), fake_api)
