"""Policy and eligibility: "我们能评上科技型中小企业吗", "够不够高企", "积分贷怎么申请".

An evaluation (or a reward resting on one) is computed: the evaluation's system file is run by the
engine on the asker's stored raw data (`assistant.queries.eligibility`; no run is written) and the
answer gives the verdict, the route (or the first requirement not met), the points per indicator
and the raw fields still missing — those an enterprise may report on the self-report form, and
the expert judgements it cannot. Facts of such a computation have `source.kind = "derived"` with
the system version (nothing was stored to point at). A cut-off (积分贷) compares the asker's
published total and rank with the configured one; one not configured is said to be so.

The public gets the policy's text and how to log in for a computed answer.
"""

from __future__ import annotations

from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, run_source
from assistant.chat.answers.policies import Policy, find_policy, load_policies
from assistant.chat.answers.reading import Read
from assistant.chat.answers.subject import missing_enterprise, refusal, subject
from assistant.chat.answers.years import pick_year, published_years
from assistant.chat.context import ChatContext
from assistant.chat.reply import Entities, Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.eligibility import evaluation
from assistant.queries.standing import standing
from scoring.systems.loader import load_all

DISCLAIMER = "以上为按园区已有数据的测算，仅供参考，以主管部门的审核结果为准。"
SHOWN_MISSING = 6


def policies_of(ctx: ChatContext) -> dict[str, Policy]:
    """The policy items (validated; evaluation systems checked against the systems folder)."""
    return load_policies(ctx.policies_dir, systems=frozenset(load_all(ctx.systems_dir)))


def _document(fs: FactSheet, policy: Policy) -> str:
    src = Source(kind="policy", document=policy.document)
    title = fs.quote(policy.document_title, label=f"{policy.title}文件", source=src)
    doc = fs.quote(policy.document, label=f"{policy.title}文号", source=src)
    return f"{title}（{doc}）" + ("，示例条目" if policy.example else "")


def _about(fs: FactSheet, policy: Policy) -> str:
    """The policy in words: summary, then where it comes from."""
    src = Source(kind="policy", document=policy.document)
    text = fs.quote(policy.summary, label=policy.title, source=src)
    return f"{policy.title}：{text}\n依据：{_document(fs, policy)}"


def _public(policy: Policy, *, login_hint: bool = True) -> Answer:
    fs = FactSheet()
    src = Source(kind="policy", document=policy.document)
    body = _about(fs, policy)
    body += "\n原文：" + fs.quote(policy.source_text, label=f"{policy.title}原文", source=src)
    if policy.receives:
        body += "\n" + fs.quote(policy.receives, label=f"{policy.title}名单内容", source=src)
    if policy.cutoff is not None:  # the rule of the list: configured, or said not to be
        body += "".join("\n" + line for line in _cutoff_lines(fs, policy, None))
    if login_hint and (policy.kind != "credit" or policy.evaluation):
        body += "\n登录企业账号后，可以按贵企业在园区的数据测算是否符合条件。"
    return Answer(reply=body, facts=fs.facts, suggestions=("积分制度是怎么回事", "怎样登录", "有哪些政策"))


def _evaluated(fs: FactSheet, policy: Policy, ev: dict[str, Any], name: str) -> list[str]:
    src = Source(kind="derived", system=ev["version"])
    sys_src = Source(kind="system", system=ev["version"])
    verdict = ev["verdicts"][0] if ev["verdicts"] else None
    lines = []
    if verdict is None:
        lines.append(f"{ev['name']}没有配置通过条件，只能给出评分。")
    else:
        result = "符合条件" if verdict["passed"] else "暂不符合条件"
        route = fs.quote(verdict["route"], label="通过途径或未满足的条件", source=sys_src)
        lines.append(f"按{_document(fs, policy)}测算，{name} {ev['year']} 年度数据：{result}（{route}）。")
    total = fs.points("评价综合得分", ev["total"], source=src, uscc=ev["uscc"], year=ev["year"])
    top = fs.number("评价满分", ev["max_total"], unit="分", source=sys_src)
    lines.append(f"综合评分 {total} 分（满分 {top} 分）：")
    for ind in ev["indicators"]:
        if ind["missing"] and ind["points"] == 0:
            continue
        pts = fs.points(f"{ind['name']}得分", ind["points"], source=src, uscc=ev["uscc"], year=ev["year"])
        value = "" if ind["missing"] else "，" + fs.quote(ind["value_text"], label=f"{ind['name']}数值", source=src)
        lines.append(f"· {ind['name']}{value}：{pts} 分")
    unscored = [i for i in ev["indicators"] if i["missing"] and i["points"] == 0]
    if unscored:
        n = fs.count("缺少数据的评价指标数", len(unscored), unit="项", source=src)
        lines.append(f"· 另有 {n} 项缺少数据，不得分")
    for cat in ev["categories"]:
        if cat.get("choice"):
            lines.append(f"（{cat['name']}：" + fs.quote(cat["choice"], label=f"{cat['name']}口径", source=src) + "）")
    return lines


