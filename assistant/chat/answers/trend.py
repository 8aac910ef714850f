"""Year on year: the total, a category or an indicator between two scored years, and the
indicators that moved it most.

Which two years: both when stated; one stated year is the later one ("去年涨了吗": last year
against the year before), unless the message compares with it ("比去年…": this year against it);
none stated is this calendar year against the one before. A later year without published scores
becomes the latest scored year, and the earlier one the scored year before it — said in the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.access.privacy import Principal
from assistant.chat.answers.facts import FactSheet, Shown, run_source
from assistant.chat.answers.reading import Read, portrait_of_year
from assistant.chat.answers.subject import missing_enterprise, subject
from assistant.chat.answers.years import YearPick, published_years
from assistant.chat.context import ChatContext
from assistant.chat.reply import Entities
from assistant.chat.request import Answer, Request
from assistant.queries.audit import Audit
from assistant.queries.portrait_data import portrait_data

MOVERS = 3
# Words that make a stated year the one compared with: "比去年", "和2023年比", "较上年", "相较于2023年".
_WITH_BEFORE = ("比", "较", "和", "跟", "与", "同", "对比", "相比", "相较", "相较于", "比起", "对照")


def _compares_with(text: str, word: str) -> bool:
    """Whether the message compares with the year typed as ``word`` (rather than asking about it)."""
    at = text.find(word)
    if at < 0:
        return False
    return any(text[:at].endswith(w) for w in _WITH_BEFORE) or text[at + len(word):].lstrip("度").startswith(("比", "相比", "对比"))


def years_to_compare(request: Request, scored: Sequence[int], *, this_year: int) -> tuple[int | None, int, str]:
    """(earlier, later, note): the two scored years to compare; earlier None when there is none."""
    stated = sorted(set(request.years))
    earlier: int | None
    if len(stated) >= 2:
        earlier, later = stated[0], stated[-1]
    elif stated:
        compares_with = any(_compares_with(request.text, w) for w in (*request.year_words, str(stated[0])))
        earlier, later = (stated[0], this_year) if compares_with else (stated[0] - 1, stated[0])
    else:
        earlier, later = this_year - 1, this_year
    note = ""
    if later not in scored:
        latest = scored[-1]
        note = f"{later} 年度积分尚未发布，" if later > latest else f"{later} 年度没有积分评分结果，"
        later = latest
        before = [y for y in scored if y < later]
        if stated and earlier in before and earlier == stated[0]:  # "和2023年比": that year against the latest
            return earlier, later, note + f"以下比较 {earlier} 与 {later} 年度。"
        earlier = before[-1] if before else None
        note += f"以下比较最近两期（{earlier} 与 {later} 年度）。" if earlier else f"最近一期为 {later} 年度。"
        return earlier, later, note
    if earlier not in scored:
        before = [y for y in scored if y < later]
        if before:
            note = f"{earlier} 年度没有积分评分结果，以下与 {before[-1]} 年度比较。"
        earlier = before[-1] if before else None
    return earlier, later, note


def _change(fs: FactSheet, before: Shown, after: Shown, *, label: str, year: int, uscc: str) -> str:
    assert before.value is not None and after.value is not None
    delta = round(after.value, 2) - round(before.value, 2)  # the difference of the numbers shown, as a reader checks it
    if round(delta, 2) == 0:
        return "持平"
    shown = fs.derived(label, delta, inputs=[before, after], year=year, uscc=uscc, magnitude=True)
    return f"{'上升' if delta > 0 else '下降'} {shown} 分"


def _movers(fs: FactSheet, old: dict[str, Any], new: dict[str, Any], *, uscc: str, only: str | None) -> list[str]:
    """The indicators whose points changed most (of one category when `only` is set)."""
    was = {i["code"]: i for i in old["indicators"]}
    moved = []
    for item in new["indicators"]:
        prior = was.get(item["code"])
        if prior is None or (only is not None and item["category"] != only):
            continue
        delta = round(float(item["points"]), 2) - round(float(prior["points"]), 2)
        if round(delta, 2) != 0:
            moved.append((abs(delta), item, prior, delta))
    moved.sort(key=lambda m: (-m[0], m[1]["code"]))
    lines = []
    for _, item, prior, delta in moved[:MOVERS]:
        a = fs.points(f"{item['name']} {old['year']} 年度得分", prior["points"],
                      source=run_source(old["run_id"], indicator=item["code"], system=old["system"]), year=old["year"], uscc=uscc)
        b = fs.points(f"{item['name']} {new['year']} 年度得分", item["points"],
                      source=run_source(new["run_id"], indicator=item["code"], system=new["system"]), year=new["year"], uscc=uscc)
        d = fs.derived(f"{item['name']}得分变化", delta, inputs=[a, b], year=new["year"], uscc=uscc, signed=True)
        name = fs.name(item["name"], system=new["system"], indicator=item["code"])
        lines.append(f"· {name}：{a} → {b} 分（{d}）")
    return lines


def _figure(p: dict[str, Any], request: Request) -> tuple[str, float | None, str | None]:
    """(what, points, indicator code) compared: the total, a category or an indicator."""
    if request.indicator is not None:
        item = next((i for i in p["indicators"] if i["code"] == request.indicator), None)
        return (item["name"] if item else request.indicator), (item["points"] if item else None), request.indicator
    if request.category is not None:
        cat = next((c for c in p["categories"] if c["code"] == request.category), None)
        return (cat["name"] if cat else request.category), (cat["points"] if cat else None), None
    return "总积分", p["total"], None


def yoy_change(request: Request, *, principal: Principal, ctx: ChatContext, audit: Audit | None) -> Answer:
    """同比变化."""
    stop = missing_enterprise(request, principal)
    if stop is not None:
        return stop
    ref = subject(request, principal)
    assert ref is not None
    scored = published_years(ctx)
    earlier, later, note = years_to_compare(request, scored, this_year=ctx.clock().year)
    new = portrait_data(principal=principal, runs=ctx.runs, uscc=ref.uscc, year=later, audit=audit)
    read = Read(new, YearPick(year=later, note=note))
    name = read.name
    if earlier is None:
        body = f"{name} 只有 {later} 年度一期积分，还无法比较。"
        return Answer(reply=read.lead(body), entities=read.entities(), years=(later,),
                      suggestions=("总积分是多少", "怎样提高积分"))
    old = portrait_of_year(read, earlier, principal=principal, ctx=ctx, audit=audit)
    fs = FactSheet()
    what, after_pts, code = _figure(new, request)
    _, before_pts, _ = _figure(old, request)
    if after_pts is None or before_pts is None:
        missing_in = later if after_pts is None else earlier
        body = f"{missing_in} 年度适用的指标体系没有“{fs.name(what, system=None)}”，无法比较这一项。"
        return Answer(reply=read.lead(body), facts=fs.facts, entities=read.entities(), years=(earlier, later),
                      suggestions=("总积分和去年比怎么样", "各类别得分是多少"))
    run_old = run_source(old["run_id"], indicator=code, system=old["system"])
    run_new = run_source(new["run_id"], indicator=code, system=new["system"])
    a = fs.points(f"{what} {earlier} 年度", before_pts, source=run_old, year=earlier, uscc=ref.uscc)
    b = fs.points(f"{what} {later} 年度", after_pts, source=run_new, year=later, uscc=ref.uscc)
    change = _change(fs, a, b, label=f"{what}变化（{later} 比 {earlier}）", year=later, uscc=ref.uscc)
    shown = fs.name(what, system=new["system"], indicator=code)
    body = f"{name} {shown}：{earlier} 年度 {a} 分 → {later} 年度 {b} 分，{change}。"
    if code is not None:  # an indicator: its value too, where both years have one
        was = next(i for i in old["indicators"] if i["code"] == code)
        now = next(i for i in new["indicators"] if i["code"] == code)
        if not was["missing"] and not now["missing"]:
            v0 = fs.quantity(f"{what} {earlier} 年度数值", was["value"], now["unit"], source=run_old, year=earlier, uscc=ref.uscc)
            v1 = fs.quantity(f"{what} {later} 年度数值", now["value"], now["unit"], source=run_new, year=later, uscc=ref.uscc)
            body += f"\n数值：{v0} → {v1}。"
    if code is None and request.category is None:
        r0 = fs.count(f"{earlier} 年度阶段内排名", old["rank"], unit="名", source=run_old, year=earlier, uscc=ref.uscc)
        r1 = fs.count(f"{later} 年度阶段内排名", new["rank"], unit="名", source=run_new, year=later, uscc=ref.uscc)
        stage = new["stage_name"] if old["stage"] == new["stage"] else f"{old['stage_name']}→{new['stage_name']}"
        body += f"\n阶段内排名（{stage}）：第 {r0} 名 → 第 {r1} 名。"
    if code is None:
        lines = _movers(fs, old, new, uscc=ref.uscc, only=request.category)
        if lines:
            body += "\n变化最大的指标：\n" + "\n".join(lines)
    if old["system"] != new["system"]:
        body += f"\n注：{earlier} 与 {later} 年度适用的指标体系不同（v{old['system']} → v{new['system']}），部分指标有增删或调整。"
    entities = Entities(enterprises=(read.ref,), years=(earlier, later),
                        indicators=(code,) if code else (), categories=(request.category,) if request.category else ())
    return Answer(reply=read.lead(body), facts=fs.facts, entities=entities, years=(earlier, later),
                  suggestions=("怎样提高积分", "各类别得分是多少", "变化最大的指标怎么算"))


__all__ = ["MOVERS", "years_to_compare", "yoy_change"]
