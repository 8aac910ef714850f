"""The assistant's own word list, `data/assistant/lexicon.yaml`, validated.

What the system files do not say: colloquial indicator names, words that name several indicators,
category/stage/industry/policy names, how people point at an enterprise, and the words of
questions (removed before the rest of a message is taken as a company mention). An unknown
section or a malformed entry is refused with the file named, like the system loader does.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from innopoints_data import DATA_DIR

__all__ = ["ASSISTANT_DATA_DIR", "DEFAULT_LEXICON", "Lexicon", "LexiconError", "load_lexicon"]

ASSISTANT_DATA_DIR = DATA_DIR / "assistant"
DEFAULT_LEXICON = ASSISTANT_DATA_DIR / "lexicon.yaml"


class LexiconError(ValueError):
    """The lexicon file is missing or malformed (the message names the file and the problem)."""


class Refs(BaseModel):
    """Words that point at the asker's own enterprise, or at the one talked about before."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    self: list[str] = []
    previous: list[str] = []


class Lexicon(BaseModel):
    """The sections of lexicon.yaml (see the file's comments)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, list[str]] = {}
    ambiguous: dict[str, list[str]] = {}
    categories: dict[str, list[str]] = {}
    stages: dict[str, list[str]] = {}
    industries: dict[str, list[str]] = {}
    policies: dict[str, list[str]] = {}
    refs: Refs = Refs()
    function_words: list[str] = []


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """Read and validate a lexicon file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"{path}: 无法读取词表（{exc}）") from None
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: YAML 格式错误（{exc}）") from None
    try:
        return Lexicon.model_validate(data or {})
    except ValidationError as exc:
        raise LexiconError(f"{path}: {exc}") from None
