"""PLACEHOLDER (branch chat-dialogue only): the merge replaces this file with the answers helper's.

`ungrounded(reply, facts, *, user_text="")`: the numbers of `reply` found in no fact (years and
numbers the user typed excepted); [] means grounded. This stand-in compares plain decimals only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.chat.reply import Fact

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def ungrounded(reply: str, facts: Sequence[Fact], *, user_text: str = "") -> list[str]:
    """PLACEHOLDER: numbers of the reply that are neither a fact's value, a year nor typed by the user."""
    typed = set(_NUMBER.findall(user_text))
    values = [f.value for f in facts if isinstance(f.value, int | float) and not isinstance(f.value, bool)]
    out = []
    for number in _NUMBER.findall(reply):
        if number in typed or (len(number) == 4 and number.startswith("20")):
            continue
        decimals = len(number.partition(".")[2])
        if not any(round(float(v), decimals) == float(number) for v in values):
            out.append(number)
    return out


__all__ = ["ungrounded"]
