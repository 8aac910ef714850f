"""Import a source file into the store: atomic, idempotent, reversible, with provenance.

    >>> report = import_file(engine=engine, source="税务", path=Path("税务2023.csv"), year=2023)  # doctest: +SKIP
    >>> print(report.to_text())                                                            # doctest: +SKIP

- Atomic: the whole file is checked first; any bad cell refuses the file and the report lists the
  problems (sheet, row, column, value, Chinese reason: every one counted, the first `MAX_ERRORS`
  listed). Writes happen in one transaction.
- Bounded: a file over the limits of `scoring.ingest.limits` (rows, columns, cells, cell length,
  an XLSX's unpacked size), a value outside its field's plausible range, or a data year before
  `FIRST_YEAR` or after the current year is refused like a bad cell.
- Idempotent: the same content (SHA-256) for the same source and year, already in an active batch,
  is "unchanged" and writes nothing.
- Reversible: `revert_batch` marks a batch reverted; its values stay for history but stop counting.
- Enterprises are matched by USCC. The register (工商) creates and updates them — a new name is a
  rename (the old one becomes a former name); other names (aliases), stock codes and stock short
  names given in a file replace the stored lists (a blank cell keeps them); a stock code belongs to
  one enterprise, in the file and in the store; master data is not rolled back by a revert. Other
  sources only accept enterprises already in the store.
- Precedence: the newest batch of a source supersedes its older ones; a field's owner source beats
  other sources, which beat self-report (`store.value_precedence`). Two sources that disagree on a
  value leave a `Conflict` for an official (`list_conflicts`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scoring import store
from scoring.ingest.limits import year_out_of_range
from scoring.ingest.plan import Plan, Values, plan_tables
from scoring.ingest.read import read_file
from scoring.ingest.report import CellError, ErrorLog, ImportReport
from scoring.ingest.sources import (
    LIST_KINDS,
    MASTER_COLUMNS,
    Source,
    normalize_header,
    resolve_source,
)
from scoring.store import list_conflicts, revert_batch

__all__ = ["CellError", "ImportReport", "import_file", "list_conflicts", "revert_batch"]

Progress = Callable[[int, int], None]
UNKNOWN_ENTERPRISE = "库中没有该企业，请先导入工商登记数据"
MAX_NAME_NOTES = 200  # name warnings listed one by one; a whole renamed register would drown the report
NAME_SHOWN = 100  # characters of a name quoted in a warning (a cell may hold 32,767)


class _Meter:
    """Monotonic progress: parsing is the first half of the work, writing the second."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.total, self.done = progress, 0, 0

    def at(self, fraction: float) -> None:
        done = min(self.total, max(self.done, int(self.total * fraction)))
        if self.progress and (done > self.done or fraction >= 1):
            self.done = done
            self.progress(done, self.total)


def import_file(
    *,
    engine: Engine,
    source: str,
    path: Path,
    year: int | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    display_name: str | None = None,
) -> ImportReport:
    """Import one CSV/XLSX file of a source (key 'tax' or title '税务') and report what happened."""
    src = resolve_source(source)
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(source=src.key, file=display_name or Path(path).name, sha256=digest, year=year)
    with Session(engine) as session:
        done = store.find_import(session=session, source=src.key, sha256=digest, year=year)
        if done is not None:
            return _unchanged(report, done)
    meter = _Meter(progress)
    if year is not None and (why := year_out_of_range(year)):
        report.errors.append(CellError(reason=f"导入时指定的{why}"))
        return _rejected(report, ErrorLog())
    book = read_file(data, name=report.file, is_key=lambda c: _is_key(c, src))
    report.sheets = book.sheets
    errors = ErrorLog(sheets=book.sheets)
    errors.extend([CellError(sheet=p.sheet, row=p.row, column=p.column, column_letter=p.column_letter,
                             value=p.value, reason=p.reason) for p in book.problems])
    if book.skipped:
        report.warnings.append(f"没有表头（统一社会信用代码列）的工作表已跳过：{'、'.join(book.skipped)}")
    meter.total = sum(len(t.rows) for t in book.tables)
    meter.at(0)
    n_columns = max(1, sum(len(t.headers) for t in book.tables))
    counter = iter(range(1, n_columns + 1))
    plan = plan_tables(book.tables, src=src, year=year, errors=errors,
                       on_column=lambda: meter.at(0.5 * next(counter, n_columns) / n_columns))
    report.warnings.extend(plan.warnings)
    report.rows_read, report.years = plan.rows_read, sorted(plan.years)
    if report.year is None and len(plan.years) == 1:
        report.year = next(iter(plan.years))
    with Session(engine) as session:
        master = _check_enterprises(session, src, plan, report)
        if errors.total:
            return _rejected(report, errors)
        report.rows_imported = len(plan.keys)
        report.values_written = sum(len(v.usccs) for v in plan.values) + _derive_ages(src, plan, master)
        if dry_run:
            report.status = "dry_run"
            meter.at(1)
            return report
        done = _write(session, src, plan, master, report, meter, year=year)
        if done is not None:  # the same file was imported meanwhile (two uploads at once)
            return _unchanged(report, done)
    meter.at(1)
    return report


