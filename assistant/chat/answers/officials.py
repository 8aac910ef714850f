"""Lists and comparisons that show several enterprises' points: officials' answers.

An enterprise user asking for them gets its own rank and its stage's anonymous figures instead
(mean and top quartile, groups of at least `MIN_GROUP` only); the public gets those figures per
stage. Neither is refused: they are told what they may see and shown it.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, run_source
from assistant.chat.answers.indicators import indicator_line, not_in_system
from assistant.chat.answers.reading import Read
from assistant.chat.answers.subject import ask_company, refusal, subject
from assistant.chat.answers.years import pick_year, published_years
from assistant.chat.context import ChatContext
from assistant.chat.reply import EnterpriseRef, Entities, Source
from assistant.chat.request import Answer, Request
from assistant.queries.aggregates import group_figures
from assistant.queries.audit import Audit
from assistant.queries.portrait_data import portrait_data
from assistant.queries.standing import standing
from assistant.queries.systems import find
from assistant.queries.top import MAX_N, top_enterprises
from scoring.systems.schema import STAGES

DEFAULT_N = 10
# A question of the stages' averages rather than of a ranking ("成长期平均分多少").
AVERAGES = re.compile(r"平均|均值|中位数|上四分位")


def _stage_lines(fs: FactSheet, figures: dict[str, Any], only: str | None = None) -> list[str]:
    """"· 成长期 32 家：平均 47.49 分，上四分位 55.20 分" for each stage shown."""
    agg = Source(kind="aggregate", run=figures["run_id"], system=figures["system"])
    year = figures["year"]
    lines = []
    for s in figures["stages"]:
        if only is not None and s["stage"] != only:
            continue
        if s["count"] is None or "mean_total" not in s:
            lines.append(f"· {s['name']}：企业较少，不公开统计")
            continue
        n = fs.count(f"{s['name']}企业数", s["count"], unit="家", source=agg, year=year)
        mean = fs.points(f"{s['name']}平均总分", s["mean_total"], source=agg, year=year)
        p75 = fs.points(f"{s['name']}总分上四分位", s["p75_total"], source=agg, year=year)
        lines.append(f"· {s['name']} {n} 家：平均 {mean} 分，上四分位 {p75} 分")
    return lines


def _instead(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None, what: str) -> Answer:
    """For non-officials: the asker's own standing (an enterprise) and the stages' figures; for
    anyone who asked for the averages themselves (`what` empty), the figures without a preamble."""
    pick = pick_year(request, published_years(ctx))
    figures = group_figures(principal=principal, runs=ctx.runs, year=pick.year, audit=audit)
    fs = FactSheet()
    own = subject(Request(intent=request.intent), principal)  # never a named other enterprise
    head = f"{what}涉及其他企业的积分，仅向园区工作人员开放。" if what else ""
    entities = Entities(years=(pick.year,))
    stage_only = request.stage
    if own is not None and principal.may_see_details(own.uscc):
        p = standing(principal=principal, runs=ctx.runs, uscc=own.uscc, year=pick.year, audit=audit)
        read = Read(p, pick)
        run = run_source(read.run, system=p["system"])
        total = fs.points("总积分", p["total"], source=run, year=read.year, uscc=read.uscc)
        rank = fs.count("阶段内排名", p["rank"], unit="名", source=run, year=read.year, uscc=read.uscc)
        size = fs.count("同阶段企业数", p["stage_size"], unit="家", source=run, year=read.year)
        head += f"\n{read.name} {pick.label}总积分 {total} 分，在{p['stage_name']}排第 {rank} 名（共 {size} 家）。".lstrip("\n")
        stage_only = stage_only or p["stage"]
        entities = read.entities()
    lines = _stage_lines(fs, figures, only=stage_only)
    title = "同阶段参考" if stage_only else "各阶段参考"
    body = (f"{head}\n" if head else "") + f"{pick.label}{title}：\n" + "\n".join(lines)
    body = f"{pick.note}\n{body}" if pick.note else body
    return Answer(reply=body, facts=fs.facts, entities=entities, years=(pick.year,),
                  suggestions=("怎样提高积分", "各类别得分是多少", "积分是怎么算的") if own else
                  ("积分制度是怎么回事", "阶段是怎么划分的", "研发费用占比怎么算"))


def top_n_list(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """排行榜: the N best of a stage, an industry or a category (officials)."""
    if AVERAGES.search(request.text) and not (request.enterprises or request.category):
        return _instead(request, principal=principal, ctx=ctx, audit=audit, what="")  # "成长期平均分多少"
    if not principal.sees_all:
        return _instead(request, principal=principal, ctx=ctx, audit=audit, what="排行榜")
    n = min(request.n or DEFAULT_N, MAX_N)
    pick = pick_year(request, published_years(ctx))
    top = top_enterprises(principal=principal, runs=ctx.runs, audit=audit, n=n, year=pick.year,
                          stage=request.stage, industry=request.industry,
                          category=None if request.indicator else request.category, indicator=request.indicator)
    fs = FactSheet()
    run = run_source(top["run_id"], system=top["system"])
    scope = "".join([
        STAGES[top["stage"]] if top["stage"] else "",
        f"“{top['industry']}”行业" if top["industry"] else "",
    ]) or "全区"
    what = "总分"
    ind = ctx.runs.run_data_for_year(pick.year).system.by_code.get(top["indicator"]) if top["indicator"] else None
    if ind is not None:
        what = fs.name(ind.name, system=top["system"], indicator=ind.code)
    elif top["category"]:
        what = next((c.name for c in ctx.runs.run_data_for_year(pick.year).system.categories if c.code == top["category"]), top["category"])
    if not top["items"]:
        body = f"{pick.label}{scope}没有企业的评分。"
        return Answer(reply=f"{pick.note}\n{body}" if pick.note else body, years=(pick.year,),
                      entities=Entities(years=(pick.year,)), suggestions=("成长期前十名", "全区前十名"))
    lines = []
    listed = []
    for k, item in enumerate(top["items"], start=1):
        if ind is not None:  # the indicator's value first (what "最高" asks), then its points
            src = run_source(top["run_id"], indicator=ind.code, system=top["system"])
            value = fs.quantity(f"{item['name']}{ind.name}数值", item["value"], ind.unit, source=src, year=pick.year,
                                uscc=item["uscc"])
            pts = fs.points(f"{item['name']}{ind.name}得分", item["points"], source=src, year=pick.year, uscc=item["uscc"])
            lines.append(f"{k}. {item['name']}：{value}，得分 {pts} 分")
            listed.append(EnterpriseRef(uscc=item["uscc"], name=item["name"]))
            continue
        pts = fs.points(f"{item['name']}{what}", item["points"], source=run, year=pick.year, uscc=item["uscc"])
        stage = item["stage_name"]
        rank = "" if top["stage"] else f"，{stage}第 {fs.count(item['name'] + '阶段内排名', item['rank'], unit='名', source=run, year=pick.year, uscc=item['uscc'])} 名"
        lines.append(f"{k}. {item['name']}：{pts} 分{rank}")
        listed.append(EnterpriseRef(uscc=item["uscc"], name=item["name"]))
    size = fs.count(f"{scope}企业数", top["size"], unit="家", source=run, year=pick.year)
    shown = fs.count("列出的企业数", len(lines), unit="家", source=run, year=pick.year)
    head = f"“{what}”最高的 {shown} 家" if ind is not None else f"{what}前 {shown} 名"
    body = f"{pick.label}{scope}{head}（共 {size} 家有数据）：\n" + "\n".join(lines) if ind is not None else \
        f"{pick.label}{scope}{head}（共 {size} 家）：\n" + "\n".join(lines)
    if not top["stage"]:
        body += "\n排名按阶段分别计算；不同阶段的企业按阶段赋权，跨阶段比较总分仅供参考。"
    body = f"{pick.note}\n{body}" if pick.note else body
    return Answer(reply=body, facts=fs.facts, listed=tuple(listed), years=(pick.year,),
                  entities=Entities(enterprises=tuple(listed), years=(pick.year,),
                                    categories=(top["category"],) if top["category"] else (),
                                    indicators=(top["indicator"],) if top["indicator"] else ()),
                  suggestions=("第一名的画像", "第三名那家呢", "成熟期前五名"))


def compare_companies(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """企业对比: totals and ranks, then the category or indicator asked (else the category with the
    largest gap) (officials)."""
    if not principal.sees_all:
        if any(not principal.may_see_details(e.uscc) for e in request.enterprises):
            if principal.role == "public":
                return refusal(principal, request.intent)
        return _instead(request, principal=principal, ctx=ctx, audit=audit, what="企业对比")
    if len(request.enterprises) < 2:
        ask = ask_company(request.intent)
        return Answer(reply="和哪家企业比？请说出另一家企业的名称或简称。", kind="clarify", suggestions=ask.suggestions)
    pick = pick_year(request, published_years(ctx))
    read = portrait_data if request.indicator else standing  # indicators only when one is asked
    reads = [Read(read(principal=principal, runs=ctx.runs, uscc=e.uscc, year=pick.year, audit=audit), pick)
             for e in request.enterprises[:5]]
    fs = FactSheet()
    totals = []
    lines = []
    for r in reads:
        p = r.portrait
        run = run_source(r.run, system=p["system"])
        t = fs.points(f"{r.name}总积分", p["total"], source=run, year=r.year, uscc=r.uscc)
        rank = fs.count(f"{r.name}阶段内排名", p["rank"], unit="名", source=run, year=r.year, uscc=r.uscc)
        totals.append(t)
        lines.append(f"· {r.name}：{t} 分，{p['stage_name']}第 {rank} 名")
    body = f"{pick.label}对比：\n" + "\n".join(lines)
    if len(reads) == 2:
        a, b = reads
        gap = fs.derived("总分差", abs(round(float(a.portrait["total"]), 2) - round(float(b.portrait["total"]), 2)), inputs=totals, year=pick.year)
        ahead = a if a.portrait["total"] >= b.portrait["total"] else b
        body += f"\n{ahead.name}总分高 {gap} 分。"
    if request.indicator:
        body += "\n" + _indicator_lines(fs, reads, request.indicator, ctx)
    elif request.category:
        body += "\n" + _category_lines(fs, reads, request.category)
    elif len(reads) == 2:
        a, b = reads
        widest = max(zip(a.portrait["categories"], b.portrait["categories"], strict=True),
                     key=lambda pair: abs(float(pair[0]["points"]) - float(pair[1]["points"])))
        x = fs.points(f"{a.name}{widest[0]['name']}", widest[0]["points"], source=run_source(a.run), year=a.year, uscc=a.uscc)
        y = fs.points(f"{b.name}{widest[1]['name']}", widest[1]["points"], source=run_source(b.run), year=b.year, uscc=b.uscc)
        body += f"\n差距最大的类别：{widest[0]['name']}（{a.name} {x} 分，{b.name} {y} 分）。"
    if len({r.portrait["stage"] for r in reads}) > 1:
        body += "\n它们不在同一阶段，各自按本阶段赋权和排名，对比仅供参考。"
    body = f"{pick.note}\n{body}" if pick.note else body
    refs = tuple(r.ref for r in reads)
    return Answer(reply=body, facts=fs.facts, listed=refs, years=(pick.year,),
                  entities=Entities(enterprises=refs, years=(pick.year,),
                                    indicators=(request.indicator,) if request.indicator else (),
                                    categories=(request.category,) if request.category and not request.indicator else ()),
                  suggestions=("各类别分别多少", "和去年比呢", "它们的提分建议"))


def _category_lines(fs: FactSheet, reads: list[Read], code: str) -> str:
    """"科技创新投入能力：A 18.16 分，B 18.55 分" — the category asked, firm by firm."""
    shown = []
    name = code
    for r in reads:
        cat = next((c for c in r.portrait["categories"] if c["code"] == code), None)
        if cat is None:
            continue
        name = cat["name"]
        pts = fs.points(f"{r.name}{cat['name']}", cat["points"], source=run_source(r.run, system=r.portrait["system"]),
                        year=r.year, uscc=r.uscc)
        shown.append(f"{r.name} {pts} 分")
    if not shown:
        return "所选年度的指标体系没有这个类别。"
    return f"{name}：" + "，".join(shown) + "。"


def _indicator_lines(fs: FactSheet, reads: list[Read], code: str, ctx: ChatContext) -> str:
    """Each firm's value, band and points of the indicator asked."""
    lines = []
    for r in reads:
        item = next((i for i in r.portrait["indicators"] if i["code"] == code), None)
        if item is None:
            lines.append(f"· {r.name}：{not_in_system(fs, code, r, ctx)}")
            continue
        system = find(systems_dir=ctx.systems_dir, version=r.portrait["system"])
        lines.append(f"· {r.name} {indicator_line(fs, r, item, system.by_code[code], system)}")
    return "\n".join(lines)


__all__ = ["DEFAULT_N", "compare_companies", "top_n_list"]
