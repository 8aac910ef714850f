"""The scoring core: indicator systems as data, stages, the vectorized engine, the SQL store."""

from scoring.engine import ScoreResult, score_frames
from scoring.errors import (
    InvalidIndicatorSystem,
    InvalidInput,
    NotFound,
    ScoringError,
    StoreError,
    UnknownRule,
)
from scoring.loader import find_system, load_system, parse_system
from scoring.schema import STAGES, IndicatorSystem

__all__ = [
    "STAGES",
    "IndicatorSystem",
    "InvalidIndicatorSystem",
    "InvalidInput",
    "NotFound",
    "ScoreResult",
    "ScoringError",
    "StoreError",
    "UnknownRule",
    "find_system",
    "load_system",
    "parse_system",
    "score_frames",
]
