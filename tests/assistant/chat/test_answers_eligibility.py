"""Eligibility is computed: the official evaluation (tsme-2017, hte-2016) scored on the asker's
stored data equals the evaluation system run directly over the whole zone, writes no run, and
names the raw fields still missing. Cut-offs are said to be "not configured" until they are."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from assistant.chat.answers.policies import find_policy, load_policies
from assistant.chat.request import Request
from assistant.queries.eligibility import evaluation
from assistant.queries.portrait_data import portrait_data
from assistant.queries.run_cache import RunCache
from scoring import store
from scoring.engine.engine import ScoreResult, score_frames
from scoring.engine.inputs import needed_fields
from scoring.store.gaps import find_gaps
from scoring.systems.loader import find_system
from scoring.systems.words import points as fmt_points
from tests.assistant.chat.answer_setup import (
    POLICIES_DIR,
    SYSTEMS_DIR,
    Setup,
    check,
    make_setup,
    ref,
)
from tests.assistant.conftest import Zone

QUESTIONS = {"tsme-2017": "我们能评上科技型中小企业吗", "hte-2016": "够不够高企"}


@pytest.fixture(scope="module")
def s(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    setup = make_setup(zone, tmp_path_factory.mktemp("eligibility"))
    yield setup
    setup.engine.dispose()


def whole_zone(s: Setup, version: str, year: int) -> ScoreResult:
    """The evaluation system run directly by the engine over every enterprise of the year."""
    system = find_system(version, SYSTEMS_DIR)
    need = needed_fields(system)
    with Session(s.engine) as session:
        frames = store.raw_frames(session=session, years=range(year - max(need.values()), year + 1), fields=need)
    return score_frames(system, frames, year=year)


def run_count(s: Setup) -> int:
    with Session(s.engine) as session:
        return int(session.exec(select(func.count()).select_from(store.ScoreRun)).one())


@pytest.mark.parametrize("version", ["tsme-2017", "hte-2016"])
@pytest.mark.parametrize("who", ["enterprise1", "enterprise2", "enterprise3"])
def test_the_verdict_is_the_evaluation_systems(s: Setup, zone: Zone, version: str, who: str) -> None:
    uscc = zone.own[who]
    owner = replace(s.owner, username=who, uscc=uscc)
    runs_before = run_count(s)
    request = Request("policy_eligibility", text=QUESTIONS[version])
    a = s.ask(owner, request)
    check(a, request)
    assert run_count(s) == runs_before, "a one-firm evaluation writes no run"
    result = whole_zone(s, version, s.latest)
    i = result.row(uscc)
    code = result.system.verdicts[0].code
    passed = bool(result.verdicts[code][i] == 1)
    assert ("暂不符合条件" if not passed else "：符合条件") in a.reply
    assert result.route_text(code, i) in a.reply
    assert f"{s.latest} 年度数据" in a.reply and a.years == (s.latest,)
    total = next(f for f in a.facts if f.label == "评价综合得分")
    assert total.value == pytest.approx(float(result.total[i])) and total.source.kind == "derived"
    assert total.source.system == version and total.uscc == uscc
    for k, ind in enumerate(result.system.indicators):
        if result.missing[k, i] and result.points[k, i] == 0:
            continue
        got = next(f for f in a.facts if f.label == f"{ind.name}得分")
        assert got.value == pytest.approx(float(result.points[k, i]))
        assert f"{fmt_points(result.points[k, i])} 分" in a.reply
    assert [e.uscc for e in a.entities.enterprises] == [uscc]


def test_the_missing_fields_are_the_gaps_of_the_evaluation(s: Setup) -> None:
    ev = evaluation(principal=s.owner, engine=s.engine, runs=s.ctx.runs, systems_dir=SYSTEMS_DIR, version="hte-2016",
                    uscc=s.own, year=s.latest, audit=None)
    with Session(s.engine) as session:
        gaps = find_gaps(session=session, year=s.latest, usccs=[s.own], system=find_system("hte-2016", SYSTEMS_DIR))
    want = [(g.field, g.year) for e in gaps.enterprises for g in e.gaps]
    assert [(m["field"], m["year"]) for m in ev["missing"]] == want
    reviewed = [m for m in ev["missing"] if not m["asked"]]
    assert reviewed and all(m["source"] == "review" for m in reviewed)
    a = s.ask(s.owner, Request("policy_eligibility", policy="hte-2016"))
    asked = [m for m in ev["missing"] if m["asked"]]
    if asked:
        assert asked[0]["name"] in a.reply and "企业填报表" in a.reply
    assert f"另有 {len(reviewed)} 项专家评审内容" in a.reply


def test_an_evaluation_of_another_enterprise_is_refused(s: Setup) -> None:
    from scoring.errors import NotFound

    with pytest.raises(NotFound):
        evaluation(principal=s.owner, engine=s.engine, runs=s.ctx.runs, systems_dir=SYSTEMS_DIR, version="tsme-2017",
                   uscc=s.other, year=s.latest, audit=None)


def test_the_public_gets_the_policy_text_and_how_to_log_in(s: Setup) -> None:
    for text in QUESTIONS.values():
        a = s.ask(s.public, Request("policy_eligibility", text=text))
        check(a, Request("policy_eligibility", text=text))
        assert a.kind == "answer" and "原文：" in a.reply and "登录企业账号后" in a.reply
        assert a.entities.enterprises == () and all(f.source.kind == "policy" for f in a.facts)


def test_an_official_names_the_company_to_compute_for(s: Setup) -> None:
    a = s.ask(s.official, Request("policy_eligibility", text="够不够高企"))
    assert a.kind == "clarify" and "企业名称" in a.reply and "登录" not in a.reply
    b = s.ask(s.official, Request("policy_eligibility", text="够不够高企", enterprises=ref(s.other)))
    check(b, Request("policy_eligibility", text="够不够高企"))
    assert b.kind == "answer" and [e.uscc for e in b.entities.enterprises] == [s.other]


def test_a_cut_off_not_configured_is_said_so(s: Setup) -> None:
    assert load_policies(POLICIES_DIR)["credit"].cutoff is not None
    assert not load_policies(POLICIES_DIR)["credit"].cutoff.configured  # type: ignore[union-attr]
    request = Request("policy_eligibility", text="积分贷怎么申请")
    a = s.ask(s.owner, request)
    check(a, request)
    assert "未在本系统配置" in a.reply and "达到入选规则" not in a.reply
    p = portrait_data(principal=s.owner, runs=s.ctx.runs, uscc=s.own, audit=None)
    assert next(f for f in a.facts if f.label == "总积分").value == p["total"]
    assert "统一社会信用代码、企业名称、行业、成长阶段、总分、阶段内排名和各类别得分" in a.reply
    public = s.ask(s.public, Request("policy_eligibility", text="积分贷的分数线是多少"))
    check(public, Request("policy_eligibility", text="积分贷的分数线是多少"))
    assert "未在本系统配置" in public.reply and public.entities.enterprises == ()


def test_a_configured_cut_off_is_applied(s: Setup, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES_DIR, folder)
    p = portrait_data(principal=s.owner, runs=s.ctx.runs, uscc=s.own, audit=None)
    line = round(float(p["total"]) + 1, 2)  # just above the enterprise's total: not reached
    text = (folder / "credit.yaml").read_text(encoding="utf-8")
    (folder / "credit.yaml").write_text(
        text.replace("min_total: null", f"min_total: {line}").replace("top_per_stage: null", f"top_per_stage: {p['rank']}"),
        encoding="utf-8")
    ctx = replace(s.ctx, policies_dir=folder)
    request = Request("policy_eligibility", text="积分贷")
    a = Setup.ask(replace(s, ctx=ctx), s.owner, request)
    check(a, request)
    assert "未在本系统配置" not in a.reply
    assert f"未达到入选规则“总分不低于 {line:g} 分”" in a.reply
    assert f"达到入选规则“阶段内前 {p['rank']} 名”" in a.reply
    assert next(f for f in a.facts if f.label == "入选分数线").source.kind == "policy"
    public = Setup.ask(replace(s, ctx=ctx), s.public, Request("policy_eligibility", text="积分贷的分数线是多少"))
    assert f"入选规则：总分不低于 {line:g} 分，且阶段内前 {p['rank']} 名。" in public.reply
    assert {f.uscc for f in public.facts} == {None}  # the rule, no enterprise's figure


def test_which_policy_a_question_is_about() -> None:
    policies = load_policies(POLICIES_DIR)
    assert find_policy(policies, slot=None, text="够不够高企").id == "hte"  # type: ignore[union-attr]
    assert find_policy(policies, slot=None, text="高企奖励有多少").id == "reward-hte-first"  # type: ignore[union-attr]
    assert find_policy(policies, slot="tsme-2017", text="").id == "tsme"  # type: ignore[union-attr]
    assert find_policy(policies, slot=None, text="能评上科小吗").id == "tsme"  # type: ignore[union-attr]
    assert find_policy(policies, slot=None, text="今天天气") is None


def test_an_unknown_policy_is_asked_about(s: Setup) -> None:
    a = s.ask(s.owner, Request("policy_eligibility", text="有什么政策"))
    assert a.kind == "clarify" and "科技型中小企业评价" in a.reply and "示例" not in a.reply


@pytest.mark.parametrize("version", ["tsme-2017", "hte-2016"])
def test_every_route_of_the_zone_is_answered_as_the_engine_decides(s: Setup, version: str) -> None:
    """One enterprise per distinct outcome in the zone (each direct confirmation, the score
    route, each first unmet requirement), asked by an official."""
    result = whole_zone(s, version, s.latest)
    code = result.system.verdicts[0].code
    first: dict[str, int] = {}
    for i in range(result.size):
        first.setdefault(result.route_text(code, i), i)
    assert len(first) >= 3
    for route, i in first.items():
        uscc = str(result.usccs[i])
        request = Request("policy_eligibility", policy=version, enterprises=ref(uscc))
        a = s.ask(s.official, request)
        check(a, request)
        passed = bool(result.verdicts[code][i] == 1)
        assert (f"（{route}）" in a.reply) and (("：符合条件" in a.reply) == passed), (route, a.reply)


def test_a_new_import_is_seen_by_the_next_question(zone: Zone, tmp_path: Path) -> None:
    """Answers are kept per state of the raw data: a new batch (here a self-report of the missing
    total assets) changes the next answer, with no clock or restart."""
    setup = make_setup(zone, tmp_path)
    tsme = find_system("tsme-2017", SYSTEMS_DIR)
    with Session(setup.engine) as session:
        gaps = find_gaps(session=session, year=setup.latest, system=tsme)
    firm = next(e.uscc for e in gaps.enterprises if any(g.field == "total_assets" and g.year == setup.latest for g in e.gaps))
    who = setup.official
    request = Request("policy_eligibility", policy="tsme-2017", enterprises=ref(firm))
    before = setup.ask(who, request)
    assert "资产总额（" in before.reply
    with Session(setup.engine) as session:
        batch = store.add_batch(session=session, source="self_report", file="测试：企业填报")
        frame = pd.DataFrame({"total_assets": [100.0]}, index=pd.Index([firm], name="uscc"))
        store.write_raw(session=session, batch=batch, year=setup.latest, frame=frame, units={"total_assets": "万元"})
        session.commit()
    after = setup.ask(who, request)
    check(after, request)
    assert "资产总额（" not in after.reply
    result = whole_zone(setup, "tsme-2017", setup.latest)
    i = result.row(firm)
    assert result.route_text("tsme", i) in after.reply
    setup.engine.dispose()


def test_an_answer_evicted_from_the_cache_is_computed_alone(zone: Zone, tmp_path: Path) -> None:
    setup = make_setup(zone, tmp_path)
    tiny = replace(setup.ctx, runs=RunCache(setup.engine, recheck_s=3600, answer_bytes=1))  # keeps one answer
    small = replace(setup, ctx=tiny)
    result = whole_zone(setup, "tsme-2017", setup.latest)
    for who in ("enterprise1", "enterprise2"):  # each answer is evicted as soon as kept: computed alone
        uscc = zone.own[who]
        a = small.ask(replace(setup.owner, uscc=uscc), Request("policy_eligibility", policy="tsme-2017"))
        assert result.route_text("tsme", result.row(uscc)) in a.reply
        total = next(f for f in a.facts if f.label == "评价综合得分")
        assert total.value == pytest.approx(float(result.total[result.row(uscc)]))
    setup.engine.dispose()
