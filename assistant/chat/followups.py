"""What a message asks, completed from the conversation when it leans on it.

"那去年呢" keeps the last question's intent and company and changes the year; "它的研发投入呢" keeps
the company and asks an indicator (the intent moves to the indicator's score); "第三名那家呢" after a
list asks that firm's points; after an aside (a definition, help, small talk) the topic before it
is what a follow-up continues — except that "那研发费用呢" right after a definition asks the next
definition; "回到刚才的问题" asks the topic again. Only the slots the intent reads are carried
(`USES`), so that a change of total after an indicator's score is the total's, not the indicator's.
Enterprises named in the message are resolved later (`assistant.chat.dialogue`); carried ones are
already resolved. Words that point at the conversation's subject move the intent: "怎么算的" asks
the definition of the indicator talked about, "我们这项多少" its value, "他俩谁高" and "和第一名比呢"
a comparison (the firm talked about against the one pointed at).
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.chat.companies import typed_usccs
from assistant.chat.state import ASIDES, DialogueState, Topic
from assistant.chat.understanding import Understanding

# The slots each intent reads: a follow-up carries only these from the conversation.
USES: dict[str, frozenset[str]] = {
    "my_total_points": frozenset({"company", "year"}),
    "category_points": frozenset({"company", "year", "category"}),
    "indicator_value_score": frozenset({"company", "year", "indicator"}),
    "rank_in_stage": frozenset({"company", "year"}),  # ranks are of the total: "投入能力呢" asks its points
    "stage_and_reason": frozenset({"company", "year"}),
    "indicator_definition": frozenset({"year", "indicator", "category"}),
    "improvement_advice": frozenset({"company", "year", "category", "indicator"}),
    "compare_companies": frozenset({"company", "year", "category", "indicator"}),
    "top_n_list": frozenset({"year", "n", "stage", "industry", "category", "indicator"}),
    "find_company_fuzzy": frozenset({"stage", "industry"}),
    "yoy_change": frozenset({"company", "year", "category", "indicator"}),
    "policy_eligibility": frozenset({"company", "year", "policy"}),
    "programme_info": frozenset({"policy"}),
}
LISTS = frozenset({"top_n_list", "find_company_fuzzy", "compare_companies"})
POINTS = ("my_total_points", "category_points", "indicator_value_score")
# "回到刚才的问题": return to the topic before an aside.
BACK = re.compile(r"(回到|继续|接着|还是)(刚才|之前|前面|上面|原来)")
# The parts of a total: "具体各项呢", "明细呢", "分项呢".
BREAKDOWN = re.compile(r"各项|各类|每项|每类|每一类|明细|分项|细项|具体|构成|组成|分别")
CHANGE_WORDS = re.compile(r"变|涨|跌|升|降|拉动|拖累|影响|贡献|原因|为什么|为啥|怎么回事")
# "为什么掉了" after a figure: what changed it since the year before.
WHY_CHANGED = re.compile(r"(?:为什么|为啥|为何|怎么会|咋会|怎么就|啥原因|什么原因).{0,4}(?:掉|降|跌|涨|升|变|少了|多了|退步|进步|下滑|低了|高了)")


def asked_question(u: Understanding, state: DialogueState) -> Topic | None:
    """The question with the slots it states, and those it leans on carried from the state."""
    if u.intent is None and state.topic is not None and BACK.search(u.text):
        return state.topic
    base = _base(u, state)
    s = u.slots
    stated = bool(s.years or s.indicator or s.category or s.companies or s.company_ref or s.n or s.stage
                  or s.industry or s.policy or s.compare_direction)
    property_of_last = u.asks_property and base is not None and bool(base.indicator or base.category)
    # "高企认定条件是什么" → "我们够吗": the same question of the asker, about the policy just read.
    same_policy = (base is not None and u.intent == base.intent == "policy_eligibility" and not s.policy
                   and base.policy is not None)
    # "主要是哪些指标变了" after a change: what moved it, of the same change.
    same_change = (base is not None and not (s.companies or s.company_ref or s.indicator or s.category or s.policy)
                   and ((base.intent == "yoy_change" and bool(CHANGE_WORDS.search(u.text)))
                        or (bool(base.enterprises) and bool(WHY_CHANGED.search(u.text)))))
    carry = base is not None and (u.follow_up or (u.intent is None and stated) or property_of_last or same_policy
                                  or same_change)
    intent = u.intent
    if carry:
        assert base is not None
        # "好吧 那我们呢": small-talk words around a follow-up that states slots are no intent of their own.
        own = None if u.intent == "chitchat_out_of_scope" and (stated or u.follow_up) else u.intent
        intent = "yoy_change" if same_change else _follow_intent(own or base.intent, replace(u, intent=own), base)
    if intent is None:
        return None
    uses = USES.get(intent, frozenset({"company", "year", "category", "indicator", "n", "stage", "industry", "policy"}))

    def kept(slot: str) -> bool:
        return carry and slot in uses

    b = base or Topic(intent=intent)
    names_one = bool(s.companies or s.company_ref or typed_usccs(u.text))
    enterprises = b.enterprises if kept("company") and not names_one else ()
    if intent == "compare_companies" and kept("company") and names_one and s.company_ref != "pair":
        enterprises = b.enterprises[:1]  # "和第一名比呢": the firm talked about against the one named
    return Topic(
        intent=intent,
        enterprises=enterprises,
        years=s.years or (b.years if kept("year") else ()),
        year_words=s.year_words if s.years else (b.year_words if kept("year") else ()),
        category=s.category or (b.category if kept("category") else None),
        indicator=s.indicator or (b.indicator if kept("indicator") else None),
        n=s.n or (b.n if kept("n") else None),
        stage=s.stage or (b.stage if kept("stage") else None),
        industry=s.industry or (b.industry if kept("industry") else None),
        policy=s.policy or (b.policy if kept("policy") else None),
    )


def _base(u: Understanding, state: DialogueState) -> Topic | None:
    """What a follow-up leans on: the last question, or the topic before an aside."""
    last = state.last
    if last is None or last.intent not in ASIDES:
        return last
    s = u.slots
    # "那研发费用呢" right after a definition asks the next definition; anything naming a company
    # or a year goes back to the topic.
    about_aside = bool(s.indicator or s.category or s.indicator_candidates) and not (
        s.companies or s.company_ref or s.years)
    if last.intent == "indicator_definition" and (about_aside or state.topic is None or u.about_item or u.asks_property):
        return last
    return state.topic


def _follow_intent(intent: str, u: Understanding, base: Topic) -> str:
    """A follow-up's intent: the one carried, moved to what the newly stated slot asks."""
    s = u.slots
    uses = USES.get(intent, frozenset())
    named = bool(s.companies or s.company_ref in ("self", "previous"))
    if u.asks_property and (base.indicator or base.category) and not named:
        return "indicator_definition"  # "怎么算的", "满分多少" of the indicator talked about
    if u.compares and s.years and not (s.companies or s.company_ref) and intent not in ("top_n_list", "compare_companies"):
        return "yoy_change"  # "和去年比呢": the figure talked about, against that year
    if s.company_ref == "pair" or (u.compares and (s.companies or s.company_ref in ("list_item", "previous"))
                                   and intent != "top_n_list"):
        return "compare_companies"  # "他俩谁高", "和第一名比呢"
    if base.intent == "policy_eligibility" and s.policy and u.intent in (None, intent, *POINTS):
        return "policy_eligibility"  # "那科小呢" after "能评上高企吗": 科小 is a policy here, not FD23
    if s.company_ref == "list_item" and intent in LISTS and u.intent in (None, intent, *POINTS):
        # "第三名那家呢", "第二名那家的投入能力呢": that firm's points, at the level named
        if s.indicator or (base.indicator and not s.category):  # "第二名那家呢" after a list by an indicator
            return "indicator_value_score"
        return "category_points" if s.category or base.category else "my_total_points"
    if u.about_item and base.indicator and (intent in POINTS or (intent == "indicator_definition" and named)):
        return "indicator_value_score"  # "我们这项多少" after the indicator's definition
    if intent == "indicator_definition" and named and base.intent == "indicator_definition" and u.intent is None:
        # "那我们呢" after a definition: our value of it
        return "indicator_value_score" if base.indicator else "category_points" if base.category else "my_total_points"
    if BREAKDOWN.search(u.text) and intent in ("my_total_points", "rank_in_stage") and not s.indicator:
        return "category_points"  # "具体各项呢" after a total: its parts
    if s.indicator and "indicator" not in uses:
        return "indicator_value_score"
    if s.category and "category" not in uses:
        return "category_points"
    return intent


__all__ = ["BACK", "LISTS", "USES", "asked_question"]
