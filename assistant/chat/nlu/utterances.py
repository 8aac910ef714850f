"""The labelled utterances of `data/assistant/utterances.jsonl`, read and checked.

One JSON object a line (the format is in data/assistant/FORMAT.md): `text`, `intent` (an intent
name, or null for messages that only change slots or only attempt something), optional `slots`
(any of `Slots`' fields; years are written as of `REFERENCE_DAY`), `guard`, `follow_up`. The
classifier trains on the lines with an intent; the tests read every label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, get_args

from assistant.chat.intents import INTENTS
from assistant.chat.nlu.lexicon import ASSISTANT_DATA_DIR
from assistant.chat.understanding import Guard, Slots

__all__ = ["DEFAULT_UTTERANCES", "REFERENCE_DAY", "Utterance", "UtteranceError", "load_utterances"]

DEFAULT_UTTERANCES = ASSISTANT_DATA_DIR / "utterances.jsonl"
# Relative years in the labels (今年, 去年) are written as calendar years as of this day.
REFERENCE_DAY = date(2026, 5, 20)
_SLOT_NAMES = frozenset(f.name for f in fields(Slots))
_KEYS = frozenset({"text", "intent", "slots", "guard", "follow_up"})


class UtteranceError(ValueError):
    """A line of the utterance file is malformed (the message names the file and the line)."""


@dataclass(frozen=True)
class Utterance:
    """One labelled message."""

    text: str
    intent: str | None
    slots: dict[str, Any]
    guard: Guard | None = None
    follow_up: bool = False


def _parse(line: str, where: str) -> Utterance:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UtteranceError(f"{where}: 不是合法的 JSON（{exc.msg}）") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
        raise UtteranceError(f"{where}: 每行须是含非空 text 的对象")
    if unknown := set(obj) - _KEYS:
        raise UtteranceError(f"{where}: 未知的键 {sorted(unknown)}")
    intent = obj.get("intent")
    if intent is not None and intent not in INTENTS:
        raise UtteranceError(f"{where}: 未知的意图 {intent!r}（可选：{', '.join(INTENTS)}）")
    guard = obj.get("guard")
    if guard is not None and guard not in get_args(Guard):
        raise UtteranceError(f"{where}: 未知的 guard {guard!r}（可选：{', '.join(get_args(Guard))}）")
    slots = obj.get("slots") or {}
    if not isinstance(slots, dict) or (bad := set(slots) - _SLOT_NAMES):
        raise UtteranceError(f"{where}: 未知的槽位 {sorted(bad) if isinstance(slots, dict) else slots!r}")
    if intent is None and guard is None and not obj.get("follow_up"):
        raise UtteranceError(f"{where}: 没有意图的句子须标 guard 或 follow_up")
    return Utterance(obj["text"], intent, slots, guard, bool(obj.get("follow_up", False)))


def load_utterances(path: Path = DEFAULT_UTTERANCES) -> list[Utterance]:
    """Every labelled utterance of a file, in order; a malformed line is refused with its number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UtteranceError(f"{path}: 无法读取（{exc}）") from None
    return [_parse(line, f"{path}:{number}") for number, line in enumerate(text.splitlines(), 1) if line.strip()]
