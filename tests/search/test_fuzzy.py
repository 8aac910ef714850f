"""The n-gram shortlist and edit distances."""

from __future__ import annotations

from search.fuzzy import GramIndex, char_grams, edit_distance, pinyin_grams, word_grams


def test_grams() -> None:
    assert char_grams("天合光") == ["天", "合", "光", "天合", "合光"]
    assert pinyin_grams(["tian", "he"]) == ["~tian", "~he", "~tian~he"]
    assert word_grams(["senqin"]) == ["@senqin"]


def test_edit_distance_counts_a_swap_once() -> None:
    assert edit_distance("天和光能", "天合光能") == 1
    assert edit_distance("合天光能", "天合光能") == 1
    assert edit_distance("天合电子", "天合光能") == 2


def test_shortlist_prefers_rare_grams() -> None:
    names = ["天合光能", "天宁光能", "恒瑞光能", "耀裕机器人", "天合储能"]
    index = GramIndex(char_grams(n) for n in names)
    rows, scores = index.shortlist(char_grams("天和光能"), k=3)
    assert len(rows) == 3
    best = [names[r] for r in rows[scores.argsort()[::-1]]]
    assert best[0] in {"天合光能", "天宁光能"}
    assert "耀裕机器人" not in best


def test_shortlist_is_bounded_and_skips_common_grams() -> None:
    names = [f"科技{i:04d}" for i in range(2000)] + ["天合科技"]
    index = GramIndex(char_grams(n) for n in names)
    rows, _ = index.shortlist(char_grams("天合科技"), k=5, max_df=0.05)
    assert len(rows) <= 5
    assert 2000 in rows.tolist()  # found through 天/合, not through 科/技 in every row
    assert index.df("科") == 2001
    empty_rows, _ = index.shortlist(["不存在"], k=5)
    assert len(empty_rows) == 0
