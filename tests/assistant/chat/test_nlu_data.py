"""The labelled utterances: what the file holds, that understanding states every label, and that
the classifier generalises to lines it was not trained on."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import pytest

from assistant.chat.intents import INTENTS
from assistant.chat.nlu import Vocabulary, clean, understand
from assistant.chat.nlu.classifier import IntentClassifier, masked_text
from assistant.chat.nlu.utterances import REFERENCE_DAY, Utterance, UtteranceError, load_utterances
from assistant.chat.understanding import Guard
from tests.assistant.chat.nlu_vocab import shared_vocabulary

UTTERANCES = load_utterances()
SLOT_KEYS = ("companies", "years", "indicator", "indicator_candidates", "category", "stage", "industry",
             "policy", "n", "list_index", "compare_direction")


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return shared_vocabulary()


def test_the_file_covers_every_intent_and_guard_in_phone_typing() -> None:
    assert len(UTTERANCES) >= 800
    intents = Counter(u.intent for u in UTTERANCES if u.intent)
    assert set(intents) == set(INTENTS) and min(intents.values()) >= 40
    guards = Counter(u.guard for u in UTTERANCES if u.guard)
    assert set(guards) == set(get_args(Guard)) and min(guards.values()) >= 15
    assert sum(u.follow_up for u in UTTERANCES) >= 40
    assert sum(clean(u.text) != u.text.lower().strip() for u in UTTERANCES) >= 20  # 繁体, full width
    assert sum(u.text.isascii() and " " in u.text for u in UTTERANCES) >= 15  # pinyin
    assert sum(not any(p in u.text for p in "，。？！,.?!") for u in UTTERANCES) / len(UTTERANCES) > 0.9
    texts = [clean(u.text) for u in UTTERANCES]
    assert len(texts) == len(set(texts))


def _stated(u: Utterance, vocab: Vocabulary) -> dict[str, Any]:
    got = understand(u.text, vocab=vocab, today=REFERENCE_DAY)
    out: dict[str, Any] = {"guard": got.guard, "follow_up": got.follow_up}
    for key in SLOT_KEYS:
        value = getattr(got.slots, key)
        out[key] = list(value) if isinstance(value, tuple) else value
    # 我们 is in most questions and not labelled; a pointer back (它, 第三名那家) always is.
    ref = got.slots.company_ref
    out["company_ref"] = None if ref == "self" and "company_ref" not in u.slots else ref
    return out


def _labelled(u: Utterance) -> dict[str, Any]:
    empty: dict[str, Any] = {k: ([] if k in ("companies", "years", "indicator_candidates") else None) for k in SLOT_KEYS}
    slots = {k: v for k, v in u.slots.items() if k in SLOT_KEYS or k == "company_ref"}
    return {"guard": u.guard, "follow_up": u.follow_up, "company_ref": None, **empty, **slots}


@pytest.mark.slow
def test_understanding_states_every_label(vocab: Vocabulary) -> None:
    """Slots, guards and follow-ups of every line, exactly (an unlabelled slot must be absent)."""
    wrong = {}
    for u in UTTERANCES:
        stated, labelled = _stated(u, vocab), _labelled(u)
        for key in ("companies", "years", "indicator_candidates"):
            stated[key] = stated[key] or []
        if stated != labelled:
            wrong[u.text] = {k: (stated[k], labelled[k]) for k in labelled if stated[k] != labelled[k]}
    assert wrong == {}


@pytest.mark.slow
def test_the_classifier_generalises_to_held_out_lines(vocab: Vocabulary) -> None:
    """Every fifth line held out: understanding (rules, classifier trained on the rest, thresholds)
    gets ≥ 90 % of their intents right and answers ≥ 90 % of them."""
    labelled = [u for u in UTTERANCES if u.intent is not None]
    held = labelled[::5]
    train = [u for i, u in enumerate(labelled) if i % 5]
    model = IntentClassifier.fit([masked_text(u.text, vocab=vocab) for u in train], [str(u.intent) for u in train])
    fold = replace(vocab, classifier=model)
    got = [understand(u.text, vocab=fold, today=REFERENCE_DAY).intent for u in held]
    right = sum(g == u.intent for g, u in zip(got, held, strict=True))
    assert right / len(held) >= 0.9
    assert sum(g is not None for g in got) / len(held) >= 0.9


@pytest.mark.slow
def test_training_is_deterministic(vocab: Vocabulary) -> None:
    labelled = [u for u in UTTERANCES if u.intent is not None]
    masked = [masked_text(u.text, vocab=vocab) for u in labelled]
    intents = [str(u.intent) for u in labelled]
    first, second = IntentClassifier.fit(masked, intents), IntentClassifier.fit(masked, intents)
    for text in ("我们总分多少", "E的I怎么算", "天气"):
        assert first.ranked(text) == second.ranked(text)


def test_a_malformed_line_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "utterances.jsonl"
    path.write_text('{"text": "我们总分", "intent": "my_total_points"}\n{"text": "x", "intent": "nonsense"}\n',
                    encoding="utf-8")
    with pytest.raises(UtteranceError, match=r"utterances.jsonl:2: .*nonsense"):
        load_utterances(path)
