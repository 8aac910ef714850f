"""Fitting answers to WeChat: 2048 UTF-8 bytes, cut at sentence ends, CDATA that cannot be closed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.wechat.replies import MAX_TEXT_BYTES, SHORTENED, fit_text, split_text, text_reply
from tests.assistant.wechat.simulator import fields_of


def test_a_short_text_is_kept() -> None:
    assert fit_text("您好。") == "您好。"


def test_a_long_text_is_cut_at_a_sentence_end_and_says_so() -> None:
    text = "。".join(f"第{i}句话说明积分的计算方法" for i in range(300))
    out = fit_text(text)
    assert len(out.encode()) <= MAX_TEXT_BYTES and out.endswith(SHORTENED)
    assert out.removesuffix(SHORTENED).endswith("。")


@given(st.text(min_size=0, max_size=3000))
def test_fitting_never_exceeds_the_limit_nor_breaks_a_character(text: str) -> None:
    out = fit_text(text)
    assert len(out.encode()) <= MAX_TEXT_BYTES
    parts = split_text(text)
    assert 1 <= len(parts) <= 5 and all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200))
def test_any_content_survives_the_reply_xml(text: str) -> None:
    xml = text_reply(to_user="o1", from_user="gh", create_time=1, content=f"]]>{text}]]>")
    assert fields_of(xml)["Content"] == f"]]>{text}]]>"
