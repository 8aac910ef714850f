"""Understanding on held-out folds of its own labelled set: per-intent accuracy, rules, thresholds.

    python benchmarks/nlu_intents.py              # table
    python benchmarks/nlu_intents.py --json

This is *not* the assistant's quality figure (that is `benchmarks/assistant_quality.py`, on an
independent question set): the utterances here are the ones the classifier is trained on, so the
figures are cross-validated — 5 stratified folds; for each, the classifier is trained on the other
four and the whole of `understand` (rules, classifier, thresholds, slot checks) runs on the fold.

Printed:
- per intent: labelled lines, accuracy (the final intent equals the label; "not understood"
  counts as wrong), coverage (an intent was given), precision (right among those given);
- each rule's precision (how often the intent a rule settles is the label);
- the classifier alone: accuracy, expected calibration error (10 bins), and, over the messages no
  rule settles (the only ones it decides), for thresholds on its top probability the share it
  would answer and how many of those are right — the table `classifier.ACCEPT` and `MARGIN` were
  chosen from;
- training time (median of 3 fits on the whole set, one BLAS thread, as the service trains it);
- time to understand one message (every line once per run, 3 runs: p50 and p95 of each run, and
  the median run), with the classifier trained on the whole set as the service has it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after ROOT: benchmarks/scoring.py must not shadow the package

from stats import percentiles  # noqa: E402  (benchmarks/stats.py)

from assistant.chat.nlu import understand as understand_module  # noqa: E402
from assistant.chat.nlu.classifier import ACCEPT, MARGIN, IntentClassifier, masked_text  # noqa: E402
from assistant.chat.nlu.rules import rule_intent  # noqa: E402
from assistant.chat.nlu.slots import read_slots  # noqa: E402
from assistant.chat.nlu.text import clean  # noqa: E402
from assistant.chat.nlu.utterances import REFERENCE_DAY, load_utterances  # noqa: E402
from assistant.chat.nlu.vocabulary import Vocabulary  # noqa: E402
from scoring.demo.model import INDUSTRIES  # noqa: E402

FOLDS = 5
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _ece(confidences: list[float], right: list[bool], bins: int = 10) -> float:
    total, error = len(confidences), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo < c <= hi or (b == 0 and c == 0)]
        if idx:
            acc = sum(right[i] for i in idx) / len(idx)
            conf = sum(confidences[i] for i in idx) / len(idx)
            error += len(idx) / total * abs(acc - conf)
    return error


def run() -> dict[str, Any]:
    """Cross-validate understanding on the labelled set and time the training."""
    from sklearn.model_selection import StratifiedKFold

    vocab = Vocabulary.from_systems(industries=[i.name for i in INDUSTRIES], train=False)
    labelled = [u for u in load_utterances() if u.intent is not None]
    masked = [masked_text(u.text, vocab=vocab) for u in labelled]
    intents = [str(u.intent) for u in labelled]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=1)

    final: list[str | None] = [None] * len(labelled)
    top: list[tuple[str, float, float]] = [("", 0.0, 0.0)] * len(labelled)
    rules: list[str | None] = [None] * len(labelled)
    for train, test in folds.split(masked, intents):
        model = IntentClassifier.fit([masked[i] for i in train], [intents[i] for i in train])
        fold_vocab = replace(vocab, classifier=model)
        for i in test:
            u = labelled[i]
            final[i] = understand_module(u.text, vocab=fold_vocab, today=REFERENCE_DAY).intent
            ranked = model.ranked(masked[i])
            top[i] = (ranked[0][0], ranked[0][1], ranked[1][1])
            reading = read_slots(clean(u.text), vocab=vocab, today=REFERENCE_DAY)
            rules[i] = rule_intent(reading.masked, reading.slots)

    per_intent: dict[str, dict[str, float]] = {}
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, intent in enumerate(intents):
        by_intent[intent].append(i)
    for intent, idx in sorted(by_intent.items()):
        given = [i for i in idx if final[i] is not None]
        per_intent[intent] = {
            "n": len(idx),
            "accuracy": sum(final[i] == intent for i in idx) / len(idx),
            "coverage": len(given) / len(idx),
            "precision": sum(final[i] == intent for i in given) / len(given) if given else 0.0,
        }
    given_all = [i for i in range(len(labelled)) if final[i] is not None]
    overall = {
        "n": len(labelled),
        "accuracy": sum(final[i] == intents[i] for i in range(len(labelled))) / len(labelled),
        "coverage": len(given_all) / len(labelled),
        "precision": sum(final[i] == intents[i] for i in given_all) / len(given_all),
    }
    rule_hits: dict[str, Counter[bool]] = defaultdict(Counter)
    for i, r in enumerate(rules):
        if r is not None:
            rule_hits[r][r == intents[i]] += 1
    rule_table = {r: {"fired": c[True] + c[False], "precision": c[True] / (c[True] + c[False])}
                  for r, c in sorted(rule_hits.items())}

    right = [top[i][0] == intents[i] for i in range(len(labelled))]
    confidence = [top[i][1] for i in range(len(labelled))]
    # Thresholds matter only where no rule settles the intent: the table is over those messages.
    unruled = [i for i in range(len(labelled)) if rules[i] is None]
    thresholds = []
    for t in THRESHOLDS:
        kept = [i for i in unruled if top[i][1] >= t and top[i][1] - top[i][2] >= MARGIN]
        thresholds.append({"accept": t, "answered": len(kept) / len(unruled),
                           "right_when_answered": sum(right[i] for i in kept) / len(kept) if kept else 0.0})
    classifier = {"accuracy": sum(right) / len(right), "ece": _ece(confidence, right), "thresholds": thresholds,
                  "unruled": len(unruled), "unruled_accuracy": sum(right[i] for i in unruled) / len(unruled)}

    fits = []
    for _ in range(3):
        start = time.perf_counter()
        IntentClassifier.fit(masked, intents)
        fits.append(time.perf_counter() - start)
    service = replace(vocab, classifier=IntentClassifier.fit(masked, intents))
    runs = []
    for _ in range(3):
        times = []
        for u in load_utterances():
            start = time.perf_counter()
            understand_module(u.text, vocab=service, today=REFERENCE_DAY)
            times.append(time.perf_counter() - start)
        p50, p95 = percentiles(times, 50, 95)
        runs.append({"p50_ms": p50 * 1000, "p95_ms": p95 * 1000})
    latency = {"runs": runs, "median_p50_ms": statistics.median(r["p50_ms"] for r in runs),
               "median_p95_ms": statistics.median(r["p95_ms"] for r in runs)}
    return {"per_intent": per_intent, "latency": latency, "overall": overall, "rules": rule_table, "classifier": classifier,
            "accept": ACCEPT, "margin": MARGIN, "train_seconds_median": statistics.median(fits),
            "train_seconds_runs": fits}


def main() -> None:
    """Print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"{'intent':26} {'n':>4} {'accuracy':>9} {'coverage':>9} {'precision':>10}")
    for intent, row in {**result["per_intent"], "overall": result["overall"]}.items():
        print(f"{intent:26} {row['n']:>4} {row['accuracy']:>9.1%} {row['coverage']:>9.1%} {row['precision']:>10.1%}")
    print("\nrules: intent, fired, precision")
    for intent, row in result["rules"].items():
        print(f"  {intent:26} {row['fired']:>4} {row['precision']:>7.1%}")
    c = result["classifier"]
    print(f"\nclassifier alone: accuracy {c['accuracy']:.1%}, ECE {c['ece']:.3f}; "
          f"on the {c['unruled']} messages no rule settles: {c['unruled_accuracy']:.1%}; "
          f"margin {result['margin']}, ACCEPT now {result['accept']}")
    for row in c["thresholds"]:
        print(f"  p ≥ {row['accept']:.1f}: answers {row['answered']:6.1%}, right {row['right_when_answered']:6.1%}")
    runs = ", ".join(f"{s:.2f}" for s in result["train_seconds_runs"])
    print(f"\ntraining: median {result['train_seconds_median']:.2f} s (runs {runs})")
    lat = result["latency"]
    each = ", ".join(f"{r['p50_ms']:.1f}/{r['p95_ms']:.1f}" for r in lat["runs"])
    print(f"understand one message: p50 {lat['median_p50_ms']:.1f} ms, p95 {lat['median_p95_ms']:.1f} ms "
          f"(median of 3 runs; p50/p95 per run: {each})")


if __name__ == "__main__":
    main()
