"""The one place that knows SQL (SQLModel): SQLite file by default, PostgreSQL by URL.

Tables follow SQLModel's family pattern; functions are keyword-only and take the session or engine
they work in. The store never computes points: it keeps what the engine produced. Publication is
atomic: a score run and all its rows are written in one transaction and the run is inserted already
`published`, so a reader sees either the whole new run or only the older ones.

Modules: `models` (tables), `db` (engine, pragmas, bulk inserts), `enterprises`, `raw` (batches,
values, conflicts), `runs` (publish, read), `portraits`, `gaps`, `pipeline` (store ↔ engine).
`from scoring import store` gives the first five's functions as `store.latest_run(...)`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.store.db import (
        BUSY_TIMEOUT_S,
        count_rows,
        make_engine,
    )
    from scoring.store.enterprises import (
        enterprise,
        enterprises_by_uscc,
        former_names,
        save_enterprises,
        short_names,
        upsert_enterprises,
    )
    from scoring.store.models import (
        CHUNK,
        Batch,
        CohortStat,
        Conflict,
        Enterprise,
        EnterpriseBase,
        EnterpriseScore,
        IndicatorScore,
        RawValue,
        RunMatrix,
        ScoreRun,
        SystemVersion,
    )
    from scoring.store.raw import (
        RAW_COLUMNS,
        ROWS_PER_STATEMENT,
        SOURCE_PRECEDENCE,
        active_batch_ids,
        active_values,
        add_batch,
        add_conflicts,
        batch_value_count,
        find_import,
        get_batch,
        list_batches,
        list_conflicts,
        open_conflict_keys,
        raw_frames,
        resolve_conflict,
        revert_batch,
        value_precedence,
        write_field_values,
        write_raw,
        write_values,
    )
    from scoring.store.runs import (
        INDICATOR_COLUMNS,
        RunArrays,
        cohort_stats,
        enterprise_score,
        enterprise_trend,
        indicator_scores,
        latest_run,
        latest_runs_by_year,
        list_runs,
        newest_run_id,
        publication_signature,
        publish_run,
        run_arrays,
        run_scores,
        save_system,
        system_content,
        withdraw_run,
    )

# Loaded on first use (PEP 562): importing a sub-module (`scoring.store.models`) or the package stays
# cheap. tests/scoring/test_store_exports.py keeps this table whole.
_WHERE = {
    "BUSY_TIMEOUT_S": "scoring.store.db",
    "Batch": "scoring.store.models",
    "CHUNK": "scoring.store.models",
    "CohortStat": "scoring.store.models",
    "Conflict": "scoring.store.models",
    "Enterprise": "scoring.store.models",
    "EnterpriseBase": "scoring.store.models",
    "EnterpriseScore": "scoring.store.models",
    "INDICATOR_COLUMNS": "scoring.store.runs",
    "IndicatorScore": "scoring.store.models",
    "RAW_COLUMNS": "scoring.store.raw",
    "ROWS_PER_STATEMENT": "scoring.store.raw",
    "RawValue": "scoring.store.models",
    "RunArrays": "scoring.store.runs",
    "RunMatrix": "scoring.store.models",
    "SOURCE_PRECEDENCE": "scoring.store.raw",
    "ScoreRun": "scoring.store.models",
    "SystemVersion": "scoring.store.models",
    "active_batch_ids": "scoring.store.raw",
    "active_values": "scoring.store.raw",
    "add_batch": "scoring.store.raw",
    "add_conflicts": "scoring.store.raw",
    "batch_value_count": "scoring.store.raw",
    "cohort_stats": "scoring.store.runs",
    "count_rows": "scoring.store.db",
    "enterprise": "scoring.store.enterprises",
    "enterprise_score": "scoring.store.runs",
    "enterprise_trend": "scoring.store.runs",
    "enterprises_by_uscc": "scoring.store.enterprises",
    "find_import": "scoring.store.raw",
    "former_names": "scoring.store.enterprises",
    "get_batch": "scoring.store.raw",
    "indicator_scores": "scoring.store.runs",
    "latest_run": "scoring.store.runs",
    "latest_runs_by_year": "scoring.store.runs",
    "list_batches": "scoring.store.raw",
    "list_conflicts": "scoring.store.raw",
    "list_runs": "scoring.store.runs",
    "make_engine": "scoring.store.db",
    "newest_run_id": "scoring.store.runs",
    "open_conflict_keys": "scoring.store.raw",
    "publication_signature": "scoring.store.runs",
    "publish_run": "scoring.store.runs",
    "raw_frames": "scoring.store.raw",
    "resolve_conflict": "scoring.store.raw",
    "revert_batch": "scoring.store.raw",
    "run_arrays": "scoring.store.runs",
    "run_scores": "scoring.store.runs",
    "save_enterprises": "scoring.store.enterprises",
    "save_system": "scoring.store.runs",
    "short_names": "scoring.store.enterprises",
    "system_content": "scoring.store.runs",
    "upsert_enterprises": "scoring.store.enterprises",
    "value_precedence": "scoring.store.raw",
    "withdraw_run": "scoring.store.runs",
    "write_field_values": "scoring.store.raw",
    "write_raw": "scoring.store.raw",
    "write_values": "scoring.store.raw",
}

__all__ = [
    "BUSY_TIMEOUT_S",
    "Batch",
    "CHUNK",
    "CohortStat",
    "Conflict",
    "Enterprise",
    "EnterpriseBase",
    "EnterpriseScore",
    "INDICATOR_COLUMNS",
    "IndicatorScore",
    "RAW_COLUMNS",
    "ROWS_PER_STATEMENT",
    "RawValue",
    "RunArrays",
    "RunMatrix",
    "SOURCE_PRECEDENCE",
    "ScoreRun",
    "SystemVersion",
    "active_batch_ids",
    "active_values",
    "add_batch",
    "add_conflicts",
    "batch_value_count",
    "cohort_stats",
    "count_rows",
    "enterprise",
    "enterprise_score",
    "enterprise_trend",
    "enterprises_by_uscc",
    "find_import",
    "former_names",
    "get_batch",
    "indicator_scores",
    "latest_run",
    "latest_runs_by_year",
    "list_batches",
    "list_conflicts",
    "list_runs",
    "make_engine",
    "newest_run_id",
    "open_conflict_keys",
    "publication_signature",
    "publish_run",
    "raw_frames",
    "resolve_conflict",
    "revert_batch",
    "run_arrays",
    "run_scores",
    "save_enterprises",
    "save_system",
    "short_names",
    "system_content",
    "upsert_enterprises",
    "value_precedence",
    "withdraw_run",
    "write_field_values",
    "write_raw",
    "write_values",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module 'scoring.store' has no attribute {name!r}")
