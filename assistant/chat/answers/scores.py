"""An enterprise's standing: total points, category points, rank in its stage, stage and why.

Each reads the portrait (`reading.read_portrait`) and states the year; category figures are set
beside the stage's mean and top quartile when the stage holds enough enterprises to show them.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, run_source
from assistant.chat.answers.reading import Read, read_portrait
from assistant.chat.context import ChatContext
from assistant.chat.reply import Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.systems import find
from scoring.systems.diff import stage_rule_words
from scoring.systems.schema import STAGES

# A question for the whole picture rather than the total alone.
OVERVIEW = re.compile(r"画像|概况|整体情况|总体情况|全面|详细情况|完整|总览|体检|各项|明细")


def _rank_line(fs: FactSheet, read: Read) -> str:
    p = read.portrait
    run = run_source(read.run, system=p["system"])
    rank = fs.count("阶段内排名", p["rank"], unit="名", source=run, year=read.year, uscc=read.uscc)
    size = fs.count("同阶段企业数", p["stage_size"], unit="家", source=run, year=read.year)
    pct = fs.percent("百分位（同阶段低于它的企业所占比例）", p["percentile"], source=run, year=read.year, uscc=read.uscc)
    return f"在{p['stage_name']}企业中排第 {rank} 名（共 {size} 家），高于 {pct} 的同阶段企业。"


def my_total_points(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """总积分: the total, the scale, the rank in the stage."""
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit, full=False)
    if isinstance(read, Answer):
        return read
    p, fs = read.portrait, FactSheet()
    total = fs.points("总积分", p["total"], source=run_source(read.run, system=p["system"]), year=read.year, uscc=read.uscc)
    top = fs.number("满分", p["max_total"], unit="分", source=Source(kind="system", system=p["system"]), year=read.year)
    body = f"{read.name} {read.pick.label}总积分 {total} 分（满分 {top} 分），{_rank_line(fs, read)}"
    if OVERVIEW.search(request.text):  # "我们的画像", "整体情况": the categories too
        body += "\n各类别：\n" + "\n".join(f"· {_category_line(fs, read, c)}" for c in p["categories"])
    return Answer(reply=read.lead(body), facts=fs.facts, entities=read.entities(), years=(read.year,),
                  suggestions=("各类别得分是多少", "怎样提高积分", "和去年比有什么变化"))


def _category_line(fs: FactSheet, read: Read, cat: dict[str, Any]) -> str:
    p = read.portrait
    run, system = run_source(read.run, system=p["system"]), Source(kind="system", system=p["system"])
    pts = fs.points(f"{cat['name']}得分", cat["points"], source=run, year=read.year, uscc=read.uscc)
    top = fs.number(f"{cat['name']}满分", cat["max_points"], unit="分", source=system)
    line = f"{cat['name']} {pts} 分（满分 {top}"
    if cat.get("stage_mean") is not None:
        agg = Source(kind="aggregate", run=read.run, system=p["system"])
        mean = fs.points(f"{p['stage_name']}{cat['name']}平均分", cat["stage_mean"], source=agg, year=read.year)
        p75 = fs.points(f"{p['stage_name']}{cat['name']}上四分位", cat["stage_p75"], source=agg, year=read.year)
        line += f"，同阶段平均 {mean}，上四分位 {p75}"
    return line + "）"


def category_points(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """类别得分: one category (when asked) or all five, beside the stage's mean and top quartile."""
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit, full=False)
    if isinstance(read, Answer):
        return read
    p, fs = read.portrait, FactSheet()
    cats = [c for c in p["categories"] if request.category in (None, c["code"])]
    if not cats:  # a category the year's system does not have
        names = "、".join(c["name"] for c in p["categories"])
        body = f"{read.pick.label}适用的指标体系 v{p['system']} 没有这个类别；类别有：{names}。"
        return Answer(reply=read.lead(body), entities=read.entities(), years=(read.year,),
                      suggestions=tuple(f"{c['name']}得分多少" for c in p["categories"][:3]))
    lines = [_category_line(fs, read, c) for c in cats]
    if len(lines) == 1:
        body = f"{read.name} {read.pick.label}{lines[0]}。"
    else:
        body = f"{read.name} {read.pick.label}各类别得分：\n" + "\n".join(f"· {line}" for line in lines)
    if cats[0].get("stage_mean") is None:  # the portrait hides the figures of a small stage
        body += "\n同阶段企业较少，不显示同阶段平均水平。"
    return Answer(reply=read.lead(body), facts=fs.facts, years=(read.year,),
                  entities=read.entities(categories=tuple(c["code"] for c in cats)),
                  suggestions=("怎样提高积分", "我们在同阶段排第几", "这个类别包括哪些指标"))


def rank_in_stage(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """阶段内排名: rank, stage size, percentile."""
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit, full=False)
    if isinstance(read, Answer):
        return read
    fs = FactSheet()
    p = read.portrait
    total = fs.points("总积分", p["total"], source=run_source(read.run, system=p["system"]), year=read.year, uscc=read.uscc)
    body = f"{read.name} {read.pick.label}总积分 {total} 分，{_rank_line(fs, read)}"
    return Answer(reply=read.lead(body), facts=fs.facts, entities=read.entities(), years=(read.year,),
                  suggestions=("各类别得分是多少", "同阶段平均分是多少", "怎样提高排名"))


def stage_and_reason(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """成长阶段及判定依据: the stage, the values that placed it there, and what the next stage needs."""
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit, full=False)
    if isinstance(read, Answer):
        return read
    p, fs = read.portrait, FactSheet()
    reason = fs.quote(p["stage_reason"], label="阶段判定依据", year=read.year,
                      source=run_source(read.run, system=p["system"]))
    body = f"{read.name} {read.pick.label}处于{p['stage_name']}。判定依据：{reason}。"
    system = find(systems_dir=ctx.systems_dir, version=p["system"])
    order = list(STAGES)
    later = [r for r in system.stages if order.index(r.stage) == order.index(p["stage"]) + 1]
    if later:
        rule = fs.quote(stage_rule_words(later[0]), label="阶段划分条件", source=Source(kind="system", system=p["system"]))
        body += f"\n进入下一阶段的条件（v{p['system']}）：{rule}。"
    body += "\n不同阶段分别排名、按阶段赋权，只和同阶段企业比较。"
    return Answer(reply=read.lead(body), facts=fs.facts, entities=read.entities(), years=(read.year,),
                  suggestions=("我们在同阶段排第几", "阶段是怎么划分的", "总积分是多少"))


__all__ = ["category_points", "my_total_points", "rank_in_stage", "stage_and_reason"]
