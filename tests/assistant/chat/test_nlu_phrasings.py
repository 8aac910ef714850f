"""Phrasings people type that the first round read wrongly: definitions asked in words other than
"怎么算", the programme's stages and categories, advice and changes in 口语, the asker against its
stage's average, vague indicators ("标准那项", "我们占比多少"), pinyin running into characters."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.nlu import Vocabulary, understand
from assistant.chat.understanding import Understanding
from tests.assistant.chat.nlu_vocab import shared_vocabulary

TODAY = date(2026, 3, 15)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return shared_vocabulary()


def ask(text: str, vocab: Vocabulary) -> Understanding:
    return understand(text, vocab=vocab, today=TODAY)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # what an indicator is, whether more is better, whether it is new, whether it scores
        ("什么是全员劳动生产率", "indicator_definition"),
        ("什么叫研发费用加计扣除额", "indicator_definition"),
        ("资产负债率是越高越好吗", "indicator_definition"),
        ("专利申请量越多越好吗", "indicator_definition"),
        ("资產負債率多少算好", "indicator_definition"),
        ("营业收入利润率多少算高", "indicator_definition"),
        ("数字化转型成熟度是新加的指标吗", "indicator_definition"),
        ("首台套是今年新增的指标吗", "indicator_definition"),
        ("两化融合还算分吗", "indicator_definition"),
        ("麻烦问下CNAS认可加分吗", "indicator_definition"),
        ("PCT国际专利申请加分吗", "indicator_definition"),
        ("基础能力一共几项指标", "indicator_definition"),
        ("资产负债率高了会扣分吗", "indicator_definition"),
        ("纳税信用等级A级能得几分", "indicator_definition"),
        ("绿色低碳认定是不是新指标", "indicator_definition"),
        ("外观设计专利今年还算分不", "indicator_definition"),
        ("產出能力一共幾項指標", "indicator_definition"),
        # what the next version of the system changed (not a company's change, not a comparison)
        ("今年指标体系有什么变化啊", "indicator_definition"),
        ("新版指标和旧版有啥区别", "indicator_definition"),
        ("v1.1和v1.0有什么不同", "indicator_definition"),
        ("指标体系今年改了啥", "indicator_definition"),
        ("新旧指标体系对比", "indicator_definition"),
        ("今年评价体系改了什么", "indicator_definition"),
        ("标准那项怎么算", "indicator_definition"),
        ("这个指标满分多少", "indicator_definition"),
        # the programme's stages and categories
        ("有哪几个成长阶段", "programme_info"),
        ("有几个阶段", "programme_info"),
        ("五大类别是什么", "programme_info"),
        ("积分分哪几个类别", "programme_info"),
        ("初创期是怎么定义的", "programme_info"),
        ("成熟期怎么界定", "programme_info"),
        ("什么是成长期", "programme_info"),
        # advice and changes in 口语
        ("积分太低了咋整😭", "improvement_advice"),
        ("jifen好低咋办啊", "improvement_advice"),
        ("分数太低了怎么办", "improvement_advice"),
        ("为啥我们分数掉了啊", "yoy_change"),
        ("我们积分怎么掉了", "yoy_change"),
        # the asker against its stage's aggregates: its rank and percentile
        ("我们比同阶段平均水平高吗", "rank_in_stage"),
        ("我们是不是低于同行平均水平", "rank_in_stage"),
        # vague or pinyin indicators of the asker's own firm
        ("我们高企那项得分了吗", "indicator_value_score"),
        ("我们研发那项得分", "indicator_value_score"),
        ("我們標準那項得分", "indicator_value_score"),
        ("我们人数那项多少", "indicator_value_score"),
        ("我们占比多少啊", "indicator_value_score"),
        ("我们纳税那一项得分多少", "indicator_value_score"),
        ("我们研发费用占比能得几分", "indicator_value_score"),
        ("我们为什么扣分", "improvement_advice"),
        ("分太低了有救吗", "improvement_advice"),
        ("我们分数怎么降这么多", "yoy_change"),
        ("我们和同行平均比怎么样", "rank_in_stage"),
        ("我们高于平均分吗", "rank_in_stage"),
        ("yanfa renyuan多少", "indicator_value_score"),
        ("fa zhan qi qian shi", "top_n_list"),
        ("yanfa投入强度 我们", "indicator_value_score"),
        ("我们yanfa费用多少", "indicator_value_score"),
        ("chengzhang期前十", "top_n_list"),
        # a firm's points asked with its registered name: not a search for the firm
        ("查一下江苏恒拓智能科技有限公司的积分", "my_total_points"),
        ("帮我看下常州博岳新材料股份有限公司积分", "my_total_points"),
        ("帮我搜一下鼎泰公司", "find_company_fuzzy"),
        ("银行能拿到我们哪些数据", "policy_eligibility"),
    ],
)
def test_intents(text: str, intent: str, vocab: Vocabulary) -> None:
    assert ask(text, vocab).intent == intent


def test_x_that_item_names_the_indicators_holding_x(vocab: Vocabulary) -> None:
    """"标准那项" is one of the five standards (asked which), "高企那项" the indicator, not the policy."""
    assert set(ask("我们标准那项得分", vocab).slots.indicator_candidates) == {"OP15", "OP16", "OP17", "OP18", "OP19"}
    people = ask("我们人数那项多少", vocab).slots.indicator_candidates
    assert {"FD06", "FD07", "MG13", "OP28"} <= set(people) and len(people) <= 10
    named = ask("恒拓研发那一项多少分", vocab).slots
    assert named.companies == ("恒拓",) and "IN01" in named.indicator_candidates
    high_tech = ask("我们高企那项得分了吗", vocab).slots
    assert (high_tech.indicator, high_tech.policy) == ("FD22", None)
    assert ask("我们专利那项多少分", vocab).slots.indicator_candidates == ("FD09", "FD10", "OP11", "OP12")
    # The end of a company's name is no vague indicator: 恒拓科技那项 asks which item of 恒拓科技.
    firm = ask("恒拓科技那项多少分", vocab)
    assert (firm.intent, firm.slots.companies, firm.slots.indicator_candidates) == ("indicator_value_score", ("恒拓科技",), ())
    # A known indicator before "那一项" stays itself, and 一项 is no company.
    tax = ask("我们纳税那一项得分多少", vocab).slots
    assert (tax.indicator, tax.companies) == ("OP06", ())


def test_a_bare_ratio_word_is_one_of_the_ratios(vocab: Vocabulary) -> None:
    ratios = ask("我们占比多少啊", vocab).slots.indicator_candidates
    assert "IN02" in ratios and len(ratios) <= 10
    assert set(ratios) <= {*vocab.indicators_containing("占比", limit=99), *vocab.indicators_containing("比例", limit=99)}
    # A ratio word after an indicator is part of it, not a vague one.
    assert ask("研发人员占比多少", vocab).slots.indicator == "IN05"


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("yanfa投入强度 我们", "indicator", "IN02"),
        ("women yanfa投入强度", "indicator", "IN02"),
        ("chengzhang期前十", "stage", "growth"),  # 成长 is cheng zhang, not cheng chang
        ("chengzhangqi前十", "stage", "growth"),
        ("fazhan期前五", "stage", "development"),
        ("银行能拿到我们哪些数据", "policy", "credit"),
    ],
)
def test_pinyin_and_policy_words(text: str, slot: str, value: str, vocab: Vocabulary) -> None:
    u = ask(text, vocab)
    assert getattr(u.slots, slot) == value and u.slots.companies == ()


def test_a_version_is_no_company(vocab: Vocabulary) -> None:
    assert ask("v1.1和v1.0有什么不同", vocab).slots.companies == ()
    assert ask("新版指标和旧版有啥区别", vocab).slots.companies == ()
