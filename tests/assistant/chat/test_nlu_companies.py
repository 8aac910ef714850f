"""Which words of a message name a company: short names opening a question, full registered
names, two names side by side, typed USCCs, pinyin names — and what is not a name."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.nlu import Vocabulary, understand
from assistant.chat.nlu.slots import read_slots
from assistant.chat.nlu.text import clean
from tests.assistant.chat.nlu_vocab import shared_vocabulary

TODAY = date(2026, 5, 20)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return shared_vocabulary()


def companies(text: str, vocab: Vocabulary) -> tuple[str, ...]:
    return read_slots(clean(text), vocab=vocab, today=TODAY).slots.companies


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # A short name opening the message, with something asked about it further on.
        ("邦型多少分", ("邦型",)),
        ("荣泰哪些指标还有提升空间", ("荣泰",)),
        ("高冠是什么阶段", ("高冠",)),
        ("请问鲸帆排名怎么样", ("鲸帆",)),
        ("煜孩研发费用总额", ("煜孩",)),
        ("晨和今年积分几分", ("晨和",)),
        ("聯億能評上高企嗎", ("联亿",)),
        ("微辉有几个发明专利", ("微辉",)),
        # ... not swallowed by the indicator after it as a typo of a longer one.
        ("晟天有效发明专利几件 得几分", ("晟天",)),
        # ... nor by the one-character word before it.
        ("高冠家积分几分", ("高冠",)),
        ("对比一下高冠和邦悦轨交", ("高冠", "邦悦轨交")),
        # Two names side by side: a trade name after industry words begins the second.
        ("臻安半导体奥锦碳材产出能力对比", ("臻安半导体", "奥锦碳材")),
        ("宇精装备欣森精机哪个分高", ("宇精装备", "欣森精机")),
        # Two bare trade names: one mention here, cut by the dialogue where each part names a firm.
        ("明优星正比一下", ("明优星正",)),
        ("对比下晟天", ("晟天",)),
        # Full registered names, legal form and all (有 and 材料 are the name's own words).
        ("江苏展星光电科技有限责任公司纳税信用等级得分", ("江苏展星光电科技有限责任公司",)),
        ("帮我查下常州邦星材料科技股份有限公司的积分", ("常州邦星材料科技股份有限公司",)),
        ("南美（常州）微电子有限责任公司排第几", ("南美(常州)微电子有限责任公司",)),
        ("和江苏旭维电子科技有限公司比一下", ("江苏旭维电子科技有限公司",)),
        # What is asked about a firm is not its name.
        ("邦星的基本信息", ("邦星",)),
        # Pinyin names, not words whose characters read so in names (重复 is chongfu).
        ("zhongfu的积分", ("zhongfu",)),
        ("zhongfu排第几", ("zhongfu",)),
    ],
)
def test_names_are_found_where_people_type_them(text: str, named: tuple[str, ...], vocab: Vocabulary) -> None:
    assert companies(text, vocab) == named


@pytest.mark.parametrize(
    ("text", "uscc"),
    [("91320411772825184F这家企业总分", "91320411772825184f"), ("91320411MA0F28M54E是哪个企业", "91320411ma0f28m54e"),
     ("913204112662061027这家企业排第几", "913204112662061027"), ("帮我查一下91320411429043388j", "91320411429043388j")],
)
def test_a_typed_uscc_is_one_mention(text: str, uscc: str, vocab: Vocabulary) -> None:
    assert companies(text, vocab) == (uscc,)


@pytest.mark.parametrize(
    "text",
    ["今天天气怎么样", "能教我怎么查积分吗", "税务数据多久更新", "已经报过的数据还要再报吗", "五大类分别多少分",
     "研发人员再多几个能加几分", "这家有限公司多少分", "请问积分怎么算", "大概多少分", "其实排第几", "到底多少分啊"],
)
def test_question_words_are_not_names(text: str, vocab: Vocabulary) -> None:
    assert companies(text, vocab) == ()


@pytest.mark.parametrize(
    ("text", "indicator", "stage"),
    [("精展太阳能的yanfa费用是多少", "IN01", None), ("我们yanfa投入强度多少", "IN02", None),
     ("chengzhang期前十", None, "growth")],
)
def test_pinyin_and_characters_mixed_read_as_one_word(text: str, indicator: str | None, stage: str | None,
                                                      vocab: Vocabulary) -> None:
    s = read_slots(clean(text), vocab=vocab, today=TODAY).slots
    assert (s.indicator, s.stage) == (indicator, stage)
    assert not any(c.isascii() for name in s.companies for c in name)


def test_a_uscc_with_this_firm_asks_about_that_firm(vocab: Vocabulary) -> None:
    u = understand("91320411772825184F这家企业总分", vocab=vocab, today=TODAY)
    assert (u.intent, u.slots.companies, u.slots.company_ref) == ("my_total_points", ("91320411772825184f",), None)
