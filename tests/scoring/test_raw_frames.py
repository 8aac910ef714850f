"""`raw_frames` (numpy over code arrays) returns exactly the frames of the pandas code it replaced
(`raw_frames_reference`), on both stores, with every rule of precedence in play: an owner source
over self-report, a newer batch of a source over an older one, text values, a reverted batch."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.demo.build import build_demo
from scoring.store.pipeline import write_sources
from scoring.systems.fields import default_fields
from tests.scoring.raw_frames_reference import raw_frames_reference


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = store.make_engine(store_url)
    yield eng
    eng.dispose()


def _overlap(engine: Engine, years: list[int], raw: dict[int, pd.DataFrame]) -> None:
    """Batches that give values a second time: self-report of owned fields, a newer tax file
    changing some, and a reverted one that must be ignored."""
    registry = default_fields()
    tax = [c for c in raw[years[-1]].columns if registry[c].source == "tax"][:4]
    texts = [c for c in raw[years[-1]].columns if registry[c].is_text][:2]
    with Session(engine) as session:
        for source, cols, factor in (("self_report", tax, 2.0), ("tax", tax[:2], 3.0), ("self_report", tax, 5.0)):
            batch = store.add_batch(session=session, source=source, file=f"again:{source}")
            for year in years:
                part = raw[year][cols].iloc[::3] * factor
                store.write_raw(session=session, batch=batch, year=year, frame=part)
        batch = store.add_batch(session=session, source="self_report", file="again:texts")
        part = raw[years[-1]][texts].iloc[::2].astype(str) + "·自报"
        store.write_raw(session=session, batch=batch, year=years[-1], frame=part, text_fields=texts)
        # A text value where the owner gave a number: the cell keeps the owner's.
        mixed = raw[years[-1]][tax[3:4]].iloc[::4].astype(str)
        store.write_raw(session=session, batch=batch, year=years[-1], frame=mixed, text_fields=tax[3:4])
        session.commit()
        reverted = store.add_batch(session=session, source="tax", file="reverted")
        store.write_raw(session=session, batch=reverted, year=years[-1], frame=raw[years[-1]][tax] * 7.0)
        session.commit()
        reverted_id = reverted.id
    assert reverted_id is not None
    store.revert_batch(engine=engine, batch_id=reverted_id)


def test_raw_frames_equal_the_reference(engine: Engine) -> None:
    demo = build_demo(n=80)
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    years = sorted(demo.raw)
    _overlap(engine, years, demo.raw)
    some = sorted(demo.enterprises.index)[::7] if demo.enterprises.index.name == "uscc" else None
    fields = sorted(demo.raw[years[-1]].columns)[::5]
    cases: list[dict[str, object]] = [
        {"years": [*years, years[-1] + 1]}, {"years": years[-1:]}, {"years": years, "fields": fields},
        {"years": years, "usccs": some or sorted(demo.raw[years[-1]].index)[::7]},
        {"years": [years[0] - 5]}, {"years": years, "read_rows": 997},
    ]
    tax = [c for c in demo.raw[years[-1]].columns if default_fields()[c].source == "tax"][0]
    with Session(engine) as session:
        now = store.raw_frames(session=session, years=years)[years[-1]]
        first, second = demo.raw[years[-1]].index[0], demo.raw[years[-1]].index[1]
        assert now.loc[first, tax] == demo.raw[years[-1]].loc[first, tax] * 3.0  # the newer tax file
        assert now.loc[second, tax] == demo.raw[years[-1]].loc[second, tax]  # self-report lost
        for case in cases:
            new = store.raw_frames(session=session, **case)  # type: ignore[arg-type]
            old = raw_frames_reference(session=session, **{k: v for k, v in case.items() if k != "read_rows"})  # type: ignore[arg-type]
            assert list(new) == list(old)
            for year in old:
                pd.testing.assert_frame_equal(new[year], old[year], check_exact=True)
