"""One message understood: clean, guard, slots, intent (rules, then the classifier), follow-up.

Pure text work (no store, no search index, no caller): the dialogue fills what is missing from
the session, resolves company mentions through search and applies the privacy rule.

The intent comes from the first rule that settles it (`rules`), else from the classifier when it
is confident (`classifier.ACCEPT`, `MARGIN`); otherwise `intent` is None and `alternatives` hold the
likeliest intents, for one clarifying question. An elliptical follow-up ("那去年呢") has no intent
of its own (None: keep the session's). Among the three "how many points" intents the slots
decide: an indicator named makes it `indicator_value_score`, a category `category_points`.

`expecting` is the slot the dialogue asked for in its last turn ("和谁比？" → "company"): a
message of slot words only is then read as that slot — "跟B" is the company B, "3" the third
item, "23" the year 2023 — and returned as an elliptical follow-up.

>>> from datetime import date
>>> vocab = Vocabulary.from_systems()
>>> u = understand("恒托智能去年的研发占比", vocab=vocab, today=date(2026, 5, 20))
>>> u.intent, u.slots.companies, u.slots.years, u.slots.indicator
('indicator_value_score', ('恒托智能',), (2025,), 'IN02')
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from assistant.chat.intents import INDICATOR_LISTING
from assistant.chat.nlu.classifier import ACCEPT, MARGIN
from assistant.chat.nlu.follow_up import follow_up_form
from assistant.chat.nlu.guard import detect_guard
from assistant.chat.nlu.rules import rule_intent
from assistant.chat.nlu.slots import Reading, read_slots
from assistant.chat.nlu.text import clean
from assistant.chat.nlu.vocabulary import Vocabulary
from assistant.chat.understanding import Slots, Understanding

__all__ = ["RULE_CONFIDENCE", "understand"]

# A rule's confidence: the rules were checked on the labelled set (benchmarks/nlu_intents.py
# prints each rule's precision); the classifier's own probability counts when it is higher.
RULE_CONFIDENCE = 0.95
_POINTS = ("my_total_points", "category_points", "indicator_value_score")
_EXPECTABLE = ("company", "year", "n", "list_index")
# The stage's anonymous figures as the other side of a comparison: "和同阶段平均比", "比平均水平高吗".
_AVERAGE = re.compile(r"(?:同阶段|同行业?|行业|全区|园区|区内|本阶段|阶段)?的?(?:平均|均值|中位数|上四分位|平均水平|平均分|平均值)(?:水平|分|值|线)?")


def _versus_average(text: str, slots: Slots, intent: str | None) -> tuple[Slots, str | None]:
    """"平均" is the stage's anonymous figures, never a company mention. Compared with our own
    firm ("我们比同阶段平均水平高吗"), it is our category points beside the stage's mean and top
    quartile; asked alone ("成长期平均分多少"), it is the stages' figures, which the cohort answer
    (`top_n_list`) gives everyone (an indicator named "…平均增长率" is not this)."""
    if not _AVERAGE.search(text) or slots.indicator or slots.indicator_candidates:
        return slots, intent
    kept = tuple(c for c in slots.companies if not _AVERAGE.fullmatch(c))
    slots = replace(slots, companies=kept)
    if kept or slots.company_ref in ("previous", "list_item", "pair"):
        return slots, intent
    if slots.company_ref == "self":
        return slots, "category_points" if intent in ("compare_companies", None) else intent
    if intent in (None, *_POINTS, "rank_in_stage", "stage_and_reason", "compare_companies", "top_n_list"):
        return slots, "top_n_list"
    return slots, intent


# What may stand beside slot placeholders in a question that is nothing but its slots.
_NOTHING_ELSE = re.compile(r"(?:[我们它的了呢吗嘛啊呀吧哈和及，,。.?？!！~\sYEIC]|给我看一下|给我看下|看一下|看下|查一下|查下|帮我查|帮我看|请问|麻烦|以及|还有)*")


def _slots_only(masked: str, slots: Slots) -> str | None:
    """"我们2024年的研发人员占比", "振微数控去年的投入能力": a company and a figure and nothing
    else asks for that figure (the level the slots name), whatever the classifier makes of it."""
    if not (slots.companies or slots.company_ref == "self") or not _NOTHING_ELSE.fullmatch(masked):
        return None
    if slots.indicator:
        return "indicator_value_score"
    return "category_points" if slots.category else None
# What a question leaves out when the conversation supplies it: "我们够吗" after a policy, "这个指标
# 满分多少" after an indicator.
_THIS_ONE = re.compile(r"这个指标|这项指标|该指标|这一项|这项|该项|此项|那个指标|那项指标|那一项|那项|^(?:那)?(?:这个|这|它)(?!些)")
_ANY_POLICY = re.compile(r"政策|补贴|奖励|扶持|奖补|兑现")


def _leans_on_the_last(intent: str, slots: Slots, masked: str) -> bool:
    """A question whose object is missing: it is the conversation's (a follow-up)."""
    if intent == "policy_eligibility":
        return slots.policy is None and not _ANY_POLICY.search(masked)
    if intent in ("indicator_definition", "indicator_value_score"):
        return slots.indicator is None and not slots.indicator_candidates and slots.category is None and bool(_THIS_ONE.search(masked))
    return False


