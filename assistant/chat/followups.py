"""What a message asks, completed from the conversation when it leans on it.

"那去年呢" keeps the last question's intent and company and changes the year; "它的研发投入呢" keeps
the company and asks an indicator (the intent moves to the indicator's score); "第三名那家呢" after a
list asks that firm's points; after an aside (a definition, help, small talk) the topic before it
is what a follow-up continues — except that "那研发费用呢" right after a definition asks the next
definition; "回到刚才的问题" asks the topic again. Only the slots the intent reads are carried
(`USES`), so that a change of total after an indicator's score is the total's, not the indicator's.
Enterprises named in the message are resolved later (`assistant.chat.dialogue`); carried ones are
already resolved.
"""

from __future__ import annotations

import re

from assistant.chat.companies import typed_usccs
from assistant.chat.state import ASIDES, DialogueState, Topic
from assistant.chat.understanding import Understanding

# The slots each intent reads: a follow-up carries only these from the conversation.
USES: dict[str, frozenset[str]] = {
    "my_total_points": frozenset({"company", "year"}),
    "category_points": frozenset({"company", "year", "category"}),
    "indicator_value_score": frozenset({"company", "year", "indicator"}),
    "rank_in_stage": frozenset({"company", "year", "category"}),
    "stage_and_reason": frozenset({"company", "year"}),
    "indicator_definition": frozenset({"year", "indicator", "category"}),
    "improvement_advice": frozenset({"company", "year", "category", "indicator"}),
    "compare_companies": frozenset({"company", "year", "category", "indicator"}),
    "top_n_list": frozenset({"year", "n", "stage", "industry", "category"}),
    "find_company_fuzzy": frozenset({"stage", "industry"}),
    "yoy_change": frozenset({"company", "year", "category", "indicator"}),
    "policy_eligibility": frozenset({"company", "year", "policy"}),
    "programme_info": frozenset({"policy"}),
}
LISTS = frozenset({"top_n_list", "find_company_fuzzy", "compare_companies"})
# "回到刚才的问题": return to the topic before an aside.
BACK = re.compile(r"(回到|继续|接着|还是)(刚才|之前|前面|上面|原来)")


def asked_question(u: Understanding, state: DialogueState) -> Topic | None:
    """The question with the slots it states, and those it leans on carried from the state."""
    if u.intent is None and state.topic is not None and BACK.search(u.text):
        return state.topic
    base = _base(u, state)
    s = u.slots
    stated = bool(s.years or s.indicator or s.category or s.companies or s.company_ref or s.n or s.stage
                  or s.industry or s.policy or s.compare_direction)
    carry = base is not None and (u.follow_up or (u.intent is None and stated))
    intent = u.intent
    if carry:
        assert base is not None
        intent = _follow_intent(u.intent or base.intent, u)
    if intent is None:
        return None
    uses = USES.get(intent, frozenset({"company", "year", "category", "indicator", "n", "stage", "industry", "policy"}))

    def kept(slot: str) -> bool:
        return carry and slot in uses

    b = base or Topic(intent=intent)
    names_one = bool(s.companies or s.company_ref or typed_usccs(u.text))
    return Topic(
        intent=intent,
        enterprises=b.enterprises if kept("company") and not names_one else (),
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
    if last.intent == "indicator_definition" and (about_aside or state.topic is None):
        return last
    return state.topic


def _follow_intent(intent: str, u: Understanding) -> str:
    """A follow-up's intent: the one carried, moved to what the newly stated slot asks."""
    s = u.slots
    uses = USES.get(intent, frozenset())
    if s.company_ref == "list_item" and intent in LISTS and u.intent in (None, intent):
        # "第三名那家呢": that firm's points — of the category or indicator it names, if any
        return "indicator_value_score" if s.indicator else "category_points" if s.category else "my_total_points"
    if s.policy and "policy" in uses:
        return intent  # "那科小呢" after an eligibility question: 科小 the evaluation, not the indicator
    if s.indicator and "indicator" not in uses:
        return "indicator_value_score"
    if s.category and "category" not in uses:
        return "category_points"
    return intent


__all__ = ["BACK", "LISTS", "USES", "asked_question"]
