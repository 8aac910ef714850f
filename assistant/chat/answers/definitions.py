"""Definitions: an indicator's 口径, formula in words, rule, points at stake per stage and data
source; a category's maximum and members; and what the next version changed — read from the
system files (`assistant.queries.systems`: public), every number recorded as a fact of the file.

Which version: the one the year asked for was scored with, else the newest zone version; an
indicator the newest version dropped is described from the version that has it.
"""

from __future__ import annotations

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet
from assistant.chat.context import ChatContext
from assistant.chat.reply import Entities, Source
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from scoring.engine.explain import POLICY_TEXT
from scoring.errors import InvalidIndicatorSystem
from scoring.store.pipeline import system_for_year, zone_systems
from scoring.systems.diff import SystemDiff, diff_systems, weights_words
from scoring.systems.schema import SOURCES, IndicatorSystem
from scoring.systems.words import default_formula_words

EXAMPLES = 3


def _versions(ctx: ChatContext) -> list[IndicatorSystem]:
    """The zone's versions, oldest first."""
    return [s for s, _ in zone_systems(ctx.systems_dir)]


def _version_for(request: Request, ctx: ChatContext) -> IndicatorSystem:
    versions = zone_systems(ctx.systems_dir)
    if request.years:
        try:
            return system_for_year(request.years[-1], versions)[0]
        except InvalidIndicatorSystem:  # a year before the first version: the newest answers
            pass
    return versions[-1][0]


_DIFFS: dict[tuple[int, int], tuple[IndicatorSystem, IndicatorSystem, SystemDiff]] = {}


def _diff(old: IndicatorSystem, new: IndicatorSystem) -> SystemDiff:
    """`diff_systems`, kept per pair of loaded systems (the loader keeps a system object while its
    file is unchanged; holding both objects keeps their ids from being reused)."""
    key = (id(old), id(new))
    if key not in _DIFFS:
        if len(_DIFFS) >= 16:
            _DIFFS.clear()
        _DIFFS[key] = (old, new, diff_systems(old, new))
    return _DIFFS[key][2]


def _changes(code: str, versions: list[IndicatorSystem], fs: FactSheet) -> list[str]:
    """What each later version did to indicator `code`, in words."""
    out = []
    for old, new in zip(versions, versions[1:], strict=False):
        d = _diff(old, new)
        src = Source(kind="system", system=new.version, indicator=code)
        if any(a["code"] == code for a in d.added):
            out.append(f"v{new.version} 新增此项")
        if any(r["code"] == code for r in d.removed):
            out.append(f"v{new.version} 起删除此项")
        for c in d.changed:
            if c["code"] != code:
                continue
            for key, (before, after) in c["fields"].items():
                label = {"rule": "计分规则", "weights": "本项满分", "formula": "公式", "name": "名称", "unit": "单位",
                         "source": "数据来源", "category": "类别", "direction": "方向", "bonus": "加分项",
                         "missing": "缺失处理"}.get(key, key)
                text = fs.quote(f"{label}由“{before}”改为“{after}”", label=f"v{new.version} 调整", source=src)
                out.append(f"v{new.version} {text}")
    return out


def _indicator(code: str, request: Request, ctx: ChatContext) -> Answer:
    versions = _versions(ctx)
    system = _version_for(request, ctx)
    if code not in system.by_code:
        having = [s for s in versions if code in s.by_code]
        if not having:
            return Answer(reply=f"指标体系中没有代码为 {code} 的指标。", kind="clarify",
                          suggestions=("有哪些指标", "研发费用占比怎么算"))
        system = having[-1]
    ind = system.by_code[code]
    fs = FactSheet()
    src = Source(kind="system", system=system.version, indicator=code)
    cat = system.category_by_code[ind.category]

    def q(text: str, label: str) -> str:
        return fs.quote(text, label=f"{ind.name}{label}", source=src)

    lines = [f"“{ind.name}”（{code}，{cat.name}，v{system.version}）"]
    if ind.description:
        lines.append("口径：" + q(ind.description, "口径"))
    lines.append("公式：" + q(default_formula_words(ind.formula), "公式"))
    rule = ind.rule.describe(unit=ind.unit)
    if ind.direction == "lower":
        rule += "（数值越小越好）"
    lines.append("计分：" + q(rule, "计分规则"))
    lines.append("本项满分：" + q(weights_words(ind), "权重"))
    lines.append(f"数据来源：{SOURCES.get(ind.source, ind.source)}；缺失时" + q(POLICY_TEXT[ind.missing or system.missing], "缺失处理"))
    if ind.aliases:
        lines.append("也叫：" + q("、".join(ind.aliases), "别名"))
    changes = _changes(code, versions, fs)
    if changes:
        lines.append("版本变化：" + "；".join(changes))
    return Answer(reply="\n".join(lines), facts=fs.facts,
                  entities=Entities(indicators=(code,), categories=(ind.category,)),
                  suggestions=("我们这项得了几分", "怎样提高这项得分", f"{cat.name}包括哪些指标"))


