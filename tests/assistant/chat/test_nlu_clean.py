"""`clean`: one spelling for what people type on phones, and a bound on the work."""

from __future__ import annotations

from assistant.chat.nlu import MAX_UNDERSTOOD_CHARS, clean


def test_traditional_and_full_width_become_simplified_half_width() -> None:
    assert clean("我們公司的總分是多少") == "我们公司的总分是多少"
    assert clean("ＴＯＰ５　研發費用佔比") == "top5 研发费用占比"


def test_zero_width_characters_vanish_without_splitting_a_name() -> None:
    assert clean("恒\u200b拓\u200d智\ufeff能的总分") == "恒拓智能的总分"


def test_control_characters_and_runs_of_whitespace_become_one_space() -> None:
    assert clean("  恒拓\x00智能\n\t\r 的总分  ") == "恒拓 智能 的总分"


def test_emoji_only_is_empty() -> None:
    assert clean("😀👍🎉") == ""
    assert clean("\u200b\u200b") == ""


def test_sql_and_html_are_kept_as_text() -> None:
    assert clean("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert clean("'; DROP TABLE runs;--") == "'; drop table runs;--"


def test_long_messages_are_cut() -> None:
    assert len(clean("研发" * 5000)) == MAX_UNDERSTOOD_CHARS
