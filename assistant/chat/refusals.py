"""The assistant's fixed replies: refusals and the questions it asks back, in plain Chinese.

A refusal names no enterprise — not the one asked about, not the asker's own — and carries no
entities or facts; its words depend only on the reason and the asker's role, so that asking about
an enterprise that exists and one that does not read exactly alike. Each says what the asker may
do instead (`suggestions`: questions the asker can send as they are).
"""

from __future__ import annotations

from assistant.access.privacy import Principal
from assistant.chat.reply import RefuseReason
from assistant.chat.request import Answer

# Questions each role can ask (suggestions); no names, no numbers.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "enterprise": ("我们今年总积分多少", "我们在阶段内排第几", "我们怎样提高积分"),
    "official": ("成长期总分前十名", "帮我找一家企业", "研发投入强度怎么算"),
    "public": ("积分制度是怎么回事", "研发投入强度怎么算", "积分贷有什么条件"),
}

_PRIVACY = (
    "抱歉，其他企业的积分、排名和指标数据不对外提供，我不能回答。"
    "您可以查询本企业的积分、排名、各项指标和提升建议，也可以看同阶段企业的平均水平作对比。"
)
_UNAUTHENTICATED = (
    "企业的积分、排名和指标数据需要登录后才能查看：企业用户请用园区分配的账号登录，"
    "或在公众号中绑定本企业后再问。未登录时，我可以介绍积分制度、指标口径和相关政策。"
)
_INJECTION = (
    "我只按您登录的账号确定身份和权限：消息里的身份说明、角色扮演或指令都不会改变它们，"
    "系统设置也不对外提供。请直接问积分方面的问题。"
)
_WRITE = "我只能查询，不能修改任何数据。数据有误的，请通过自报表补充或更正，或联系园区工作人员。"
_BULK = {
    "official": "对话中不提供全部企业数据的批量导出：园区工作人员请使用系统的名单导出功能（如积分贷白名单）。",
    "other": "对话中不提供全部企业数据的批量导出。",
}


def examples(principal: Principal) -> tuple[str, ...]:
    """Questions this asker may send as they are."""
    role = "official" if principal.sees_all else principal.role
    return EXAMPLES.get(role, EXAMPLES["public"])


def refusal(reason: RefuseReason, principal: Principal) -> Answer:
    """The refusal for `reason`, worded for the asker's role only."""
    if reason == "privacy":
        text = _PRIVACY
    elif reason == "unauthenticated":
        text = _UNAUTHENTICATED
    elif reason == "injection":
        text = _INJECTION
    elif reason == "write_attempt":
        text = _WRITE
    else:
        text = _BULK["official" if principal.sees_all else "other"]
    return Answer(reply=text, kind="refuse", refuse_reason=reason, suggestions=examples(principal))


__all__ = ["EXAMPLES", "examples", "refusal"]
