"""Score runs: every run and one run (metadata only, so public: no points in them)."""

from __future__ import annotations

from sqlmodel import Session

from scoring import store
from scoring.errors import NotFound


def all_runs(*, session: Session) -> list[store.ScoreRun]:
    """Every run, zone and evaluation, published or withdrawn, by year then id."""
    return store.list_runs(session=session)


def one_run(*, session: Session, run_id: int) -> store.ScoreRun:
    """One run by id; NotFound if there is none."""
    run = session.get(store.ScoreRun, run_id)
    if run is None:
        raise NotFound(f"没有第 {run_id} 次评分")
    return run


__all__ = ["all_runs", "one_run"]
