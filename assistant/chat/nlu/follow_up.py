"""Whether a message leans on the conversation: "那去年呢", "它的研发投入呢", "第三名那家呢".

A follow-up changes some slots of the previous question and keeps the rest. It is recognised by
its form, not by a model: it points back (它, 这家, 第三名那家), opens with 那/换成 or closes with
呢, consists of slot words only (去年的, 研发强度), or asks about a change without saying of what
("比去年涨了还是跌了"). A message that is *only* slot words is `elliptical`: it states no intent
of its own, and the dialogue keeps the previous one (moving from the total to the indicator when
an indicator is named).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.chat.nlu.rules import BARE_DEFINITION
from assistant.chat.nlu.slots import Reading

__all__ = ["Form", "follow_up_form"]

_LEAD = re.compile(r"^(?:那么?|那要是|那如果|那换成|换成|换个|要是|如果是|再看看?|再查查?|还有)")
_TAIL = re.compile(r"呢\s*$")
# Words that carry no question of their own: a message of slots and these only is elliptical.
_PARTICLES = frozenset(
    "那 那么 呢 的 吗 了 啊 呀 吧 嘛 哦 换成 换个 再 看 看看 还有 要是 如果是 是 和 跟 与 同 比 对比 就 呗 的话 要 那要是 那如果".split()
)
_SUBJECT = re.compile(r"积分|总分|分数|得分|排名|名次|E|I|C")
# "为什么" alone asks the reason of the last answer: no question of its own.
_ASKS_WHY = re.compile(r"^(?:那|所以|那么)?(?:为什么|为啥|为何|咋回事|怎么回事|什么原因|啥原因|原因呢|原因是什么|原因是啥|why)(?:呢|啊|呀|捏|嘞|哈)*$")
_SHORT = 30  # a follow-up is a few words; a long message is a question of its own


class Form(NamedTuple):
    """How a message leans on the conversation."""

    follow_up: bool  # it changes slots of the previous question
    elliptical: bool  # ... and states no intent of its own
    bare: bool  # it is slot words (and particles) only: an answer to the slot the dialogue asked for


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
    elliptical = only_slots and (framed or points_back or not stated)
    if _ASKS_WHY.match(reading.masked):
        return Form(True, True, False)
    # "怎么算的", "满分多少": a definition of what the conversation is about.
    of_the_last = bool(BARE_DEFINITION.match(reading.masked))
    return Form(points_back or framed or unnamed_change or elliptical or of_the_last, elliptical, only_slots)
