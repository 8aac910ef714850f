"""Improvement advice computed for every enterprise at publish time (issue 11, item 23).

A small demo zone (every rule kind; a stage with fewer than MIN_GROUP firms) is scored and
published into a real SQLite store by the pipeline, with the zone's own systems and the two
official evaluations. For every enterprise of every run, the vectorised advice must be exactly
what the per-enterprise re-scoring (`advice_reference.improvements`, the code every portrait ran
before) gives — called as the portrait called it, and as the engine's plain function — and the
stored rows and the portrait must carry its first `TOP`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.demo.build import build_demo
from scoring.disclosure import MIN_GROUP
from scoring.engine.advice import (
    KINDS,
    TOP,
    AdviceTable,
    cohort_advice,
    make_advice,
    stats_quartiles,
)
from scoring.engine.stages import STAGE_CODES
from scoring.errors import StoreError
from scoring.store import migrate
from scoring.store.pipeline import score_year, system_for_year, write_sources, zone_systems
from scoring.store.portraits import portrait, stored_system
from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.loader import load_system
from scoring.systems.schema import IndicatorSystem
from tests.scoring.advice_reference import improvements

SIZE = 60  # the demo's mature stage (7 %) has four firms: a cohort under MIN_GROUP
EVALUATIONS = ("tsme-2017", "hte-2016")


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo zone at SIZE firms: zone runs of 2024 (v1.0) and 2025 (v1.1), evaluations of 2025."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('advice') / 'store.sqlite'}")
    demo = build_demo(n=SIZE)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    systems = zone_systems()
    for year in (2024, 2025):
        system, content = system_for_year(year, systems)
        score_year(engine=engine, system=system, content=content, year=year)
    for name in EVALUATIONS:
        path = SYSTEMS_DIR / f"{name}.yaml"
        score_year(engine=engine, system=load_system(path), content=path.read_text(encoding="utf-8"), year=2025)
    yield engine
    engine.dispose()


def _runs(engine: Engine) -> list[tuple[store.ScoreRun, IndicatorSystem, store.RunArrays, Any]]:
    with Session(engine) as session:
        out = []
        for run in store.list_runs(session=session):
            assert run.id is not None
            out.append((run, stored_system(session=session, version=run.system_version),
                        store.run_arrays(session=session, run_id=run.id), store.cohort_stats(session=session, run_id=run.id)))
        return out


def _as_portraits_asked(arrays: store.RunArrays, stats: Any, uscc: str) -> dict[str, Any]:
    """The reference's options exactly as `portrait` built them for every request before: the
    run's quartiles of indicators with MIN_GROUP known values (NaN for a rule the run keeps no
    quartiles of: so pandas read them back from zone runs, the only ones portrayed), none in a
    stage under MIN_GROUP firms."""
    i = int(np.flatnonzero(arrays.usccs == uscc)[0])
    stage = STAGE_CODES[int(arrays.stage[i])]
    small = int((arrays.stage == arrays.stage[i]).sum()) < MIN_GROUP
    figures = stats.astype({"p25": float, "p50": float, "p75": float}).to_dict("records")
    mine = {} if small else {r["indicator"]: r for r in figures if r["stage"] == stage}
    quartiles = {code: (c["p25"], c["p50"], c["p75"]) for code, c in mine.items()
                 if c.get("p25") is not None and (c.get("n") or 0) >= MIN_GROUP}
    return {"quartiles": quartiles, "cohort_targets": not small, "min_group": MIN_GROUP}


def _table_of(system: IndicatorSystem, arrays: store.RunArrays, stats: Any) -> AdviceTable:
    return cohort_advice(system, arrays, quartiles=stats_quartiles(system, stats), min_group=MIN_GROUP)


def test_the_zone_has_every_rule_kind_and_a_small_cohort(zone: Engine) -> None:
    for run, system, arrays, _ in _runs(zone):
        if run.kind == "zone":
            assert {ind.rule.kind for ind in system.indicators} >= {"bands", "percentile", "minmax", "linear", "yesno"}
            assert min(np.bincount(arrays.stage, minlength=len(STAGE_CODES))) < MIN_GROUP
    assert "levels" in {ind.rule.kind for _, system, _, _ in _runs(zone) for ind in system.indicators}


def test_every_enterprise_gets_the_per_enterprise_reference_exactly(zone: Engine) -> None:
    """All of each enterprise's advice, in order, field for field (texts included), under the
    portrait's disclosure rules and under the engine function's defaults."""
    checked = 0
    for _, system, arrays, stats in _runs(zone):
        as_published = _table_of(system, arrays, stats)
        plain = cohort_advice(system, arrays)
        for i, uscc in enumerate(arrays.usccs.tolist()):
            expected = improvements(system, arrays, uscc, top=10_000, **_as_portraits_asked(arrays, stats, uscc))
            assert as_published.for_firm(system, i) == expected, uscc
            assert plain.for_firm(system, i) == improvements(system, arrays, uscc, top=10_000), uscc
            checked += bool(expected)
    assert checked > SIZE  # most enterprises of most runs have advice: the comparison is not vacuous


def test_each_run_keeps_the_first_advice_and_the_portrait_shows_them(zone: Engine) -> None:
    with Session(zone) as session:
        for run, system, arrays, stats in _runs(zone):
            assert run.id is not None
            for uscc in arrays.usccs.tolist():
                expected = improvements(system, arrays, uscc, top=TOP, **_as_portraits_asked(arrays, stats, uscc))
                rows = store.enterprise_advice(session=session, run_id=run.id, uscc=uscc)
                kept = [make_advice(system.by_code[r.indicator], r.kind, current=r.current, target=r.target,
                                    points_now=r.points_now, points_then=r.points_then, gain=r.gain) for r in rows]
                assert kept == expected, (run.id, uscc)
                assert [r.position for r in rows] == list(range(len(rows)))
        newest = store.latest_run(session=session, year=2025)
        system = stored_system(session=session, version=newest.system_version)
        (_, _, arrays, stats), = [r for r in _runs(zone) if r[0].id == newest.id]
        for uscc in arrays.usccs.tolist()[:10]:
            expected = improvements(system, arrays, uscc, top=TOP, **_as_portraits_asked(arrays, stats, uscc))
            assert portrait(session=session, uscc=uscc, year=2025)["advice"] == [asdict(a) for a in expected]


def test_cohort_targets_need_a_group_and_are_never_one_firms_extreme(zone: Engine) -> None:
    """A quartile or median is offered only where the stage and the indicator's known values
    count MIN_GROUP firms, and is never the cohort's maximum or minimum held by one firm alone."""
    cohort_kinds = (KINDS.index("next_quartile"), KINDS.index("fill_missing"))
    seen = 0
    for _, system, arrays, stats in _runs(zone):
        table = _table_of(system, arrays, stats)
        for e in np.flatnonzero(np.isin(table.kind, cohort_kinds)).tolist():
            k, firm = int(table.indicator[e]), int(table.firm[e])
            cohort = arrays.values[k, arrays.stage == arrays.stage[firm]]
            known = cohort[~np.isnan(cohort)]
            assert known.size >= MIN_GROUP, (system.indicators[k].code, known.size)
            target = float(table.target[e])
            if target in (known.max(), known.min()):
                assert int((known == target).sum()) >= 2, (system.indicators[k].code, target)
            seen += 1
    assert seen > 100


