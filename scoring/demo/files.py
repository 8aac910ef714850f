"""The demo zone as the files its sources would send, for ``innopoints demo`` to import.

One layout per source kind (``LAYOUTS``), in the shapes a zone office receives:

- 市场监管 (register): a CSV per year, UTF-8 with BOM, dates written three ways (2018-03-22,
  2018/3/22, 2018年3月22日), former names joined by ；, aliases and stock listings joined by 、, ；
  or / and stock codes written 300750.SZ, SZ300750 or 300750 (by year).
- 税务 (tax): a CSV per year in GBK; 2023 in 元 with the unit in the header (营业收入（元）), 2024 in 元
  under the bare header (the mapping's unit) with thousands separators, 2025 in 万元 (营业收入（万元）).
- 社保/人社 (hr): one GBK CSV with a 统计年度 column.
- 知识产权 (ip) and 资质认定 (cert): one workbook each, a sheet per year, title rows above the header,
  a year column; flags written 是/否.
- 统计 (stats): one UTF-8-with-BOM CSV with a year column, amounts in 万元 stated in the header (the
  mapping's default is 千元, and 千元 → 万元 cannot be exact in binary floating point).
- 信用 (credit): a plain UTF-8 CSV per year. 金融 (finance): a workbook per year with a title row.
- 企业填报 (self_report): one workbook with a 年度 column and the ``名称（单位）`` headers of the
  self-report form (``scoring.excel.gap_forms``).
- 专家评审 (review): one GB18030 CSV with a year column; only what experts have decided (the
  technical-field judgement), since points are assigned later.

Header variants are taken from ``data/sources/*.yaml`` and rotate by year and source, so the demo
does not always use the first. Values round-trip exactly: 万元 amounts are written with their two
decimals, 元 amounts as whole numbers (an exact integer divided by 10⁴ gives the same float as the
decimal 万元 text); a field with no value in any year (expert points) gets no column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from scoring.demo.build import Demo
from scoring.errors import InputProblem, InvalidInput
from scoring.excel.writer import write_rows
from scoring.systems.fields import DATA_DIR, default_fields
from scoring.systems.schema import SOURCES, FieldDef
from scoring.systems.yaml_text import load_yaml

if TYPE_CHECKING:
    from scoring.ingest.report import ImportReport

__all__ = ["LAYOUTS", "Layout", "SourceFile", "import_demo_files", "write_demo_files", "write_table"]

SOURCES_DIR = DATA_DIR / "sources"
MONEY = {"元": 1, "万元": 10_000}
MASTER = ("short_name", "former_names", "english_name", "legal_representative", "address",
          "founding_date", "industry_code", "business_scope", "products", "aliases", "stock_codes",
          "stock_names")
# List cells: the separator and the spelling of stock codes rotate by year, as clerks write them.
_SEPARATORS = ("、", "；", " / ")
_CODE_FORMS = (lambda c: c, lambda c: c.split(".")[1] + c.split(".")[0],
               lambda c: c.split(".")[0] if c.endswith((".SH", ".SZ")) else c)


@dataclass(frozen=True)
class Layout:
    """How one source's data is laid out in files."""

    source: str
    stem: str  # file name (Chinese, as an office names its exports)
    fmt: str  # csv | xlsx
    encoding: str = "utf-8-sig"  # csv only
    split: str = "file"  # file: one file per year; sheet: a sheet per year; column: one table
    titles: tuple[str, ...] = ()  # xlsx: rows above the header; {year} is filled in
    money: tuple[str, ...] = ("万元",)  # per year (cycled): unit of amounts; "元" → whole yuan
    state_unit: tuple[bool, ...] = (True,)  # per year (cycled): say the unit in the header
    thousands: tuple[bool, ...] = (False,)  # per year (cycled): 1,234,500 in CSV cells
    variant: int = 0  # offset into the mapping's header variants


LAYOUTS: tuple[Layout, ...] = (
    Layout("register", "市场监管_企业登记信息", "csv", "utf-8-sig", variant=1),
    Layout("tax", "税务_企业所得税年度申报", "csv", "gbk", money=("元", "元", "万元"),
           state_unit=(True, False, True), thousands=(False, True, False)),
    Layout("hr", "人社_参保及人才统计", "csv", "gbk", split="column", variant=2),
    Layout("ip", "知识产权_专利商标版权统计", "xlsx", split="sheet", variant=1,
           titles=("常州国家高新区企业知识产权统计表", "数据来源：常州市知识产权局　统计口径：截至当年12月31日")),
    Layout("cert", "资质认定_认定名单汇总", "xlsx", split="sheet",
           titles=("{year}年度企业资质认定、平台及项目名单汇总",)),
    Layout("stats", "火炬统计_高新技术企业年报", "csv", "utf-8-sig", split="column", variant=1),
    Layout("credit", "信用_公共信用信息", "csv", "utf-8", variant=1),
    Layout("finance", "金融_科技金融数据", "xlsx", titles=("{year}年度科技金融数据（单位：万元）",),
           state_unit=(False, True)),
    Layout("self_report", "企业填报_汇总", "xlsx", split="column",
           titles=("企业填报数据汇总", "说明：各企业通过填报表报送、园区汇总")),
    Layout("review", "专家评审_高企认定评审意见", "csv", "gb18030", split="column"),
)


