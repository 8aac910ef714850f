"""Indicator names for the questions the dialogue asks back ("您指的是哪一项指标？").

Codes are what slots carry; people read names. The zone systems are read in year order so that
the newest version's name wins for an indicator that several versions share.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scoring.systems.loader import load_all


@lru_cache(maxsize=4)
def indicator_names(systems_dir: Path) -> dict[str, str]:
    """Indicator code → its Chinese name, over every zone system of the folder (newest wins)."""
    systems = sorted((s for s in load_all(systems_dir).values() if s.kind == "zone"), key=lambda s: s.year)
    return {i.code: i.name for s in systems for i in s.indicators}


__all__ = ["indicator_names"]
