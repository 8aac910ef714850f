"""A published run's indicator rows are exactly those of the indicator-by-indicator writer it had
before 2026-12-03 (kept here), on both stores: rows now go in firm by firm, nothing else changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from scoring import store
from scoring.demo.build import build_demo
from scoring.engine.engine import ScoreResult
from scoring.store.pipeline import score_year, system_for_year, write_sources, zone_systems


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = store.make_engine(store_url)
    yield eng
    eng.dispose()


def _old_rows(run_id: int, r: ScoreResult) -> list[tuple[Any, ...]]:
    """The rows as `scoring.store.runs._indicator_chunks` built them, indicator by indicator."""
    out: list[tuple[Any, ...]] = []
    for k, code in enumerate(r.codes):
        values = r.values[k].astype(object)
        values[np.isnan(r.values[k])] = None
        band = r.band[k].astype(object)
        band[r.band[k] < 0] = None
        out.extend(zip(
            [run_id] * r.size, r.usccs.tolist(), [code] * r.size, values.tolist(),
            np.round(r.normalized[k].astype(float), 6).tolist(), r.points[k].tolist(), r.weights[k].tolist(),
            r.missing[k].tolist(), band.tolist(), strict=True,
        ))
    return out


def test_indicator_rows_equal_the_old_writer(engine: Engine) -> None:
    demo = build_demo(n=150)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    year = max(demo.raw)
    system, content = system_for_year(year, zone_systems())
    ticks: list[int] = []
    run_id, result = score_year(engine=engine, system=system, content=content, year=year, progress=ticks.append)
    assert ticks == list(range(len(result.codes)))
    with engine.connect() as c:
        stored = c.execute(text(
            "SELECT run_id, uscc, indicator, value, normalized, points, weight, missing, band FROM indicatorscore"
            " WHERE run_id = :run"), {"run": run_id}).all()
    key = lambda row: (row[1], row[2])  # noqa: E731
    got = sorted((tuple(row) for row in stored), key=key)
    want = sorted(_old_rows(run_id, result), key=key)
    assert len(got) == result.size * len(result.codes)
    assert [tuple(None if v is None else (bool(v) if i == 7 else v) for i, v in enumerate(row)) for row in got] == want