@dataclass(frozen=True)
class SourceFile:
    """A written source file and how it is imported."""

    source: str
    path: Path
    year: int | None  # the import's --year; None where the file has a year column
    rows: int


def write_demo_files(
    demo: Demo,
    folder: Path,
    *,
    registry: Mapping[str, FieldDef] | None = None,
    on_file: Callable[[SourceFile], None] | None = None,
) -> list[SourceFile]:
    """Write the demo zone's source files into ``folder``; the register comes first."""
    fields = default_fields() if registry is None else registry
    folder.mkdir(parents=True, exist_ok=True)
    years = sorted(demo.raw)
    out = []
    known = {layout.source for layout in LAYOUTS}
    # A source added to the registry later still gets a file (a plain CSV), with no code here.
    extra = [Layout(s, SOURCES[s].replace("/", "_"), "csv", split="column")
             for s in dict.fromkeys(spec.source for spec in fields.values()) if s not in known]
    for layout in (*LAYOUTS, *extra):
        mapping = _mapping(layout.source)
        names = [n for n, s in fields.items() if s.source == layout.source and n in demo.raw[years[0]]
                 and any(demo.raw[y][n].notna().any() for y in years)]
        if not names:
            continue  # nothing known (expert points are assigned later: no column, no file)
        for item in _write_layout(layout, mapping, names, fields, demo, folder, years):
            out.append(item)
            if on_file:
                on_file(item)
    return out


def import_demo_files(
    *,
    engine: Engine,
    files: Sequence[SourceFile],
    progress: Callable[[SourceFile, int, int], None] | None = None,
) -> list[ImportReport]:
    """Import the files in order through the real importer; a refused demo file is a bug."""
    # The importer pulls in the store; the writer needs neither.
    from scoring.ingest.importer import import_file

    reports = []
    for f in files:
        tick = (lambda done, total, f=f: progress(f, done, total)) if progress else None
        report = import_file(engine=engine, source=f.source, path=f.path, year=f.year, progress=tick)
        if report.status not in ("imported", "unchanged"):
            raise InvalidInput(
                [InputProblem(e.where(), e.column, e.value, e.reason) for e in report.errors[:20]],
                source=f"示范数据文件 {f.path.name}",
            )
        reports.append(report)
    return reports


def _write_layout(
    layout: Layout, mapping: dict[str, Any], names: list[str], fields: Mapping[str, FieldDef],
    demo: Demo, folder: Path, years: list[int],
) -> Iterable[SourceFile]:
    tables = [(i, y, _table(layout, mapping, names, fields, demo, y, i)) for i, y in enumerate(years)]
    if layout.split == "file":
        for _, year, (header, rows) in tables:
            path = folder / f"{layout.stem}_{year}.{layout.fmt}"
            sheet = [(f"{year}年", _titles(layout, year), header, rows)]
            write_table(path, sheet, encoding=layout.encoding)
            yield SourceFile(layout.source, path, year, len(rows))
        return
    span = f"{years[0]}-{years[-1]}"
    path = folder / f"{layout.stem}_{span}.{layout.fmt}"
    if layout.split == "sheet":
        sheets = [(f"{y}年度", _titles(layout, y), h, r) for _, y, (h, r) in tables]
    else:  # column: one table, the header of the first year (same columns every year)
        header = tables[0][2][0]
        rows = [row for _, _, (_, r) in tables for row in r]
        sheets = [("汇总", _titles(layout, years[-1]), header, rows)]
    write_table(path, sheets, encoding=layout.encoding)
    yield SourceFile(layout.source, path, None, sum(len(t[2][1]) for t in tables))


def _titles(layout: Layout, year: int) -> list[str]:
    return [t.format(year=year) for t in layout.titles]


