"""The customer-service push and its access token, against the fake WeChat API on 127.0.0.1 and a
real SQLite store shared by two "workers" (two `AccessTokens` on one database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from assistant.wechat.push import MAX_MESSAGES, Pusher, token_fetcher
from assistant.wechat.tables import ensure_tables
from assistant.wechat.tokens import AccessTokens
from scoring.store import make_engine
from tests.assistant.chat.conftest import Clock
from tests.assistant.wechat.fake_api import FakeWeChatApi, serve_fake_api

ACCOUNT = "mp:wxtest"


@pytest.fixture
def api() -> Iterator[FakeWeChatApi]:
    yield from serve_fake_api()


@pytest.fixture
def setup(api: FakeWeChatApi, tmp_path: Path) -> Iterator[tuple[Pusher, AccessTokens, Clock, httpx.Client, object]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    from assistant.access import accounts

    accounts.ensure_tables(engine)
    ensure_tables(engine)
    clock = Clock(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    with httpx.Client() as http:
        fetch = token_fetcher(http, kind="mp", api_base=api.base_url, app_id="wxtest", secret="test-app-secret")
        tokens = AccessTokens(engine, account=ACCOUNT, fetch=fetch, clock=clock)
        yield Pusher(http, kind="mp", api_base=api.base_url, tokens=tokens), tokens, clock, http, engine
    engine.dispose()


def test_the_token_is_fetched_once_and_shared_by_workers(setup: tuple, api: FakeWeChatApi) -> None:
    pusher, tokens, clock, http, engine = setup
    assert pusher.push("openid-1", "您好") == 1
    assert pusher.push("openid-1", "再见") == 1
    other_worker = AccessTokens(engine, account=ACCOUNT, clock=clock,
                                fetch=token_fetcher(http, kind="mp", api_base=api.base_url, app_id="wxtest",
                                                    secret="test-app-secret"))
    assert other_worker.get() == api.token
    assert api.fetches == 1
    assert [m["text"]["content"] for m in api.sent] == ["您好", "再见"] and api.sent[0]["touser"] == "openid-1"


def test_the_token_is_refreshed_before_it_expires(setup: tuple, api: FakeWeChatApi) -> None:
    _, tokens, clock, _, _ = setup
    tokens.get()
    clock.advance(seconds=7200 - 6 * 60)  # six minutes left: still used
    tokens.get()
    assert api.fetches == 1
    clock.advance(seconds=2 * 60)  # four minutes left: refreshed
    api.token = "ACCESS-TOKEN-2"
    assert tokens.get() == "ACCESS-TOKEN-2" and api.fetches == 2


def test_a_refused_token_is_fetched_again_once(setup: tuple, api: FakeWeChatApi) -> None:
    pusher, tokens, *_ = setup
    tokens.get()
    api.token = "ACCESS-TOKEN-NEW"  # WeChat invalidated the cached one (another system fetched)
    assert pusher.push("openid-1", "您好") == 1
    assert api.refused == ["ACCESS-TOKEN-1"] and api.fetches == 2


def test_an_error_code_like_45015_is_not_retried(setup: tuple, api: FakeWeChatApi, caplog: pytest.LogCaptureFixture) -> None:
    pusher, *_ = setup
    api.errcode = 45015  # the follower has not written for 48 hours
    long = "。".join(["研发投入强度是研发费用占营业收入的比例"] * 400)
    with caplog.at_level("WARNING", logger="innopoints.wechat"):
        assert pusher.push("openid-1", long) == 0
    assert len(api.sent) == 1  # the rest of the answer is dropped, nothing retried
    assert "45015" in caplog.text


def test_a_long_answer_is_at_most_five_messages_of_2048_bytes(setup: tuple, api: FakeWeChatApi) -> None:
    pusher, *_ = setup
    long = "。".join(["研发投入强度是研发费用占营业收入的比例"] * 400)
    assert pusher.push("openid-1", long) == MAX_MESSAGES
    assert len(api.sent) == MAX_MESSAGES
    assert all(len(m["text"]["content"].encode()) <= 2048 for m in api.sent)
