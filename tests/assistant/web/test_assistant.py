"""智能助手 in a real browser, as a page and as the floating panel: the reply streams in (the
widget asks `POST /v1/chat/completions` with `stream: true` and shows each piece of the text as it
arrives), is the API's own, the facts under it on request, suggestions as buttons that ask in the
same session; a logged-in user's question carries the CSRF token (the chat refuses a cookie without
it); an error shows the API's Chinese message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow
CHAT = "/v1/chat/completions"

# Records every text the answer bubbles of `root` show, in order (the pieces as they arrive).
RECORD = """(root) => {
  window.__shown?.observer.disconnect();
  const shown = window.__shown = []; const log = document.querySelector(root + " .log");
  shown.observer = new MutationObserver((ms) => { for (const m of ms) for (const n of m.addedNodes)
    if (n.nodeType === Node.TEXT_NODE && m.target.classList.contains("bot")) shown.push(n.data); });
  shown.observer.observe(log, { childList: true, subtree: true });
}"""


def sse_chunks(body: str) -> list[dict[str, Any]]:
    """The JSON chunks of a server-sent-event stream (its `data: …` lines), checking it ends with [DONE]."""
    data = [line.removeprefix("data: ") for line in body.splitlines() if line.startswith("data: ")]
    assert data and data[-1] == "[DONE]", body[-500:]
    return [json.loads(d) for d in data[:-1]]


def streamed(v: Visit, root: str, send: Callable[[], None], session_id: str | None = None) -> dict[str, Any]:
    """Send a question with `send()` and check it streamed into the widget under `root`; the structured answer.

    The request is the OpenAI-compatible one (stream, the session in X-Session-Id when continuing),
    answered 200 as text/event-stream; the bubble showed the text piece by piece, then the whole reply."""
    v.page.evaluate(RECORD, root)
    with v.page.expect_response(lambda r: r.url.endswith(CHAT) and r.request.method == "POST") as info:
        send()
    r = info.value
    assert r.status == 200, r.text()
    assert r.headers["content-type"].startswith("text/event-stream") and r.headers["x-accel-buffering"] == "no"
    request = r.request
    body = request.post_data_json
    assert body["stream"] is True and body["model"] == "innopoints" and len(body["messages"]) == 1
    assert request.headers.get("x-session-id") == session_id
    chunks = sse_chunks(r.text())
    stop = chunks[-1]
    assert stop["choices"][0]["finish_reason"] == "stop"
    answer: dict[str, Any] = stop["innopoints"]
    assert r.headers["x-session-id"] == answer["session_id"]
    pieces = [c["choices"][0]["delta"]["content"] for c in chunks[1:-1]]
    assert pieces and "".join(pieces) == answer["reply"]
    v.page.locator(f"{root} form button[type=submit]:enabled").wait_for()  # the widget is done
    bubble = v.page.locator(f"{root} .msg.bot").last
    assert bubble.evaluate("(b) => b.firstChild.data") == answer["reply"]
    prefixes = ["".join(pieces[: i + 1]) for i in range(len(pieces))]
    assert v.page.evaluate("() => [...window.__shown]") == [*prefixes, answer["reply"]]
    return answer


def ask(v: Visit, root: str, text: str) -> dict[str, Any]:
    """Type a question into the widget under `root` and send it; the API's answer (streamed)."""
    v.page.fill(f"{root} input[name=message]", text)
    answer = streamed(v, root, lambda: v.page.click(f"{root} form button[type=submit]"))
    assert v.page.locator(f"{root} .msg.me").last.inner_text() == text
    return answer


