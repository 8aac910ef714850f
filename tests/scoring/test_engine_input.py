"""Bad raw input is refused as a whole, every bad cell named, nothing scored."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.engine.engine import score_frames
from scoring.errors import InvalidInput
from scoring.systems.loader import parse_system
from tests.scoring.conftest import MINI, dump

SYSTEM = parse_system(dump(MINI))


def good() -> pd.DataFrame:
    return pd.DataFrame(
        {"revenue": ["500", "1200.5", "300"], "rd_expense": ["10", "20", "30"], "rd_staff": ["1", "2", "3"],
         "invention_patents_valid": ["0", "1", "2"], "credit_blacklist": ["0", "0", "1"]},
        index=pd.Index(["A", "B", "C"], name="uscc"),
    )


def test_text_numbers_from_a_csv_are_accepted() -> None:
    result = score_frames(SYSTEM, {2024: good()}, year=2024)
    assert result.size == 3 and result.values[result.codes.index("R1"), 1] == pytest.approx(20 / 1200.5)


def test_every_bad_cell_is_reported_at_once() -> None:
    frame = good()
    frame.loc["A", "revenue"] = "五百"
    frame.loc["B", "rd_staff"] = "-2"
    frame.loc["C", "invention_patents_valid"] = "1.5"
    frame.loc["C", "credit_blacklist"] = "2"
    with pytest.raises(InvalidInput) as info:
        score_frames(SYSTEM, {2024: frame}, year=2024)
    got = {(p.row, p.column, p.reason) for p in info.value.problems}
    assert ("企业 A", "revenue", "不是数字") in got
    assert any(r == "企业 B" and c == "rd_staff" and "不能为负数" in why for r, c, why in got)
    assert any(r == "企业 C" and c == "invention_patents_valid" and "整数" in why for r, c, why in got)
    assert any(r == "企业 C" and c == "credit_blacklist" and "0 或 1" in why for r, c, why in got)
    assert "4 处错误" in str(info.value)


def test_duplicate_enterprise_rows_are_refused() -> None:
    frame = pd.concat([good(), good().iloc[[1]]])
    with pytest.raises(InvalidInput, match="不止一行"):
        score_frames(SYSTEM, {2024: frame}, year=2024)


def test_year_without_data() -> None:
    with pytest.raises(InvalidInput, match="2030"):
        score_frames(SYSTEM, {2024: good()}, year=2030)
