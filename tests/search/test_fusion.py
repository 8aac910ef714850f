"""Score fusion: bounds, caps, support, and independence from the order of the evidence."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from search.fusion import SUPPORT, Evidence, fuse

evidence_lists = st.lists(
    st.builds(
        Evidence,
        doc=st.integers(0, 6),
        source=st.sampled_from(["name", "pinyin", "lexical", "vector"]),
        score=st.floats(0, 1),
        reason=st.sampled_from(["简称匹配", "产品: 光伏组件", "拼音: tianhe", ""]),
        cap=st.sampled_from([1.0, 1.0, 0.45]),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(evidence_lists, st.randoms(use_true_random=False))
def test_stable_under_reordering(items: list[Evidence], rnd: random.Random) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert fuse(shuffled) == fuse(items)


@settings(max_examples=200, deadline=None)
@given(evidence_lists)
def test_scores_bounded_sorted_and_capped(items: list[Evidence]) -> None:
    fused = fuse(items)
    assert [f.score for f in fused] == sorted((f.score for f in fused), reverse=True)
    for f in fused:
        mine = [e for e in items if e.doc == f.doc]
        assert 0.0 <= f.score <= 1.0
        assert f.score <= min(e.cap for e in mine) + 1e-9
        assert f.score >= min(max(e.score for e in mine), min(e.cap for e in mine)) - 1e-6


def test_second_source_lifts_by_support() -> None:
    [f] = fuse([Evidence(1, "name", 0.6, "a"), Evidence(1, "lexical", 0.5, "b")])
    assert f.score == round(0.6 + SUPPORT * 0.4 * 0.5, 6)
    assert f.reasons == ("a", "b")


def test_same_source_does_not_add_up() -> None:
    [f] = fuse([Evidence(1, "lexical", 0.5, "a"), Evidence(1, "lexical", 0.5, "b")])
    assert f.score == 0.5


def test_many_weak_signals_stay_weak() -> None:
    [f] = fuse([Evidence(1, s, 0.45, s) for s in ("name", "pinyin", "lexical", "vector")])
    assert f.score < 0.6


def test_ties_broken_by_row() -> None:
    fused = fuse([Evidence(3, "name", 0.9, ""), Evidence(2, "name", 0.9, "")])
    assert [f.doc for f in fused] == [2, 3]
