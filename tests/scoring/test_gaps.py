"""Gaps and self-report forms: what no source gave, asked of the enterprise, imported back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from assistant.cli.main import app
from scoring import store
from scoring.demo.build import Demo, build_demo
from scoring.engine.inputs import needed_fields
from scoring.errors import NotFound
from scoring.excel.gap_forms import KEY_HEADERS, TITLE_ROWS, form_header, write_form, write_forms
from scoring.store.gaps import find_gaps
from scoring.store.pipeline import system_for_year, write_sources, zone_systems
from scoring.systems.fields import default_fields

YEAR = 2024
N = 60


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo(n=N)


@pytest.fixture(scope="module")
def system():  # type: ignore[no-untyped-def]
    return system_for_year(YEAR, zone_systems())[0]


def _engine(path: Path, demo: Demo):  # type: ignore[no-untyped-def]
    engine = store.make_engine(f"sqlite:///{path}")
    write_sources(engine=engine, enterprises=demo.enterprises, raw=demo.raw, label="测试")
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, demo: Demo):  # type: ignore[no-untyped-def]
    return _engine(tmp_path_factory.mktemp("gaps") / "store.sqlite", demo)


def expected_gaps(demo: Demo, system, year: int) -> dict[str, set[tuple[str, int]]]:  # type: ignore[no-untyped-def]
    """Computed from the generated frames, independently of the store: NaN = no value."""
    fields = default_fields()
    out: dict[str, set[tuple[str, int]]] = {u: set() for u in demo.enterprises.index}
    for name, lag in needed_fields(system).items():
        spec = fields[name]
        for y in range(year - lag, year + 1):
            if y not in demo.raw:  # before the programme: no source has anything for the year
                continue
            if spec.is_text and spec.source in ("cert", "finance"):
                continue  # a list: not on it = no record
            for uscc in demo.raw[y].index[demo.raw[y][name].isna().to_numpy()]:
                out[uscc].add((name, y))
    return out


def test_gaps_are_exactly_the_missing_needed_values(engine, demo: Demo, system) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        report = find_gaps(session=session, year=YEAR, system=system)
    want = expected_gaps(demo, system, YEAR)
    got = {e.uscc: {(g.field, g.year) for g in e.gaps} for e in report.enterprises}
    assert got == {u: g for u, g in want.items() if g}
    assert report.checked == N and report.years == (2024, 2023)  # 2022 has no data at all
    assert any(g.source == "self_report" for e in report.enterprises for g in e.gaps)
    summary = report.summary()
    assert sum(r["missing"] for r in summary) == sum(len(g) for g in want.values())
    assert summary == sorted(summary, key=lambda r: (-r["missing"], -r["year"], r["field"]))


def test_first_year_has_no_lagged_gaps(engine, system) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        report = find_gaps(session=session, year=2023, system=system)
    assert report.years == (2023,)
    assert all(g.year == 2023 for e in report.enterprises for g in e.gaps)


def test_selected_enterprises_and_unknown_code(engine, demo: Demo, system) -> None:  # type: ignore[no-untyped-def]
    want = expected_gaps(demo, system, YEAR)
    uscc = next(u for u, g in want.items() if g)
    with Session(engine) as session:
        report = find_gaps(session=session, year=YEAR, usccs=[uscc], system=system)
        assert [e.uscc for e in report.enterprises] == [uscc]
        assert {(g.field, g.year) for g in report.enterprises[0].gaps} == want[uscc]
        with pytest.raises(NotFound, match="91320411MA00000000"):
            find_gaps(session=session, year=YEAR, usccs=["91320411MA00000000"], system=system)


def test_firm_founded_later_has_no_gap_in_earlier_years(tmp_path: Path, demo: Demo, system) -> None:  # type: ignore[no-untyped-def]
    """A firm founded in 2024 lacks 2023 revenue but was not there to have it."""
    young = demo.enterprises.index[0]
    ents = demo.enterprises.copy()
    ents.loc[young, "founding_date"] = date(2024, 5, 1)
    raw = {y: f.copy() for y, f in demo.raw.items()}
    raw[2023].loc[young, "revenue"] = np.nan
    older = demo.enterprises.index[1]
    raw[2023].loc[older, "revenue"] = np.nan
    engine = _engine(tmp_path / "s.sqlite", Demo(ents, raw))
    with Session(engine) as session:
        report = find_gaps(session=session, year=YEAR, usccs=[young, older], system=system)
    by = {e.uscc: {(g.field, g.year) for g in e.gaps} for e in report.enterprises}
    assert ("revenue", 2023) not in by.get(young, set())
    assert ("revenue", 2023) in by[older]


def test_reverted_batch_leaves_gaps(tmp_path: Path, demo: Demo, system) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(tmp_path / "s.sqlite", demo)
    with Session(engine) as session:
        batch = session.exec(select(store.Batch).where(store.Batch.source == "ip")).one()
        batch.status = "reverted"
        session.add(batch)
        session.commit()
        report = find_gaps(session=session, year=YEAR, system=system)
    lacking = {g.field for e in report.enterprises for g in e.gaps}
    ip_needed = {n for n in needed_fields(system) if default_fields()[n].source == "ip"}
    assert ip_needed <= lacking
    assert len(report.enterprises) == N


# ------------------------------------------------------------------------------------ forms
@pytest.fixture(scope="module")
def report(engine, system):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return find_gaps(session=session, year=YEAR, system=system)


def read_form(path: Path) -> tuple[list[object], list[object], openpyxl.Workbook]:
    book = openpyxl.load_workbook(path)
    sheet = book["企业填报"]
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[TITLE_ROWS]), list(rows[TITLE_ROWS + 1]), book


def test_form_lists_only_the_enterprises_gaps_of_the_year(tmp_path: Path, report, system) -> None:  # type: ignore[no-untyped-def]
    registry = default_fields()
    ent = max(report.enterprises, key=lambda e: len(e.of_year(YEAR)))
    path = write_form(tmp_path / "f.xlsx", enterprise=ent, year=YEAR, registry=registry)
    header, data, book = read_form(path)
    asked = [g for g in ent.of_year(YEAR) if g.asked]
    assert header == [*KEY_HEADERS, *(form_header(registry[g.field]) for g in asked)]
    assert data[:2] == [ent.uscc, ent.name] and all(v is None for v in data[2:])
    titles = [r[0] for r in book["企业填报"].iter_rows(max_row=TITLE_ROWS, values_only=True)]
    assert ent.name in titles[0] and str(YEAR) in titles[1] and titles[2].startswith("说明")
    guide = list(book["填写说明"].iter_rows(values_only=True))
    assert guide[0][0] == "数据项（表头）" and [r[0] for r in guide[1:]] == header[2:]


def test_form_validations(tmp_path: Path, report) -> None:  # type: ignore[no-untyped-def]
    registry = default_fields()
    ents = report.enterprises
    path = tmp_path / "all.xlsx"
    # One enterprise asked for every type the v1.x systems read.
    everything = type(ents[0])(ents[0].uscc, ents[0].name, tuple(
        g for g in {(g.field, g.year): g for e in ents for g in e.gaps}.values() if g.year == YEAR
    ))
    write_form(path, enterprise=everything, year=YEAR, registry=registry)
    header, _, book = read_form(path)
    sheet = book["企业填报"]
    rules = {str(c): dv for dv in sheet.data_validations.dataValidation for c in dv.sqref.ranges}
    data_row = TITLE_ROWS + 2
    kinds = set()
    for col, head in enumerate(header[2:], start=3):
        name = next(n for n, s in registry.items() if form_header(s) == head)
        spec = registry[name]
        rule = rules.get(f"{openpyxl.utils.get_column_letter(col)}{data_row}")
        kinds.add(spec.type)
        if spec.type == "flag":
            assert rule is not None and rule.type == "list" and rule.formula1 == '"是,否"'
        elif spec.type == "count":
            assert rule is not None and rule.type == "whole" and rule.formula1 == "0"
        elif spec.type == "amount" and not spec.signed:
            assert rule is not None and rule.type == "decimal"
    assert {"flag", "count", "amount"} <= kinds


def test_text_choices_become_a_dropdown(tmp_path: Path, report) -> None:  # type: ignore[no-untyped-def]
    from scoring.store.gaps import EnterpriseGaps, Gap

    registry = default_fields()
    spec = registry["tax_credit_grade"]
    ent = EnterpriseGaps("913204112662061027", "常州测试有限公司",
                         (Gap("tax_credit_grade", YEAR, spec.name, spec.unit, spec.source),))
    write_form(tmp_path / "t.xlsx", enterprise=ent, year=YEAR, registry=registry)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["企业填报"]
    (rule,) = sheet.data_validations.dataValidation
    assert rule.formula1 == '"A,B,M,C,D"'


def test_write_forms_one_per_enterprise_and_year(tmp_path: Path, report, system) -> None:  # type: ignore[no-untyped-def]
    paths = write_forms(report, tmp_path / "forms", registry=default_fields(), system=system)
    want = {f"{e.uscc}_{y}.xlsx" for e in report.enterprises for y in {g.year for g in e.gaps if g.asked}}
    assert {p.name for p in paths} == want
    guide = list(openpyxl.load_workbook(paths[0])["填写说明"].iter_rows(values_only=True))
    assert any("用于指标" in str(r[3]) for r in guide[1:])


# ------------------------------------------------------------------------------------ CLI
def test_cli_gaps_json_and_forms(tmp_path: Path, engine, monkeypatch: pytest.MonkeyPatch, report) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    src = engine.url.database
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(data / "innopoints.sqlite") as b:
        a.backup(b)
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(data))
    uscc = report.enterprises[0].uscc
    result = CliRunner().invoke(app, ["gaps", "--year", str(YEAR), "--uscc", uscc, "--json",
                                      "--forms", str(tmp_path / "forms")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["year"] == YEAR and out["enterprises_checked"] == 1
    assert [e["uscc"] for e in out["enterprises"]] == [uscc]
    assert len(out["forms"]) >= 1 and all(Path(p).exists() for p in out["forms"])
    text = CliRunner().invoke(app, ["gaps", "--year", str(YEAR)])
    assert text.exit_code == 0 and "数据缺口" in text.output and "缺失企业数" in text.output
    bad = CliRunner().invoke(app, ["gaps", "--year", str(YEAR), "--uscc", "91320411MA1MXXXX0X"])
    assert bad.exit_code == 1 and "统一社会信用代码" in bad.output


# ------------------------------------------------------------------------------------ round trip
FILL = {"flag": "是", "count": 3, "years": 2, "amount": 12.5, "text": "A"}


def fill_form(path: Path, registry) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Fill every value cell as an enterprise would; return field → what the store should hold."""
    book = openpyxl.load_workbook(path)
    sheet = book["企业填报"]
    header = [c.value for c in sheet[TITLE_ROWS + 1]]
    by_header = {form_header(s): (n, s) for n, s in registry.items()}
    want: dict[str, object] = {}
    for col, head in enumerate(header[2:], start=3):
        name, spec = by_header[head]
        value = FILL[spec.type]
        sheet.cell(TITLE_ROWS + 2, col, value)
        want[name] = 1.0 if value == "是" else value
    book.save(path)
    return want


