"""Answerers: one per intent, each reading through `assistant.queries` as the asker and composing
a short Chinese reply whose every number is one of its facts.

`answer(request, principal=, ctx=, audit=)` dispatches on `request.intent` (`ANSWERERS`, one entry
per intent of `assistant.chat.intents`). What a read refuses becomes an answer, never an error:
an enterprise the asker may not see is refused in the privacy words (whether it exists or not), a
read that finds nothing says so in Chinese. Modules, by intent family:

- `scores`: my_total_points, category_points, rank_in_stage, stage_and_reason
- `indicators`: indicator_value_score;  `advice`: improvement_advice;  `trend`: yoy_change
- `officials`: top_n_list, compare_companies (others get their own rank and stage figures)
- `find`: find_company_fuzzy;  `definitions`: indicator_definition
- `eligibility` (with `policies`, the policy files): policy_eligibility
- `programme`: programme_info, help, chitchat_out_of_scope
Shared: `facts` (the fact sheet), `years` (which year), `reading`/`subject` (whose portrait).

    >>> from assistant.chat.intents import INTENTS
    >>> sorted(ANSWERERS) == sorted(INTENTS)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.chat.answers.advice import improvement_advice
from assistant.chat.answers.definitions import indicator_definition
from assistant.chat.answers.eligibility import policy_eligibility
from assistant.chat.answers.find import find_company_fuzzy
from assistant.chat.answers.indicators import indicator_value_score
from assistant.chat.answers.officials import compare_companies, top_n_list
from assistant.chat.answers.programme import chitchat_out_of_scope, help, programme_info
from assistant.chat.answers.scores import (
    category_points,
    my_total_points,
    rank_in_stage,
    stage_and_reason,
)
from assistant.chat.answers.subject import refusal
from assistant.chat.answers.trend import yoy_change
from assistant.chat.request import Answer, Request
from assistant.errors import BadRequest, Forbidden
from scoring.errors import NotFound

if TYPE_CHECKING:
    from assistant.access.privacy import Principal
    from assistant.chat.context import ChatContext
    from assistant.queries.audit import Audit

Answerer = Callable[..., Answer]

ANSWERERS: dict[str, Answerer] = {
    "my_total_points": my_total_points,
    "category_points": category_points,
    "indicator_value_score": indicator_value_score,
    "rank_in_stage": rank_in_stage,
    "stage_and_reason": stage_and_reason,
    "indicator_definition": indicator_definition,
    "improvement_advice": improvement_advice,
    "compare_companies": compare_companies,
    "top_n_list": top_n_list,
    "find_company_fuzzy": find_company_fuzzy,
    "yoy_change": yoy_change,
    "policy_eligibility": policy_eligibility,
    "programme_info": programme_info,
    "help": help,
    "chitchat_out_of_scope": chitchat_out_of_scope,
}


def answer(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """The answer to a complete request, as `principal` may see it."""
    answerer = ANSWERERS.get(request.intent)
    if answerer is None:
        valid = "、".join(ANSWERERS)
        raise ValueError(f"unknown intent {request.intent!r}; valid: {valid}")
    try:
        return answerer(request, principal=principal, ctx=ctx, audit=audit)
    except NotFound as exc:
        if request.enterprises and not all(principal.may_see_details(e.uscc) for e in request.enterprises):
            return refusal(principal, request.intent)  # never "no such enterprise" to someone who may not know
        return Answer(reply=str(exc.args[0]) if exc.args else "没有找到相关的评分结果。",
                      suggestions=("积分制度是怎么回事", "使用帮助"))
    except Forbidden:
        return refusal(principal, request.intent)
    except BadRequest as exc:
        return Answer(reply=exc.message, kind="clarify", suggestions=("使用帮助", "积分制度是怎么回事"))


__all__ = ["ANSWERERS", "Answerer", "answer"]
