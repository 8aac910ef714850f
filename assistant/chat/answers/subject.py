"""Whose data an answer is about, and what an answerer says when it may not read it.

The dialogue resolves companies and applies the privacy rule before asking an answerer; the reads
(`assistant.queries`) apply it again. These answers are the answerers' own last line: an enterprise
that may not be read is refused in the same words whether it exists or not, naming nothing about
it (`assistant.access.privacy`), and the public is told how to log in.
"""

from __future__ import annotations

from assistant.access.privacy import Principal
from assistant.chat.reply import EnterpriseRef
from assistant.chat.request import Answer, Request

ASK_COMPANY = "请问您要查询哪家企业？可以说企业名称、简称或统一社会信用代码。"
PRIVACY = ("抱歉，其他企业的积分、排名和各项数据不对您开放。"
           "您可以查询本企业的积分、排名和提分建议，也可以了解指标口径和同阶段企业的平均水平。")
LOGIN = ("查询企业的积分需要先登录：企业用户请用园区分配的账号登录，或在微信公众号中绑定企业。"
         "未登录时可以了解积分制度、指标口径和各阶段的平均水平。")
OWN_SUGGESTIONS = ("我们的总积分是多少", "我们在同阶段排第几", "怎样提高积分")
PUBLIC_SUGGESTIONS = ("积分制度是怎么回事", "研发费用占比怎么算", "各阶段平均分是多少")


def subject(request: Request, principal: Principal) -> EnterpriseRef | None:
    """The enterprise asked about: the first one named, else an enterprise user's own (its name
    is read with its data), else None."""
    if request.enterprises:
        return request.enterprises[0]
    if principal.role == "enterprise" and principal.uscc:
        return EnterpriseRef(uscc=principal.uscc, name="")
    return None


def refusal(principal: Principal, intent: str) -> Answer:
    """The answer to a caller who may not read an enterprise's data: the same words whatever
    the enterprise, no entities."""
    if principal.role == "public":
        return Answer(reply=LOGIN, kind="refuse", refuse_reason="unauthenticated", suggestions=PUBLIC_SUGGESTIONS)
    return Answer(reply=PRIVACY, kind="refuse", refuse_reason="privacy", suggestions=OWN_SUGGESTIONS)


def ask_company(intent: str) -> Answer:
    """One short question back when the enterprise is missing (officials)."""
    return Answer(reply=ASK_COMPANY, kind="clarify", suggestions=("按名称查找企业", "使用帮助"))


def missing_enterprise(request: Request, principal: Principal) -> Answer | None:
    """The answer when no readable enterprise is given: ask, refuse, or None (go on)."""
    ref = subject(request, principal)
    if ref is None:
        return refusal(principal, request.intent) if principal.role == "public" else ask_company(request.intent)
    if not principal.may_see_details(ref.uscc):
        return refusal(principal, request.intent)
    return None


__all__ = ["ASK_COMPANY", "LOGIN", "PRIVACY", "ask_company", "missing_enterprise", "refusal", "subject"]