def _missing_lines(fs: FactSheet, ev: dict[str, Any]) -> list[str]:
    asked = [m for m in ev["missing"] if m["asked"]]
    review = [m for m in ev["missing"] if not m["asked"]]
    lines = []
    if asked:
        names = "、".join(f"{m['name']}（{m['year']} 年，{m['source_name']}）" for m in asked[:SHOWN_MISSING])
        more = "等" if len(asked) > SHOWN_MISSING else ""
        lines.append("还缺的数据：" + fs.quote(names, label="缺少的数据", source=Source(kind="derived", system=ev["version"]))
                     + f"{more}——可以在企业填报表中补充，补充后再测算。")
    if review:
        n = fs.count("待专家评审的项数", len(review), unit="项", source=Source(kind="derived", system=ev["version"]))
        lines.append(f"另有 {n} 项专家评审内容尚无评审结果，按评分表下限计，正式认定时由评审专家给出。")
    return lines


def _cutoff_lines(fs: FactSheet, policy: Policy, read: Read | None) -> list[str]:
    assert policy.cutoff is not None
    cut = policy.cutoff
    src = Source(kind="policy", document=policy.document)
    lines = []
    if not cut.configured:
        lines.append("入选分数线目前未在本系统配置（由园区和合作机构确定），因此还无法判断是否入选。")
    elif read is None:  # the rule itself, for whoever asks without an enterprise
        rules = []
        if cut.min_total is not None:
            rules.append(f"总分不低于 {fs.number('入选分数线', cut.min_total, unit='分', source=src)} 分")
        if cut.top_per_stage is not None:
            rules.append(f"阶段内前 {fs.count('各阶段入选名次', cut.top_per_stage, unit='名', source=src)} 名")
        lines.append("入选规则：" + "，且".join(rules) + "。")
    if read is not None:
        p = read.portrait
        run = run_source(read.run, system=p["system"])
        total = fs.points("总积分", p["total"], source=run, year=read.year, uscc=read.uscc)
        rank = fs.count("阶段内排名", p["rank"], unit="名", source=run, year=read.year, uscc=read.uscc)
        lines.append(f"{read.name} {read.pick.label}总积分 {total} 分，在{p['stage_name']}排第 {rank} 名。")
        checks = []
        if cut.min_total is not None:
            line = fs.number("入选分数线", cut.min_total, unit="分", source=src)
            checks.append((p["total"] >= cut.min_total, f"总分不低于 {line} 分"))
        if cut.top_per_stage is not None:
            top = fs.count("各阶段入选名次", cut.top_per_stage, unit="名", source=src)
            checks.append((p["rank"] <= cut.top_per_stage, f"阶段内前 {top} 名"))
        for ok, what in checks:
            lines.append(f"{'达到' if ok else '未达到'}入选规则“{what}”。")
    return lines


def policy_eligibility(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """政策与资格."""
    policies = policies_of(ctx)
    policy = find_policy(policies, slot=request.policy, text=request.text)
    if policy is None:
        titles = "、".join(p.title for p in policies.values() if not p.example)
        return Answer(reply=f"请问您想了解哪项政策？目前可以查询：{titles}。", kind="clarify",
                      suggestions=("我们能评上科技型中小企业吗", "够不够高企", "积分贷怎么申请"))
    if principal.role == "public" or (subject(request, principal) is None and not principal.sees_all):
        return _public(policy)
    stop = missing_enterprise(request, principal)
    if stop is not None:
        if stop.kind == "clarify":  # an official without a company: the policy itself, and the question
            about = _public(policy, login_hint=False)
            return Answer(reply=about.reply + "\n要按某家企业的数据测算，请告诉我企业名称。", kind="clarify",
                          facts=about.facts, suggestions=about.suggestions)
        return refusal(principal, request.intent)
    ref = subject(request, principal)
    assert ref is not None
    pick = pick_year(request, published_years(ctx))
    p = standing(principal=principal, runs=ctx.runs, uscc=ref.uscc, year=pick.year, audit=audit)
    read = Read(p, pick)
    fs = FactSheet()
    lines = [_about(fs, policy)]
    if policy.evaluation:
        ev = evaluation(principal=principal, engine=ctx.engine, runs=ctx.runs, systems_dir=ctx.systems_dir,
                        version=policy.evaluation, uscc=ref.uscc, year=read.year, audit=audit)
        lines += _evaluated(fs, policy, ev, read.name)
        lines += _missing_lines(fs, ev)
        lines.append(DISCLAIMER)
    if policy.cutoff is not None:
        lines += _cutoff_lines(fs, policy, read)
    if policy.receives:
        lines.append(fs.quote(policy.receives, label=f"{policy.title}名单内容", source=Source(kind="policy", document=policy.document)))
    if policy.how_to_apply:
        lines.append("怎么办理：" + fs.quote(policy.how_to_apply, label=f"{policy.title}办理", source=Source(kind="policy", document=policy.document)))
    return Answer(reply=read.lead("\n".join(lines)), facts=fs.facts, years=(read.year,),
                  entities=Entities(enterprises=(read.ref,), years=(read.year,)),
                  suggestions=("缺的数据怎么补", "怎样提高积分", "够不够高企" if policy.id != "hte" else "能评上科技型中小企业吗"))


__all__ = ["DISCLAIMER", "policies_of", "policy_eligibility"]
