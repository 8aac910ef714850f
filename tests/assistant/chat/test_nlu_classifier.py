"""The classifier's direct arithmetic for one message is scikit-learn's `predict_proba`, exactly."""

from __future__ import annotations

import numpy as np
import sklearn

from assistant.chat.nlu.classifier import IntentClassifier, masked_text
from assistant.chat.nlu.utterances import DEFAULT_UTTERANCES, load_utterances
from tests.assistant.chat.nlu_vocab import shared_vocabulary


def test_the_direct_scores_are_predict_probas_on_every_labelled_line_and_odd_input() -> None:
    vocab = shared_vocabulary()
    classifier = vocab.classifier
    assert isinstance(classifier, IntentClassifier)
    assert classifier._direct is not None  # the fitted shape is the one the direct path knows
    texts = [masked_text(u.text, vocab=vocab) for u in load_utterances(DEFAULT_UTTERANCES)]
    texts += ["", " ", "zzzz", "😀", "E和E谁高" * 50, "ＡＢＣ"]
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        expected = np.vstack([classifier._model.predict_proba([t])[0] for t in texts])
    got = np.vstack([classifier._direct.probabilities(t) for t in texts])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    ranked = classifier.ranked(texts[0])
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)


def test_another_fitted_shape_falls_back_to_predict_proba() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer="char"), LogisticRegression()).fit(
        ["总分多少", "排第几", "总积分", "排名"], ["my_total_points", "rank_in_stage", "my_total_points", "rank_in_stage"])
    other = IntentClassifier(model)
    assert other._direct is None
    assert other.ranked("总分")[0][0] == "my_total_points"
