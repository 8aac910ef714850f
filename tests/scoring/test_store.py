"""The SQL store on a real SQLite file and a real PostgreSQL database: round trip and atomic
publication of runs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, select

from scoring import store
from scoring.errors import NotFound, StoreError
from scoring.store.pipeline import score_year
from scoring.systems.loader import parse_system
from tests.scoring.conftest import MINI, dump

CONTENT = dump(MINI)
SYSTEM = parse_system(CONTENT)
USCCS = ["91320411MA1MXXXX01", "91320411MA1MXXXX02", "91320411MA1MXXXX03"]


@pytest.fixture
def engine(store_url: str):  # type: ignore[no-untyped-def]
    eng = store.make_engine(store_url)
    ents = pd.DataFrame(
        {"name": ["常州甲科技有限公司", "常州乙材料有限公司", "江苏丙装备股份有限公司"],
         "short_name": ["甲科技", "乙材料", "丙装备"], "industry": ["软件", "新材料", "智能装备"],
         "former_names": [[], ["常州旧乙有限公司"], []], "founding_date": [date(2015, 3, 5)] * 3},
        index=pd.Index(USCCS, name="uscc"),
    )
    raw = {
        2023: pd.DataFrame({"revenue": [900.0, 1500.0, 25000.0]}, index=USCCS),
        2024: pd.DataFrame({"revenue": [1000.0, 1650.0, 26000.0], "rd_expense": [100.0, 10.1, 2600.0],
                            "rd_staff": [3, 5, 40], "invention_patents_valid": [0, 2, 9],
                            "credit_blacklist": [0, 0, 1], "age_years": [9, 9, 9]}, index=USCCS),
    }
    from scoring.store.pipeline import write_sources

    write_sources(engine=eng, enterprises=ents, raw=raw, label="测试")
    return eng


def test_raw_values_round_trip_with_provenance(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        frames = store.raw_frames(session=s, years=[2023, 2024])
        assert frames[2024].loc[USCCS[1], "rd_expense"] == 10.1
        assert frames[2023].loc[USCCS[2], "revenue"] == 25000.0
        ent = store.enterprise(session=s, uscc=USCCS[1])
        assert ent.former_names == ["常州旧乙有限公司"] and ent.founding_date == date(2015, 3, 5)
        rows = s.exec(select(store.RawValue).where(store.RawValue.field == "rd_expense")).all()
        assert {r.source for r in rows} == {"tax"} and all(r.batch_id for r in rows)


def test_run_round_trip(engine) -> None:  # type: ignore[no-untyped-def]
    run_id, result = score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024)
    with Session(engine) as s:
        run = store.latest_run(session=s, year=2024)
        assert run.id == run_id and run.system_version == "t1" and run.status == "published"
        assert run.input_batches
        scores = store.run_scores(session=s, run_id=run_id).set_index("uscc")
        for i, uscc in enumerate(result.usccs):
            assert scores.loc[uscc, "total"] == result.total[i]
            assert scores.loc[uscc, "rank"] == result.rank[i]
        inds = store.indicator_scores(session=s, run_id=run_id, uscc=USCCS[1])
        r1 = next(r for r in inds if r.indicator == "R1")
        assert r1.value == pytest.approx(10.1 / 1650) and r1.band == 0
        assert store.system_content(session=s, version="t1") == CONTENT
        assert not store.cohort_stats(session=s, run_id=run_id).empty


def test_failed_publication_leaves_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    first, _ = score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024)
    with Session(engine) as s:
        before = {t.__name__: store.count_rows(session=s, table=t) for t in (store.ScoreRun, store.EnterpriseScore, store.IndicatorScore, store.CohortStat)}

    def crash(chunk: int) -> None:
        if chunk == 2:  # half-way through the indicator rows
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024, progress=crash)
    with Session(engine) as s:
        after = {t.__name__: store.count_rows(session=s, table=t) for t in (store.ScoreRun, store.EnterpriseScore, store.IndicatorScore, store.CohortStat)}
        assert after == before
        assert store.latest_run(session=s, year=2024).id == first


def test_readers_see_the_old_run_until_the_new_one_commits(engine) -> None:  # type: ignore[no-untyped-def]
    first, _ = score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024)
    seen: list[int | None] = []

    def peek(chunk: int) -> None:
        with Session(engine) as reader:  # another connection, mid-transaction
            seen.append(store.latest_run(session=reader, year=2024).id)

    second, _ = score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024, progress=peek)
    assert seen and set(seen) == {first}
    with Session(engine) as s:
        assert store.latest_run(session=s, year=2024).id == second


def test_changed_file_under_an_old_version_is_refused(engine) -> None:  # type: ignore[no-untyped-def]
    score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2024)
    with pytest.raises(StoreError, match="已存在且内容不同"):
        score_year(engine=engine, system=SYSTEM, content=CONTENT + "\n# edited\n", year=2024)


def test_year_without_data_or_run(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="2030"):
        score_year(engine=engine, system=SYSTEM, content=CONTENT, year=2030)
    with Session(engine) as s, pytest.raises(NotFound, match="2031"):
        store.latest_run(session=s, year=2031)