def test_filled_form_imports_back_and_closes_the_gaps(
    tmp_path: Path, demo: Demo, system, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """gaps --forms → the enterprise fills the form → `innopoints import self_report` → no gap."""
    registry = default_fields()
    data = tmp_path / "data"
    data.mkdir()
    engine = _engine(data / "innopoints.sqlite", demo)
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", str(data))
    with Session(engine) as session:
        before = find_gaps(session=session, year=YEAR, system=system)
    # The enterprise with the most kinds of gaps this year: the form has flags, counts and amounts.
    ent = max(before.enterprises, key=lambda e: (len({registry[g.field].type for g in e.of_year(YEAR)}), e.uscc))
    made = CliRunner().invoke(app, ["gaps", "--year", str(YEAR), "--uscc", ent.uscc, "--forms", str(tmp_path / "forms"), "--json"])
    assert made.exit_code == 0, made.output
    path = Path(json.loads(made.stdout)["forms"][0])
    assert path.name == f"{ent.uscc}_{YEAR}.xlsx"
    want = fill_form(path, registry)
    assert len(want) == len([g for g in ent.of_year(YEAR) if g.asked]) >= 2
    result = CliRunner().invoke(app, ["import", "self_report", str(path), "--year", str(YEAR), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "imported" and report["values_written"] == len(want) and report["rows_imported"] == 1
    with Session(engine) as session:
        after = find_gaps(session=session, year=YEAR, system=system, usccs=[ent.uscc])
        frame = store.raw_frames(session=session, years=[YEAR], fields=list(want))[YEAR]
        sources = {r.field: r.source for r in session.exec(select(store.RawValue).where(
            store.RawValue.uscc == ent.uscc, store.RawValue.batch_id == report["batch_id"])).all()}
    left = {(g.field, g.year) for e in after.enterprises for g in e.gaps}
    assert not any(y == YEAR for _, y in left)  # this year's gaps are closed
    assert left == {(g.field, g.year) for g in ent.gaps if g.year != YEAR}
    for name, value in want.items():
        assert frame.loc[ent.uscc, name] == value, name
    assert set(sources) == set(want) and set(sources.values()) == {"self_report"}
    # Importing the same filled form again changes nothing.
    again = CliRunner().invoke(app, ["import", "企业填报", str(path), "--year", str(YEAR), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["status"] == "unchanged"


def test_blank_form_imports_nothing_and_keeps_the_gaps(tmp_path: Path, demo: Demo, system) -> None:  # type: ignore[no-untyped-def]
    """A form sent back empty writes no values: blank is "not reported", never zero."""
    from scoring.ingest.importer import import_file

    registry = default_fields()
    engine = _engine(tmp_path / "s.sqlite", demo)
    with Session(engine) as session:
        before = find_gaps(session=session, year=YEAR, system=system)
    ent = before.enterprises[0]
    path = write_form(tmp_path / "blank.xlsx", enterprise=ent, year=YEAR, registry=registry)
    report = import_file(engine=engine, source="self_report", path=path, year=YEAR)
    assert report.status == "imported" and report.values_written == 0, report.to_text()
    with Session(engine) as session:
        after = find_gaps(session=session, year=YEAR, system=system, usccs=[ent.uscc])
    assert after.enterprises[0].gaps == ent.gaps
