"""PLACEHOLDER (branch chat-dialogue only): the merge replaces this file with the answers helper's package.

A minimal stand-in with the agreed interface — `answer(request, *, principal, ctx, audit) -> Answer` —
so that the service and the surfaces run before the real answerers are merged: total points, rank,
a top-N list, help and small talk; anything else gets a placeholder sentence without numbers.
"""

from __future__ import annotations

from assistant.access.privacy import Principal, require_details, require_official
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef, Entities, Fact, Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit, record


def answer(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """PLACEHOLDER: a few intents only."""
    if request.intent == "help":
        return Answer(reply="您可以问我：本企业的总积分、阶段内排名、某项指标的得分、指标口径和积分制度。",
                      suggestions=("我们今年总积分多少", "研发投入强度怎么算"))
    if request.intent == "chitchat_out_of_scope":
        return Answer(reply="我是科技创新积分助手，只能回答积分、指标和政策方面的问题。", kind="redirect")
    if request.intent in ("my_total_points", "rank_in_stage") and request.enterprises:
        ent = request.enterprises[0]
        require_details(principal, ent.uscc)
        data = ctx.runs.run_data_for_year(request.years[-1] if request.years else None)
        row = data.scores.set_index("uscc").loc[ent.uscc]
        year, run = data.run.year, data.run.id
        record(audit, action="chat_read", target=ent.uscc)
        if request.intent == "my_total_points":
            fact = Fact(label="总分", value=round(float(row["total"]), 2), unit="分", year=year, uscc=ent.uscc,
                        source=Source(kind="run", run=run))
            text = f"{ent.name} {year} 年总积分为 {fact.value:.2f} 分。"
        else:
            fact = Fact(label="阶段内排名", value=int(row["rank"]), unit="名", year=year, uscc=ent.uscc,
                        source=Source(kind="run", run=run))
            text = f"{ent.name} {year} 年在阶段内排第 {fact.value} 名。"
        return Answer(reply=text, facts=(fact,), years=(year,),
                      entities=Entities(enterprises=(ent,), years=(year,)))
    if request.intent == "top_n_list":
        require_official(principal)
        data = ctx.runs.run_data_for_year(request.years[-1] if request.years else None)
        stage = request.stage or "startup"
        rows = data.ranking(stage)[: request.n or 10]
        listed = tuple(EnterpriseRef(uscc=r["uscc"], name=r["name"]) for r in rows)
        facts = tuple(Fact(label=f"{r['name']} 总分", value=round(r["points"], 2), unit="分", year=data.run.year,
                           uscc=r["uscc"], source=Source(kind="run", run=data.run.id)) for r in rows)
        lines = "；".join(f"{r['name']} {round(r['points'], 2):.2f} 分" for r in rows)
        return Answer(reply=f"{data.run.year} 年排行：{lines}", facts=facts, listed=listed, years=(data.run.year,),
                      entities=Entities(enterprises=listed, years=(data.run.year,)))
    return Answer(reply="（占位答复：这一类问题由回答模块给出。）")


__all__ = ["answer"]
