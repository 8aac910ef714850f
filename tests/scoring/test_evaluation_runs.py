"""Evaluation runs beside the zone's points, withdrawal of a zone run, and refusing an old store.

An official evaluation (科技型中小企业评价 tsme-2017, 高新技术企业认定 hte-2016) is scored by the
same engine but is never "the zone's points": every read of the zone's published runs skips it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.demo.build import Demo, build_demo
from scoring.errors import NotFound, StoreError
from scoring.store.pipeline import score_year, system_for_year, write_sources, zone_systems
from scoring.store.runs import publication_signature, withdraw_run
from scoring.systems.fields import SYSTEMS_DIR
from scoring.systems.loader import find_system, load_system

N = 40


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo(n=N)


@pytest.fixture
def engine(store_url: str, demo: Demo) -> Engine:
    engine = store.make_engine(store_url)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    return engine


def zone_run(engine: Engine, year: int) -> int:
    system, content = system_for_year(year, zone_systems())
    return score_year(engine=engine, system=system, content=content, year=year)[0]


def evaluation_run(engine: Engine, version: str, year: int) -> int:
    system = find_system(version, SYSTEMS_DIR)
    content = (SYSTEMS_DIR / f"{version}.yaml").read_text(encoding="utf-8")
    return score_year(engine=engine, system=system, content=content, year=year)[0]


# ------------------------------------------------------------------------------------ the marker
def test_system_files_say_whether_they_are_an_official_evaluation() -> None:
    kinds = {p.stem: load_system(p).kind for p in sorted(SYSTEMS_DIR.glob("*.yaml"))}
    assert kinds == {"hte-2016": "evaluation", "tsme-2017": "evaluation", "v1.0": "zone", "v1.1": "zone"}
    assert [s.version for s, _ in zone_systems()] == ["1.0", "1.1"]


def test_zone_versions_follow_the_marker_not_the_version_name(tmp_path: Path) -> None:
    text = (SYSTEMS_DIR / "v1.0.yaml").read_text(encoding="utf-8")
    # A zone version with a non-numeric name is still a zone version; a numeric one marked as an
    # evaluation is not (the old rule guessed from the name and got both wrong).
    (tmp_path / "zone.yaml").write_text(text.replace('version: "1.0"', 'version: "zone-2023"'), encoding="utf-8")
    (tmp_path / "eval.yaml").write_text(
        text.replace('version: "1.0"', 'version: "9.9"\nkind: evaluation'), encoding="utf-8")
    assert [s.version for s, _ in zone_systems(tmp_path)] == ["zone-2023"]


# ------------------------------------------------------------------------------------ evaluation runs
@pytest.mark.parametrize("version", ["tsme-2017", "hte-2016"])
def test_an_evaluation_run_never_becomes_the_zone_points(engine: Engine, version: str) -> None:
    zone_2024 = zone_run(engine, 2024)
    zone_2023 = zone_run(engine, 2023)
    evaluation = evaluation_run(engine, version, 2024)
    assert evaluation > zone_2024
    with Session(engine) as session:
        assert session.get(store.ScoreRun, evaluation).kind == "evaluation"  # type: ignore[union-attr]
        assert session.get(store.ScoreRun, zone_2024).kind == "zone"  # type: ignore[union-attr]
        assert store.latest_run(session=session, year=2024).id == zone_2024
        assert store.latest_run(session=session).id == zone_2024  # the newest zone year, not the evaluation
        assert {y: r.id for y, r in store.latest_runs_by_year(session=session).items()} == {2023: zone_2023, 2024: zone_2024}
        assert store.newest_run_id(session=session) == zone_2023  # the newest zone run (a later id)
        uscc = str(store.run_scores(session=session, run_id=zone_2024)["uscc"].iloc[0])
        trend = store.enterprise_trend(session=session, uscc=uscc)
        zone_total = store.enterprise_score(session=session, run_id=zone_2024, uscc=uscc).total
        assert [(t["year"], t["system"]) for t in trend] == [(2023, "1.0"), (2024, "1.0")]
        assert trend[-1]["total"] == zone_total
        # Still there, by id, with its own results.
        assert {r.id: r.kind for r in store.list_runs(session=session)}[evaluation] == "evaluation"
        assert len(store.run_scores(session=session, run_id=evaluation)) == N


def test_an_evaluation_alone_leaves_the_year_without_zone_points(engine: Engine) -> None:
    evaluation_run(engine, "tsme-2017", 2024)
    with Session(engine) as session, pytest.raises(NotFound, match="2024 年还没有发布的评分结果"):
        store.latest_run(session=session, year=2024)


# ------------------------------------------------------------------------------------ withdrawal
def test_withdrawing_a_zone_run_puts_the_previous_one_back(engine: Engine) -> None:
    first = zone_run(engine, 2024)
    second = zone_run(engine, 2024)
    with Session(engine) as session:
        assert store.latest_run(session=session, year=2024).id == second
        gone, now = withdraw_run(session=session, run_id=second)
        assert (gone.id, gone.status, now.id if now else None) == (second, "withdrawn", first)
        assert gone.withdrawn_at is not None
        assert store.latest_run(session=session, year=2024).id == first
        assert len(store.run_scores(session=session, run_id=second)) == N  # results kept
        with pytest.raises(StoreError, match=f"#{second} 已经撤回"):
            withdraw_run(session=session, run_id=second)
        gone, now = withdraw_run(session=session, run_id=first)
        assert now is None
        with pytest.raises(NotFound):
            store.latest_run(session=session, year=2024)


def test_withdrawal_refuses_unknown_and_evaluation_runs(engine: Engine) -> None:
    evaluation = evaluation_run(engine, "tsme-2017", 2024)
    with Session(engine) as session:
        with pytest.raises(NotFound, match="没有评分批次 #999"):
            withdraw_run(session=session, run_id=999)
        with pytest.raises(StoreError, match="官方评价"):
            withdraw_run(session=session, run_id=evaluation)
        assert session.get(store.ScoreRun, evaluation).status == "published"  # type: ignore[union-attr]


def test_publication_signature_changes_on_every_publication_and_withdrawal(engine: Engine) -> None:
    seen = []

    def look() -> None:
        with Session(engine) as session:
            seen.append(publication_signature(session=session))

    look()
    older = zone_run(engine, 2023)
    look()
    zone_run(engine, 2024)
    look()
    with Session(engine) as session:
        newest = store.newest_run_id(session=session)
        withdraw_run(session=session, run_id=older)  # an older year's run: the newest id stays
        assert store.newest_run_id(session=session) == newest
    look()
    assert seen == sorted(set(seen)) and len(seen) == 4


# ------------------------------------------------------------------------------------ old stores
def test_a_store_built_before_run_kinds_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    store.make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:  # what a store built by the previous version looks like
        db.execute("alter table scorerun drop column kind")
        db.execute("alter table scorerun drop column withdrawn_at")
        db.execute("drop table alembic_version")  # and it predates migrations
    with pytest.raises(StoreError) as caught:
        store.make_engine(f"sqlite:///{path}")
    message = str(caught.value)
    assert "旧版本" in message and "scorerun" in message and "kind、withdrawn_at" in message
    assert "innopoints demo --force" in message and "\n" not in message
