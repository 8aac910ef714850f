"""Finding enterprises by whatever the asker remembers (short names, typos, pinyin, initials,
products): the search layer as the asker may see it (`assistant.queries.search_hits`).

Everyone sees the public profile of a hit (name, industry, stage); officials also its latest total.
The hits are `listed`, so that "第二家" in the next message refers to one of them.
"""

from __future__ import annotations

import re

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, run_source
from assistant.chat.companies import search_named, typed_usccs
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef, Entities, Source, echo
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit

LIMIT = 5
_DIGIT = re.compile(r"\d")


def find_company_fuzzy(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """查找企业."""
    text = (request.query or request.text).strip()
    if typed_usccs(text) == (text.upper(),):
        text = text.upper()  # a USCC as registered (messages are read in lower case)
    if not text:
        return Answer(reply="请说出要找的企业名称、简称、拼音或产品。", kind="clarify",
                      suggestions=("找一下做光伏的企业", "恒拓智能"))
    if ctx.index is None:
        return Answer(reply="企业搜索暂不可用，请稍后再试。", suggestions=("积分制度是怎么回事", "使用帮助"))
    items = search_named(text, principal=principal, ctx=ctx, audit=audit, limit=LIMIT, stage=request.stage,
                         industry=request.industry)
    if not items:
        return Answer(reply=f"没有找到与“{echo(text)}”相符的企业。可以换个说法，比如简称、拼音首字母或主要产品。",
                      suggestions=("按行业找企业", "使用帮助"))
    fs = FactSheet()
    lines = []
    listed = []
    for k, item in enumerate(items, start=1):
        parts = [p for p in (item.get("industry"), item.get("stage_name")) if p]
        line = f"{k}. {item['name']}" + (f"（{'，'.join(parts)}）" if parts else "")
        if item.get("total") is not None and principal.sees_all:
            year = item.get("year")
            run = ctx.runs.published().by_year.get(year) if year is not None else None
            total = fs.points(f"{item['name']}总积分", item["total"], source=run_source(run.id if run else None),
                              year=year, uscc=item["uscc"])
            line += f"，{year} 年度总分 {total} 分"
        reason = next((r for r in item.get("reasons", []) if not _DIGIT.search(r)), None)
        if reason:
            line += f"；{'可能是，' if item.get('weak') else ''}{reason}"
        lines.append(line)
        listed.append(EnterpriseRef(uscc=item["uscc"], name=item["name"]))
    count = fs.count("找到的企业数", len(items), unit="家", source=Source(kind="derived"))
    head = f"找到 {count} 家与“{text}”相符的企业："
    return Answer(reply=head + "\n" + "\n".join(lines), facts=fs.facts, listed=tuple(listed),
                  entities=Entities(enterprises=tuple(listed)),
                  suggestions=("第一家的积分", "第二家是什么阶段", "换个关键词再找"))


__all__ = ["LIMIT", "find_company_fuzzy"]
