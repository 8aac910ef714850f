"""The search-quality data: the fixture of hand-made enterprises and the labelled query set."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import yaml

from scoring.uscc import is_valid_uscc

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "search_enterprises.yaml"
QUERIES = ROOT / "benchmarks" / "search_queries.jsonl"
DB = ROOT / "var" / "innopoints.sqlite"
TYPES = {
    "full_name", "short_name", "core_name", "typo", "swapped", "pinyin_full", "initials",
    "mixed", "traditional", "english", "former_name", "uscc", "product", "not_in_store",
    "not_in_store_famous",
}  # fmt: skip
REQUIRED = ("uscc", "name", "short_name", "former_names", "english_name", "products",
            "industry", "business_scope")  # fmt: skip


@pytest.fixture(scope="module")
def enterprises() -> list[dict]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["enterprises"]


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


def test_fixture_has_60_valid_distinct_enterprises(enterprises: list[dict]) -> None:
    assert len(enterprises) >= 60
    for e in enterprises:
        missing = [k for k in REQUIRED if k not in e]
        assert not missing, (e.get("name"), missing)
        assert is_valid_uscc(e["uscc"]) and e["uscc"] == e["uscc"].upper(), e["uscc"]
        assert e["name"] and e["short_name"] and e["products"] and e["industry"], e["name"]
        assert isinstance(e["former_names"], list) and len(e["former_names"]) <= 2, e["name"]
        assert e["name"].endswith(("公司", "厂")), e["name"]
    assert len({e["uscc"] for e in enterprises}) == len(enterprises)
    names = [n for e in enterprises for n in (e["name"], *e["former_names"])]
    assert len(set(names)) == len(names)
    assert sum(bool(e["former_names"]) for e in enterprises) >= 15
    assert sum(bool(e["english_name"]) for e in enterprises) >= 30


def test_query_set_has_400_queries_and_20_per_type(queries: list[dict]) -> None:
    assert len(queries) >= 400
    counts = Counter(q["type"] for q in queries)
    assert set(counts) == TYPES
    assert min(counts.values()) >= 20, counts
    assert len({q["id"] for q in queries}) == len(queries)
    for q in queries:
        assert q["query"].strip(), q
        assert bool(q["expected"]) == (not q["type"].startswith("not_in_store")), q


def test_every_expected_uscc_exists(enterprises: list[dict], queries: list[dict]) -> None:
    known = {e["uscc"] for e in enterprises}
    if DB.exists():
        with sqlite3.connect(DB) as con:
            known |= {row[0] for row in con.execute("SELECT uscc FROM enterprise")}
    else:  # the demo zone is deterministic: build its master data instead of reading the store
        from scoring.demo.build import build_demo

        known |= set(build_demo().enterprises.index)
    expected = {u for q in queries for u in q["expected"]}
    assert expected <= known, sorted(expected - known)[:5]
    assert all(is_valid_uscc(u) for u in expected)
