"""One vocabulary for the understanding tests, built once per test session (it trains the
classifier): the shipped systems, lexicon and utterances, and the demo zone's industries."""

from __future__ import annotations

from functools import cache

from assistant.chat.nlu import SYSTEMS_DIR, Vocabulary
from scoring.demo.model import INDUSTRIES

# The store's industry names are those of the demo zone (scoring.demo.model.INDUSTRIES).
DEMO_INDUSTRIES = tuple(i.name for i in INDUSTRIES)


@cache
def shared_vocabulary() -> Vocabulary:
    """The vocabulary with its trained classifier (cached: tests only read it)."""
    return Vocabulary.from_systems(SYSTEMS_DIR, industries=DEMO_INDUSTRIES)
