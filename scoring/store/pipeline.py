"""Score runs end to end: raw values from the store → engine → a published run.

The one place where the store and the engine meet; each stays ignorant of the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.disclosure import MIN_GROUP
from scoring.engine.advice import TOP, cohort_advice, stats_quartiles
from scoring.engine.engine import ScoreResult, score_frames
from scoring.engine.inputs import needed_fields
from scoring.errors import InvalidIndicatorSystem, NotFound
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.loader import load_system, system_files, system_text
from scoring.systems.schema import IndicatorSystem


def zone_systems(folder: Path = SYSTEMS_DIR) -> list[tuple[IndicatorSystem, str]]:
    """The zone's own yearly versions (v1.0, v1.1 …) with their file content, oldest first.

    Official evaluations (tsme-2017, hte-2016: `kind: evaluation`) live in the same folder but are
    not yearly versions of the zone's system.
    """
    out = []
    for path in system_files(folder):
        system = load_system(path)
        if system.kind == "zone":
            out.append((system, system_text(path)))
    return sorted(out, key=lambda pair: pair[0].year)


def system_for_year(year: int, systems: list[tuple[IndicatorSystem, str]]) -> tuple[IndicatorSystem, str]:
    """The newest version whose first year is not after `year`."""
    usable = [pair for pair in systems if pair[0].year <= year]
    if not usable:
        first = min((s.year for s, _ in systems), default=None)
        raise InvalidIndicatorSystem(f"{year} 年没有适用的指标体系（最早的版本从 {first} 年起适用）")
    return usable[-1]


def score_year(
    *,
    engine: Engine,
    system: IndicatorSystem,
    content: str,
    year: int,
    progress: Callable[[int], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> tuple[int, ScoreResult]:
    """Score one year from the store's raw values and publish the run atomically.

    The run's kind is the system's: an evaluation system's run never becomes the zone's points.
    Every enterprise's improvement advice is computed here too and kept with the run.
    `on_step` hears each step's Chinese name; `progress` each indicator written (0, 1, …).
    """
    step = on_step or (lambda _: None)
    started = datetime.now(UTC)
    need = needed_fields(system)
    years = list(range(year - max(need.values(), default=0), year + 1))
    step("读取原始数据")
    with Session(engine) as session:
        frames = store.raw_frames(session=session, years=years, fields=need)
        batches = store.active_batch_ids(session=session, years=years)
    if frames[year].empty:
        raise NotFound(f"{year} 年没有原始数据，无法评分")
    step("计算积分")
    result = score_frames(system, frames, year=year)
    step("测算提分建议")
    # Advice aims only at figures of groups of MIN_GROUP or more (never one firm's maximum): the
    # quartiles the run keeps, of indicators with at least MIN_GROUP known values in the stage.
    advice = cohort_advice(
        system, result, quartiles=stats_quartiles(system, result.cohort_stats), min_group=MIN_GROUP, top=TOP,
    )
    step("写入评分结果")
    run_id = store.publish_run(
        engine=engine, system=system, content=content, result=result, advice=advice,
        input_batches=batches, started_at=started, progress=progress,
    )
    return run_id, result


def evaluate(
    *, engine: Engine, system: IndicatorSystem, year: int, usccs: Iterable[str] | None = None,
) -> ScoreResult:
    """Score the enterprises of `year` now (`usccs`: only these), writing nothing (no run, no
    batch): "would we pass?".

    With `usccs`, only their raw values are read when every rule of the system scores an
    enterprise on its own values (the official evaluations: bands, expert input); a system with
    cohort rules (percentile, min–max) is scored over every enterprise of the year, since a cohort
    of one would give other points, and the result then holds them all. Raises NotFound when none
    of them has raw data for `year`.
    """
    wanted = None if usccs is None else sorted(set(usccs))
    cohort = any(ind.rule.uses_cohort for ind in system.indicators)
    need = needed_fields(system)
    years = list(range(year - max(need.values(), default=0), year + 1))
    with Session(engine) as session:
        frames = store.raw_frames(session=session, years=years, fields=need, usccs=None if cohort else wanted)
    if frames[year].empty or (wanted is not None and not frames[year].index.isin(wanted).any()):
        raise NotFound(f"{year} 年没有{'这些企业的' if wanted else ''}原始数据，无法评价")
    return score_frames(system, frames, year=year)


def write_sources(
    *,
    engine: Engine,
    enterprises: pd.DataFrame,
    raw: Mapping[int, pd.DataFrame],
    label: str = "示范园区",
    on_source: Callable[[str], None] | None = None,
) -> list[int]:
    """Store master data and raw values, one batch per owner source; return the batch ids.

    Issue 4's importer replaces this direct path with real source files.
    """
    registry = default_fields()
    by_source: dict[str, list[str]] = {}
    for name, spec in registry.items():
        by_source.setdefault(spec.source, []).append(name)
    ids = []
    with Session(engine) as session:
        store.upsert_enterprises(session=session, frame=enterprises)
        for source, names in sorted(by_source.items()):
            batch = store.add_batch(session=session, source=source, file=f"{label}:{source}")
            for year, frame in sorted(raw.items()):
                cols = [c for c in names if c in frame.columns]
                store.write_raw(
                    session=session, batch=batch, year=year, frame=frame[cols],
                    units={c: registry[c].unit for c in cols},
                    text_fields=[c for c in cols if registry[c].is_text],
                )
            assert batch.id is not None
            ids.append(batch.id)
            if on_source:
                on_source(source)
        session.commit()
    return ids