def _table(
    layout: Layout, mapping: dict[str, Any], names: list[str], fields: Mapping[str, FieldDef],
    demo: Demo, year: int, index: int,
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one year of one source."""
    v = layout.variant + index
    money = layout.money[index % len(layout.money)]
    state = layout.state_unit[index % len(layout.state_unit)]
    thousands = layout.thousands[index % len(layout.thousands)] and layout.fmt == "csv"
    frame = demo.raw[year]
    ents = demo.enterprises
    header = [_pick(mapping["keys"]["uscc"], v), _pick(mapping["keys"]["name"], v)]
    columns: list[list[Any]] = [list(frame.index), list(ents.loc[frame.index, "name"])]
    if layout.split != "file":
        header.append(_pick(mapping["year"], v))
        columns.append([year] * len(frame))
    if layout.source == "register":
        for col in MASTER:
            header.append(_pick(mapping["columns"][col]["headers"], v))
            columns.append(_master_cells(ents.loc[frame.index, col], col, index))
    for name in names:
        spec = fields[name]
        conf = mapping["columns"].get(name) if "columns" in mapping else None
        variants = conf["headers"] if conf else [spec.name]
        default_unit = (conf or {}).get("unit") or spec.unit
        unit = money if spec.unit in MONEY else spec.unit
        head = _pick(variants, v)
        if layout.source == "self_report":
            head = f"{spec.name}（{spec.unit}）" if spec.unit else spec.name  # the form's header
        elif spec.unit in MONEY and (state or unit != default_unit):
            head = f"{head}（{unit}）"  # a bare header means the mapping's unit
        header.append(head)
        columns.append(_cells(frame[name], spec, unit, thousands=thousands))
    return header, [list(r) for r in zip(*columns, strict=True)]


def _pick(variants: Sequence[str], i: int) -> str:
    return variants[i % len(variants)]


def _master_cells(values: pd.Series, col: str, index: int) -> list[Any]:
    if col == "former_names":
        return ["；".join(v) if v else None for v in values]
    if col in ("aliases", "stock_codes", "stock_names"):
        sep, form = _SEPARATORS[index % len(_SEPARATORS)], _CODE_FORMS[index % len(_CODE_FORMS)]
        spell = form if col == "stock_codes" else str
        return [sep.join(spell(x) for x in v) if v else None for v in values]
    if col == "founding_date":
        forms = (lambda d: d.isoformat(), lambda d: f"{d.year}/{d.month}/{d.day}",
                 lambda d: f"{d.year}年{d.month}月{d.day}日")
        fmt = forms[index % len(forms)]
        return [fmt(d) if isinstance(d, date) else None for d in values]
    return [None if pd.isna(v) else str(v) for v in values]


def _cells(values: pd.Series, spec: FieldDef, unit: str, *, thousands: bool) -> list[Any]:
    """One column's cells: blanks for missing, 是/否 for flags, exact amounts in ``unit``."""
    missing = values.isna().to_numpy()
    if spec.type == "text":
        out = values.to_numpy(dtype=object).copy()
    else:
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        safe = np.nan_to_num(numbers)
        if spec.type == "flag":
            out = np.where(safe == 1, "是", "否").astype(object)
        elif spec.type in ("count", "years"):
            out = np.array(safe.astype(np.int64).tolist(), dtype=object)
        elif spec.type == "amount" and unit == "元" and spec.unit == "万元":
            # Whole yuan: round(v×100) cents of 万元 are exact, so the importer's ÷10⁴ gives v back.
            yuan = (np.rint(safe * 100).astype(np.int64) * 100).tolist()
            out = np.array([f"{y:,}" for y in yuan] if thousands else yuan, dtype=object)
        elif spec.type == "amount" and thousands:
            out = np.array([f"{x:,.2f}" for x in safe.tolist()], dtype=object)
        else:
            out = np.array(safe.tolist(), dtype=object)
    out[missing] = None
    return out.tolist()


def write_table(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Any], Sequence[Sequence[Any]]]],
    *,
    encoding: str = "utf-8-sig",
) -> Path:
    """Write ``(sheet name, title rows, header, rows)`` tables as CSV (the first) or XLSX (all)."""
    if path.suffix == ".csv":
        _, titles, header, rows = sheets[0]
        with path.open("w", encoding=encoding, newline="") as fh:
            out = csv.writer(fh)
            out.writerows([t] for t in titles)
            out.writerow(header)
            out.writerows([_csv_cell(c) for c in row] for row in rows)
        return path
    return write_rows(path, [(name, [*([t] for t in titles), header, *rows]) for name, titles, header, rows in sheets])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if value == round(value, 2) else repr(value)
    return str(value)


_MAPPINGS: dict[str, dict[str, Any]] = {}


def _mapping(source: str) -> dict[str, Any]:
    """A source mapping as written (the original header spellings, not normalized)."""
    if source not in _MAPPINGS:
        path = SOURCES_DIR / f"{source}.yaml"
        _MAPPINGS[source] = load_yaml(path.read_text(encoding="utf-8"))
    return _MAPPINGS[source]
