"""The vocabulary: names, aliases, colloquial words, homophones, pinyin and typos of indicators,
categories, stages, industries and policies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.chat.nlu import SYSTEMS_DIR, Vocabulary
from assistant.chat.nlu.lexicon import DEFAULT_LEXICON, LexiconError
from assistant.chat.nlu.slots import read_slots
from assistant.chat.nlu.text import clean
from assistant.chat.understanding import Slots
from scoring.systems.loader import load_system
from tests.assistant.chat.nlu_vocab import DEMO_INDUSTRIES, shared_vocabulary

TODAY = date(2026, 5, 20)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return shared_vocabulary()


def slots(text: str, vocab: Vocabulary) -> Slots:
    return read_slots(clean(text), vocab=vocab, today=TODAY).slots


@pytest.mark.parametrize(
    "text",
    ["研发投入强度", "研发费用占比", "R&D占比", "研发占比", "研发强度", "研发费用占营业收入比例", "rd占比", "IN02", "研發費用佔比"],
)
def test_the_names_of_one_indicator_are_that_indicator(text: str, vocab: Vocabulary) -> None:
    assert slots(f"我们{text}多少", vocab).indicator == "IN02"


def test_every_indicator_is_found_by_its_name_in_each_zone_version(vocab: Vocabulary) -> None:
    for version in ("v1.0", "v1.1"):
        system = load_system(SYSTEMS_DIR / f"{version}.yaml")
        missed = [i.code for i in system.indicators
                  if i.code not in (slots(f"{i.name}怎么算", vocab).indicator,
                                    *slots(f"{i.name}怎么算", vocab).indicator_candidates)]
        assert missed == [], version


def test_a_homophone_typo_reads_as_the_word(vocab: Vocabulary) -> None:
    assert slots("研发废用占比", vocab).indicator == "IN02"
    assert read_slots("我们总份多少", vocab=vocab, today=TODAY).masked == "我们总分多少"


def test_pinyin_reads_as_the_word(vocab: Vocabulary) -> None:
    assert slots("yanfa feiyong zhanbi", vocab).indicator == "IN02"
    assert slots("touru lei defen", vocab).category == "input"


def test_an_edit_typo_reads_as_the_closest_indicator(vocab: Vocabulary) -> None:
    assert slots("研发经废总额多少", vocab).indicator == "IN01"


def test_a_word_for_several_indicators_gives_the_candidates(vocab: Vocabulary) -> None:
    found = slots("我们专利多少", vocab)
    assert found.indicator is None
    assert set(found.indicator_candidates) == {"FD09", "FD10", "OP11", "OP12"}


def test_the_longest_word_wins(vocab: Vocabulary) -> None:
    assert slots("研发投入强度", vocab).indicator == "IN02"  # not 研发投入 (IN01)
    assert slots("投入类", vocab).category == "input"
    assert slots("研发投入", vocab).category is None


def test_v1_1_indicators_are_known(vocab: Vocabulary) -> None:
    assert slots("数据知识产权登记证书数", vocab).indicator == "OP29"
    assert slots("数字化转型成熟度等级", vocab).indicator == "MG24"


@pytest.mark.parametrize(
    ("text", "stage"),
    [("初创期", "startup"), ("初创企业", "startup"), ("成长期", "growth"), ("发展期", "development"), ("成熟期", "mature")],
)
def test_stages(text: str, stage: str, vocab: Vocabulary) -> None:
    assert slots(f"{text}前十", vocab).stage == stage


@pytest.mark.parametrize(
    ("text", "policy"),
    [("科技型中小企业", "tsme-2017"), ("科小", "tsme-2017"), ("高企", "hte-2016"), ("高新技术企业", "hte-2016"),
     ("积分贷", "credit"), ("银行", "credit"), ("高企奖励", "reward-hte-first")],
)
def test_policies(text: str, policy: str, vocab: Vocabulary) -> None:
    assert slots(f"我们能评上{text}吗", vocab).policy == policy


def test_industries_are_the_stores_names(vocab: Vocabulary) -> None:
    assert slots("光伏行业前五", vocab).industry == "光伏"
    assert slots("新能源汽车前十", vocab).industry == "新能源汽车零部件"
    only_software = Vocabulary.from_systems(SYSTEMS_DIR, industries=["软件"], train=False)
    assert slots("光伏行业前五", only_software).industry is None
    assert slots("软件行业前五", only_software).industry == "软件"
    assert set(vocab.industries) == set(DEMO_INDUSTRIES)


def test_a_lexicon_naming_an_unknown_indicator_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(DEFAULT_LEXICON.read_text(encoding="utf-8") + "\nindicators:\n  XX99: [不存在]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="XX99"):
        Vocabulary.from_systems(SYSTEMS_DIR, lexicon=bad, train=False)


def test_a_lexicon_with_an_unknown_section_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("synonyms: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=str(bad.name)):
        Vocabulary.from_systems(SYSTEMS_DIR, lexicon=bad, train=False)


def test_every_policy_word_names_a_policy_the_answers_know() -> None:
    """A lexicon id that is neither an evaluation system nor a data/policies item reads a word
    and then answers "which policy?" (积分贷 once mapped to an id no policy file had)."""
    from assistant.chat.answers.policies import load_policies
    from assistant.chat.nlu.lexicon import load_lexicon

    known = set(load_policies(SYSTEMS_DIR.parent / "policies")) | {
        load_system(p).version for p in SYSTEMS_DIR.glob("*.yaml")}
    assert set(load_lexicon().policies) <= known
