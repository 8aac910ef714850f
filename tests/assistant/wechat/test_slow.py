"""The 5-second rule, with the chat's optional language model served by a fake on 127.0.0.1 that
holds its answer until the test releases it (an event, never a sleep): "success" at once, then one
push through the fake customer-service API, which accepts only the access token it issued."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from assistant.wechat import bindings
from scoring.store import make_engine
from tests.assistant.chat.fake_openai import FakeOpenAI, serve_fake
from tests.assistant.conftest import Zone, login, zone_rows, zone_url
from tests.assistant.wechat.conftest import APP_ID, WeChatZone, start
from tests.assistant.wechat.fake_api import FakeWeChatApi, serve_fake_api

WAIT_S = 120  # only ends a test whose push never comes; the test waits on the event


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeOpenAI]:
    yield from serve_fake()


@pytest.fixture(scope="module")
def slow(zone: Zone, tmp_path_factory: pytest.TempPathFactory, llm: FakeOpenAI) -> Iterator[WeChatZone]:
    api_gen = serve_fake_api()
    api: FakeWeChatApi = next(api_gen)
    # The passive reply waits 0.2 s here (4.5 s in service): the model below is held until released.
    yield from start(zone, tmp_path_factory.mktemp("slow"), api, llm_base_url=llm.base_url, llm_model="qwen-test",
                     llm_timeout_seconds=110, wechat_reply_seconds=0.2)
    api_gen.close()


def _turns(folder: Path) -> int:
    return int(zone_rows(folder, "select count(*) from chat_turn")[0][0])


def test_a_slow_answer_says_success_then_is_pushed_once(slow: WeChatZone, llm: FakeOpenAI) -> None:
    f = slow.follower("safe")
    # Bound through the store's own functions: here every WeChat message has 0.2 s to be answered.
    engine = make_engine(zone_url(slow.folder))
    with Session(engine) as session:
        now = slow.clock()
        code = bindings.issue_code(session=session, username="enterprise1", now=now).code
        bindings.redeem(session=session, account=f"mp:{APP_ID}", openid=f.openid, code=code, now=now)
    engine.dispose()
    llm.hold, llm.release = True, __import__("threading").Event()
    message = f.text("我们今年总积分多少")
    before = _turns(slow.folder)
    assert f.reply(f.post(slow.http, message)) is None  # "success": the model is still thinking
    assert llm.received.wait(WAIT_S)
    assert f.reply(f.post(slow.http, message)) is None  # WeChat's retry while it thinks: still one answer coming
    assert not slow.api.sent
    llm.hold = False
    llm.release.set()
    assert slow.api.got_message.wait(WAIT_S)
    (pushed,) = slow.api.sent
    assert pushed["touser"] == f.openid and pushed["msgtype"] == "text"
    assert pushed["path"] == "/cgi-bin/message/custom/send"
    assert slow.api.fetches == 1 and not slow.api.refused  # the token it issued, fetched once
    token = login(slow.http, "enterprise1")
    core = slow.http.post("/api/chat", json={"message": "我们今年总积分多少"},
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert pushed["text"]["content"].startswith(core["reply"])  # the chat core's answer, for the bound user
    assert _turns(slow.folder) == before + 2  # the WeChat turn once (its retry added none), and the check above
