"""Shared helpers for scoring tests: a small valid system to break, and frame builders."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest
import yaml

MINI: dict[str, Any] = {
    "version": "t1",
    "name": "测试体系",
    "year": 2024,
    "stages": [
        {"stage": "mature", "when": "revenue >= 20000", "reason": "营业收入{revenue}万元"},
        {"stage": "growth", "when": "revenue >= 1000", "reason": "营业收入{revenue}万元"},
        {"stage": "startup", "when": "true", "reason": "成立{age_years}年，营业收入{revenue}万元"},
    ],
    "categories": [
        {"code": "input", "name": "投入", "max_points": 10},
        {"code": "output", "name": "产出", "max_points": 10},
    ],
    "indicators": [
        {
            "code": "R1", "name": "研发强度", "category": "input", "source": "tax", "unit": "%",
            "formula": "rd_expense / revenue",
            "rule": {"kind": "bands", "bands": [
                {"range": "(-inf, 0.03)", "points": 0},
                {"range": "[0.03, 0.1)", "points": 5},
                {"range": "[0.1, inf)", "points": 10},
            ]},
            "weights": {"startup": 6, "growth": 5, "development": 5, "mature": 4},
        },
        {
            "code": "R2", "name": "研发人员", "category": "input", "source": "hr", "unit": "人",
            "formula": "rd_staff", "rule": {"kind": "percentile"},
            "weights": {"startup": 4, "growth": 5, "development": 5, "mature": 6},
        },
        {
            "code": "G1", "name": "营收增长", "category": "output", "source": "tax", "unit": "%",
            "formula": "growth(revenue)",
            "rule": {"kind": "bands", "bands": [
                {"range": "(-inf, 0]", "points": 0},
                {"range": "(0, 0.1)", "points": 2},
                {"range": "[0.1, inf)", "points": 4},
            ]},
            "weights": 6,
        },
        {
            "code": "P1", "name": "发明专利", "category": "output", "source": "ip", "unit": "件",
            "formula": "invention_patents_valid", "rule": {"kind": "linear", "per_unit": 1, "cap": 4},
            "weights": 4,
        },
        {
            "code": "D1", "name": "失信扣分", "category": "output", "source": "credit",
            "formula": "credit_blacklist", "rule": {"kind": "deduction", "per_unit": 3, "cap": 3},
            "weights": 3,
        },
    ],
}


@pytest.fixture
def mini() -> dict[str, Any]:
    """A fresh, valid mini system as a dict (tests break copies of it)."""
    return copy.deepcopy(MINI)


def dump(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def frames(rows: dict[str, dict[str, Any]], prev: dict[str, dict[str, Any]] | None = None, *, year: int = 2024) -> dict[int, pd.DataFrame]:
    """Year frames from {uscc: {field: value}} for the year and optionally the year before."""
    out = {year: pd.DataFrame.from_dict(rows, orient="index")}
    if prev:
        out[year - 1] = pd.DataFrame.from_dict(prev, orient="index")
    for f in out.values():
        f.index.name = "uscc"
    return out