def _by_slots(intent: str, slots: Slots) -> str:
    """The "how many points" intent the slots call for (研发占比 → indicator, 投入类 → category)."""
    if intent not in _POINTS:
        return intent
    if slots.indicator or slots.indicator_candidates:
        return "indicator_value_score"
    if slots.category:
        return "category_points"
    return intent


def _one_meaning(reading: Reading, slots: Slots, intent: str) -> Slots:
    """高企 names the indicator FD22 and the policy hte-2016: keep the one the intent is about."""
    for seg in reading.segments:
        m = seg.meaning
        if seg.kind != "term" or m is None or not (m.policy and m.indicators):
            continue
        if intent == "policy_eligibility" and slots.indicator in m.indicators:
            slots = replace(slots, indicator=None)
        elif intent != "policy_eligibility" and slots.policy == m.policy and (slots.indicator or slots.indicator_candidates):
            slots = replace(slots, policy=None)
    return slots


def _with_expected(reading: Reading, expecting: str) -> Slots:
    """Bare numbers read as the slot the dialogue asked for ("3" → the third item, "23" → 2023)."""
    slots = reading.slots
    numbers = [int(float(s.text)) for s in reading.segments if s.kind == "number"]
    if not numbers:
        return slots
    value = numbers[0]
    if expecting == "year" and not slots.years:
        year = value if value >= 1990 else 2000 + value if value < 100 else None
        return replace(slots, years=(year,), year_words=(str(value),)) if year else slots
    if expecting == "n" and slots.n is None and 0 < value <= 1000:
        return replace(slots, n=value)
    if expecting == "company" and slots.list_index is None and 0 < value <= 20:
        return replace(slots, list_index=value)  # "2": the second enterprise offered
    if expecting == "list_index" and slots.list_index is None and 0 < value <= 1000:
        return replace(slots, list_index=value, company_ref="list_item")
    return slots


def understand(text: str, *, vocab: Vocabulary, today: date, expecting: str | None = None) -> Understanding:
    """Intent, slots, guard and follow-up of one message (see the module docstring)."""
    cleaned = clean(text)
    if not cleaned:
        # Emoji, symbols or invisible characters only: small talk, answered with what we can do.
        return Understanding(intent="chitchat_out_of_scope" if text.strip() else None,
                             confidence=1.0 if text.strip() else 0.0, text=cleaned)
    reading = read_slots(cleaned, vocab=vocab, today=today, expecting=expecting)
    named_categories = {seg.meaning.category for seg in reading.segments
                        if seg.kind == "term" and seg.meaning is not None and seg.meaning.category}
    if len(named_categories) > 1 and reading.slots.indicator is None:
        # "基础能力 投入能力 产出能力分别多少": several categories are every category's answer
        reading = replace(reading, slots=replace(reading.slots, category=None))
    # Read as typed and as the words pinyin or homophones stand for ("hulue zhiqian de zhiling").
    guard = detect_guard(cleaned) or (detect_guard(reading.plain) if reading.plain != cleaned else None)
    slots = reading.slots
    form = follow_up_form(cleaned, reading)
    follow_up, elliptical, bare = form.follow_up, form.elliptical, form.bare
    if form.pair:
        slots = replace(slots, company_ref="pair")
    if expecting is not None and (bare or (expecting in _EXPECTABLE and not reading.masked.strip("0"))):
        # The answer to "和谁比？" or "哪一年？": a slot fill, not a question of its own.
        slots = _with_expected(reading, expecting) if expecting in _EXPECTABLE else slots
        follow_up = elliptical = True

    ranked = vocab.classifier.ranked(reading.masked) if vocab.classifier is not None else []
    probability = dict(ranked)
    intent = None if elliptical else rule_intent(reading.masked, slots)
    if intent is not None:
        confidence = max(RULE_CONFIDENCE, probability.get(intent, 0.0))
    elif elliptical or not ranked:
        intent, confidence = None, 0.0
    else:
        (best, p), runner_up = ranked[0], ranked[1][1] if len(ranked) > 1 else 0.0
        intent, confidence = (best, p) if p >= ACCEPT and p - runner_up >= MARGIN else (None, 0.0)
    if (INDICATOR_LISTING.search(reading.plain or cleaned) and not slots.indicator and slots.policy is None
            and (slots.companies or slots.company_ref in ("self", "previous"))):
        intent, confidence = "indicator_value_score", RULE_CONFIDENCE  # "我们缺哪些数据": all its indicators
    if intent is None and not elliptical:
        intent = _slots_only(reading.masked, slots)
        confidence = RULE_CONFIDENCE if intent is not None else confidence
    if _AVERAGE.search(cleaned):
        slots, intent = _versus_average(cleaned, slots, intent)
        confidence = max(confidence, RULE_CONFIDENCE) if intent is not None else confidence
    if intent is not None:
        intent = _by_slots(intent, slots)
        slots = _one_meaning(reading, slots, intent)
        follow_up = follow_up or _leans_on_the_last(intent, slots, reading.masked)
    alternatives = tuple((i, round(p, 4)) for i, p in ranked[:4] if i != intent)[:3]
    return Understanding(
        intent=intent,
        confidence=round(confidence, 4),
        slots=slots,
        guard=guard,
        follow_up=follow_up,
        alternatives=alternatives,
        text=cleaned,
        about_item=form.about_item,
        asks_property=form.asks_property,
        compares=form.compares,
    )
