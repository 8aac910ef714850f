"""The scoring core: indicator systems as data, stages, the vectorized engine, the SQL store.

Sub-packages, lowest floor first (each imports only the floors below it):
`formula` (the safe expression language), `systems` (indicator systems as data and the rule
kinds), `engine` (stages, scoring, explanations, advice), `store` (the one place that knows SQL),
`ingest` (government files in), `excel` (workbooks out), `demo` (the demo zone).

Importing `scoring` is cheap: the names below are loaded on first use (PEP 562), so that
`scoring.uscc` or the CLI's `--help` do not pull in pandas and the engine.

>>> from scoring import load_system
>>> load_system("1.0").version
'1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from scoring.engine import ScoreResult, score_frames
    from scoring.errors import (
        InvalidIndicatorSystem,
        InvalidInput,
        NotFound,
        ScoringError,
        StoreError,
        UnknownRule,
    )
    from scoring.systems import STAGES, IndicatorSystem, find_system, load_system, parse_system

_WHERE = {
    "ScoreResult": "scoring.engine",
    "score_frames": "scoring.engine",
    "InvalidIndicatorSystem": "scoring.errors",
    "InvalidInput": "scoring.errors",
    "NotFound": "scoring.errors",
    "ScoringError": "scoring.errors",
    "StoreError": "scoring.errors",
    "UnknownRule": "scoring.errors",
    "STAGES": "scoring.systems",
    "IndicatorSystem": "scoring.systems",
    "find_system": "scoring.systems",
    "load_system": "scoring.systems",
    "parse_system": "scoring.systems",
}

__all__ = [
    "IndicatorSystem",
    "InvalidIndicatorSystem",
    "InvalidInput",
    "NotFound",
    "STAGES",
    "ScoreResult",
    "ScoringError",
    "StoreError",
    "UnknownRule",
    "find_system",
    "load_system",
    "parse_system",
    "score_frames",
]


__getattr__ = lazy_getattr(__name__, _WHERE)
