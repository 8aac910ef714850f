"""智能助手 in a real browser, as a page and as the floating panel: the reply is the API's, the facts
under it on request, suggestions as buttons that ask; a logged-in user's question carries the CSRF
token (the chat refuses a cookie without it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


def ask(v: Visit, root: str, text: str) -> dict:  # type: ignore[type-arg]
    """Type a question into the widget under `root` and send it; the API's answer."""
    v.page.fill(f"{root} input[name=message]", text)
    with v.page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as info:
        v.page.click(f"{root} form button[type=submit]")
    assert info.value.status == 200, info.value.text()
    answer = info.value.json()
    v.page.locator(f"{root} .msg.bot").last.filter(has_text=answer["reply"][:20]).wait_for()
    return answer  # type: ignore[no-any-return]


def test_the_assistant_page_answers_with_facts_and_suggestion_buttons(visit: Callable[..., Visit]) -> None:
    v = visit()
    v.goto("/assistant")
    answer = ask(v, "#chat", "各阶段平均分是多少？")
    bubble = v.page.locator("#chat .msg.bot").last
    assert answer["facts"] and bubble.locator(".facts").is_hidden()
    bubble.get_by_role("button", name="查看依据").click()
    facts = bubble.locator(".facts li")
    assert facts.count() == len(answer["facts"])
    assert facts.first.inner_text().startswith(answer["facts"][0]["label"])
    buttons = v.page.locator("#chat .suggestions button")
    assert buttons.all_inner_texts() == answer["suggestions"]
    with v.page.expect_response(lambda r: r.url.endswith("/api/chat")) as info:
        buttons.first.click()
    assert info.value.status == 200 and info.value.request.post_data_json["session_id"] == answer["session_id"]
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
    ask(v, "#chat-panel", "积分怎么算？")
    v.screenshot("assistant-panel")
    v.page.click("#chat-panel .chat-close")
    assert v.page.locator("#chat-panel").is_hidden()
    v.clean()