def _category(code: str, request: Request, ctx: ChatContext) -> Answer:
    system = _version_for(request, ctx)
    cat = system.category_by_code.get(code)
    if cat is None:
        return _overview(request, ctx)
    fs = FactSheet()
    src = Source(kind="system", system=system.version)
    members = system.indicators_of(code)
    top = fs.number(f"{cat.name}满分", cat.max_points, unit="分", source=src)
    n = fs.count(f"{cat.name}指标数", len(members), unit="项", source=src)
    how = "各项得分相加" if cat.aggregate == "sum" else "取其中最高的一项"
    body = f"{cat.name}（v{system.version}）：满分 {top} 分，共 {n} 项指标，{how}，超过满分按满分计。"
    if cat.description:
        body += "\n" + fs.quote(cat.description, label=f"{cat.name}说明", source=src)
    names = "、".join(i.name for i in members[:EXAMPLES])
    body += "\n包括：" + fs.quote(names, label=f"{cat.name}指标", source=src) + ("等" if len(members) > EXAMPLES else "")
    return Answer(reply=body, facts=fs.facts, entities=Entities(categories=(code,)),
                  suggestions=(f"我们{cat.name}得了多少分", f"{members[0].name}怎么算", "有哪些类别"))


def _overview(request: Request, ctx: ChatContext) -> Answer:
    system = _version_for(request, ctx)
    fs = FactSheet()
    src = Source(kind="system", system=system.version)
    n_cat = fs.count("类别数", len(system.categories), unit="个", source=src)
    n_ind = fs.count("指标数", len(system.indicators), unit="项", source=src)
    top = fs.number("满分", system.max_total, unit="分", source=src)
    lines = [f"指标体系 v{system.version} 共 {n_cat} 个类别、{n_ind} 项指标，满分 {top} 分："]
    for c in system.categories:
        pts = fs.number(f"{c.name}满分", c.max_points, unit="分", source=src)
        lines.append(f"· {c.name}：满分 {pts} 分")
    lines.append("可以问具体某项指标怎么算，例如“研发费用占营业收入比例怎么算”。")
    return Answer(reply="\n".join(lines), facts=fs.facts,
                  entities=Entities(categories=tuple(c.code for c in system.categories)),
                  suggestions=("研发费用占比怎么算", "科技创新投入能力包括哪些指标", "v1.1 改了什么"))


def _version_changes(ctx: ChatContext) -> Answer:
    """What the newest version changed from the one before: its own account, and the counts."""
    versions = _versions(ctx)
    if len(versions) < 2:
        return _overview(Request(intent="indicator_definition"), ctx)
    old, new = versions[-2], versions[-1]
    d = _diff(old, new)
    fs = FactSheet()
    src = Source(kind="system", system=new.version)
    added = fs.count("新增指标数", len(d.added), unit="项", source=src)
    removed = fs.count("删除指标数", len(d.removed), unit="项", source=src)
    changed = fs.count("调整指标数", len(d.changed), unit="项", source=src)
    lines = [f"v{new.version}（{new.year} 年度起适用）相比 v{old.version}：新增 {added} 项、删除 {removed} 项、调整 {changed} 项指标。"]
    if d.added:
        lines.append("新增：" + fs.quote("、".join(a["name"] for a in d.added), label="新增指标", source=src))
    if d.removed:
        lines.append("删除：" + fs.quote("、".join(r["name"] for r in d.removed), label="删除指标", source=src))
    if new.description:
        lines.append("说明：" + fs.quote(new.description, label=f"v{new.version} 说明", source=src))
    return Answer(reply="\n".join(lines), facts=fs.facts,
                  entities=Entities(indicators=tuple(x["code"] for x in [*d.added, *d.removed, *d.changed])),
                  suggestions=("研发费用占比的分档改了什么", "有哪些类别", "我们的积分受影响吗"))


CHANGE_WORDS = ("改了", "变化", "调整", "区别", "不同", "变了", "新增", "删除", "新版", "旧版", "老版", "差别", "差异", "删了",
                "改动", "新加", "新旧", "对比", "比较")


def indicator_definition(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """指标口径与计分规则 (public)."""
    if request.indicator is not None:
        return _indicator(request.indicator, request, ctx)
    if request.category is not None:
        return _category(request.category, request, ctx)
    if any(w in request.text for w in CHANGE_WORDS):
        return _version_changes(ctx)
    return _overview(request, ctx)


__all__ = ["indicator_definition"]