def _is_key(cell: Any, src: Source) -> bool:
    if not isinstance(cell, str):
        return False
    norm = normalize_header(cell)
    return norm in src.uscc_headers or norm in src.name_headers


def _unchanged(report: ImportReport, batch: store.Batch) -> ImportReport:
    report.status, report.batch_id = "unchanged", batch.id
    report.year = report.year or batch.year
    report.sheets = list(batch.sheets)
    report.rows_read = batch.rows_read
    report.warnings.append(f"同一文件（SHA-256 相同）已于 {batch.created_at:%Y-%m-%d %H:%M} 导入为第 {batch.id} 号批次，本次未写入任何数据")
    return report


def _rejected(report: ImportReport, errors: ErrorLog) -> ImportReport:
    """The report of a refused file: file problems first, then in the order an official walks the
    file (sheet, row, column), the first `MAX_ERRORS` of them, and the total."""
    report.status, report.values_written, report.rows_imported = "rejected", 0, 0
    errors.extend(report.errors)
    report.errors, report.errors_total = errors.first(), errors.total
    report.rows_rejected = len(errors.rows)
    return report


def _same_name(a: str, b: str) -> bool:
    """Names equal up to width, blanks, quotes and bracket style."""
    return a == b or normalize_header(a) == normalize_header(b)


def _check_enterprises(session: Session, src: Source, plan: Plan, report: ImportReport) -> dict[str, dict[str, Any]]:
    """Known enterprises of the file; unknown ones are errors (except in the register), names are compared."""
    usccs = {k[0] for k in plan.keys}
    known = store.enterprises_by_uscc(session=session, usccs=usccs, full=src.key == "register")
    names = {u: (n, sheet, row) for u, n, sheet, row in plan.names}
    if src.key != "register":
        flagged: set[str] = set()
        for uscc, _, sheet, row in plan.keys:
            if uscc not in known and uscc not in flagged:
                flagged.add(uscc)
                header, letter = plan.key_columns.get(sheet, ("统一社会信用代码", ""))
                plan.errors.add(CellError(sheet=sheet, row=row, column=header, column_letter=letter,
                                          value=uscc, reason=UNKNOWN_ENTERPRISE))
    differ = [u for u, (name, _, _) in names.items() if u in known and not _same_name(name, known[u]["name"])]
    if differ and src.key != "register":
        for uscc, former in store.former_names(session=session, usccs=differ).items():
            known[uscc]["former_names"] = former
    notes = []
    for uscc in differ:
        name, sheet, row = names[uscc]
        stored = known[uscc]
        where = f"{'工作表“' + sheet + '”' if sheet else ''}第 {row} 行"
        if any(_same_name(name, f) for f in stored.get("former_names") or []):
            continue  # a former name identifies the enterprise just as well
        shown = name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN] + "…"
        if src.key == "register":
            notes.append(f"{where}：企业更名 {uscc}“{stored['name']}”→“{shown}”（原名已记为曾用名）")
        else:
            notes.append(f"{where}：名称“{shown}”与库中 {uscc} 的名称“{stored['name']}”不一致（更名？笔误？请核对）")
    report.warnings.extend(notes[:MAX_NAME_NOTES])
    if len(notes) > MAX_NAME_NOTES:
        report.warnings.append(f"另有 {len(notes) - MAX_NAME_NOTES} 家企业的名称与库中不一致（未逐条列出）")
    if src.key == "register":
        _check_stock_codes(session, plan)
        for uscc, (name, sheet, row) in names.items():
            plan.master.setdefault(uscc, {"_row": row, "_sheet": sheet})["name"] = name
        for uscc, _, sheet, row in plan.keys:
            if uscc not in known and not plan.master.get(uscc, {}).get("name"):
                header, letter = plan.key_columns.get(sheet, ("统一社会信用代码", ""))
                plan.errors.add(CellError(sheet=sheet, row=row, column=header, column_letter=letter, value=uscc,
                                          reason="新企业缺少企业名称（需要“企业名称”列）"))
    return known


