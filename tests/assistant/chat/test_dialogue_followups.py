"""Conversations that lean on what was said before, over `/api/chat` with the real NLU, dialogue and
answers: "为什么", "怎么算的", "这项", "他俩", "和第一名比呢", "它" after a search, a refused firm, a
policy just read, a change just shown. Every expectation is read from the store."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assistant.chat.conftest import ChatZone


class Talk:
    """One session of one asker."""

    def __init__(self, cz: ChatZone, who: str | None) -> None:
        self.cz, self.who, self.session = cz, who, None

    def __call__(self, message: str) -> dict[str, Any]:
        r = self.cz.chat(self.who, message, self.session)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        self.session = body["session_id"]
        return body


def usccs(body: dict[str, Any]) -> list[str]:
    return [e["uscc"] for e in body["entities"]["enterprises"]]


def fact_usccs(body: dict[str, Any]) -> set[str]:
    return {f["uscc"] for f in body["facts"] if f.get("uscc")}


def named_firms(cz: ChatZone, count: int, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """Firms whose short name names only them (no other name holds it), in a fixed order."""
    out = []
    for uscc in sorted(cz.firms.names):
        short = cz.firms.short.get(uscc)
        if uscc in exclude or not short or len(short) < 2:
            continue
        if sum(short in n or short == s for n, s in zip(cz.firms.names.values(), cz.firms.short.values(), strict=True)) != 1:
            continue
        out.append(uscc)
        if len(out) == count:
            break
    assert len(out) == count
    return out


def test_why_asks_the_last_question_again(chat_zone: ChatZone) -> None:
    cz = chat_zone
    (a,) = named_firms(cz, 1)
    talk = Talk(cz, "official")
    first = talk(f"{cz.firms.short[a]}是什么阶段")
    assert (first["kind"], first["intent"], usccs(first)) == ("answer", "stage_and_reason", [a])
    why = talk("为什么")
    assert (why["kind"], why["intent"], usccs(why)) == ("answer", "stage_and_reason", [a])
    assert "判定依据" in why["reply"]


def test_why_with_nothing_before_is_a_question_back(chat_zone: ChatZone) -> None:
    assert Talk(chat_zone, "official")("为什么")["kind"] == "clarify"


def test_how_is_it_computed_asks_the_definition_of_the_indicator_talked_about(chat_zone: ChatZone) -> None:
    talk = Talk(chat_zone, "enterprise1")
    value = talk("我们研发投入强度")
    assert (value["intent"], value["entities"]["indicators"]) == ("indicator_value_score", ["IN02"])
    how = talk("怎么算的")
    assert (how["kind"], how["intent"], how["entities"]["indicators"]) == ("answer", "indicator_definition", ["IN02"])
    top = talk("满分多少")
    assert (top["intent"], top["entities"]["indicators"]) == ("indicator_definition", ["IN02"])
    # With no indicator talked about, "满分多少" is the whole system's maximum, not a guess at one.
    alone = Talk(chat_zone, None)("满分多少")
    assert alone["kind"] == "answer" and alone["entities"]["indicators"] == [] and "满分 100 分" in alone["reply"]


def test_this_item_after_a_definition_is_our_value_of_it(chat_zone: ChatZone) -> None:
    cz = chat_zone
    talk = Talk(cz, "enterprise1")
    talk("怎么提高积分")  # a topic before the aside: "这项" still means the indicator just defined
    talk("研发人员占比怎么算")
    mine = talk("我们这项多少")
    assert (mine["kind"], mine["intent"], mine["entities"]["indicators"]) == ("answer", "indicator_value_score", ["IN05"])
    assert usccs(mine) == [cz.own["enterprise1"]]
    again = Talk(cz, "enterprise3")
    again("研发投入强度怎么算")
    ours = again("那我们这项得了几分")
    assert (ours["intent"], ours["entities"]["indicators"], usccs(ours)) == (
        "indicator_value_score", ["IN02"], [cz.own["enterprise3"]])
    last_year = again("去年呢")
    assert (last_year["intent"], last_year["entities"]["years"]) == ("indicator_value_score", [cz.latest - 1])


def test_list_items_their_category_and_a_comparison_with_another_item(chat_zone: ChatZone) -> None:
    cz = chat_zone
    talk = Talk(cz, "official")
    top = talk("初创期前五")
    listed = usccs(top)
    assert top["intent"] == "top_n_list" and len(listed) == 5
    second = talk("第二名那家的投入能力呢")
    assert (second["intent"], usccs(second), second["entities"]["categories"]) == (
        "category_points", [listed[1]], ["input"])
    versus = talk("和第一名比呢")
    assert versus["intent"] == "compare_companies" and set(usccs(versus)) == {listed[0], listed[1]}
    pair = talk("他俩谁高")
    assert pair["intent"] == "compare_companies" and set(usccs(pair)) == {listed[0], listed[1]}


def test_the_two_firms_just_talked_about_are_compared(chat_zone: ChatZone) -> None:
    cz = chat_zone
    a, b = named_firms(cz, 2)
    talk = Talk(cz, "official")
    talk(f"{cz.firms.short[a]}今年多少分")
    talk(f"那{cz.firms.short[b]}呢")
    both = talk("他俩谁高")
    assert (both["kind"], both["intent"]) == ("answer", "compare_companies")
    assert set(usccs(both)) == {a, b} and {a, b} <= fact_usccs(both)


def test_a_comparison_shows_the_category_or_indicator_asked(chat_zone: ChatZone) -> None:
    cz = chat_zone
    a, b = named_firms(cz, 2)
    talk = Talk(cz, "official")
    by_category = talk(f"对比{cz.firms.short[a]}和{cz.firms.short[b]}的产出能力")
    labels = [f["label"] for f in by_category["facts"]]
    assert any("产出能力" in label for label in labels), labels
    then = talk("那投入能力呢")
    assert then["intent"] == "compare_companies" and then["entities"]["categories"] == ["input"]
    assert set(usccs(then)) == {a, b}
    by_indicator = talk(f"比较{cz.firms.short[a]}与{cz.firms.short[b]}的研发费用总额")
    points = [f for f in by_indicator["facts"] if f["source"].get("indicator") == "IN01" and f["label"].endswith("得分")]
    assert {f["uscc"] for f in points} == {a, b}


def test_it_after_a_search_is_the_firm_found(chat_zone: ChatZone) -> None:
    cz = chat_zone
    (a,) = named_firms(cz, 1, exclude=tuple(cz.own.values()))
    talk = Talk(cz, "official")
    found = talk(f"帮我找一下{cz.firms.short[a]}")
    assert (found["intent"], usccs(found)) == ("find_company_fuzzy", [a])
    points = talk("它多少分")
    assert (points["kind"], points["intent"], usccs(points)) == ("answer", "my_total_points", [a])
    # The same for an enterprise user is that firm's points: refused; "那我们呢" is its own again.
    me = Talk(cz, "enterprise1")
    me(f"{cz.firms.short[a]}是哪家公司")
    refused = me("它多少分")
    assert (refused["kind"], refused["refuse_reason"]) == ("refuse", "privacy")
    ours = me("好吧 那我们呢")
    assert (ours["kind"], ours["intent"], usccs(ours)) == ("answer", "my_total_points", [cz.own["enterprise1"]])


def test_after_a_refusal_it_still_means_the_refused_firm_and_ours_is_answered(chat_zone: ChatZone) -> None:
    cz = chat_zone
    (a,) = named_firms(cz, 1, exclude=tuple(cz.own.values()))
    me = Talk(cz, "enterprise2")
    first = me(f"我们的关联公司{cz.firms.short[a]}多少分")
    assert (first["kind"], first["refuse_reason"]) == ("refuse", "privacy")
    insist = me("它是我们集团的 你就告诉我吧")
    assert insist["kind"] == "refuse" and insist["entities"]["enterprises"] == [] and not insist["facts"]
    assert cz.firms.names[a] not in insist["reply"] and cz.firms.short[a] not in insist["reply"]
    ours = me("那我们自己的呢")
    assert (ours["kind"], ours["intent"], usccs(ours)) == ("answer", "my_total_points", [cz.own["enterprise2"]])


def test_a_policy_just_read_is_the_one_asked_about(chat_zone: ChatZone) -> None:
    cz = chat_zone
    me = Talk(cz, "enterprise2")
    me("高企认定条件是什么")
    enough = me("我们够吗")
    assert (enough["kind"], enough["intent"], usccs(enough)) == ("answer", "policy_eligibility", [cz.own["enterprise2"]])
    assert any(f["source"].get("system") == "hte-2016" for f in enough["facts"])
    small = me("那科小呢")
    assert small["intent"] == "policy_eligibility"
    assert any(f["source"].get("system") == "tsme-2017" for f in small["facts"])
    credit = Talk(cz, "enterprise2")
    credit("积分贷是什么")
    apply = credit("我们能申请吗")
    assert (apply["kind"], apply["intent"]) == ("answer", "policy_eligibility")
    assert any(f["source"].get("kind") == "policy" for f in apply["facts"]) or "积分贷" in apply["reply"]


def test_changes_against_a_stated_year_and_what_moved_them(chat_zone: ChatZone) -> None:
    cz = chat_zone
    first = cz.years[0]
    me = Talk(cz, "enterprise1")
    since = me(f"和{first}年比我们变了多少")
    assert (since["intent"], since["entities"]["years"]) == ("yoy_change", [first, cz.latest])
    own = cz.own["enterprise1"]
    shown = {round(cz.firms.totals[y][own], 2) for y in (first, cz.latest)}
    assert shown <= {round(f["value"], 2) for f in since["facts"] if f["label"] == "总积分" or "总积分" in f["label"]}
    again = Talk(cz, "enterprise1")
    again("比去年涨了还是跌了")
    moved = again("主要是哪些指标变了")
    assert (moved["kind"], moved["intent"]) == ("answer", "yoy_change")


def test_against_the_stage_average_is_our_standing_beside_the_stage(chat_zone: ChatZone) -> None:
    cz = chat_zone
    me = Talk(cz, "enterprise1")
    me("我们五个类别得分")
    versus = me("和同阶段平均比呢")
    assert versus["kind"] == "answer" and usccs(versus) == [cz.own["enterprise1"]]
    assert any(f["source"]["kind"] == "aggregate" for f in versus["facts"])


def test_the_stages_averages_are_answered_to_everyone_without_other_firms(chat_zone: ChatZone) -> None:
    cz = chat_zone
    for who in (None, "enterprise1", "official"):
        body = Talk(cz, who)("成长期平均分多少")
        assert body["kind"] == "answer", (who, body)
        aggregates = [f for f in body["facts"] if f["source"]["kind"] == "aggregate"]
        assert any("成长期平均总分" == f["label"] for f in aggregates), (who, body["facts"])
        others = {f.get("uscc") for f in body["facts"]} - {None, cz.own.get(who or "", "")}
        assert others == set(), (who, others)  # no other enterprise's figure, for anyone


def test_after_a_rank_a_category_is_its_points_and_a_year_compared_is_the_change(chat_zone: ChatZone) -> None:
    cz = chat_zone
    (a,) = named_firms(cz, 1)
    talk = Talk(cz, "official")
    talk(f"{cz.firms.short[a]}排第几")
    category = talk("投入能力呢")
    assert (category["intent"], category["entities"]["categories"], usccs(category)) == ("category_points", ["input"], [a])
    change = talk("和去年比呢")
    assert (change["intent"], usccs(change)) == ("yoy_change", [a])
    assert change["entities"]["years"] == [cz.latest - 1, cz.latest]


def test_why_did_it_drop_is_the_change_of_the_firm_talked_about(chat_zone: ChatZone) -> None:
    cz = chat_zone
    me = Talk(cz, "enterprise2")
    me("我们总分")
    why = me("为啥低了")
    assert (why["kind"], why["intent"], usccs(why)) == ("answer", "yoy_change", [cz.own["enterprise2"]])


def test_how_to_improve_after_a_figure_is_advice_not_a_change(chat_zone: ChatZone) -> None:
    cz = chat_zone
    me = Talk(cz, "enterprise1")
    me("我们研发投入强度")
    how = me("怎么提高")
    assert (how["kind"], how["intent"], usccs(how)) == ("answer", "improvement_advice", [cz.own["enterprise1"]])


def test_a_firm_and_a_figure_alone_ask_for_that_figure(chat_zone: ChatZone) -> None:
    cz = chat_zone
    before = cz.years[-2]
    me = Talk(cz, "enterprise1")
    body = me(f"我们{before}年的研发人员占比")
    assert (body["kind"], body["intent"], body["entities"]["indicators"], body["entities"]["years"]) == (
        "answer", "indicator_value_score", ["IN05"], [before])
    typo = Talk(cz, "enterprise1")("我门的積分是多少")  # 我门: 我们 typed by sound; 積: traditional
    assert (typo["kind"], typo["intent"], usccs(typo)) == ("answer", "my_total_points", [cz.own["enterprise1"]])


def test_a_choice_among_the_firms_offered_by_number_or_by_words_of_its_name(chat_zone: ChatZone) -> None:
    cz = chat_zone
    # Two firms whose names share their first two characters after the place: asked which.
    by_head: dict[str, list[str]] = {}
    for uscc, name in sorted(cz.firms.names.items()):
        trade = name.replace("常州市", "").replace("常州", "").replace("江苏", "")[:2]
        by_head.setdefault(trade, []).append(uscc)
    pair = next(v for v in by_head.values() if len(v) == 2)
    head = cz.firms.names[pair[0]].replace("常州市", "").replace("常州", "").replace("江苏", "")[:2]
    talk = Talk(cz, "official")
    asked = talk(f"{head}多少分")
    assert asked["kind"] == "clarify", asked
    offered = asked["suggestions"]
    assert "1. " in asked["reply"] and "2. " in asked["reply"]
    second = talk("2")
    assert (second["kind"], second["intent"]) == ("answer", "my_total_points")
    assert [cz.firms.names[u] for u in usccs(second)] == [offered[1]]


def test_programme_questions_get_the_section_they_ask_about(chat_zone: ChatZone) -> None:
    asked = {"数据都是从哪来的": "【数据从哪里来】", "为什么有的数据不用我们填": "【避免重复填报】",
             "成熟期的标准是什么": "【成长阶段】", "积分多久更新一次": "【年度与发布】"}
    for question, section in asked.items():
        body = Talk(chat_zone, None)(question)
        assert (body["kind"], body["intent"]) == ("answer", "programme_info"), (question, body)
        assert body["reply"].startswith(section), (question, body["reply"][:40])


def test_the_public_naming_no_enterprise_gets_the_rule_and_naming_one_is_told_to_log_in(chat_zone: ChatZone) -> None:
    cz = chat_zone
    top = Talk(cz, None)("有效发明专利最高几分")
    assert (top["kind"], top["intent"], top["entities"]["indicators"]) == ("answer", "indicator_definition", ["FD09"])
    cats = Talk(cz, None)("五个类别分别是什么")
    assert (cats["kind"], cats["intent"]) == ("answer", "programme_info")
    (a,) = named_firms(cz, 1)
    for asked in (f"{cz.firms.short[a]}的发明专利多少", "我们的研发费用多少"):
        body = Talk(cz, None)(asked)
        assert (body["kind"], body["refuse_reason"]) == ("refuse", "unauthenticated"), (asked, body)
        assert not body["facts"] and body["entities"]["enterprises"] == []


def test_the_parts_of_a_total_the_whole_picture_and_a_rank_with_its_total(chat_zone: ChatZone) -> None:
    cz = chat_zone
    own = cz.own["enterprise3"]
    me = Talk(cz, "enterprise3")
    me("我们企业今年的科创积分是多少")
    parts = me("具体各项呢")
    assert (parts["intent"], usccs(parts), len(parts["entities"]["categories"])) == ("category_points", [own], 5)
    picture = Talk(cz, "enterprise3")("帮我看看我们的画像")
    labels = [f["label"] for f in picture["facts"]]
    assert "总积分" in labels and sum(label.endswith("得分") for label in labels) == 5, labels
    rank = Talk(cz, "enterprise3")(f"我司{cz.years[0]}年度总积分及排名")
    total = next(f for f in rank["facts"] if f["label"] == "总积分")
    assert total["value"] == cz.firms.totals[cz.years[0]][own] and total["year"] == cz.years[0]
    assert any(f["label"] == "阶段内排名" for f in rank["facts"])


def test_what_to_do_about_wrong_data_is_answered(chat_zone: ChatZone) -> None:
    body = Talk(chat_zone, "enterprise3")("我们的数据有误怎么办")
    assert (body["kind"], body["intent"]) == ("answer", "programme_info") and "更正" in body["reply"]


def test_a_famous_firm_not_in_the_zone_is_another_firm_and_why_is_the_refusal_again(chat_zone: ChatZone) -> None:
    me = Talk(chat_zone, "enterprise1")
    for asked in ("华为多少分", "为什么"):
        body = me(asked)
        assert (body["kind"], body["refuse_reason"]) == ("refuse", "privacy"), (asked, body)
        assert "华为" not in body["reply"]
    ours = me("那我们呢")
    assert (ours["kind"], usccs(ours)) == ("answer", [chat_zone.own["enterprise1"]])
    official = Talk(chat_zone, "official")("华为多少分")
    assert official["kind"] == "clarify" and "华为" in official["reply"] and not official["facts"]


def test_the_highest_values_of_an_indicator_and_an_item_of_that_list(chat_zone: ChatZone) -> None:
    from assistant.access.privacy import Principal
    from assistant.queries.portrait_data import portrait_data

    cz = chat_zone
    talk = Talk(cz, "official")
    top = talk("研发费用最高的5家企业")
    assert (top["kind"], top["intent"], top["entities"]["indicators"]) == ("answer", "top_n_list", ["IN01"])
    listed = usccs(top)
    assert len(listed) == 5
    official = Principal(role="official", username="official")
    values = []
    for uscc in listed:
        p = portrait_data(principal=official, runs=cz.ctx.runs, uscc=uscc, audit=None)
        item = next(i for i in p["indicators"] if i["code"] == "IN01")
        shown = next(f for f in top["facts"] if f.get("uscc") == uscc and f["label"].endswith("数值"))
        assert shown["value"] == pytest.approx(item["value"], rel=1e-6)
        values.append(item["value"])
    assert values == sorted(values, reverse=True)
    second = talk("第二名那家呢")
    assert (second["intent"], second["entities"]["indicators"], usccs(second)) == (
        "indicator_value_score", ["IN01"], [listed[1]])
    # An enterprise user asking the same gets its own standing, not the list.
    mine = Talk(cz, "enterprise1")("研发费用最高的5家企业")
    assert set(fact_usccs(mine)) <= {cz.own["enterprise1"]}


def test_the_indicators_without_data_or_without_points_are_listed(chat_zone: ChatZone) -> None:
    from assistant.access.privacy import Principal
    from assistant.queries.portrait_data import portrait_data

    cz = chat_zone
    own = cz.own["enterprise3"]
    p = portrait_data(principal=Principal(role="official", username="o"), runs=cz.ctx.runs, uscc=own, audit=None)
    missing = [i["code"] for i in p["indicators"] if i["missing"]]
    zero = [i["code"] for i in p["indicators"] if float(i["points"] or 0) == 0]
    body = Talk(cz, "enterprise3")("我们缺哪些数据")
    assert (body["kind"], body["intent"], usccs(body)) == ("answer", "indicator_value_score", [own])
    assert next(f for f in body["facts"] if f["label"] == "缺少数据的指标数")["value"] == len(missing) if missing else \
        "没有缺少数据的指标" in body["reply"]
    assert body["entities"]["indicators"] == missing[:10]
    zeros = Talk(cz, "enterprise3")("有哪些指标我们是0分")
    assert next(f for f in zeros["facts"] if f["label"] == "得 0 分的指标数")["value"] == len(zero)
    assert zeros["entities"]["indicators"] == zero[:10]


def test_is_it_good_enough_for_an_evaluation_names_only_the_firm(chat_zone: ChatZone) -> None:
    cz = chat_zone
    (a,) = named_firms(cz, 1)
    body = Talk(cz, "official")(f"{cz.firms.short[a]}够得上科小吗")
    assert (body["kind"], body["intent"], usccs(body)) == ("answer", "policy_eligibility", [a])


def test_a_year_before_the_first_scored_one_is_answered_with_the_latest_saying_which_are_scored(chat_zone: ChatZone) -> None:
    cz = chat_zone
    before = cz.years[0] - 1
    body = Talk(cz, "enterprise2")(f"我们{before}年的分")
    assert (body["kind"], body["intent"], body["entities"]["years"]) == ("answer", "my_total_points", [cz.latest])
    assert body["reply"].startswith(f"{before} 年度没有积分评分结果") and "查到的数据如下" not in body["reply"]


def test_several_firms_several_categories_and_what_a_policy_is(chat_zone: ChatZone) -> None:
    cz = chat_zone
    a, b, c = named_firms(cz, 3)
    three = Talk(cz, "official")(f"{cz.firms.short[a]}和{cz.firms.short[b]}和{cz.firms.short[c]}三家对比")
    assert three["intent"] == "compare_companies" and set(usccs(three)) == {a, b, c}
    cats = Talk(cz, "official")(f"{cz.firms.short[a]}的基础能力 投入能力 产出能力分别多少")
    assert cats["intent"] == "category_points" and {"foundation", "input", "output"} <= set(cats["entities"]["categories"])
    credit = Talk(cz, None)("什么是科技创新积分贷款")
    assert (credit["kind"], credit["intent"]) == ("answer", "policy_eligibility") and "积分贷" in credit["reply"]


def test_polite_long_own_questions_are_no_other_firm(chat_zone: ChatZone) -> None:
    cz = chat_zone
    own = cz.own["enterprise1"]
    for asked in ("请问一下贵平台 我司在本年度的创新积分排名大概处于什么位置", "你好 我想问一下我们公司今年的积分情况 谢谢"):
        body = Talk(cz, "enterprise1")(asked)
        assert (body["kind"], usccs(body)) == ("answer", [own]), (asked, body)
    (a,) = named_firms(cz, 1)
    two = Talk(cz, "official")(f"给我看一下{cz.firms.short[a]}{cz.years[0]}年的研发人员占比和有效发明专利")
    assert (two["kind"], two["intent"], usccs(two)) == ("answer", "indicator_value_score", [a])


def test_a_stage_typed_by_sound_and_the_year_before_last(chat_zone: ChatZone) -> None:
    cz = chat_zone
    top = Talk(cz, "official")("成张期前五")  # 长 typed as 张: the same sound in 成长期
    assert top["intent"] == "top_n_list" and "成长期" in top["reply"]
    assert {cz.firms.stage[u] for u in usccs(top)} == {"growth"}
    (a,) = named_firms(cz, 1)
    rank = Talk(cz, "official")(f"{cz.firms.short[a]}上上年的排名")
    assert (rank["intent"], usccs(rank), rank["entities"]["years"]) == ("rank_in_stage", [a], [cz.latest - 2])
