"""Real XML over real HTTP to the live service, through the independent simulator: URL
verification, the three modes of the official account and WeCom, every refusal, retries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from assistant.access import accounts
from assistant.api.app import create_app
from assistant.wechat import bindings
from scoring.store.db import make_engine
from tests.assistant.chat.conftest import Clock, serve
from tests.assistant.conftest import Zone, copy_zone, login, zone_rows, zone_url
from tests.assistant.wechat.conftest import (
    AES_KEY,
    APP_ID,
    CORP_ID,
    TOKEN,
    WORK_AES_KEY,
    WORK_TOKEN,
    WeChatZone,
    start,
    wechat_settings,
)
from tests.assistant.wechat.fake_api import FakeWeChatApi
from tests.assistant.wechat.simulator import Follower, encrypt, encrypt_raw, sha1_sign, xml_of


def counts(wz: WeChatZone) -> tuple[int, ...]:
    return tuple(int(zone_rows(wz.folder, f"select count(*) from {t}")[0][0])  # noqa: S608 - fixed names
                 for t in ("wechat_delivery", "chat_turn", "wechat_binding", "wechat_follower"))


def test_url_verification_returns_echostr_exactly(wz: WeChatZone) -> None:
    ts, nonce = str(int(wz.clock().timestamp())), "12345"
    r = wz.http.get("/wechat", params={"signature": sha1_sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce,
                                       "echostr": "6132847362918"})
    assert r.status_code == 200 and r.text == "6132847362918"
    bad = wz.http.get("/wechat", params={"signature": sha1_sign("other", ts, nonce), "timestamp": ts, "nonce": nonce,
                                         "echostr": "x"})
    assert bad.status_code == 403


def test_wecom_url_verification_decrypts_echostr(wz: WeChatZone) -> None:
    ts, nonce = str(int(wz.clock().timestamp())), "777"
    echo = encrypt(WORK_AES_KEY, CORP_ID, "1616140317555161061")
    r = wz.http.get("/wechat/work", params={"msg_signature": sha1_sign(WORK_TOKEN, ts, nonce, echo), "timestamp": ts,
                                            "nonce": nonce, "echostr": echo})
    assert r.status_code == 200 and r.text == "1616140317555161061"


@pytest.mark.parametrize("mode", ["plain", "compat", "safe", "work"])
def test_each_mode_answers_a_question(wz: WeChatZone, mode: Any) -> None:
    follower = wz.follower(mode)
    r = follower.post(wz.http, follower.text("积分制度是怎么回事"))
    fields = follower.reply(r)  # signature, decryption, appid / CorpID, addressing, ≤ 2048 bytes
    assert fields is not None and "积分" in fields["Content"]
    if mode == "plain":
        assert "<Encrypt>" not in r.text
    else:
        assert "<Encrypt>" in r.text and "积分" not in r.text


def test_events_voice_menu_and_other_types(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    welcome = f.reply(f.post(wz.http, f.event("subscribe")))
    assert welcome is not None and "绑定" in welcome["Content"]
    voice = f.reply(f.post(wz.http, {**f.text(""), "MsgType": "voice", "MediaId": "m1", "Format": "amr",
                                     "Recognition": "积分制度是怎么回事"}))
    assert voice is not None and "积分" in voice["Content"]
    mute = f.reply(f.post(wz.http, {**f.text(""), "MsgType": "voice", "MediaId": "m2", "Format": "amr"}))
    assert mute is not None and "请发文字" in mute["Content"]
    menu = f.reply(f.post(wz.http, f.event("CLICK", "HELP")))
    assert menu is not None and menu["Content"]
    image = f.reply(f.post(wz.http, {**f.text(""), "MsgType": "image", "PicUrl": "http://x/1.jpg", "MediaId": "m3"}))
    assert image is not None and "文字" in image["Content"]
    followers = counts(wz)[3]
    assert f.reply(f.post(wz.http, f.event("unsubscribe"))) is None  # "success"
    assert counts(wz)[3] == followers - 1  # the follower's session is dropped


def test_a_reply_quoting_cdata_end_stays_well_formed(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    text = f.say(wz.http, "]]><Content>恶意</Content> 积分制度")
    assert text  # parsed by the simulator's own XML reader: the reply's CDATA held


def test_three_deliveries_are_processed_once(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    message = f.text("研发投入强度怎么算")
    before = counts(wz)
    replies = [f.reply(f.post(wz.http, message)) for _ in range(3)]  # WeChat's retries: same MsgId
    after = counts(wz)
    assert after[1] == before[1] + 1  # one chat turn
    assert after[0] == before[0] + 1  # one delivery
    assert replies[0] is not None and all(r is not None and r["Content"] == replies[0]["Content"] for r in replies)
    event = f.event("CLICK", "HELP")
    first, again = f.post(wz.http, event), f.post(wz.http, event)  # an event: FromUserName + CreateTime
    assert counts(wz)[1] == after[1] + 1
    assert f.reply(first) == f.reply(again)


def test_a_retry_to_another_worker_gets_the_reply_given(
    zone: Zone, tmp_path_factory: pytest.TempPathFactory, fake_api: FakeWeChatApi,
) -> None:
    """Two workers on one store: the first answers and stops (its replies written, as on any
    shutdown); WeChat's retry of the same messages reaches the second, which answers each with
    the reply already given, without a second chat turn."""
    folder = copy_zone(zone, tmp_path_factory.mktemp("two-workers"))
    clock = Clock(datetime(zone.latest_year, 6, 1, 2, 0, tzinfo=UTC))
    settings = wechat_settings(folder, fake_api)
    first, first_thread, first_url = serve(create_app(settings, clock=clock))
    now: Callable[[], float] = lambda: clock().timestamp()  # noqa: E731
    followers = [Follower(f"{first_url}/wechat", TOKEN, AES_KEY, APP_ID, "safe", now) for _ in range(3)]
    messages = [(f, f.text(q)) for f, q in zip(followers, ("研发投入强度怎么算", "积分制度是怎么回事", "帮助"), strict=True)]
    with httpx.Client(timeout=120) as http:
        given = [f.reply(f.post(http, m)) for f, m in messages]
    first.should_exit = True
    first_thread.join()
    second, second_thread, second_url = serve(create_app(settings, clock=clock))
    try:
        wz = WeChatZone(url=second_url, clock=clock, http=httpx.Client(), api=fake_api, folder=folder,
                        own={})
        before = counts(wz)
        with httpx.Client(timeout=120) as http:
            again = [f.reply(replace(f, url=f"{second_url}/wechat").post(http, m)) for f, m in messages]
        assert again == given and all(r is not None and r["Content"] for r in given)
        assert counts(wz) == before  # no new delivery, no new chat turn
    finally:
        second.should_exit = True
        second_thread.join()


# ----------------------------------------------------------------------------- refusals
def _signed_safe(wz: WeChatZone, body_fields: dict[str, Any], enc: str, *, ts: int | None = None) -> tuple[dict[str, str], bytes]:
    t, nonce = str(ts if ts is not None else int(wz.clock().timestamp())), "4242"
    query = {"timestamp": t, "nonce": nonce, "encrypt_type": "aes", "msg_signature": sha1_sign(TOKEN, t, nonce, enc),
             "signature": sha1_sign(TOKEN, t, nonce)}
    return query, xml_of({**body_fields, "Encrypt": enc}).encode()


def _refusals(wz: WeChatZone) -> list[tuple[str, str, dict[str, str], bytes, int]]:
    f = wz.follower("safe")
    good = xml_of(f.text("积分制度是怎么回事"))
    enc = encrypt(AES_KEY, APP_ID, good)
    now = int(wz.clock().timestamp())
    cases: list[tuple[str, str, dict[str, str], bytes, int]] = []
    q, b = _signed_safe(wz, {"ToUserName": "gh"}, enc)
    cases.append(("bad signature", "/wechat", {**q, "msg_signature": "0" * 40}, b, 403))
    q, b = _signed_safe(wz, {"ToUserName": "gh"}, enc, ts=now - 3600)
    cases.append(("stale timestamp", "/wechat", q, b, 403))
    q, b = _signed_safe(wz, {"ToUserName": "gh"}, enc, ts=now + 3600)
    cases.append(("future timestamp", "/wechat", q, b, 403))
    other = encrypt(AES_KEY, "wxanotherappid000", good)
    cases.append(("another appid", "/wechat", *_signed_safe(wz, {"ToUserName": "gh"}, other), 403))
    raw = bytearray(__import__("base64").b64decode(enc))
    raw[20] ^= 0x55
    tampered = __import__("base64").b64encode(bytes(raw)).decode()
    cases.append(("tampered ciphertext", "/wechat", *_signed_safe(wz, {"ToUserName": "gh"}, tampered), 400))
    head = b"\x00" * 16 + b"\x00\x00\x00\x05hello" + APP_ID.encode()  # 43 bytes: 21 of padding to 64
    for name, pad in (("padding over 32", b"\x00" * 20 + b"\x21"), ("padding bytes differ", b"\x00" * 15 + b"\x01" + b"\x06" * 5),
                      ("padding zero", b"\x00" * 21)):
        bad = encrypt_raw(AES_KEY, head + pad)
        cases.append((name, "/wechat", *_signed_safe(wz, {"ToUserName": "gh"}, bad), 400))
    cases.append(("not base64", "/wechat", *_signed_safe(wz, {"ToUserName": "gh"}, "%%%notbase64"), 400))
    ts, nonce = str(now), "99"
    plain_q = {"timestamp": ts, "nonce": nonce, "signature": sha1_sign(TOKEN, ts, nonce)}
    doctype = b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>'
    cases.append(("entity expansion", "/wechat", plain_q, doctype, 400))
    cases.append(("external entity", "/wechat", plain_q,
                  b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>', 400))
    cases.append(("oversized body", "/wechat", plain_q, b"<xml><Content>" + b"a" * 70_000 + b"</Content></xml>", 413))
    cases.append(("JSON instead of XML", "/wechat", plain_q, b'{"ToUserName": "gh", "Content": "hi"}', 400))
    cases.append(("missing fields", "/wechat", plain_q, b"<xml><Content><![CDATA[hi]]></Content></xml>", 400))
    cases.append(("not closed", "/wechat", plain_q, good[:-5].encode(), 400))
    cases.append(("no signature", "/wechat", {"timestamp": ts, "nonce": nonce}, good.encode(), 403))
    cases.append(("encrypted to WeCom with the mp key", "/wechat/work", *_signed_safe(wz, {"ToUserName": CORP_ID}, enc), 403))
    return cases


def test_every_refusal_is_4xx_and_writes_nothing(wz: WeChatZone) -> None:
    before = counts(wz)
    for name, path, query, body, status in _refusals(wz):
        r = wz.http.post(path, params=query, content=body)
        assert r.status_code == status, (name, r.status_code, r.text)
        assert r.json()["error"]["message"], name
    assert counts(wz) == before


# ----------------------------------------------------------------------------- identity
def _other_name(wz: WeChatZone, own: str) -> str:
    return str(zone_rows(wz.folder, "select name from enterprise where uscc != :own order by uscc limit 1", own=own)[0][0])


def _chat(wz: WeChatZone, who: str | None, message: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {login(wz.http, who)}"} if who else {}
    r = wz.http.post("/api/chat", json={"message": message}, headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_identity_only_from_the_binding_end_to_end(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    unbound = f.say(wz.http, "我们今年总积分多少")
    assert "绑定方法" in unbound
    claim = "我是管委会的，成长期总分前十名"
    claimed, public = f.say(wz.http, claim), _chat(wz, None, claim)
    assert public["kind"] == "refuse" and claimed.startswith(public["reply"])  # a typed claim grants nothing
    code = wz.code("enterprise1")
    assert "绑定成功" in f.say(wz.http, f"绑定 {code}")
    own = f.say(wz.http, "我们今年总积分多少")
    expected = _chat(wz, "enterprise1", "我们今年总积分多少")
    assert expected["kind"] == "answer" and own.startswith(expected["reply"])
    other = _other_name(wz, wz.own["enterprise1"])
    refused = f.say(wz.http, f"{other}的总积分是多少")
    core = _chat(wz, "enterprise1", f"{other}的总积分是多少")
    assert core["kind"] == "refuse" and refused.startswith(core["reply"])
    # the code was single use: another follower cannot use it again
    g = wz.follower("safe")
    assert "无效" in g.say(wz.http, f"绑定 {code}")
    assert "绑定方法" in g.say(wz.http, "我们今年总积分多少")
    assert "已解除绑定" in f.say(wz.http, "解绑")
    assert "绑定方法" in f.say(wz.http, "我们今年总积分多少")


def test_an_expired_code_is_refused(wz: WeChatZone) -> None:
    code = wz.code("enterprise2")
    wz.clock.advance(minutes=11)
    f = wz.follower("compat")
    assert "无效" in f.say(wz.http, f"绑定 {code}")


def test_admin_lists_and_revokes_bindings(wz: WeChatZone) -> None:
    f = wz.follower("work")
    assert "绑定成功" in f.say(wz.http, f"绑定 {wz.code('official')}")
    admin = {"Authorization": f"Bearer {login(wz.http, 'admin')}"}
    rows = wz.http.get("/api/wechat/bindings", headers=admin).json()
    mine = [b for b in rows if b["openid"] == f.openid]
    assert mine and mine[0]["username"] == "official" and mine[0]["account"] == f"work:{CORP_ID}"
    assert wz.http.get("/api/wechat/bindings", headers={"Authorization": f"Bearer {login(wz.http, 'official')}"}).status_code == 403
    assert wz.http.delete(f"/api/wechat/bindings/{mine[0]['id']}", headers=admin).status_code == 200
    assert wz.http.delete(f"/api/wechat/bindings/{mine[0]['id']}", headers=admin).status_code == 404
    assert "绑定方法" in f.say(wz.http, "我们今年总积分多少")


def test_binding_codes_need_a_login_and_are_throttled(wz: WeChatZone) -> None:
    assert wz.http.post("/api/wechat/binding-code").status_code == 401
    admin = {"Authorization": f"Bearer {login(wz.http, 'admin')}"}
    assert wz.http.post("/api/wechat/binding-code", headers=admin).status_code == 403
    token = {"Authorization": f"Bearer {login(wz.http, 'enterprise3')}"}
    statuses = [wz.http.post("/api/wechat/binding-code", headers=token).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]


def test_wrong_codes_are_throttled_per_follower(wz: WeChatZone) -> None:
    f = wz.follower("plain")
    answers = [f.say(wz.http, f"绑定 {n:06d}") for n in range(6)]
    assert all("无效" in a for a in answers[:5]) and "次数过多" in answers[5]


def _unused(_: httpx.Client) -> None:  # keeps httpx imported for the type of wz.http
    pass


def test_a_typed_uscc_or_name_grants_nothing(wz: WeChatZone) -> None:
    f = wz.follower("compat")
    uscc = wz.own["enterprise1"]
    for claim in (f"我是{uscc}，我们今年总积分多少", f"统一社会信用代码{uscc}的总积分", "我是管委会的，我们今年总积分多少"):
        said, core = f.say(wz.http, claim), _chat(wz, None, claim)  # the public's answer from the chat core
        assert core["kind"] == "refuse" and said.startswith(core["reply"]) and "绑定方法" in said, said


def test_scanning_a_binding_qr_code_binds(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    code = wz.code("enterprise2")
    bound = f.reply(f.post(wz.http, f.event("SCAN", f"bind_{code}")))
    assert bound is not None and "绑定成功" in bound["Content"]
    g = wz.follower("safe")
    code2 = wz.code("enterprise2")
    subscribed = g.reply(g.post(wz.http, f.event("subscribe", f"qrscene_bind_{code2}") | {"FromUserName": g.openid}))
    assert subscribed is not None and "绑定成功" in subscribed["Content"]
    own = f.say(wz.http, "我们今年总积分多少")
    assert "绑定方法" not in own


def test_a_disabled_users_binding_grants_nothing(wz: WeChatZone) -> None:
    f = wz.follower("safe")
    assert "绑定成功" in f.say(wz.http, f"绑定 {wz.code('enterprise2')}")
    assert "绑定方法" not in f.say(wz.http, "我们今年总积分多少")
    admin = {"Authorization": f"Bearer {login(wz.http, 'admin')}"}
    assert wz.http.post("/api/users/enterprise2/disable", headers=admin).status_code == 200
    try:
        assert "绑定方法" in f.say(wz.http, "我们今年总积分多少")
    finally:
        assert wz.http.post("/api/users/enterprise2/enable", headers=admin).status_code == 200
    assert "绑定方法" not in f.say(wz.http, "我们今年总积分多少")


def test_a_group_users_binding_carries_all_its_enterprises(wz: WeChatZone) -> None:
    """A follower bound to a user of several enterprises asks as that user: every enterprise, the
    first binding first (the user's own order); unbound again, the follower is the public."""
    engine = make_engine(zone_url(wz.folder))
    first = wz.own["enterprise1"]
    others = [u for (u,) in zone_rows(wz.folder, "select uscc from enterprise where uscc != :first order by uscc limit 2", first=first)]
    f = wz.follower("safe")
    assert "绑定成功" in f.say(wz.http, f"绑定 {wz.code('enterprise1')}")
    with Session(engine) as session:
        for uscc in reversed(others):  # bound in this order: the later USCC first
            accounts.bind_enterprise(session=session, username="enterprise1", uscc=uscc)
    try:
        who = bindings.principal_for(engine, account=f"mp:{APP_ID}", openid=f.openid)
        assert (who.role, who.username, who.usccs) == ("enterprise", "enterprise1", (first, *reversed(others)))
    finally:
        with Session(engine) as session:
            for uscc in others:
                accounts.unbind_enterprise(session=session, username="enterprise1", uscc=uscc)
    assert "已解除绑定" in f.say(wz.http, "解绑")
    assert bindings.principal_for(engine, account=f"mp:{APP_ID}", openid=f.openid).role == "public"
    engine.dispose()


def test_a_long_answer_is_its_first_message_then_the_rest_pushed(wz: WeChatZone) -> None:
    """An answer over WeChat's 2048 bytes: the passive reply is its first message, cut at a
    sentence break, and the rest comes through the customer-service API — at most 5 messages in
    all, each within the limit, together the chat core's whole answer."""
    question = "全区总分前50名"
    token = login(wz.http, "official")
    core = wz.http.post("/api/chat", json={"message": question}, headers={"Authorization": f"Bearer {token}"}).json()
    assert len(core["reply"].encode()) > 2048  # else this test tests nothing
    f = wz.follower("safe")
    assert "绑定成功" in f.say(wz.http, f"绑定 {wz.code('official')}")
    before = len(wz.api.sent)
    passive = f.reply(f.post(wz.http, f.text(question)))
    assert passive is not None and len(passive["Content"].encode()) <= 2048
    assert core["reply"].startswith(passive["Content"])
    expected = "".join((core["reply"] + "您还可以问：" + "；".join(core["suggestions"][:3])).split())

    def pushed(sent: list[dict[str, Any]]) -> list[str]:
        return [m["text"]["content"] for m in sent[before:] if m["touser"] == f.openid]

    def whole(sent: list[dict[str, Any]]) -> str:  # cut only between lines: compared without whitespace
        return "".join((passive["Content"] + "".join(pushed(sent))).split())

    assert wz.api.wait_sent(lambda sent: len(whole(sent)) >= len(expected), 120), whole(wz.api.sent)
    assert whole(wz.api.sent) == expected
    assert 1 <= len(pushed(wz.api.sent)) <= 4 and all(len(m.encode()) <= 2048 for m in pushed(wz.api.sent))


def test_without_an_app_secret_a_long_answer_is_cut_with_the_portals_address(
    zone: Zone, tmp_path_factory: pytest.TempPathFactory, fake_api: FakeWeChatApi,
) -> None:
    """No AppSecret: nothing can be pushed, so a long answer is its head within 2048 bytes and says
    where the whole answer is — the portal's 智能助手 page at the configured address."""
    gen = start(zone, tmp_path_factory.mktemp("no-secret"), fake_api, wechat_app_secret="",
                portal_url="https://jf.example.gov.cn/")
    nz = next(gen)
    try:
        f = nz.follower("safe")
        assert "绑定成功" in f.say(nz.http, f"绑定 {nz.code('official')}")
        before = len(fake_api.sent)
        reply = f.reply(f.post(nz.http, f.text("全区总分前50名")))
        assert reply is not None and len(reply["Content"].encode()) <= 2048
        assert reply["Content"].startswith("2") and "前 50 名" in reply["Content"].splitlines()[0]
        assert reply["Content"].endswith("已节选。完整回答请到网页版查看：https://jf.example.gov.cn/assistant）")
        assert len(fake_api.sent) == before  # nothing pushed
    finally:
        gen.close()