def _check_stock_codes(session: Session, plan: Plan) -> None:
    """A stock code the file gives one firm may not belong to another firm in the store, unless
    the file gives that firm new codes too (a code moved from one record to another)."""
    held = store.stock_code_holders(session=session, codes=plan.stock_codes)
    for code, (uscc, sheet, row, header, letter) in plan.stock_codes.items():
        other = held.get(code)
        if other is not None and other != uscc and "stock_codes" not in plan.master.get(other, {}):
            plan.errors.add(CellError(sheet=sheet, row=row, column=header, column_letter=letter, value=code,
                                      reason=f"股票代码 {code} 已是库中企业 {other} 的代码：一个股票代码只属于一家企业"))


def _derive_ages(src: Source, plan: Plan, known: dict[str, dict[str, Any]]) -> int:
    """Register: 成立年限 = import year − founding year, where the file gives no age."""
    if src.key != "register":
        return 0
    given = {(u, int(y)) for v in plan.values if v.field == "age_years" for u, y in zip(v.usccs, v.years, strict=True)}
    rows: list[tuple[str, int, int, float, str | None]] = []
    for uscc, yr, sheet, row in plan.keys:
        founded = plan.master.get(uscc, {}).get("founding_date") or (known.get(uscc) or {}).get("founding_date")
        if isinstance(founded, date) and (uscc, yr) not in given and yr >= founded.year:
            rows.append((uscc, yr, row, float(yr - founded.year), sheet))
    for sheet in {r[4] for r in rows}:
        part = [r for r in rows if r[4] == sheet]
        plan.values.append(Values(
            field="age_years", unit="年", usccs=np.array([r[0] for r in part], dtype=object),
            years=np.array([r[1] for r in part], dtype=np.int64), rows=np.array([r[2] for r in part], dtype=np.int64),
            numbers=np.array([r[3] for r in part], dtype=float), texts=None, sheet=sheet,
        ))
    return len(rows)


def _write(session: Session, src: Source, plan: Plan, known: dict[str, dict[str, Any]], report: ImportReport,
           meter: _Meter, *, year: int | None) -> store.Batch | None:
    """Everything in one transaction: the batch, master data, values, conflicts. Returns the
    batch that already holds this file if one appeared since the first check (nothing written)."""
    try:
        store.lock_imports(session=session)  # PostgreSQL: one import at a time, as SQLite's write lock does
        batch = store.Batch(
            source=src.key, file=report.file, description=f"导入 {src.title} 文件", sha256=report.sha256,
            sheets=report.sheets, year=report.year, rows_read=report.rows_read,
        )
        session.add(batch)
        session.flush()  # from here this transaction holds the write lock: check idempotence again
        assert batch.id is not None
        earlier = store.find_import(session=session, source=src.key, sha256=report.sha256, year=year)
        if earlier is not None and earlier.id != batch.id:
            session.rollback()
            return earlier
        report.batch_id = batch.id
        if src.key == "register":
            _save_master(session, plan, known, report)
        existing = store.active_values(session=session, years=plan.years, fields={v.field for v in plan.values})
        total = max(1, report.values_written)
        written = 0
        for v in plan.values:
            written += store.write_field_values(
                session=session, batch_id=batch.id, source=src.key, field=v.field, unit=v.unit,
                usccs=v.usccs.tolist(), years=v.years.tolist(), rows=v.rows.tolist(),
                values=v.numbers.tolist() if v.numbers is not None else None,
                texts=[str(t) for t in v.texts] if v.texts is not None else None,
                file=report.file, sheet=v.sheet,
            )
            meter.at(0.5 + 0.45 * written / total)
        conflicts, superseded = _conflicts(plan, existing, src.key, batch.id)
        known_open = store.open_conflict_keys(session=session, years=plan.years)
        conflicts = [c for c in conflicts if _conflict_key(c) not in known_open]  # already listed for an official
        report.conflicts, report.superseded = store.add_conflicts(session=session, rows=conflicts), superseded
        report.status = "imported"
        batch.rows, batch.rows_imported = written, report.rows_imported
        batch.report = report.model_dump(mode="json", exclude={"errors"})
        session.add(batch)
        session.commit()
        return None
    except BaseException:
        session.rollback()
        report.batch_id = None
        raise


