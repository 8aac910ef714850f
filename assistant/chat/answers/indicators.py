"""One indicator of one enterprise: its raw value, the band or percentile it fell in, its points
and the points at stake for its stage (the weight)."""

from __future__ import annotations

from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, run_source
from assistant.chat.answers.reading import Read, read_portrait
from assistant.chat.context import ChatContext
from assistant.chat.intents import INDICATOR_LISTING
from assistant.chat.reply import Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.systems import find
from scoring.engine.explain import POLICY_TEXT
from scoring.systems.loader import load_all
from scoring.systems.rules import Bands, Levels, Percentile, YesNo
from scoring.systems.schema import Indicator, IndicatorSystem

ASK_INDICATOR = "请问您想看哪项指标？例如“研发费用占营业收入比例”或“有效发明专利数”。"


def not_in_system(fs: FactSheet, code: str, read: Read, ctx: ChatContext) -> str:
    """What to say of an indicator the year's system does not score."""
    version = read.portrait["system"]
    elsewhere = [s for s in load_all(ctx.systems_dir).values() if s.kind == "zone" and code in s.by_code]
    if not elsewhere:
        return f"指标体系中没有代码为 {code} 的指标。"
    name = fs.name(elsewhere[0].by_code[code].name, system=elsewhere[0].version, indicator=code)
    where = "、".join(f"v{s.version}" for s in elsewhere)
    return f"“{name}”（{code}）只在 {where} 中计分，{read.pick.label}适用的 v{version} 没有这项指标。"


def indicator_line(fs: FactSheet, read: Read, item: dict[str, Any], ind: Indicator, system: IndicatorSystem) -> str:
    """"「名称」（代码）：数值 …，落在分档 …，得分 … 分（本阶段该项满分 … 分）"."""
    field = ind.formula.strip() if ind.formula.strip().isidentifier() else None  # a raw field as it is
    run = run_source(read.run, indicator=ind.code, system=system.version, field=field)
    facts_year, uscc = read.year, read.uscc
    parts = []
    rule = ind.rule
    if item["missing"]:
        policy = fs.quote(POLICY_TEXT[ind.missing or system.missing], label=f"{ind.name}缺失处理",
                          source=Source(kind="system", system=system.version, indicator=ind.code))
        parts.append(f"数据缺失（{policy}）")
    elif isinstance(rule, YesNo):
        parts.append("满足" if (item.get("normalized") or 0) > 0 else "不满足")
    elif isinstance(rule, Levels):
        parts.append("等级 " + fs.quote(item["value_text"], label=f"{ind.name}等级", source=run, year=facts_year))
    else:
        value = fs.quantity(f"{ind.name}数值", item["value"], ind.unit, source=run, year=facts_year, uscc=uscc)
        parts.append(f"数值 {value}")
        if isinstance(rule, Bands) and item.get("band") is not None and item["band"] >= 0:
            words = rule.bands[item["band"]].range.words(ind.unit)
            band = fs.quote(words, label=f"{ind.name}分档", source=Source(kind="system", system=system.version, indicator=ind.code))
            parts.append(f"落在分档 {band}")
        elif isinstance(rule, Percentile) and item.get("normalized") is not None:
            share = fs.percent(f"{ind.name}同阶段百分位", float(item["normalized"]) * 100, source=run, year=facts_year, uscc=uscc)
            parts.append(f"高于同阶段 {share} 的企业")
    pts = fs.points(f"{ind.name}得分", item["points"], source=run, year=facts_year, uscc=uscc)
    weight = fs.number(f"{ind.name}本阶段满分（权重）", item["weight"], unit="分",
                       source=Source(kind="system", system=system.version, indicator=ind.code))
    parts.append(f"得分 {pts} 分（本阶段该项满分 {weight} 分）")
    return f"“{fs.name(ind.name, system=system.version, indicator=ind.code)}”（{ind.code}）：" + "，".join(parts)


SHOWN = 10  # indicators named in a listing; the rest are counted


def _listing(read: Read, request: Request, ctx: ChatContext) -> Answer:
    """The indicators of one enterprise without data, or without points: names, and how many."""
    p, fs = read.portrait, FactSheet()
    system = find(systems_dir=ctx.systems_dir, version=p["system"])
    missing = "缺" in request.text or "没有数据" in request.text or "没数据" in request.text
    picked = [i for i in p["indicators"] if (i["missing"] if missing else float(i["points"] or 0) == 0)]
    src = Source(kind="derived", system=p["system"])
    count = fs.count("缺少数据的指标数" if missing else "得 0 分的指标数", len(picked), unit="项", source=src,
                     year=read.year, uscc=read.uscc)
    what = "缺少数据的指标" if missing else "得 0 分的指标"
    if not picked:
        body = f"{read.name} {read.pick.label}没有{what}。"
    else:
        names = "、".join(fs.name(i["name"], system=p["system"], indicator=i["code"]) for i in picked[:SHOWN])
        more = "等" if len(picked) > SHOWN else ""
        body = f"{read.name} {read.pick.label}{what}共 {count} 项：{names}{more}。"
        if missing:
            reportable = [i for i in picked if system.by_code[i["code"]].source != "review"]
            if reportable:
                body += "\n其中可由企业在填报表中补充的数据，补充后下一次评分计入；专家评审类由评审专家给出。"
    return Answer(reply=read.lead(body), facts=fs.facts, years=(read.year,),
                  entities=read.entities(indicators=tuple(i["code"] for i in picked[:SHOWN])),
                  suggestions=("怎样提高积分", "各类别得分是多少", "数据有误怎么办"))


def indicator_value_score(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """指标数值与得分."""
    if request.indicator is None and not INDICATOR_LISTING.search(request.text):
        return Answer(reply=ASK_INDICATOR, kind="clarify",
                      suggestions=("研发费用占营业收入比例得了几分", "有效发明专利数得分", "科技人员占比得分"))
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit)
    if isinstance(read, Answer):
        return read
    if request.indicator is None:
        return _listing(read, request, ctx)
    p = read.portrait
    item = next((i for i in p["indicators"] if i["code"] == request.indicator), None)
    if item is None:
        fs = FactSheet()
        return Answer(reply=read.lead(not_in_system(fs, request.indicator, read, ctx)), facts=fs.facts,
                      entities=read.entities(), years=(read.year,), suggestions=("各类别得分是多少", "怎样提高积分"))
    system = find(systems_dir=ctx.systems_dir, version=p["system"])
    fs = FactSheet()
    line = indicator_line(fs, read, item, system.by_code[item["code"]], system)
    body = f"{read.name} {read.pick.label}{line}。"
    if item["missing"] and system.by_code[item["code"]].source != "review":
        body += "\n这项数据可以在企业填报表中补充，补充后下一次评分计入。"
    return Answer(reply=read.lead(body), facts=fs.facts, years=(read.year,),
                  entities=read.entities(indicators=(item["code"],), categories=(item["category"],)),
                  suggestions=("这个指标怎么算", "怎样提高这项得分", "去年这项多少"))


__all__ = ["ASK_INDICATOR", "indicator_line", "indicator_value_score", "not_in_system"]
