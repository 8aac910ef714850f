"""Ratios in outputs read as the decimals they are (issue 11, item 17): 0.05, not 0.049999999999999996.

51.4 / 1028 is exactly 5 % in decimal and 0.049999999999999996 in binary floating point; a
portrait's value and its advice (JSON of the API and of `innopoints show --json`) and a score
file's cells show 0.05.
"""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from scoring import store
from scoring.excel.scorefile import score_file
from scoring.formula.significant import significant
from scoring.store.pipeline import score_year, write_sources
from scoring.store.portraits import portrait
from scoring.systems.fields import default_fields
from scoring.systems.loader import parse_system
from scoring.uscc import make_usccs
from tests.scoring.conftest import MINI, dump

RD, REVENUE = 51.4, 1028.0  # exactly 5 %
assert RD / REVENUE == 0.049999999999999996  # the float the issue is about
USCCS = make_usccs(np.random.default_rng(17), 2)

decimals = st.decimals(min_value=1, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)


@given(decimals, st.sampled_from([2, 4, 5, 8, 10, 16, 20, 25, 40, 125, 1000]))
def test_a_quotient_that_ends_comes_back_as_its_decimal(numerator: Any, divisor: int) -> None:
    """Any decimal divided by a number whose factors are 2 and 5 ends; the float noise goes."""
    exact = Fraction(numerator) / divisor
    assert significant(float(numerator) / divisor) == float(exact)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_rounding_moves_a_value_by_less_than_the_15th_digit(x: float) -> None:
    y = significant(x)
    assert abs(y - x) <= abs(x) * 5e-15 and significant(y) == y


def test_the_portrait_shows_the_decimal(tmp_path: Path) -> None:
    engine = store.make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    ents = pd.DataFrame(
        {"name": ["常州甲科技有限公司", "常州乙材料有限公司"], "short_name": ["甲", "乙"], "industry": ["软件"] * 2,
         "former_names": [[], []], "founding_date": [date(2020, 1, 1)] * 2},
        index=pd.Index(USCCS, name="uscc"),
    )
    raw = {
        2023: pd.DataFrame({"revenue": [REVENUE, 900.0]}, index=USCCS),
        2024: pd.DataFrame({"revenue": [REVENUE, 900.0], "rd_expense": [RD, 9.0], "rd_staff": [3, 4],
                            "invention_patents_valid": [1, 2], "credit_blacklist": [0, 0], "age_years": [4, 4]},
                           index=USCCS),
    }
    write_sources(engine=engine, enterprises=ents, raw=raw, label="测试")
    score_year(engine=engine, system=parse_system(dump(MINI)), content=dump(MINI), year=2024)
    with Session(engine) as session:
        p = portrait(session=session, uscc=USCCS[0], year=2024)
    engine.dispose()
    r1 = next(i for i in p["indicators"] if i["code"] == "R1")
    assert r1["value"] == 0.05 and r1["value_text"] == "5 %"
    tip = next(a for a in p["advice"] if a["indicator"] == "R1")  # 5 % → the next band at 10 %
    assert tip["current"] == 0.05 and tip["target"] == 0.1
    assert "0.049999" not in json.dumps(p)


def test_a_score_file_cell_shows_the_decimal(tmp_path: Path) -> None:
    """A ratio without the % unit is written to the workbook as a number: the decimal's (a guard:
    openpyxl writes a float's shortest repr, and the CSV writer rounds to 6 decimals)."""
    doc = copy.deepcopy(MINI)
    r1 = next(i for i in doc["indicators"] if i["code"] == "R1")
    r1["unit"], r1["name"] = "", "研发费用与营业收入之比"
    fields = default_fields()
    names = {f: f"{fields[f].name}（{fields[f].unit}）" if fields[f].unit else fields[f].name
             for f in ("revenue", "rd_expense", "rd_staff", "invention_patents_valid", "credit_blacklist", "age_years")}
    source = tmp_path / "企业.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["统一社会信用代码", *names.values(), f"{names['revenue']}[-1]"])
        out.writerow([USCCS[0], REVENUE, RD, 3, 1, "否", 4, REVENUE])
    result = score_file(parse_system(dump(doc)), source, tmp_path / "结果.xlsx", year=2024).path
    ws = openpyxl.load_workbook(result)["评分结果"]
    header, row = ([c.value for c in r] for r in ws.iter_rows(max_row=2))
    cell = dict(zip(header, row, strict=True))["R1 研发费用与营业收入之比"]
    assert cell == 0.05, cell
