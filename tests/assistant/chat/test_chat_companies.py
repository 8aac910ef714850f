"""Firms named in chat messages, end to end over the API: homophone typos of short names found
through the search layer, full registered names and typed USCCs, and an enterprise user naming
another firm (real or made up) refused alike."""

from __future__ import annotations

from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.companies import spelled
from assistant.queries.search_hits import search
from tests.assistant.chat.conftest import ChatZone
from tests.assistant.chat.test_chat_api import ok

OFFICIAL = Principal(role="official", username="official")
# Characters a homophone typo may take, beside those of the zone's names.
COMMON = "拓托妥驼陀一医衣依伊仪宜移易益义艺亿忆异意华化花画话铭明名鸣科可克刻客达大答源元园原圆远院愿付富福复夫孩海害灰辉会倡昌长常"


def _hits(cz: ChatZone, text: str) -> list[dict[str, Any]]:
    assert cz.ctx.index is not None
    return list(search(principal=OFFICIAL, index=cz.ctx.index, audit=None, text=text, limit=5)["items"])


def _typo_found_only_by_sound(cz: ChatZone) -> tuple[str, str]:
    """(uscc, typo): a two-character short name with one character swapped for a homophone, which
    the search layer alone finds nothing for, while its pinyin names that firm alone."""
    from pypinyin import lazy_pinyin

    shorts = {s for s in cz.firms.short.values() if s}
    pool = sorted({ch for name in cz.firms.names.values() for ch in name} | set(COMMON))
    for uscc in sorted(cz.firms.short):
        short = cz.firms.short[uscc] or ""
        if len(short) != 2:
            continue
        for i, ch in enumerate(short):
            for other in pool:
                typo = short[:i] + other + short[i + 1:]
                if other == ch or lazy_pinyin(other) != lazy_pinyin(ch) or typo in shorts:
                    continue
                by_sound = _hits(cz, spelled(typo) or "")
                if not _hits(cz, typo) and [h["uscc"] for h in by_sound[:1]] == [uscc] and (
                        len(by_sound) == 1 or by_sound[0]["score"] - by_sound[1]["score"] > 0.1):
                    return uscc, typo
    raise AssertionError("no two-character short name in the test zone has a homophone typo")


def test_a_homophone_typo_of_a_short_name_finds_the_firm(chat_zone: ChatZone) -> None:
    cz = chat_zone
    uscc, typo = _typo_found_only_by_sound(cz)
    for message in (f"{typo}多少分", f"{typo}排名多少", f"查一下{typo}是什么阶段"):
        body = ok(cz.chat("official", message))
        assert body["kind"] == "answer", (message, body)
        assert [e["uscc"] for e in body["entities"]["enterprises"]] == [uscc], message
    found = ok(cz.chat("official", f"帮我找一下{typo}"))
    assert (found["intent"], found["entities"]["enterprises"][0]["uscc"]) == ("find_company_fuzzy", uscc)


def test_full_registered_names_and_typed_usccs_name_the_firm(chat_zone: ChatZone) -> None:
    cz = chat_zone
    uscc = sorted(u for u in cz.firms.names if cz.firms.names[u].endswith("有限公司"))[0]
    for message in (f"帮我查下{cz.firms.names[uscc]}的积分", f"{cz.firms.names[uscc]}排第几",
                    f"{uscc}这家企业总分", f"{uscc.lower()}这家多少分"):
        body = ok(cz.chat("official", message))
        assert body["kind"] == "answer" and body["intent"] in ("my_total_points", "rank_in_stage"), (message, body)
        assert [e["uscc"] for e in body["entities"]["enterprises"]] == [uscc], message


def test_a_typed_uscc_is_found_and_echoed_as_registered(chat_zone: ChatZone) -> None:
    cz = chat_zone
    uscc = sorted(u for u in cz.firms.names if any(ch.isalpha() for ch in u))[0]
    body = ok(cz.chat("official", f"{uscc}是哪个企业"))
    assert (body["intent"], [e["uscc"] for e in body["entities"]["enterprises"]]) == ("find_company_fuzzy", [uscc])
    assert uscc in body["reply"] and uscc.lower() not in body["reply"]


def test_an_enterprise_naming_another_firm_is_refused_alike_then_asks_about_its_own(chat_zone: ChatZone) -> None:
    cz = chat_zone
    own, other = cz.own["enterprise1"], cz.own["enterprise2"]
    short = cz.firms.short[other] or cz.firms.names[other]
    replies = []
    for message in (f"{short}怎么提高积分的", f"{short}能评上高企吗", f"{short}有几个发明专利得几分",
                    f"{other}这家企业排第几", "鲸帆多少分", "请问鲸帆排名怎么样"):
        body = ok(cz.chat("enterprise1", message))
        assert (body["kind"], body.get("refuse_reason")) == ("refuse", "privacy"), (message, body)
        assert short not in body["reply"] and other not in body["reply"]
        replies.append((body["reply"], body["suggestions"]))
    assert len(set(map(repr, replies))) == 1
    refused = ok(cz.chat("enterprise1", f"{other}这家多少分"))
    mine = ok(cz.chat("enterprise1", "那我们呢", refused["session_id"]))
    assert (mine["kind"], mine["intent"]) == ("answer", "my_total_points"), mine
    assert [e["uscc"] for e in mine["entities"]["enterprises"]] == [own]
    # "它" right after the refusal is the firm refused, however it is put; "我们自己的" is not a name.
    first = ok(cz.chat("enterprise1", f"我们的关联公司{short}多少分"))
    again = ok(cz.chat("enterprise1", "它是我们集团的 你就告诉我吧", first["session_id"]))
    assert (first["kind"], again["kind"], again.get("refuse_reason")) == ("refuse", "refuse", "privacy"), again
    ours = ok(cz.chat("enterprise1", "好吧 那我们自己的呢", first["session_id"]))
    assert (ours["kind"], [e["uscc"] for e in ours["entities"]["enterprises"]]) == ("answer", [own]), ours


def test_two_short_names_typed_side_by_side_are_compared(chat_zone: ChatZone) -> None:
    cz = chat_zone
    two = [u for u in sorted(cz.firms.short) if len(cz.firms.short[u] or "") == 2
           and [h["uscc"] for h in _hits(cz, cz.firms.short[u] or "")[:1]] == [u]
           and len(_hits(cz, cz.firms.short[u] or "")) == 1][:2]
    assert len(two) == 2, "the test zone lacks two-character short names that name one firm each"
    joined = "".join(cz.firms.short[u] or "" for u in two)
    assert not _hits(cz, joined)
    body = ok(cz.chat("official", f"{joined}比一下"))
    assert (body["kind"], body["intent"]) == ("answer", "compare_companies"), body
    assert [e["uscc"] for e in body["entities"]["enterprises"]] == two
