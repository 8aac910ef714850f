"""Understanding: a typed message → intent, slots, guard and follow-up (`Understanding`).

Pure text work, no store and no caller. Build one `Vocabulary` when the service starts (it reads
the indicator systems, the store's industries and `data/assistant/lexicon.yaml`, and trains the
intent classifier on `data/assistant/utterances.jsonl`), then call `understand` per message:

>>> from datetime import date
>>> vocab = Vocabulary.from_systems(SYSTEMS_DIR)
>>> u = understand("我們去年研發費用佔比幾分", vocab=vocab, today=date(2026, 5, 20))
>>> u.intent, u.slots.company_ref, u.slots.years, u.slots.indicator
('indicator_value_score', 'self', (2025,), 'IN02')

Modules, in the order a message meets them: `text` (clean), `guard`, `numbers` (years, N, list
positions), `vocabulary` + `lexicon` (the words), `segment` (maximum matching, homophones, pinyin,
typos), `companies` (which leftover pieces are company names), `slots` (the rest, and the masked
text), `rules`, `classifier`, `follow_up`, `understand`.
"""

from __future__ import annotations

from assistant.chat.nlu.classifier import IntentClassifier
from assistant.chat.nlu.guard import detect_guard
from assistant.chat.nlu.text import MAX_MESSAGE_CHARS, MAX_UNDERSTOOD_CHARS, clean
from assistant.chat.nlu.understand import understand
from assistant.chat.nlu.vocabulary import SYSTEMS_DIR, Vocabulary

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_UNDERSTOOD_CHARS",
    "SYSTEMS_DIR",
    "IntentClassifier",
    "Vocabulary",
    "clean",
    "detect_guard",
    "understand",
]