def _save_master(session: Session, plan: Plan, known: dict[str, dict[str, Any]], report: ImportReport) -> None:
    new, updates = [], []
    for uscc, data in plan.master.items():
        data = {k: v for k, v in data.items() if not k.startswith("_")}
        stored = known.get(uscc)
        if stored is None:  # every row with every column: one executemany needs the same keys
            lists: dict[str, list[str]] = {k: [] for k, kind in MASTER_COLUMNS.items() if kind in LIST_KINDS}
            new.append({**dict.fromkeys(MASTER_COLUMNS), **lists, **data, "uscc": uscc})
            continue
        change = {k: v for k, v in data.items() if k not in ("name", "former_names") and stored.get(k) != v}
        former = list(stored.get("former_names") or [])
        name = data.get("name")
        is_former = name and any(_same_name(name, f) for f in former)
        if name and not _same_name(name, stored["name"]) and not is_former:
            change["name"] = name
            former.append(stored["name"])
        former += [f for f in data.get("former_names", []) if f not in former and not _same_name(f, change.get("name", stored["name"]))]
        if former != list(stored.get("former_names") or []):
            change["former_names"] = former
        if change:
            updates.append({"uscc": uscc, **change})
    store.save_enterprises(session=session, new=new, updates=updates)
    report.enterprises_created, report.enterprises_updated = len(new), len(updates)


def _conflicts(plan: Plan, existing: pd.DataFrame, source: str, batch_id: int) -> tuple[list[dict[str, Any]], int]:
    """Conflict rows against active values of other sources; the count of superseded own values."""
    parts = [pd.DataFrame({
        "uscc": v.usccs, "year": v.years, "field": v.field,
        "value": v.numbers if v.numbers is not None else np.nan,
        "text": v.texts if v.texts is not None else None,
    }) for v in plan.values if len(v.usccs)]
    if existing.empty or not parts:  # a file of blank cells brings no value to compare
        return [], 0
    new = pd.concat(parts, ignore_index=True)
    # Each source counts with its newest active batch only: values it superseded itself are history.
    current = existing.sort_values("batch_id").drop_duplicates(["uscc", "year", "field", "source"], keep="last")
    both = new.merge(current, on=["uscc", "year", "field"], suffixes=("_b", "_a"))
    if both.empty:
        return [], 0
    numeric = both["text_b"].isna()
    with np.errstate(invalid="ignore"):
        same_number = np.isclose(both["value_a"].astype(float), both["value_b"].astype(float), rtol=1e-9, atol=1e-9)
    differs = np.where(numeric, ~same_number, both["text_a"].astype(str) != both["text_b"].astype(str))
    own = (both["source"] == source).to_numpy()
    superseded = int((own & differs).sum())
    rows = [
        {"uscc": r.uscc, "year": int(r.year), "field": r.field, "value_a": _show(r.value_a, r.text_a),
         "source_a": r.source, "batch_a": int(r.batch_id), "value_b": _show(r.value_b, r.text_b),
         "source_b": source, "batch_b": batch_id, "status": "open"}
        for r in both[differs & ~own].itertuples(index=False)
    ]
    return rows, superseded


def _conflict_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["uscc"], c["year"], c["field"], c["source_a"], c["value_a"], c["source_b"], c["value_b"])


def _show(value: Any, text: Any) -> str:
    if isinstance(text, str):
        return text
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)

