"""From read tables to the values an import would write — checking every cell first.

`plan_tables` maps headers through a source mapping, validates every USCC, year and value (the
per-column work is vectorized, see `scoring.ingest.parse.parse_column`) and returns long-form values
plus every problem found, so that an official can fix a file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from scoring.ingest.limits import year_out_of_range
from scoring.ingest.parse import (
    COUNT_UNITS,
    MONEY,
    CellProblem,
    clean_column,
    clean_text,
    parse_column,
    parse_year,
)
from scoring.ingest.read import Table, column_letter
from scoring.ingest.report import CellError, ErrorLog
from scoring.ingest.sources import Source, Target, normalize_header
from scoring.uscc import CHARSET, validate_uscc

# List columns that may appear more than once (品牌, 英文缩写 …): their items are merged.
_MERGED = frozenset({"aliases", "stock_names", "stock_codes", "former_names"})
MAX_LISTED_COLUMNS = 50  # unknown columns named in the warning (a 16,384-column file lists 50)
_TOTAL_ROW = re.compile(r"^(合计|总计|小计|汇总)")
_NOTE_ROW = re.compile(r"^(注|说明|备注|制表|填表|审核|负责人|联系人|单位负责人|数据来源)")


@dataclass
class Values:
    """Long-form values of one field from one table (parallel arrays)."""

    field: str
    unit: str
    usccs: np.ndarray
    years: np.ndarray
    rows: np.ndarray
    numbers: np.ndarray | None  # float64, or None for a text field
    texts: np.ndarray | None
    sheet: str | None


@dataclass
class Plan:
    """What a file would write, and everything wrong with it."""

    values: list[Values] = field(default_factory=list)
    master: dict[str, dict[str, Any]] = field(default_factory=dict)  # register: uscc → master columns
    names: list[tuple[str, str, str | None, int]] = field(default_factory=list)  # uscc, name, sheet, row
    keys: list[tuple[str, int, str | None, int]] = field(default_factory=list)  # uscc, year, sheet, row
    key_columns: dict[str | None, tuple[str, str]] = field(default_factory=dict)  # sheet → USCC header, letter
    # register: stock code → the cell that gives it (uscc, sheet, row, header, letter); a code names one firm
    stock_codes: dict[str, tuple[str, str | None, int, str, str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    rows_read: int = 0
    rows_skipped: int = 0
    errors: ErrorLog = field(default_factory=ErrorLog)
    warnings: list[str] = field(default_factory=list)


def unit_problem(target: Target, unit: str) -> str | None:
    """Why a unit stated in a header does not fit the target, or None."""
    if not unit or target.master and not target.raw:
        return None
    if target.field_unit in MONEY:
        return None if unit in MONEY else f"表头单位“{unit}”不是金额单位（元/千元/万元/亿元）"
    if target.kind == "count":
        return None if unit in COUNT_UNITS else f"表头单位“{unit}”不是计数单位"
    if unit == "%" and (target.kind == "ratio" or target.field_unit == "%"):
        return None
    return None if unit == target.field_unit else f"表头单位“{unit}”与字段单位“{target.field_unit or '无'}”不符"


class _TablePlanner:
    """Checks and collects one table."""

    def __init__(self, table: Table, src: Source, plan: Plan, year: int | None, on_column: Callable[[], None]) -> None:
        self.t, self.src, self.plan, self.year, self.on_column = table, src, plan, year, on_column
        self.n = len(table.rows)

    def error(self, reason: str, *, row: int | None = None, j: int | None = None, value: Any = "") -> None:
        self.plan.errors.add(CellError(
            sheet=self.t.sheet, row=row, column=self.t.headers[j] if j is not None else "",
            column_letter=column_letter(j) if j is not None else "", value=clean_text(value)[:200], reason=reason,
        ))

    def run(self) -> None:
        t = self.t
        where = f"工作表“{t.sheet}”" if t.sheet else "文件"
        uscc_j, name_j, year_j, targets = self.columns(where)
        if uscc_j is None:
            self.error(f"缺少统一社会信用代码列（可用表头：{'、'.join(sorted(self.src.uscc_headers))}）", row=t.header_row)
            return
        if not targets and (self.src.key != "register" or name_j is None):
            # A register file of codes alone (a tax file declared as the register) would only
            # derive ages from stored founding dates: nothing of the file itself would be imported.
            self.error("没有可识别的数据列：除统一社会信用代码外，表头与数据来源“" + self.src.title + "”的映射都对不上",
                       row=t.header_row)
        self.plan.key_columns[t.sheet] = (t.headers[uscc_j], column_letter(uscc_j))
        keep = self.skip_rows(uscc_j)
        self.plan.rows_read += int(keep.sum())
        if not keep.all():
            self.plan.rows_skipped += int((~keep).sum())
            t.rows, t.columns = t.rows[keep], [c[keep] for c in t.columns]
            self.n = len(t.rows)
        if self.n == 0:
            self.error(f"{where}只有表头，没有数据行", row=t.header_row)
            return
        usccs, ok = self.usccs(uscc_j)
        years, ok_year = self.years(year_j)
        ok &= ok_year
        self.duplicates(usccs, years, ok, uscc_j)
        idx = np.flatnonzero(ok)
        rows = t.rows[idx].tolist()
        self.plan.keys.extend(zip(usccs[idx].tolist(), years[idx].tolist(), repeat(t.sheet), rows))
        if name_j is not None:
            names = clean_column(t.columns[name_j])[idx].tolist()
            self.plan.names.extend((u, n, t.sheet, r) for u, n, r in zip(usccs[idx].tolist(), names, rows, strict=True) if n)
        for j, (target, unit) in targets.items():
            self.column(j, target, unit, usccs, years, ok)
            self.on_column()

    def columns(self, where: str) -> tuple[int | None, int | None, int | None, dict[int, tuple[Target, str]]]:
        src, t = self.src, self.t
        uscc_j = name_j = year_j = None
        targets: dict[int, tuple[Target, str]] = {}
        seen: dict[str, int] = {}
        unknown: list[str] = []
        for j, header in enumerate(t.headers):
            norm = normalize_header(header)
            if not norm:
                if any(clean_text(v) for v in t.columns[j]):
                    self.plan.warnings.append(f"{where} {column_letter(j)} 列没有表头，已忽略")
                continue
            role = ("uscc" if norm in src.uscc_headers else "name" if norm in src.name_headers
                    else "year" if norm in src.year_headers else None)
            if role is None:
                hit = src.match(header)
                if hit is None:
                    unknown.append(f"{column_letter(j)}「{header}」")
                    continue
                target, unit = hit
                role = target.name
                bad = unit_problem(target, unit)
                if bad:
                    self.error(bad, row=t.header_row, j=j, value=header)
                targets[j] = (target, unit or target.unit)
            if role in seen and role in _MERGED:
                continue  # 品牌 and 英文缩写 side by side: both lists are the firm's aliases
            if role in seen:
                k = seen[role]
                self.error(f"与 {column_letter(k)} 列「{t.headers[k]}」重复：两列都对应“{role}”", row=t.header_row, j=j, value=header)
                targets.pop(j, None)
                continue
            seen[role] = j
            uscc_j = j if role == "uscc" else uscc_j
            name_j = j if role == "name" else name_j
            year_j = j if role == "year" else year_j
        if unknown:
            more = f" 等 {len(unknown)} 列" if len(unknown) > MAX_LISTED_COLUMNS else ""
            self.plan.warnings.append(f"{where}中未识别的列已忽略：{'、'.join(unknown[:MAX_LISTED_COLUMNS])}{more}")
        return uscc_j, name_j, year_j, targets

    def skip_rows(self, uscc_j: int) -> np.ndarray:
        """Total rows (合计) and notes under the table are not data; keep the rest."""
        keep = np.ones(self.n, dtype=bool)
        # Only rows whose key cell is not a USCC-shaped 18 characters can be such rows.
        odd = np.flatnonzero(pd.Series(clean_column(self.t.columns[uscc_j])).str.len().to_numpy() != 18)
        skipped = []
        for i in odd:
            cells = [clean_text(c[i]) for c in self.t.columns]
            filled = [c for c in cells if c]
            first = filled[0].replace(" ", "") if filled else ""
            if _TOTAL_ROW.match(first) or (len(filled) == 1 and _NOTE_ROW.match(first)):
                keep[i] = False
                skipped.append(str(self.t.rows[i]))
        if skipped:
            where = f"工作表“{self.t.sheet}”" if self.t.sheet else "文件"
            self.plan.warnings.append(f"{where}跳过了合计/说明行：第 {'、'.join(skipped[:20])} 行")
        return keep

    def usccs(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        raw = self.t.columns[j]
        out = np.empty(self.n, dtype=object)
        ok = np.ones(self.n, dtype=bool)
        good = valid_usccs(raw)  # the common case, vectorized; the rest explain themselves below
        out[good] = raw[good]
        checked: dict[str, str | CellProblem] = {}
        for i in np.flatnonzero(~good):
            v = raw[i]
            text = clean_text(v)
            if text not in checked:
                try:
                    checked[text] = validate_uscc(text) if text else CellProblem("统一社会信用代码为空")
                except ValueError as exc:
                    checked[text] = CellProblem(str(exc))
            res = checked[text]
            if isinstance(res, CellProblem):
                ok[i] = False
                self.error(str(res), row=int(self.t.rows[i]), j=j, value=v)
            else:
                out[i] = res
        return out, ok

    def years(self, j: int | None) -> tuple[np.ndarray, np.ndarray]:
        years = np.full(self.n, self.year or 0, dtype=np.int64)
        ok = np.ones(self.n, dtype=bool)
        if j is None:
            if self.year is None:
                self.error("文件没有年度列，请指定数据年度（--year）", row=self.t.header_row)
                ok[:] = False
            return years, ok
        column = self.t.columns[j]
        codes, uniques = pd.factorize(clean_column(column))  # a year column has few distinct values
        parsed: list[int | CellProblem] = []
        for text in uniques:
            try:
                res: int | CellProblem = parse_year(text) if text else (self.year or CellProblem("年度为空，且导入时没有指定年度"))
            except CellProblem as exc:
                res = exc
            if isinstance(res, int) and self.year is not None and res != self.year:
                res = CellProblem(f"年度 {res} 与导入时指定的年度 {self.year} 不一致")
            elif isinstance(res, int) and (why := year_out_of_range(res)):
                res = CellProblem(why)
            parsed.append(res)
        for k, res in enumerate(parsed):
            rows = np.flatnonzero(codes == k)
            if isinstance(res, CellProblem):
                ok[rows] = False
                for i in rows:
                    self.error(str(res), row=int(self.t.rows[i]), j=j, value=column[i])
            else:
                years[rows] = res
        return years, ok

    def duplicates(self, usccs: np.ndarray, years: np.ndarray, ok: np.ndarray, uscc_j: int) -> None:
        frame = pd.DataFrame({"uscc": usccs, "year": years})[ok]
        dup = frame.duplicated(keep="first")
        if not dup.any():
            return
        first = frame[~dup].reset_index().set_index(["uscc", "year"])["index"]
        for i in frame.index[dup.to_numpy()]:
            k = first[(usccs[i], years[i])]
            ok[i] = False
            self.error(f"与第 {int(self.t.rows[k])} 行重复：同一企业同一年度出现了两次", row=int(self.t.rows[i]), j=uscc_j, value=usccs[i])

    def column(self, j: int, target: Target, unit: str, usccs: np.ndarray, years: np.ndarray, ok: np.ndarray) -> None:
        out, problems = parse_column(self.t.columns[j], kind=target.kind, unit=unit,
                                     field_unit=target.field_unit, signed=target.signed, bounds=target.bounds)
        for i, reason in problems:
            self.error(reason, row=int(self.t.rows[i]), j=j, value=self.t.columns[j][i])
        if target.master:
            self.collect_master(target.name, out, usccs, years, ok, j)
            if not target.raw:
                return
        numeric = out.dtype == np.float64
        present = ok & (~np.isnan(out) if numeric else np.array([v is not None and v != "" for v in out], dtype=bool))
        idx = np.flatnonzero(present)
        self.plan.values.append(Values(
            field=target.name, unit=target.field_unit, usccs=usccs[idx], years=years[idx], rows=self.t.rows[idx],
            numbers=out[idx] if numeric else None, texts=None if numeric else out[idx], sheet=self.t.sheet,
        ))

    def collect_master(self, name: str, out: np.ndarray, usccs: np.ndarray, years: np.ndarray, ok: np.ndarray, j: int) -> None:
        for i in np.flatnonzero(ok):
            value = out[i]
            if value is None or value == "" or value == []:
                continue
            if name == "stock_codes" and not self.own_stock_codes(value, usccs[i], int(i), j):
                continue
            if name == "founding_date" and hasattr(value, "year") and value.year > int(years[i]):
                # A register cannot report a founding after the year its data describes: a typo
                # that would otherwise overwrite the stored date and make 成立年限 negative.
                self.error(f"成立日期 {value:%Y-%m-%d} 晚于数据年度 {int(years[i])}", row=int(self.t.rows[i]), j=j, value=self.t.columns[j][i])
                continue
            data = self.plan.master.setdefault(usccs[i], {"_row": int(self.t.rows[i]), "_sheet": self.t.sheet})
            if isinstance(value, list):  # 品牌 and 英文缩写 of one row are one list; the firm's last row wins
                rows = data.setdefault(f"_rows:{name}", {})  # (table number, row) → items
                cell = (len(self.plan.key_columns), int(self.t.rows[i]))
                rows[cell] = list(dict.fromkeys([*rows.get(cell, []), *value]))
                value = rows[max(rows)]
            data[name] = value

    def own_stock_codes(self, codes: list[str], uscc: str, i: int, j: int) -> bool:
        """Whether no other firm of the file gives one of these codes (else an error, False)."""
        row, header, letter = int(self.t.rows[i]), self.t.headers[j], column_letter(j)
        held = self.plan.stock_codes
        for code in codes:
            other = held.get(code)
            if other is not None and other[0] != uscc:
                where = f"{'工作表“' + other[1] + '”' if other[1] else ''}第 {other[2]} 行"
                self.error(f"股票代码 {code} 已是{where}企业 {other[0]} 的代码：一个股票代码只属于一家企业",
                           row=row, j=j, value=self.t.columns[j][i])
                return False
        for code in codes:
            held.setdefault(code, (uscc, self.t.sheet, row, header, letter))
        return True


_CHAR_VALUES = np.full(256, -1, dtype=np.int64)
_CHAR_VALUES[np.frombuffer(CHARSET.encode(), dtype=np.uint8)] = np.arange(len(CHARSET))
_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


def valid_usccs(cells: np.ndarray) -> np.ndarray:
    """Which cells already are well-formed USCCs with a correct GB 32100 check character
    (vectorized; cells that need normalizing or are wrong go through `validate_uscc`)."""
    s = pd.Series(cells, dtype=object)
    shaped = s.str.fullmatch(r"[0-9A-HJ-NP-RTUWXY]{18}").fillna(False).to_numpy(dtype=bool).copy()
    idx = np.flatnonzero(shaped)
    if not len(idx):
        return shaped
    codes = np.frombuffer("".join(s.iloc[idx].tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = _CHAR_VALUES[codes]
    check = (31 - (values[:, :17] * _WEIGHTS).sum(axis=1) % 31) % 31
    shaped[idx] = check == values[:, 17]
    return shaped


def plan_tables(tables: list[Table], *, src: Source, year: int | None,
                on_column: Callable[[], None] = lambda: None, errors: ErrorLog | None = None) -> Plan:
    """Check every table of a file and collect its values (its errors into `errors` when given)."""
    plan = Plan(errors=errors if errors is not None else ErrorLog(sheets=[t.sheet or "" for t in tables]))
    for table in tables:
        _TablePlanner(table, src, plan, year, on_column).run()
    plan.years = {y for _, y, _, _ in plan.keys}
    _cross_table_duplicates(plan)
    return plan


def _cross_table_duplicates(plan: Plan) -> None:
    """The same enterprise, year and field in two sheets of one file is ambiguous."""
    if len({v.sheet for v in plan.values}) < 2:
        return
    frames = [pd.DataFrame({"uscc": v.usccs, "year": v.years, "row": v.rows, "field": v.field, "sheet": v.sheet or ""})
              for v in plan.values if len(v.usccs)]
    if not frames:
        return
    df = pd.concat(frames, ignore_index=True)
    dup = df[df.duplicated(["uscc", "year", "field"], keep=False)]
    for (uscc, yr, fld), grp in list(dup.groupby(["uscc", "year", "field"]))[:1000]:
        first = grp.iloc[0]
        for _, r in grp.iloc[1:].iterrows():
            plan.errors.add(CellError(sheet=r["sheet"] or None, row=int(r["row"]), value=str(uscc),
                                         reason=f"{fld}（{yr} 年）在工作表“{first['sheet']}”第 {first['row']} 行已经给出，同一文件中不能重复"))
