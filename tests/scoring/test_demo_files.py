"""The demo zone as source files: the formats a zone receives, imported back value for value."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from assistant.cli.main import app
from scoring import store
from scoring.demo.build import Demo, build_demo
from scoring.demo.files import LAYOUTS, SOURCES_DIR, SourceFile, import_demo_files, write_demo_files
from scoring.store.pipeline import score_year, system_for_year, write_sources, zone_systems
from scoring.systems.fields import default_fields

N = 300
YEARS = (2023, 2024, 2025)


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo(n=N, seed=77)


@pytest.fixture(scope="module")
def files(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> list[SourceFile]:
    return write_demo_files(demo, tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def imported(files: list[SourceFile], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('via-files') / 's.sqlite'}")
    import_demo_files(engine=engine, files=files)
    return engine


@pytest.fixture(scope="module")
def direct(demo: Demo, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('direct') / 's.sqlite'}")
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="直接写入")
    return engine


def by_name(files: list[SourceFile], stem: str) -> list[SourceFile]:
    return [f for f in files if f.path.name.startswith(stem)]


def headers_of(source: str) -> dict[str, list[str]]:
    doc = yaml.safe_load((SOURCES_DIR / f"{source}.yaml").read_text(encoding="utf-8"))
    return {k: v["headers"] for k, v in (doc.get("columns") or {}).items()}


def csv_rows(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


# ------------------------------------------------------------------------------------ formats
def test_one_layout_per_source_register_first(files: list[SourceFile]) -> None:
    sources = [f.source for f in files]
    assert sources[0] == "register" and sources.index("tax") > sources.index("register")
    assert set(sources) == {layout.source for layout in LAYOUTS}
    for f in files:
        assert f.path.exists() and f.rows > 0


def test_register_is_utf8_with_bom_and_dates_in_chinese_forms(files: list[SourceFile], demo: Demo) -> None:
    reg = by_name(files, "市场监管")
    assert [f.year for f in reg] == list(YEARS)
    for f in reg:
        assert f.path.read_bytes().startswith(b"\xef\xbb\xbf")
    dates = {f.year: csv_rows(f.path, "utf-8-sig")[1] for f in reg}
    first = demo.enterprises["founding_date"].iloc[0]
    joined = [" ".join(r) for r in dates.values()]
    assert first.isoformat() in joined[0]
    assert f"{first.year}/{first.month}/{first.day}" in joined[1]
    assert f"{first.year}年{first.month}月{first.day}日" in joined[2]


def test_tax_is_gbk_in_yuan_and_wan_yuan(files: list[SourceFile], demo: Demo) -> None:
    tax = by_name(files, "税务")
    assert len(tax) == 3
    raw = tax[0].path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    heads = {f.year: csv_rows(f.path, "gbk")[0] for f in tax}
    assert any(h.endswith("（元）") for h in heads[2023])
    assert not any("元）" in h for h in heads[2024])  # the bare header: the mapping's 元
    assert any(h.endswith("（万元）") for h in heads[2025])
    rows24 = csv_rows(tax[1].path, "gbk")
    revenue_col = next(i for i, h in enumerate(rows24[0]) if h in headers_of("tax")["revenue"])
    uscc = rows24[1][0]
    assert rows24[1][revenue_col] == f"{round(demo.raw[2024].loc[uscc, 'revenue'] * 10000):,}"


def test_workbooks_have_titles_and_a_sheet_per_year(files: list[SourceFile]) -> None:
    for stem in ("知识产权", "资质认定"):
        (f,) = by_name(files, stem)
        book = openpyxl.load_workbook(f.path, read_only=True)
        assert book.sheetnames == [f"{y}年度" for y in YEARS]
        rows = list(book[book.sheetnames[0]].iter_rows(values_only=True, max_row=4))
        assert rows[0][0] and all(c is None for c in rows[0][1:])  # a title above the header
    (cert,) = by_name(files, "资质认定")
    rows = list(openpyxl.load_workbook(cert.path, read_only=True)["2024年度"].iter_rows(min_row=2, values_only=True))
    col = next(i for i, h in enumerate(rows[0]) if h in headers_of("cert")["hte_certified"])
    assert {r[col] for r in rows[1:]} == {"是", "否"}  # flags as a list office writes them


def test_header_variants_are_not_always_the_first(files: list[SourceFile]) -> None:
    later = 0
    for f in files:
        if f.path.suffix != ".csv" or f.source == "self_report":
            continue
        enc = next(layout.encoding for layout in LAYOUTS if layout.source == f.source)
        header = csv_rows(f.path, enc)[0]
        variants = headers_of(f.source)
        later += sum(1 for h in header for v in variants.values() if h in v[1:])
    assert later > 20


# ------------------------------------------------------------------------------------ round trip
def test_every_value_round_trips_exactly(imported, direct) -> None:  # type: ignore[no-untyped-def]
    with Session(imported) as a, Session(direct) as b:
        got, want = store.raw_frames(session=a, years=YEARS), store.raw_frames(session=b, years=YEARS)
    for year in YEARS:
        g, w = got[year].sort_index(), want[year].sort_index()
        assert sorted(g.columns) == sorted(w.columns)
        pd.testing.assert_frame_equal(g[w.columns], w, check_exact=True, check_dtype=False)


def test_master_data_round_trips(imported, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    with Session(imported) as s:
        rows = {e.uscc: e for e in s.exec(select(store.Enterprise)).all()}
    assert set(rows) == set(demo.enterprises.index)
    for uscc, want in demo.enterprises.iterrows():
        got = rows[uscc]
        assert got.name == want["name"] and got.founding_date == want["founding_date"]
        assert got.former_names == want["former_names"]
        assert got.address == want["address"] and got.business_scope == want["business_scope"]
        assert got.english_name == (None if pd.isna(want["english_name"]) else want["english_name"])
        # Written with rotating separators and code spellings (SZ300750, 300750), read back as stored.
        assert (got.aliases, got.stock_codes, got.stock_names) == (
            want["aliases"], want["stock_codes"], want["stock_names"])


def test_scores_equal_the_direct_path(imported, direct) -> None:  # type: ignore[no-untyped-def]
    systems = zone_systems()
    for year in (2024, 2025):
        system, content = system_for_year(year, systems)
        _, a = score_year(engine=imported, system=system, content=content, year=year)
        _, b = score_year(engine=direct, system=system, content=content, year=year)
        order = np.argsort(a.usccs), np.argsort(b.usccs)
        assert list(a.usccs[order[0]]) == list(b.usccs[order[1]])
        assert np.array_equal(np.asarray(a.total)[order[0]], np.asarray(b.total)[order[1]])
        assert np.array_equal(a.stage[order[0]], b.stage[order[1]])


def test_importing_the_files_again_changes_nothing(imported, files: list[SourceFile]) -> None:  # type: ignore[no-untyped-def]
    with Session(imported) as s:
        before = store.count_rows(session=s, table=store.RawValue)
    reports = import_demo_files(engine=imported, files=files)
    assert {r.status for r in reports} == {"unchanged"}
    with Session(imported) as s:
        assert store.count_rows(session=s, table=store.RawValue) == before


def test_every_registry_field_with_data_is_in_a_file(files: list[SourceFile], demo: Demo, imported) -> None:  # type: ignore[no-untyped-def]
    with Session(imported) as s:
        fields = {f for (f,) in s.connection().execute(select(store.RawValue.field).distinct())}
    known = {n for n, spec in default_fields().items() if demo.raw[2024][n].notna().any()}
    assert fields == known


def test_cli_demo_keeps_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["demo", "--size", "120", "--no-index"])
    assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in (tmp_path / "demo-sources").iterdir())
    assert len(kept) == 18 and any(n.endswith(".xlsx") for n in kept) and "数据来源文件" in result.output
    with Session(store.make_engine(f"sqlite:///{tmp_path / 'innopoints.sqlite'}")) as s:
        batches = store.list_batches(session=s)
    assert len(batches) == 18 and {b.file for b in batches} == set(kept)


def test_same_seed_same_bytes(demo: Demo, files: list[SourceFile], tmp_path: Path) -> None:
    again = write_demo_files(demo, tmp_path)
    assert [f.path.name for f in again] == [f.path.name for f in files]
    for a, b in zip(files, again, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.path.name