def test_the_assistant_page_answers_with_facts_and_suggestion_buttons(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.goto("/assistant")
    question = "各阶段平均分是多少？"
    answer = ask(v, "#chat", question)
    # The same as the API answers the same person (the public) the same question, not streamed.
    direct = v.context.request.post(v.base + "/api/chat", data={"message": question})
    assert direct.ok, direct.text()
    same = json.loads(direct.text())
    assert {k: same[k] for k in ("reply", "kind", "facts", "suggestions")} == \
        {k: answer[k] for k in ("reply", "kind", "facts", "suggestions")}
    bubble = v.page.locator("#chat .msg.bot").last
    assert answer["facts"] and bubble.locator(".facts").is_hidden()
    bubble.get_by_role("button", name="查看依据").click()
    facts = bubble.locator(".facts li")
    assert facts.count() == len(answer["facts"])
    assert facts.first.inner_text().startswith(answer["facts"][0]["label"])
    buttons = v.page.locator("#chat .suggestions button")
    assert buttons.all_inner_texts() == answer["suggestions"]
    first = buttons.first.inner_text()
    # A suggestion asks in the same conversation.
    follow = streamed(v, "#chat", buttons.first.click, session_id=answer["session_id"])
    assert follow["session_id"] == answer["session_id"]
    assert v.page.locator("#chat .msg.me").last.inner_text() == first
    assert v.page.locator("#chat .suggestions button").all_inner_texts() == follow["suggestions"]
    v.screenshot("assistant-public")
    v.clean()


def test_an_enterprise_user_asks_about_its_own_points(visit: Callable[..., Visit], zone: Zone) -> None:
    v = visit(viewport=PHONE)
    v.login("enterprise1")
    v.goto("/assistant")
    answer = ask(v, "#chat", "我们公司多少分？")
    assert answer["kind"] == "answer"
    total = v.api_json(f"/api/enterprises/{zone.own['enterprise1']}/portrait")["total"]
    assert f"{total:.2f}" in answer["reply"]
    v.no_horizontal_scroll()
    v.screenshot("assistant-enterprise-phone")
    v.clean()


def test_the_floating_panel_on_every_page(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.login("official")
    v.goto("/systems")
    assert v.page.locator("#chat-panel").is_hidden()
    v.page.click("#chat-toggle")
    assert v.page.locator("#chat-panel").is_visible()
    answer = ask(v, "#chat-panel", "积分怎么算？")
    streamed(v, "#chat-panel", v.page.locator("#chat-panel .suggestions button").first.click,
             session_id=answer["session_id"])
    v.screenshot("assistant-panel")
    v.page.click("#chat-panel .chat-close")
    assert v.page.locator("#chat-panel").is_hidden()
    v.clean()


def test_errors_show_a_chinese_message(visit: Callable[..., Visit]) -> None:
    """An error status shows the API's own message (its one JSON error shape); a failed or cut stream a Chinese one."""
    v = visit()
    v.goto("/assistant")
    bubble = v.page.locator("#chat .msg.bot.error").last
    limited = {"error": {"code": "rate_limited", "message": "提问太频繁，请 60 秒后再试", "details": None}}
    v.page.route("**" + CHAT, lambda route: route.fulfill(
        status=429, headers={"Retry-After": "60"}, content_type="application/json",
        body=json.dumps(limited, ensure_ascii=False)))
    v.page.fill("#chat input[name=message]", "积分怎么算？")
    v.page.click("#chat form button[type=submit]")
    bubble.filter(has_text=limited["error"]["message"]).wait_for()
    v.page.unroute("**" + CHAT)
    v.page.route("**" + CHAT, lambda route: route.abort("internetdisconnected"))
    v.page.fill("#chat input[name=message]", "积分怎么算？")
    v.page.click("#chat form button[type=submit]")
    v.page.locator("#chat .msg.bot.error").nth(1).filter(has_text="网络连接中断").wait_for()
    v.page.unroute("**" + CHAT)
    cut = 'data: {"choices": [{"index": 0, "delta": {"content": "积分"}, "finish_reason": null}]}\n\n'
    v.page.route("**" + CHAT, lambda route: route.fulfill(status=200, content_type="text/event-stream", body=cut))
    v.page.fill("#chat input[name=message]", "积分怎么算？")
    v.page.click("#chat form button[type=submit]")
    v.page.locator("#chat .msg.bot.error").nth(2).filter(has_text="网络连接中断").wait_for()
    v.page.unroute("**" + CHAT)
    answer = ask(v, "#chat", "积分怎么算？")  # and then it answers again
    assert answer["reply"]
    assert all("Failed to load resource" in e for e in v.errors), v.errors
    assert all(CHAT in f for f in v.failed), v.failed
