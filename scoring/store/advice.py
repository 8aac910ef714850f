"""Every enterprise's improvement advice, kept with its run (computed by the engine at publish time).

A portrait reads an enterprise's few rows by primary key instead of re-scoring what-ifs on every
request. The rows are written in the run's own transaction and never change; a withdrawn run
keeps them, and since portraits read the year's published run, a withdrawn run's advice is no
longer served.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from scoring.engine.advice import KINDS, AdviceTable
from scoring.store.db import _fast_insert
from scoring.store.models import EnterpriseAdvice

ADVICE_COLUMNS = ["run_id", "uscc", "position", "indicator", "kind", "current", "target", "points_now",
                  "points_then", "gain"]


def write_advice(session: Session, *, run_id: int, usccs: np.ndarray, codes: list[str], table: AdviceTable) -> int:
    """Insert a run's advice rows (inside the caller's transaction); return how many."""
    return _fast_insert(session, EnterpriseAdvice, ADVICE_COLUMNS, _rows(run_id, usccs, codes, table))


def _rows(run_id: int, usccs: np.ndarray, codes: list[str], t: AdviceTable) -> Iterable[tuple[Any, ...]]:
    current = t.current.astype(object)
    current[np.isnan(t.current)] = None
    return zip(
        [run_id] * len(t), usccs[t.firm].tolist(), t.position().tolist(), np.array(codes, dtype=object)[t.indicator].tolist(),
        np.array(KINDS, dtype=object)[t.kind].tolist(), current.tolist(), t.target.tolist(), t.points_now.tolist(),
        t.points_then.tolist(), t.gain.tolist(), strict=True,
    )


def enterprise_advice(*, session: Session, run_id: int, uscc: str) -> list[EnterpriseAdvice]:
    """An enterprise's advice in a run, the largest gain first."""
    stmt = (select(EnterpriseAdvice).where(EnterpriseAdvice.run_id == run_id, EnterpriseAdvice.uscc == uscc)
            .order_by(col(EnterpriseAdvice.position)))
    return list(session.exec(stmt).all())


__all__ = ["ADVICE_COLUMNS", "enterprise_advice", "write_advice"]
