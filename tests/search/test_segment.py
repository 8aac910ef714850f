"""jieba segmentation with a private tokenizer and our user words."""

from __future__ import annotations

import jieba

from search.segment import Segmenter


def test_document_words_stay_whole_and_private() -> None:
    seg = Segmenter(["天合光能"])
    assert "天合光能" in seg.cut("天合光能组件")
    other = Segmenter(["耀裕"])
    assert "天合光能" not in other.cut("天合光能组件")
    assert "天合光能" not in jieba.dt.FREQ  # the global tokenizer is untouched


def test_terms_drop_stop_words_and_single_characters() -> None:
    seg = Segmenter()
    terms = seg.terms("光伏组件的研发、生产和销售")
    assert "光伏组件" in terms and "光伏" in terms
    assert not {"的", "研发", "生产", "销售", "和"} & set(terms)


def test_query_terms_keep_unknown_character_runs() -> None:
    seg = Segmenter()
    assert "天合" in seg.query_terms("天合储能")  # would otherwise vanish as two single characters
    assert "储能" in seg.query_terms("天合储能")
    assert "运维" in seg.query_terms("做光伏电站运维的公司")
    assert not any("的" in t for t in seg.query_terms("做光伏电站运维的公司"))


def test_user_words_file_is_loaded() -> None:
    assert "光伏组件" in Segmenter().cut("光伏组件")
