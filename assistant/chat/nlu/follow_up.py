"""Whether a message leans on the conversation: "那去年呢", "它的研发投入呢", "第三名那家呢".

A follow-up changes some slots of the previous question and keeps the rest. It is recognised by
its form, not by a model: it points back (它, 这家, 第三名那家), opens with 那/换成 or closes with
呢, consists of slot words only (去年的, 研发强度), or asks about a change without saying of what
("比去年涨了还是跌了"). A message that is *only* slot words is `elliptical`: it states no intent
of its own, and the dialogue keeps the previous one (moving from the total to the indicator when
an indicator is named); so is "为什么" alone, which asks the previous question again (its answer
states the reasons).

Some words point at the conversation's subject without naming it, and the dialogue fills them in:
"这项" / "该指标" (the indicator talked about), "他俩" / "这两家" (the last two enterprises), and a
short question of how an unnamed indicator is scored ("怎么算的", "满分多少": the definition of
the indicator talked about, when there is one).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.chat.nlu.slots import Reading

__all__ = ["Form", "follow_up_form"]

_LEAD = re.compile(r"^(?:那么?|那要是|那如果|那换成|换成|换个|要是|如果是|再看看?|再查查?|还有)")
_TAIL = re.compile(r"呢\s*$")
# Words that carry no question of their own: a message of slots and these only is elliptical.
_PARTICLES = frozenset(
    "那 那么 呢 的 吗 了 啊 呀 吧 嘛 哦 换成 换个 再 看 看看 还有 要是 如果是 是 和 跟 与 同 比 对比 就 呗 的话 要 那要是 那如果 "
    # An acknowledgement before it ("好吧 那我们呢", after a refusal) adds no question either.
    "好 好吧 好的 行 行吧 嗯 嗯嗯 ok okay 那好 明白了 知道了".split()
)
_SUBJECT = re.compile(r"积分|总分|分数|得分|排名|名次|E|I|C")
# "为什么" alone asks the reason of the answer before: the same question again, which states it.
_WHY = re.compile(r"^(?:那|那么|所以|可是|但是)?(?:这是)?(?:为什么|为啥|为何|咋回事|怎么回事|什么原因|啥原因|原因是什么|原因呢|凭什么|why)"
                  r"(?:呢|呀|啊|吗|了|会这样|这样)*$")
# The indicator the conversation is about, pointed at: "我们这项多少", "该指标满分多少".
_THIS_ITEM = re.compile(r"这项|这一项|这个指标|这条指标|该指标|该项|此项|这个分项|那项指标|那一项")
# A property of an indicator asked without naming it: "怎么算的", "满分多少", "权重呢".
_PROPERTY = re.compile(
    r"怎么算|如何算|如何计算|怎么计算|计算方法|计算公式|公式|算法|口径|定义|含义|什么意思|啥意思|怎么计分|计分规则|"
    r"满分|最高分|上限|封顶|权重|数据来源|从哪来|哪来的|分档|几档|怎么打分|怎么评分|评分标准|越高越好|越低越好"
)
# Two enterprises of the conversation at once: "他俩谁高", "这两家比一下".
_PAIR = re.compile(r"[他它她]俩|[他它她]们俩|这俩|这两家|那两家|两家企业|两家公司|两者|二者|两个企业|两个公司|两家谁")
# "和第一名比呢", "跟B比一下": a comparison with what the conversation is about.
_COMPARES = re.compile(r"(?:和|跟|与|同).{1,20}(?:比|相比|对比|比较|pk|PK)|^(?:那)?(?:对比|比较|比一比|pk|PK)|谁高|谁低|谁更|谁强|谁好|哪家高|哪个高")
_PROPERTY_SHORT = 14  # "这个指标的满分是多少呢" — longer questions are questions of their own
_SHORT = 30  # a follow-up is a few words; a long message is a question of its own


class Form(NamedTuple):
    """How a message leans on the conversation."""

    follow_up: bool  # it changes slots of the previous question
    elliptical: bool  # ... and states no intent of its own
    bare: bool  # it is slot words (and particles) only: an answer to the slot the dialogue asked for
    about_item: bool = False  # it points at the indicator of the conversation ("这项")
    asks_property: bool = False  # it asks how an unnamed indicator is scored ("怎么算的", "满分多少")
    pair: bool = False  # it points at the two enterprises of the conversation ("他俩")
    compares: bool = False  # it compares with something ("和第一名比呢", "谁高")


def follow_up_form(text: str, reading: Reading) -> Form:
    """The form of a cleaned message and its reading."""
    slots = reading.slots
    content = [s for s in reading.segments if s.kind != "space"]
    slot_like = [
        s for s in content
        if s.kind in ("year", "n", "list_index", "company")
        or (s.kind == "term" and s.meaning is not None and (s.meaning.is_slot or s.meaning.ref))
    ]
    only_slots = bool(slot_like) and all(
        s in slot_like or (s.kind == "term" and s.surface in _PARTICLES) for s in content
    )
    # Years, counts and references alone ("去年的", "前五") only make sense against the question
    # before; an indicator, a category or a company alone ("研发投入强度") is a question of its own.
    stated = [s for s in slot_like if s.kind == "company" or (s.kind == "term" and s.meaning is not None and s.meaning.is_slot)]
    points_back = slots.company_ref in ("previous", "list_item")
    plain = reading.plain or text
    framed = len(plain) <= _SHORT and bool(_LEAD.search(plain) or _TAIL.search(plain))
    unnamed_change = (
        slots.compare_direction is not None and not slots.companies and slots.company_ref is None
        and not _SUBJECT.search(reading.masked)
    )
    why = bool(_WHY.match(plain))
    elliptical = (only_slots and (framed or points_back or not stated)) or why
    about_item = bool(_THIS_ITEM.search(plain)) and not (slots.indicator or slots.indicator_candidates or slots.category)
    asks_property = (len(plain) <= _PROPERTY_SHORT and bool(_PROPERTY.search(plain))
                     and not (slots.indicator or slots.indicator_candidates or slots.category or slots.companies))
    pair = bool(_PAIR.search(plain)) and not slots.companies
    compares = bool(_COMPARES.search(plain))
    follow_up = points_back or framed or unnamed_change or elliptical or about_item or pair
    return Form(follow_up, elliptical, only_slots, about_item, asks_property, pair, compares)
