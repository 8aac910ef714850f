"""A portrait shows no single other enterprise's figure (issue 11, item 12).

Eight startups on a real SQLite store: R2 (percentile of R&D staff, known for all eight) has one
firm far above the rest, whose exact count (4321) must reach no other firm's portrait — neither
as the cohort's maximum in the explanation nor as an advice target; R3 (percentile of invention
patents) is known for four firms only, so no cohort figure of it is shown, not even the median
that advice would offer a firm that has not reported it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.disclosure import MIN_GROUP
from scoring.engine.explain import show_value
from scoring.store.pipeline import score_year, write_sources
from scoring.store.portraits import portrait
from scoring.uscc import make_usccs
from tests.scoring.conftest import MINI, dump

TOP = 4321  # the one firm's R&D staff: a number no other figure of the zone has
STAFF = [1, 2, 3, 4, 5, 6, 7, TOP]
PATENTS = [2.0, 5.0, 9.0, 14.0, *[float("nan")] * 4]  # R3: four firms known, four missing
USCCS = make_usccs(np.random.default_rng(12), len(STAFF))


def _system() -> dict[str, Any]:
    doc = copy.deepcopy(MINI)
    next(i for i in doc["indicators"] if i["code"] == "P1")["weights"] = 2  # R3 takes 2 of the category's 10
    doc["indicators"].append({
        "code": "R3", "name": "发明专利排名", "category": "output", "source": "ip", "unit": "件",
        "formula": "invention_patents_valid", "rule": {"kind": "percentile"}, "weights": 2,
    })
    return doc


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Eight startups (revenue under 1000) scored and published for 2024."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'store.sqlite'}")
    n = len(STAFF)
    ents = pd.DataFrame(
        {"name": [f"常州第{i}科技有限公司" for i in range(n)], "short_name": [f"第{i}" for i in range(n)],
         "industry": ["软件"] * n, "former_names": [[] for _ in range(n)], "founding_date": [date(2020, 1, 1)] * n},
        index=pd.Index(USCCS, name="uscc"),
    )
    raw = {
        2023: pd.DataFrame({"revenue": [400.0] * n}, index=USCCS),
        2024: pd.DataFrame({"revenue": [500.0] * n, "rd_expense": [20.0] * n, "rd_staff": STAFF,
                            "invention_patents_valid": PATENTS, "credit_blacklist": [0] * n,
                            "age_years": [4] * n}, index=USCCS),
    }
    write_sources(engine=engine, enterprises=ents, raw=raw, label="测试")
    doc = _system()
    from scoring.systems.loader import parse_system

    score_year(engine=engine, system=parse_system(dump(doc)), content=dump(doc), year=2024)
    yield engine
    engine.dispose()


def _portrait(engine: Engine, uscc: str) -> dict[str, Any]:
    with Session(engine) as session:
        return portrait(session=session, uscc=uscc, year=2024)


def _indicator(p: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in p["indicators"] if i["code"] == code)


def test_no_other_firm_sees_the_cohort_maximum(zone: Engine) -> None:
    for uscc, staff in zip(USCCS, STAFF, strict=True):
        if staff == TOP:
            continue
        p = _portrait(zone, uscc)
        text = json.dumps(p, ensure_ascii=False)
        assert show_value(TOP, "人") not in text, (uscc, _indicator(p, "R2")["explanation"])
        assert all(a["target"] != TOP for a in p["advice"]), p["advice"]


def test_cohort_figures_are_quartiles_and_the_mean(zone: Engine) -> None:
    explanation = _indicator(_portrait(zone, USCCS[3]), "R2")["explanation"]
    mean = sum(STAFF) / len(STAFF)
    assert "初创期同类企业 8 家" in explanation and "上四分位 6人" in explanation, explanation
    assert f"平均 {show_value(mean, '人')}" in explanation, explanation
    assert "最高" not in explanation and "最低" not in explanation


def test_the_firm_above_the_top_quartile_gets_no_advice_towards_the_maximum(zone: Engine) -> None:
    """Firm 6 (7 staff, above p75 = 6): the only cohort figure above it is the maximum."""
    p = _portrait(zone, USCCS[6])
    assert not [a for a in p["advice"] if a["indicator"] == "R2"], p["advice"]


def test_an_indicator_known_for_fewer_than_five_shows_no_cohort_figure(zone: Engine) -> None:
    assert int(np.count_nonzero(~np.isnan(PATENTS))) < MIN_GROUP
    for uscc, patents in zip(USCCS, PATENTS, strict=True):
        p = _portrait(zone, uscc)
        r3 = _indicator(p, "R3")["explanation"]
        assert "同类企业不足 5 家，不显示同类企业数据" in r3, r3
        assert "四分位" not in r3 and "中位数" not in r3 and "平均" not in r3
        # Neither a quartile to aim at nor the median of the four as the value to report.
        assert not [a for a in p["advice"] if a["indicator"] == "R3"], (patents, p["advice"])
    # The category benchmarks are over the whole stage (eight firms): still shown.
    assert all(c["stage_mean"] is not None for c in _portrait(zone, USCCS[0])["categories"])


def test_the_threshold_is_what_holds_back_the_median(zone: Engine) -> None:
    """The engine function alone (no threshold) offers firm 4 the median of R3's four known
    values; the run's advice, with the threshold, does not (above). The maximum is never a target."""
    from scoring.engine.advice import cohort_advice
    from scoring.store.portraits import stored_system

    with Session(zone) as session:
        run = store.latest_run(session=session, year=2024)
        assert run.id is not None
        arrays = store.run_arrays(session=session, run_id=run.id)
        system = stored_system(session=session, version=run.system_version)
    row = int(np.flatnonzero(arrays.usccs == USCCS[4])[0])
    tips = {t.indicator: t for t in cohort_advice(system, arrays).for_firm(system, row)}
    assert tips["R3"].kind == "fill_missing"
    assert not [t for t in cohort_advice(system, arrays, min_group=MIN_GROUP).for_firm(system, row)
                if t.indicator == "R3"]
    everyone = cohort_advice(system, arrays)
    assert not [t for i in range(len(USCCS)) for t in everyone.for_firm(system, i) if t.target == TOP]
