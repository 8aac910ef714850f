"""Every intent's answer on the demo zone, for an official, the enterprise's own user and the
public: numbers equal to the portrait and ranking read at test time, the year stated (and the
latest scored year answered, saying so, when the year asked is unpublished), refusals that name
nobody, and every reply grounded in its facts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlmodel import Session

from assistant.access.privacy import MIN_GROUP, Principal
from assistant.chat.answers import ANSWERERS
from assistant.chat.answers.subject import LOGIN, PRIVACY
from assistant.chat.intents import INTENTS
from assistant.chat.reply import EnterpriseRef, Fact
from assistant.chat.request import Answer, Request
from assistant.queries import portraits, rankings, search_hits
from assistant.queries.run_cache import RunCache
from scoring.systems.loader import find_system
from scoring.systems.words import points as fmt_points
from tests.assistant.chat.answer_setup import SYSTEMS_DIR, Setup, check, make_setup, names_in, ref
from tests.assistant.conftest import Zone


@pytest.fixture(scope="module")
def s(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    setup = make_setup(zone, tmp_path_factory.mktemp("answers"))
    yield setup
    setup.engine.dispose()


def portrait(s: Setup, uscc: str, year: int | None = None) -> dict[str, Any]:
    """The portrait as the HTTP API builds it, read now (the reference for the answers' numbers)."""
    with Session(s.engine) as session:
        return portraits.portrait(principal=s.official, session=session, uscc=uscc, year=year)


def fact(a: Answer, label: str) -> Fact:
    found = [f for f in a.facts if f.label == label]
    assert len(found) == 1, (label, [f.label for f in a.facts])
    return found[0]


def test_every_intent_has_an_answerer() -> None:
    assert sorted(ANSWERERS) == sorted(INTENTS)


# ----------------------------------------------------------------------------- one enterprise's standing
@pytest.mark.parametrize("who", ["owner", "official"])
def test_total_points_are_the_portraits(s: Setup, who: str) -> None:
    asker: Principal = getattr(s, who)
    request = Request("my_total_points", enterprises=ref(s.own) if who == "official" else ())
    a = s.ask(asker, request)
    p = portrait(s, s.own)
    check(a, request)
    assert a.kind == "answer" and a.years == (p["year"],)
    assert f"{p['year']} 年度" in a.reply and fmt_points(p["total"]) in a.reply
    total = fact(a, "总积分")
    assert total.value == p["total"] and total.uscc == s.own and total.year == p["year"]
    assert total.source.kind == "run" and total.source.run == p["run_id"]
    assert fact(a, "阶段内排名").value == p["rank"] and fact(a, "同阶段企业数").value == p["stage_size"]
    assert fact(a, "百分位（同阶段低于它的企业所占比例）").value == p["percentile"]
    assert a.entities.enterprises == (EnterpriseRef(s.own, p["name"]),)


def test_an_unpublished_year_is_answered_with_the_latest_saying_so(s: Setup) -> None:
    asked = s.latest + 1
    request = Request("my_total_points", years=(asked,), year_words=("今年",), text="今年多少分")
    a = s.ask(s.owner, request)
    check(a, request)
    assert a.reply.startswith(f"{asked} 年度积分尚未发布，最近一期为 {s.latest} 年度")
    assert fact(a, "总积分").value == portrait(s, s.own)["total"] and a.years == (s.latest,)


def test_an_earlier_scored_year_is_that_years(s: Setup) -> None:
    first = s.years[0]
    request = Request("my_total_points", years=(first,), year_words=("前年",))
    a = s.ask(s.owner, request)
    check(a, request)
    assert fact(a, "总积分").value == portrait(s, s.own, first)["total"]
    assert f"{first} 年度（前年）" in a.reply and a.years == (first,)


def test_category_points_beside_the_stage(s: Setup) -> None:
    p = portrait(s, s.own)
    a = s.ask(s.owner, Request("category_points"))
    check(a, Request("category_points"))
    for c in p["categories"]:
        assert fact(a, f"{c['name']}得分").value == c["points"]
        assert fact(a, f"{c['name']}满分").value == c["max_points"]
        if c["stage_mean"] is not None:
            assert fact(a, f"{p['stage_name']}{c['name']}平均分").value == c["stage_mean"]
            assert fact(a, f"{p['stage_name']}{c['name']}上四分位").value == c["stage_p75"]
    one = p["categories"][1]
    b = s.ask(s.owner, Request("category_points", category=one["code"]))
    check(b, Request("category_points"))
    assert fact(b, f"{one['name']}得分").value == one["points"] and b.entities.categories == (one["code"],)
    assert all(c["name"] not in b.reply for c in p["categories"] if c["code"] != one["code"])


def test_indicator_value_score(s: Setup) -> None:
    p = portrait(s, s.own)
    system = find_system(p["system"], SYSTEMS_DIR)
    kinds: dict[str, dict[str, Any]] = {}
    for item in p["indicators"]:  # one banded share, one percentile, one missing value
        rule = system.by_code[item["code"]].rule.kind
        key = "missing" if item["missing"] else ("share" if item["unit"] == "%" and rule == "bands" else rule)
        kinds.setdefault(key, item)
    assert {"share", "percentile"} <= set(kinds)
    for item in kinds.values():
        request = Request("indicator_value_score", indicator=item["code"])
        a = s.ask(s.owner, request)
        check(a, request)
        assert fact(a, f"{item['name']}得分").value == item["points"]
        assert fact(a, f"{item['name']}本阶段满分（权重）").value == item["weight"]
        assert a.entities.indicators == (item["code"],)
        if item["missing"]:
            assert "数据缺失" in a.reply
        elif item["unit"] == "%":  # a share is a fact in percent, as shown
            assert fact(a, f"{item['name']}数值").value == pytest.approx(item["value"] * 100)
    share = kinds["share"]
    band = system.by_code[share["code"]].rule.bands[share["band"]]  # type: ignore[attr-defined]
    assert band.range.words("%") in s.ask(s.owner, Request("indicator_value_score", indicator=share["code"])).reply


def test_an_indicator_the_years_version_dropped(s: Setup) -> None:
    p = portrait(s, s.own)
    latest = find_system(p["system"], SYSTEMS_DIR)
    first = find_system("1.0", SYSTEMS_DIR)
    dropped = sorted(set(first.by_code) - set(latest.by_code))[0]
    a = s.ask(s.owner, Request("indicator_value_score", indicator=dropped))
    check(a, Request("indicator_value_score"))
    assert first.by_code[dropped].name in a.reply and "v1.0" in a.reply and f"v{p['system']}" in a.reply


def test_an_indicator_missing_from_the_request_is_asked_for(s: Setup) -> None:
    a = s.ask(s.owner, Request("indicator_value_score"))
    assert a.kind == "clarify" and a.suggestions


def test_rank_and_stage(s: Setup) -> None:
    p = portrait(s, s.own)
    a = s.ask(s.owner, Request("rank_in_stage"))
    check(a, Request("rank_in_stage"))
    assert f"第 {p['rank']} 名（共 {p['stage_size']} 家）" in a.reply and p["stage_name"] in a.reply
    b = s.ask(s.owner, Request("stage_and_reason"))
    check(b, Request("stage_and_reason"))
    assert f"处于{p['stage_name']}" in b.reply and p["stage_reason"] in b.reply


def test_advice_gains_are_the_portraits(s: Setup) -> None:
    p = portrait(s, s.own)
    assert p["advice"], "the demo enterprise has advice"
    a = s.ask(s.owner, Request("improvement_advice"))
    check(a, Request("improvement_advice"))
    gains = [f for f in a.facts if f.label.endswith("可增加的总分")]
    assert [g.value for g in gains] == [t["gain"] for t in p["advice"]]
    assert all(g.source.kind == "derived" and g.source.inputs for g in gains)
    assert [a.reply.index(t["name"]) for t in p["advice"]] == sorted(a.reply.index(t["name"]) for t in p["advice"])


# ----------------------------------------------------------------------------- year on year
def test_yoy_when_this_year_is_unpublished_compares_the_latest_two_saying_so(s: Setup) -> None:
    request = Request("yoy_change", text="比去年涨了还是跌了", years=(s.latest,), year_words=("去年",))
    a = s.ask(s.owner, request)
    check(a, request)
    before, after = s.years[-2], s.years[-1]
    assert a.reply.startswith(f"{s.latest + 1} 年度积分尚未发布，以下比较最近两期（{before} 与 {after} 年度）")
    old, new = portrait(s, s.own, before), portrait(s, s.own, after)
    assert fact(a, f"总积分 {before} 年度").value == old["total"]
    assert fact(a, f"总积分 {after} 年度").value == new["total"]
    change = [f for f in a.facts if f.label.startswith("总积分变化")]
    if round(new["total"] - old["total"], 2) != 0:
        # The difference of the totals as shown (2 decimals), so that a reader's subtraction agrees.
        assert change[0].value == pytest.approx(round(new["total"], 2) - round(old["total"], 2))
        assert ("上升" if new["total"] > old["total"] else "下降") in a.reply
    movers = [f for f in a.facts if f.label.endswith("得分变化")]
    assert movers, "the indicators that moved it most"
    was = {i["code"]: i["points"] for i in old["indicators"]}
    deltas = sorted((abs(i["points"] - was[i["code"]]) for i in new["indicators"] if i["code"] in was), reverse=True)
    assert [abs(float(m.value)) for m in movers] == pytest.approx(deltas[: len(movers)])  # type: ignore[arg-type]
    assert a.years == (before, after) and a.entities.years == (before, after)


def test_yoy_of_two_stated_years_and_of_a_category(s: Setup) -> None:
    first, last = s.years[0], s.years[-1]
    request = Request("yoy_change", years=(first, last), category="input")
    a = s.ask(s.owner, request)
    check(a, request)
    old, new = portrait(s, s.own, first), portrait(s, s.own, last)
    name = next(c["name"] for c in new["categories"] if c["code"] == "input")
    assert fact(a, f"{name} {first} 年度").value == next(c["points"] for c in old["categories"] if c["code"] == "input")
    assert fact(a, f"{name} {last} 年度").value == next(c["points"] for c in new["categories"] if c["code"] == "input")
    assert "尚未发布" not in a.reply


def test_yoy_in_a_published_year_says_no_note(zone: Zone, tmp_path: Path) -> None:
    setup = make_setup(zone, tmp_path, clock_year=zone.latest_year)
    a = setup.ask(setup.owner, Request("yoy_change"))
    check(a, Request("yoy_change"))
    assert "尚未发布" not in a.reply and a.years == (zone.years[-2], zone.latest_year)
    setup.engine.dispose()


# ----------------------------------------------------------------------------- lists and comparisons
def test_top_n_for_an_official_is_the_ranking(s: Setup) -> None:
    request = Request("top_n_list", n=5, stage="growth")
    a = s.ask(s.official, request)
    check(a, request)
    ranking = rankings.ranking(principal=s.official, runs=RunCache(s.engine), audit=None, stage="growth", size=5)
    assert [e.uscc for e in a.listed] == [r["uscc"] for r in ranking["items"]]
    assert [f.value for f in a.facts if f.label.endswith("总分") and f.uscc] == [r["points"] for r in ranking["items"]]
    assert a.reply.index(ranking["items"][0]["name"]) < a.reply.index(ranking["items"][-1]["name"])
    assert fact(a, "成长期企业数").value == ranking["total"]


def test_top_n_by_category_across_the_zone(s: Setup) -> None:
    request = Request("top_n_list", n=3, category="input")
    a = s.ask(s.official, request)
    check(a, request)
    data = RunCache(s.engine).run_data_for_year(None).scores
    best = data.sort_values(["cat.input", "uscc"], ascending=[False, True]).head(3)
    assert [e.uscc for e in a.listed] == list(best["uscc"])


def stage_figures(s: Setup, stage: str) -> tuple[int, float, float]:
    data = RunCache(s.engine).run_data_for_year(None).scores
    totals = data.loc[data["stage"] == stage, "total"].to_numpy(dtype=float)
    return len(totals), round(float(totals.mean()), 2), round(float(np.quantile(totals, 0.75)), 2)


@pytest.mark.parametrize("intent", ["top_n_list", "compare_companies"])
def test_an_enterprise_asking_for_others_points_gets_its_own_rank_and_the_stage(s: Setup, intent: str) -> None:
    request = Request(intent, n=10, enterprises=(*ref(s.own), *ref(s.other)) if intent == "compare_companies" else ())
    a = s.ask(s.owner, request)
    check(a, request)
    p = portrait(s, s.own)
    assert a.kind == "answer" and "仅向园区工作人员开放" in a.reply
    assert names_in(a.reply, s.names, but=s.own) == [] and a.listed == ()
    assert [e.uscc for e in a.entities.enterprises] == [s.own]
    assert fact(a, "总积分").value == p["total"] and fact(a, "阶段内排名").value == p["rank"]
    n, mean, p75 = stage_figures(s, p["stage"])
    assert n >= MIN_GROUP
    assert fact(a, f"{p['stage_name']}平均总分").value == mean and fact(a, f"{p['stage_name']}总分上四分位").value == p75


def test_the_public_asking_for_a_list_gets_stage_figures_only(s: Setup) -> None:
    request = Request("top_n_list", n=10)
    a = s.ask(s.public, request)
    check(a, request)
    assert names_in(a.reply, s.names) == [] and a.entities.enterprises == () and not any(f.uscc for f in a.facts)
    for stage, label in (("startup", "初创期"), ("mature", "成熟期")):
        n, mean, _ = stage_figures(s, stage)
        if n >= MIN_GROUP:
            assert fact(a, f"{label}平均总分").value == mean and fact(a, f"{label}企业数").value == n


def test_compare_for_an_official(s: Setup) -> None:
    request = Request("compare_companies", enterprises=(*ref(s.own), *ref(s.other)))
    a = s.ask(s.official, request)
    check(a, request)
    one, two = portrait(s, s.own), portrait(s, s.other)
    assert [e.uscc for e in a.listed] == [s.own, s.other]
    gap = fact(a, "总分差")
    # The gap of the totals as shown (2 decimals), so that a reader's subtraction agrees.
    assert gap.value == pytest.approx(abs(round(one["total"], 2) - round(two["total"], 2))) and gap.source.kind == "derived"
    assert fmt_points(one["total"]) in a.reply and fmt_points(two["total"]) in a.reply


def test_compare_with_one_company_asks_with_whom(s: Setup) -> None:
    a = s.ask(s.official, Request("compare_companies", enterprises=ref(s.own)))
    assert a.kind == "clarify" and "和哪家企业比" in a.reply


def test_find_company_as_each_may_see(s: Setup) -> None:
    other_name = s.names[s.other]
    short = other_name.removeprefix("常州市").removeprefix("常州").removeprefix("江苏")[:4]
    for who in (s.official, s.owner, s.public):
        request = Request("find_company_fuzzy", query=short, text=short)
        a = s.ask(who, request)
        check(a, request)
        assert s.ctx.index is not None
        hits = search_hits.search(principal=who, index=s.ctx.index, audit=None, text=short, limit=5)["items"]
        assert [e.uscc for e in a.listed] == [h["uscc"] for h in hits] and s.other in [e.uscc for e in a.listed]
        totals = [f for f in a.facts if f.label.endswith("总积分")]
        assert bool(totals) == who.sees_all  # points of the hits for officials only


# ----------------------------------------------------------------------------- definitions and programme
def test_indicator_definition_with_the_version_change(s: Setup) -> None:
    new, old = find_system("1.1", SYSTEMS_DIR), find_system("1.0", SYSTEMS_DIR)
    changed = next(code for code in sorted(old.by_code) if code in new.by_code and old.by_code[code].weights != new.by_code[code].weights)
    request = Request("indicator_definition", indicator=changed)
    a = s.ask(s.public, request)
    check(a, request)
    ind = new.by_code[changed]
    assert ind.name in a.reply and "v1.1" in a.reply and "本项满分由" in a.reply
    assert all(f.source.kind == "system" for f in a.facts)
    dropped = sorted(set(old.by_code) - set(new.by_code))[0]
    b = s.ask(s.public, Request("indicator_definition", indicator=dropped))
    check(b, Request("indicator_definition"))
    assert old.by_code[dropped].name in b.reply and "v1.1 起删除此项" in b.reply


@pytest.mark.parametrize("code", sorted(find_system("1.0", SYSTEMS_DIR).by_code))
def test_every_indicator_of_v1_0_is_defined_and_grounded(s: Setup, code: str) -> None:
    request = Request("indicator_definition", indicator=code, years=(2023,))
    a = s.ask(s.public, request)
    check(a, request)
    assert a.entities.indicators == (code,) and find_system("1.0", SYSTEMS_DIR).by_code[code].name in a.reply


def test_category_and_overview_definitions(s: Setup) -> None:
    system = find_system("1.1", SYSTEMS_DIR)
    a = s.ask(s.public, Request("indicator_definition", category="input"))
    check(a, Request("indicator_definition"))
    assert fact(a, "科技创新投入能力指标数").value == len(system.indicators_of("input"))
    b = s.ask(s.public, Request("indicator_definition"))
    check(b, Request("indicator_definition"))
    assert fact(b, "指标数").value == len(system.indicators) and fact(b, "类别数").value == len(system.categories)
    c = s.ask(s.public, Request("indicator_definition", text="v1.1改了什么"))
    check(c, Request("indicator_definition", text="v1.1改了什么"))
    assert "新增" in c.reply and "删除" in c.reply


@pytest.mark.parametrize("text", ["积分制度是怎么回事", "阶段怎么划分", "数据从哪里来", "要不要重复填报", "怎么登录"])
def test_programme_info(s: Setup, text: str) -> None:
    request = Request("programme_info", text=text)
    a = s.ask(s.public, request)
    check(a, request)
    assert a.kind == "answer" and "【" in a.reply


def test_help_depends_on_the_role_and_small_talk_redirects(s: Setup) -> None:
    replies = {}
    for who in (s.official, s.owner, s.public):
        a = s.ask(who, Request("help"))
        check(a, Request("help"))
        assert a.kind == "answer" and 2 <= len(a.suggestions) <= 4
        replies[who.role] = a.reply
        r = s.ask(who, Request("chitchat_out_of_scope", text="讲个笑话"))
        check(r, Request("chitchat_out_of_scope"))
        assert r.kind == "redirect" and r.suggestions
    assert len(set(replies.values())) == 3 and "排行榜" in replies["official"]


# ----------------------------------------------------------------------------- privacy
ENTERPRISE_INTENTS = ["my_total_points", "category_points", "indicator_value_score", "rank_in_stage",
                      "stage_and_reason", "improvement_advice", "yoy_change", "policy_eligibility"]


@pytest.mark.parametrize("intent", ENTERPRISE_INTENTS)
def test_another_enterprises_data_is_refused_alike_whether_it_exists_or_not(s: Setup, intent: str) -> None:
    answers = []
    for target in (s.other, s.unknown):
        request = Request(intent, enterprises=ref(target), indicator="IN02", text="高企", policy="hte-2016")
        a = s.ask(s.owner, request)
        check(a, request)
        assert a.kind == "refuse" and a.refuse_reason == "privacy" and a.reply == PRIVACY
        assert names_in(a.reply, s.names) == []
        answers.append((a.reply, a.suggestions))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("intent", ENTERPRISE_INTENTS[:-1])
def test_the_public_is_told_how_to_log_in(s: Setup, intent: str) -> None:
    a = s.ask(s.public, Request(intent, enterprises=ref(s.own), indicator="IN02"))
    assert a.kind == "refuse" and a.refuse_reason == "unauthenticated" and a.reply == LOGIN


def test_an_official_without_a_company_is_asked_which(s: Setup) -> None:
    for intent in ENTERPRISE_INTENTS[:-1]:
        a = s.ask(s.official, Request(intent, indicator="IN02"))
        assert a.kind == "clarify" and "哪家企业" in a.reply


# ----------------------------------------------------------------------------- every answer grounded
def requests(s: Setup) -> list[tuple[Principal, Request]]:
    both = (*ref(s.own), *ref(s.other))
    out: list[tuple[Principal, Request]] = []
    for who in (s.official, s.owner, s.public):
        own = ref(s.own) if who.sees_all else ()
        out += [
            (who, Request("my_total_points", enterprises=own, years=(s.latest + 1,), year_words=("今年",))),
            (who, Request("category_points", enterprises=own)),
            (who, Request("indicator_value_score", enterprises=own, indicator="FD01")),
            (who, Request("rank_in_stage", enterprises=own)),
            (who, Request("stage_and_reason", enterprises=own)),
            (who, Request("improvement_advice", enterprises=own, category="input")),
            (who, Request("yoy_change", enterprises=own, indicator="IN02")),
            (who, Request("compare_companies", enterprises=both)),
            (who, Request("top_n_list", n=3, stage="mature")),
            (who, Request("top_n_list", n=20, industry="光伏")),
            (who, Request("find_company_fuzzy", query="科技")),
            (who, Request("indicator_definition", indicator="OP07")),
            (who, Request("policy_eligibility", enterprises=own, text="我们能评上科技型中小企业吗")),
            (who, Request("policy_eligibility", enterprises=own, text="积分贷")),
            (who, Request("programme_info", text="怎么计分")),
            (who, Request("help")),
            (who, Request("chitchat_out_of_scope", text="你好")),
        ]
    return out


def test_every_answer_is_grounded(s: Setup) -> None:
    kinds = set()
    for who, request in requests(s):
        a = s.ask(who, request)
        check(a, request)
        kinds.add((who.role, request.intent, a.kind))
        if who.role != "official":
            assert names_in(a.reply, s.names, but=s.own) == [] or request.intent == "find_company_fuzzy", (who, request, a.reply)
    assert ("official", "top_n_list", "answer") in kinds and ("public", "my_total_points", "refuse") in kinds