def test_a_stage_under_min_group_gets_no_cohort_targets(zone: Engine) -> None:
    for _, system, arrays, stats in _runs(zone):
        sizes = np.bincount(arrays.stage, minlength=len(STAGE_CODES))
        table = _table_of(system, arrays, stats)
        small = sizes[arrays.stage[table.firm]] < MIN_GROUP
        assert small.any() or min(sizes[sizes > 0]) >= MIN_GROUP
        assert set(np.array(KINDS)[table.kind[small]].tolist()) <= {"next_band", "yes"}


# ------------------------------------------------------------------------------------ old stores
def test_a_store_with_runs_but_no_advice_table_is_refused_in_chinese(zone: Engine, tmp_path: Path) -> None:
    """What a store built by the previous version looks like: runs, and no advice kept with them."""
    path = tmp_path / "old.sqlite"
    source = sqlite3.connect(str(zone.url.database))
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        target.execute("drop table enterpriseadvice")
        target.execute("drop table alembic_version")  # it predates migrations
        target.commit()
    finally:
        source.close()
        target.close()
    for _ in range(2):  # refused again: the check does not create the table it found missing
        with pytest.raises(StoreError) as caught:
            store.make_engine(f"sqlite:///{path}")
        message = str(caught.value)
        assert "旧版本" in message and "缺少表 enterpriseadvice（提分建议）" in message
        assert "innopoints demo --force" in message and "\n" not in message


def test_a_store_without_runs_simply_gets_the_advice_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    store.make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:
        db.execute("drop table enterpriseadvice")
        db.execute("drop index ux_user_username_lower")  # a store made before migrations had neither
        db.execute("drop table alembic_version")
    # Adopted at the baseline, which creates the table; then behind like any store at 0001.
    with pytest.raises(migrate.StoreBehind):
        store.make_engine(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from enterpriseadvice").fetchone() == (0,)
