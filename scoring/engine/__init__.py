"""The engine: stages, the vectorized scoring of one system over one year, explanations, advice
(every enterprise's, computed when a run is published).

`explain` here is the module; its function of the same name is `scoring.engine.explain.explain`
(a lazy package cannot export both under one name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.lazy import lazy_getattr

if TYPE_CHECKING:
    from scoring.engine.advice import Advice, AdviceTable, cohort_advice
    from scoring.engine.engine import ScoreResult, aggregate_categories, score_frames
    from scoring.engine.inputs import build_env, needed_fields
    from scoring.engine.stages import STAGE_CODES, assign_stages, stage_reason
    from scoring.engine.summary import zone_summary

_WHERE = {
    "STAGE_CODES": "scoring.engine.stages",
    "Advice": "scoring.engine.advice",
    "AdviceTable": "scoring.engine.advice",
    "ScoreResult": "scoring.engine.engine",
    "aggregate_categories": "scoring.engine.engine",
    "assign_stages": "scoring.engine.stages",
    "build_env": "scoring.engine.inputs",
    "cohort_advice": "scoring.engine.advice",
    "needed_fields": "scoring.engine.inputs",
    "score_frames": "scoring.engine.engine",
    "stage_reason": "scoring.engine.stages",
    "zone_summary": "scoring.engine.summary",
}

__all__ = [
    "STAGE_CODES",
    "Advice",
    "AdviceTable",
    "ScoreResult",
    "aggregate_categories",
    "assign_stages",
    "build_env",
    "cohort_advice",
    "needed_fields",
    "score_frames",
    "stage_reason",
    "zone_summary",
]


__getattr__ = lazy_getattr(__name__, _WHERE)
