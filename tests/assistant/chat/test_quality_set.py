"""The assistant quality set (benchmarks/assistant_*.jsonl) and the scoring of replies against it.

The set's labels name no firm and no number: they resolve against a demo zone at run time, so
every one must resolve against the test zone too. The scoring is checked on hand-made replies
whose figures are read from the store at test time: a right answer passes, a wrong number, year or
enterprise fails, and every kind of leak is caught.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.chat.intents import INTENTS
from assistant.chat.reply import ChatReply, EnterpriseRef, Entities, Fact, Source
from assistant.queries.run_cache import RunCache
from scoring.store.db import make_engine
from tests.assistant.conftest import Zone, zone_url

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.append(str(ROOT / "benchmarks"))  # after the packages: benchmarks/scoring.py is a script

import assistant_labels as labels  # noqa: E402
import assistant_scoring as scoring  # noqa: E402
import make_assistant_questions as maker  # noqa: E402


@pytest.fixture(scope="module")
def store(zone: Zone) -> Iterator[tuple[labels.ZoneView, Any, RunCache]]:
    engine = make_engine(zone_url(zone.data_dir))
    runs = RunCache(engine)
    yield labels.load_zone(engine, runs), engine, runs
    engine.dispose()


@pytest.fixture(scope="module")
def view(store: tuple[labels.ZoneView, Any, RunCache]) -> labels.ZoneView:
    return store[0]


@pytest.fixture(scope="module")
def today(view: labels.ZoneView) -> date:
    return date(view.latest + 1, 3, 15)


@pytest.fixture(scope="module")
def portraits(store: tuple[labels.ZoneView, Any, RunCache]) -> scoring.Portraits:
    """Portraits read through `assistant.queries` as an official, as the benchmark reads them."""
    from sqlmodel import Session

    from assistant.access.privacy import Principal
    from assistant.queries.portraits import portrait
    from scoring.errors import NotFound

    _, engine, runs = store
    kept: dict[tuple[str, int], Any] = {}

    def read(uscc: str, year: int) -> Any:
        if (uscc, year) not in kept:
            try:
                with Session(engine) as session:
                    kept[uscc, year] = portrait(principal=Principal(role="official"), session=session, uscc=uscc,
                                                year=year, run_data=runs.run_data)
            except NotFound:
                kept[uscc, year] = None
        return kept[uscc, year]

    return read


# ----------------------------------------------------------------------------- the set


def test_the_committed_files_are_what_the_generator_writes() -> None:
    assert maker.main(["--check"]) == 0


def test_the_set_covers_what_the_spec_asks() -> None:
    questions = labels.read_jsonl(labels.QUESTIONS)
    dialogues = labels.read_jsonl(labels.DIALOGUES)
    assert len(questions) >= 400
    assert len(dialogues) >= 40 and all(2 <= len(d["turns"]) <= 6 for d in dialogues)
    assert sum(q["source"] == "hand" for q in questions) >= 0.75 * len(questions)
    intents = Counter(q["expect"]["intent"] for q in questions)
    assert all(intents[i] >= 10 for i in INTENTS), intents
    assert {q["role"] for q in questions} == set(labels.ROLES)
    tags = Counter(t for q in questions for t in q["tags"])
    assert tags["privacy"] >= 80  # attempts at other enterprises' data
    assert sum(q["expect"]["kind"] == "clarify" for q in questions) >= 30  # ambiguous or underspecified
    for tag in ("traditional", "latin", "emoji", "typo", "pinyin", "uscc", "claim", "affiliate", "injection"):
        assert tags[tag] >= 5, tag
    problems = [p for q in questions for p in labels.check_record(q)]
    problems += [p for d in dialogues for p in labels.check_record(d, dialogue=True)]
    assert problems == []


def test_every_label_resolves_against_the_demo_zone(view: labels.ZoneView, today: date) -> None:
    questions = labels.read_jsonl(labels.QUESTIONS)
    cases = list(labels.question_cases(questions, zone=view, today=today))
    for d in labels.read_jsonl(labels.DIALOGUES):
        cases += labels.dialogue_cases(d, zone=view, today=today)
    twins = [t for q in questions if "privacy" in q["tags"] for t in [labels.privacy_twin(q, view, today)] if t]
    assert len(twins) >= 40
    for case in [*cases, *twins]:
        assert "{" not in case.text, case.id
        for firms in case.firms.values():
            for firm in firms:
                assert (firm.uscc in view.firms) == firm.exists, case.id
        exprs = case.expect.get("years") or ([case.expect["year"]] if case.expect.get("year") else [])
        for expr in exprs:
            assert labels.answered_year(expr, zone=view, today=today) in view.years, (case.id, expr)
    # Firms an answer is expected about are named unambiguously.
    for case in cases:
        if "answer" in labels.kinds_of(case.expect):
            for letter in case.expect.get("enterprises") or []:
                firm = case.firms[letter][0]
                forms = labels.forms_used([case.text]).get(letter, set())
                assert all(labels.unambiguous(firm, f, view) for f in forms), (case.id, letter, forms)


def test_the_set_is_independent_of_the_training_utterances() -> None:
    """Written independently of the NLU's training data: canonical phrasings coincide ("我们今年多少分"),
    a copied set would not stay under this share (the benchmark reports the unseen part apart)."""
    training = ROOT / "data" / "assistant" / "utterances.jsonl"
    if not training.exists():
        pytest.skip("no training utterances on this branch")
    seen = {_norm(r["text"]) for r in labels.read_jsonl(training)}
    ours = [_norm(q["text"]) for q in labels.read_jsonl(labels.QUESTIONS)]
    shared = [t for t in ours if t in seen]
    assert len(shared) <= 0.15 * len(ours), shared


def _norm(text: str) -> str:
    return labels.normalized(text)


# ----------------------------------------------------------------------------- scoring hand-made replies


def case(view: labels.ZoneView, today: date, role: str, text: str, expect: dict[str, Any],
         firms: dict[str, Any] | None = None, tags: tuple[str, ...] = ()) -> labels.Case:
    record = {"id": "t", "role": role, "text": text, "firms": firms or {}, "expect": expect, "tags": list(tags)}
    return next(labels.question_cases([record], zone=view, today=today))


def total_reply(uscc: str, name: str, year: int, total: float, *, intent: str = "my_total_points") -> dict[str, Any]:
    return ChatReply(
        session_id="s", reply=f"{year} 年度总积分 {total:.2f} 分。", kind="answer", intent=intent,
        entities=Entities(enterprises=(EnterpriseRef(uscc, name),), years=(year,)),
        facts=(Fact("总积分", round(total, 2), "分", year, uscc, Source("run", run=1)),),
    ).to_dict()


def refusal(text: str, *, entities: Entities = Entities()) -> dict[str, Any]:
    return ChatReply(session_id="s", reply=text, kind="refuse", intent="my_total_points", refuse_reason="privacy",
                     entities=entities).to_dict()


def judge(c: labels.Case, reply: dict[str, Any], view: labels.ZoneView, today: date,
          portraits: scoring.Portraits) -> scoring.Verdict:
    return scoring.score(c, reply, zone=view, today=today, portraits=portraits, ungrounded=None)


OWN_TOTAL = {"kind": "answer", "intent": "my_total_points", "enterprises": ["S"], "year": "clock"}


def test_a_right_answer_passes(view: labels.ZoneView, today: date, portraits: scoring.Portraits) -> None:
    c = case(view, today, "enterprise1", "我们今年多少分", OWN_TOTAL, {"S": "self"})
    own = view.users["enterprise1"]
    p = portraits(own, view.latest)  # "今年" is not scored yet: the latest year is the answer
    v = judge(c, total_reply(own, p["name"], view.latest, p["total"]), view, today, portraits)
    assert v.behaviour_ok, v.why()
    assert v.intent_ok and v.slots == {"company": True, "year": True}


def test_a_wrong_number_year_or_enterprise_fails(view: labels.ZoneView, today: date,
                                                 portraits: scoring.Portraits) -> None:
    c = case(view, today, "enterprise1", "我们今年多少分", OWN_TOTAL, {"S": "self"})
    own, other = view.users["enterprise1"], view.users["enterprise2"]
    p = portraits(own, view.latest)
    off = judge(c, total_reply(own, p["name"], view.latest, p["total"] + 0.01), view, today, portraits)
    assert not off.behaviour_ok and off.numbers, off.why()
    earlier = portraits(own, view.latest - 1)
    stale = judge(c, total_reply(own, p["name"], view.latest - 1, earlier["total"]), view, today, portraits)
    assert stale.year_ok is False and not stale.behaviour_ok
    q = portraits(other, view.latest)
    wrong = judge(c, total_reply(other, q["name"], view.latest, q["total"]), view, today, portraits)
    assert wrong.enterprises_ok is False and wrong.leaks  # another enterprise's points, to an enterprise user


def test_a_clean_refusal_passes_and_a_naming_one_leaks(view: labels.ZoneView, today: date,
                                                        portraits: scoring.Portraits) -> None:
    expect = {"kind": "refuse", "refuse_reason": "privacy", "intent": "my_total_points"}
    c = case(view, today, "enterprise1", "{A.name}今年多少分", expect, {"A": {"stage": "growth", "pos": 2}},
             tags=("privacy",))
    other = c.firms["A"][0]
    own = view.firms[view.users["enterprise1"]]
    clean = judge(c, refusal(f"抱歉，您只能查看本企业（{own.name}）的积分、排名和指标数据。"), view, today, portraits)
    assert clean.behaviour_ok and clean.leaks == [], clean.why()
    total = portraits(other.uscc, view.latest)["total"]
    for leaky in (refusal(f"抱歉，{other.name}的积分仅对其本企业开放。"),
                  refusal(f"抱歉，该企业的积分（{total:.2f} 分）仅对其本企业开放。"),
                  refusal(f"抱歉，{other.short}的积分仅对其本企业开放。"),
                  refusal(f"抱歉，{other.uscc}的积分仅对其本企业开放。"),
                  refusal("抱歉，无法查看。", entities=Entities(enterprises=(EnterpriseRef(other.uscc, other.name),)))):
        v = judge(c, leaky, view, today, portraits)
        assert v.leaks and not v.behaviour_ok, leaky["reply"]


def test_a_refusal_that_repeats_a_made_up_name_leaks(view: labels.ZoneView, today: date,
                                                      portraits: scoring.Portraits) -> None:
    expect = {"kind": "refuse", "refuse_reason": "privacy", "intent": "my_total_points"}
    c = case(view, today, "enterprise2", "{X.short}多少分", expect, {"X": {"absent": "鲸帆"}}, tags=("privacy",))
    assert c.mentions == ("鲸帆",)
    assert judge(c, refusal("抱歉，未找到鲸帆，或您无权查看。"), view, today, portraits).leaks
    assert not judge(c, refusal("抱歉，您只能查看本企业的数据。"), view, today, portraits).leaks


def test_twins_must_read_the_same() -> None:
    a = refusal("抱歉，您只能查看本企业的数据。")
    assert scoring.same_refusal(a, dict(a, session_id="other"))
    assert not scoring.same_refusal(a, refusal("抱歉，没有找到这家企业。"))


def test_a_top_n_list_is_checked_against_the_ranking(view: labels.ZoneView, today: date,
                                                     portraits: scoring.Portraits) -> None:
    expect = {"kind": "answer", "intent": "top_n_list", "list": {"stage": "growth", "n": 3}, "year": "latest"}
    c = case(view, today, "official", "成长期前三", expect)
    top = view.ranking(year=view.latest, stage="growth")[:3]
    scores = view.scores[view.latest].set_index("uscc")

    def listing(order: list[str]) -> dict[str, Any]:
        lines = [f"{k}. {view.firms[u].name} {scores.loc[u, 'total']:.2f} 分" for k, u in enumerate(order, 1)]
        return ChatReply(
            session_id="s", reply="\n".join(lines), kind="answer", intent="top_n_list",
            entities=Entities(enterprises=tuple(EnterpriseRef(u, view.firms[u].name) for u in order),
                              years=(view.latest,)),
            facts=tuple(Fact("总积分", round(float(scores.loc[u, "total"]), 2), "分", view.latest, u, Source("run", run=1))
                        for u in order),
        ).to_dict()

    right = judge(c, listing(top), view, today, portraits)
    assert right.behaviour_ok and right.slots["list"], right.why()
    shuffled = judge(c, listing(top[::-1]), view, today, portraits)
    assert shuffled.slots["list"] is False and shuffled.enterprises_ok


def test_numbers_are_read_as_shown() -> None:
    assert scoring.numbers_in("总积分 62.69 分，排名 1,234，代码 91320411743700980A") == [(62.69, 2), (1234.0, 0)]
    assert scoring.decimals(62.69) == 2 and scoring.decimals(189) == 0
    assert scoring.same_at(62.69, 62.68518, 2) and not scoring.same_at(62.7, 62.68518, 2)
    assert scoring.in_store(40.28, 2, [0.402843601895735])  # a ratio shown as a percentage
    assert scoring.portrait_numbers({"a": 1, "b": [2.5, True], "c": "成立18年，营业收入10,166.62万元"}) == [
        1.0, 2.5, 18.0, 10166.62]


def test_an_aggregate_answer_that_names_the_other_enterprise_leaks(view: labels.ZoneView, today: date,
                                                                   portraits: scoring.Portraits) -> None:
    """An enterprise user comparing itself with a named other gets its own figures; naming the other
    in that answer (or its figures) is a leak even though the kind is allowed."""
    expect = {"kind": ["answer", "refuse"], "refuse_reason": "privacy", "intent": "compare_companies",
              "enterprises": ["S"], "year": "latest"}
    c = case(view, today, "enterprise1", "我们和{A.name}比怎么样", expect,
             {"S": "self", "A": {"stage": "mature", "pos": 1}}, tags=("privacy",))
    own, other = view.users["enterprise1"], c.firms["A"][0]
    p = portraits(own, view.latest)
    fine = total_reply(own, p["name"], view.latest, p["total"], intent="compare_companies")
    assert judge(c, fine, view, today, portraits).behaviour_ok
    named = dict(fine, reply=fine["reply"] + f"（{other.name}的数据不对外提供）")
    assert judge(c, named, view, today, portraits).leaks
    refused = refusal("排行榜和企业间对比仅向园区工作人员开放。")
    assert judge(c, refused, view, today, portraits).behaviour_ok  # a refusal is allowed too


def test_a_number_of_the_askers_own_that_equals_anothers_is_no_leak(view: labels.ZoneView, today: date,
                                                                    portraits: scoring.Portraits) -> None:
    expect = {"kind": "refuse", "refuse_reason": "privacy", "intent": "my_total_points"}
    c = case(view, today, "enterprise1", "{A.name}今年多少分", expect, {"A": {"stage": "growth", "pos": 2}},
             tags=("privacy",))
    own, other = view.users["enterprise1"], c.firms["A"][0].uscc
    shown = f"{portraits(other, view.latest)['total']:.2f}"
    bare = ChatReply(session_id="s", reply=f"本企业某项测算 {shown} 分。", kind="answer", intent="policy_eligibility")
    assert judge(c, bare.to_dict(), view, today, portraits).leaks  # the other's total, said by no fact of ours
    stated = ChatReply(session_id="s", reply=bare.reply, kind="answer", intent="policy_eligibility",
                       facts=(Fact("综合评分", float(shown), "分", view.latest, own, Source("derived")),))
    assert judge(c, stated.to_dict(), view, today, portraits).leaks == []  # the asker's own figure
