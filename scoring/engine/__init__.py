"""The engine: stages, the vectorized scoring of one system over one year, explanations, advice."""

from scoring.engine.engine import ScoreResult, aggregate_categories, score_frames
from scoring.engine.explain import Advice, explain, improvements
from scoring.engine.inputs import build_env, needed_fields
from scoring.engine.stages import STAGE_CODES, assign_stages, stage_reason
from scoring.engine.summary import zone_summary

__all__ = [
    "STAGE_CODES",
    "Advice",
    "ScoreResult",
    "aggregate_categories",
    "assign_stages",
    "build_env",
    "explain",
    "improvements",
    "needed_fields",
    "score_frames",
    "stage_reason",
    "zone_summary",
]
