"""Improvement advice: the portrait's what-ifs (`scoring.engine.explain.improvements`), largest gain
first — each the indicator, from which value to which target (the next band, the stage's next
quartile, "yes", or the stage median for a missing value) and the points the total gains."""

from __future__ import annotations

from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, Shown, run_source
from assistant.chat.answers.reading import Read, read_portrait
from assistant.chat.context import ChatContext
from assistant.chat.reply import Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.systems import find
from scoring.systems.schema import IndicatorSystem

TARGETS = {"next_band": "下一档", "next_quartile": "同阶段下一个四分位", "fill_missing": "按同阶段中位数测算"}


def _tip(fs: FactSheet, read: Read, tip: dict[str, Any], system: IndicatorSystem) -> str:
    ind = system.by_code.get(tip["indicator"])
    unit = ind.unit if ind is not None else ""
    run = run_source(read.run, indicator=tip["indicator"], system=system.version)
    target_source = (Source(kind="system", system=system.version, indicator=tip["indicator"])
                     if tip["kind"] in ("next_band", "yes") else Source(kind="aggregate", run=read.run, indicator=tip["indicator"]))
    name = fs.name(tip["name"], system=system.version, indicator=tip["indicator"])
    now = fs.points(f"{tip['name']}现得分", tip["points_now"], source=run, year=read.year, uscc=read.uscc)
    then = fs.points(f"{tip['name']}达到目标后的得分", tip["points_then"], source=target_source, year=read.year)
    gain = fs.derived(f"{tip['name']}可增加的总分", tip["gain"], inputs=[now, then], year=read.year, uscc=read.uscc)
    if tip["kind"] == "yes":
        return f"“{name}”：做到即可增加 {gain} 分"
    target: Shown = fs.quantity(f"{tip['name']}目标值", tip["target"], unit, source=target_source, year=read.year)
    if tip["kind"] == "fill_missing":
        return f"“{name}”：数据缺失，补报后（{TARGETS['fill_missing']} {target}）可增加 {gain} 分"
    current = fs.quantity(f"{tip['name']}现值", tip["current"], unit, source=run, year=read.year, uscc=read.uscc)
    return f"“{name}”：从 {current} 提高到 {target}（{TARGETS.get(tip['kind'], '')}），可增加 {gain} 分"


def improvement_advice(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """提升建议: up to the portrait's five what-ifs (one indicator when asked about one)."""
    read = read_portrait(request, principal=principal, ctx=ctx, audit=audit)
    if isinstance(read, Answer):
        return read
    p = read.portrait
    tips = [t for t in p["advice"] if request.indicator in (None, t["indicator"])]
    if request.category is not None:
        system_codes = {i["code"] for i in p["indicators"] if i["category"] == request.category}
        tips = [t for t in tips if t["indicator"] in system_codes]
    system = find(systems_dir=ctx.systems_dir, version=p["system"])
    if not tips:
        scope = "这项指标" if request.indicator else ("这个类别" if request.category else "各项指标")
        body = (f"{read.name} {read.pick.label}{scope}暂时没有一步可及、能增加总分的提升空间"
                "（已在最高档、已达到类别满分，或目标需参考的同阶段数据不足）。")
        return Answer(reply=read.lead(body), entities=read.entities(), years=(read.year,),
                      suggestions=("各类别得分是多少", "总积分是多少"))
    fs = FactSheet()
    lines = [_tip(fs, read, t, system) for t in tips]
    body = f"{read.name} {read.pick.label}提分空间最大的几项（按增加的总分排序）：\n" + "\n".join(f"· {x}" for x in lines)
    body += "\n测算方法：把该项换成目标值后按同一规则重新计分，类别满分封顶后得出总分的变化。"
    return Answer(reply=read.lead(body), facts=fs.facts, years=(read.year,),
                  entities=read.entities(indicators=tuple(t["indicator"] for t in tips)),
                  suggestions=(f"{tips[0]['name']}怎么算", "各类别得分是多少", "我们能评上科技型中小企业吗"))


__all__ = ["improvement_advice"]
