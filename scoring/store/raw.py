"""Raw values with provenance: batches, values, precedence between sources, conflicts, reverts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scoring.errors import NotFound, StoreError
from scoring.store.db import _PLACEHOLDERS, _bulk, _fast_insert, _uses_copy
from scoring.store.models import Batch, Conflict, RawValue, _now
from scoring.systems.schema import SOURCES


def add_batch(*, session: Session, source: str, file: str = "", description: str = "") -> Batch:
    """Register an input batch; its id goes on every raw value it brings."""
    if source not in SOURCES:
        raise StoreError(f"未知的数据来源 {source}；可用的来源：{', '.join(SOURCES)}")
    batch = Batch(source=source, file=file, description=description)
    session.add(batch)
    session.flush()
    return batch


def write_raw(
    *,
    session: Session,
    batch: Batch,
    year: int,
    frame: pd.DataFrame,
    units: Mapping[str, str] | None = None,
    text_fields: Iterable[str] = (),
) -> int:
    """Store every non-missing cell of a wide frame (index USCC, one column per field)."""
    texts = set(text_fields)
    units = units or {}

    def rows() -> Iterable[tuple[Any, ...]]:
        for field in frame.columns:
            col = frame[field]
            present = col[col.notna()]
            unit = units.get(field, "")
            if field in texts:
                values: list[Any] = [str(v) for v in present.tolist()]
                for uscc, v in zip(present.index.tolist(), values, strict=True):
                    yield (uscc, year, field, None, v, unit, batch.source, batch.id)
            else:
                for uscc, v in zip(present.index.tolist(), present.astype(float).tolist(), strict=True):
                    yield (uscc, year, field, v, None, unit, batch.source, batch.id)

    columns = ["uscc", "year", "field", "value", "text", "unit", "source", "batch_id"]
    n = _fast_insert(session, RawValue, columns, rows())
    batch.rows += n
    session.add(batch)
    return n


SOURCE_PRECEDENCE = {"self_report": 1}  # owner sources (0) win over self-report (1)


def value_precedence(fields: pd.Series, sources: pd.Series) -> pd.Series:
    """Rank of each value (lower wins): the field's owner source, then other government sources,
    then self-report (`SOURCE_PRECEDENCE`)."""
    from scoring.systems.fields import default_fields  # the registry says who owns a field

    owners = {name: spec.source for name, spec in default_fields().items()}
    not_owner = (fields.map(owners) != sources).astype(int)
    return sources.map(SOURCE_PRECEDENCE).fillna(0).astype(int) * 2 + not_owner


def raw_frames(
    *, session: Session, years: Iterable[int], fields: Iterable[str] | None = None,
    usccs: Iterable[str] | None = None, read_rows: int = 100_000,
) -> dict[int, pd.DataFrame]:
    """Year → wide frame of the active raw values (of `fields` and of the enterprises `usccs`, if
    given); an owner source wins over self-report. Rows are read `read_rows` at a time."""
    years = sorted(set(years))
    stmt = (
        select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
            col(RawValue.uscc), col(RawValue.year), col(RawValue.field), col(RawValue.value), col(RawValue.text),
            col(RawValue.source), col(RawValue.batch_id),
        )
        .join(Batch, col(Batch.id) == RawValue.batch_id)
        .where(col(RawValue.year).in_(years), Batch.status == "active")
    )
    if fields is not None:
        stmt = stmt.where(col(RawValue.field).in_(sorted(fields)))
    if usccs is not None:
        stmt = stmt.where(col(RawValue.uscc).in_(sorted(set(usccs))))
    # The driver's own rows in chunks, each turned into code arrays at once: SQLAlchemy's Row
    # objects and pandas's record parsing cost more than the database's reading, and a whole
    # year of 100,000 firms (13M values) as Python tuples would not fit in memory.
    columns = _Columns()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # A cursor of our own in the transaction (psycopg would buffer every row of a plain
        # query; SQLAlchemy's streamed results hold rows back in their own buffer).
        compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        connection.exec_driver_sql(f"DECLARE raw_frames_rows NO SCROLL CURSOR FOR {compiled}", compiled.params)
        while rows := connection.exec_driver_sql(f"FETCH FORWARD {int(read_rows)} FROM raw_frames_rows").cursor.fetchall():
            columns.add(rows)
        connection.exec_driver_sql("CLOSE raw_frames_rows")  # after an error the transaction is gone with it
    else:
        result = connection.execute(stmt)  # SQLite's cursor steps through the rows as they are fetched
        try:
            while rows := result.cursor.fetchmany(read_rows):
                columns.add(rows)
        finally:
            result.close()
    if not columns.size:
        return {y: pd.DataFrame(index=pd.Index([], name="uscc")) for y in years}
    return _wide_frames(columns, years)


class _Codes:
    """Strings → dense integer codes, kept across chunks; `ranked` renumbers them in sorted order."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, values: list[str]) -> np.ndarray:
        codes, uniques = pd.factorize(np.array(values, dtype=object))
        lookup = np.array([self.ids.setdefault(u, len(self.ids)) for u in uniques.tolist()], dtype=np.int64)
        return lookup[codes]

    def ranked(self) -> tuple[np.ndarray, np.ndarray]:
        """(names sorted, rank of every code)."""
        names = np.empty(len(self.ids), dtype=object)
        names[:] = list(self.ids)
        order = np.argsort(names, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return names[order], rank


class _Columns:
    """The columns of the raw-value rows read so far: codes and numbers, texts kept sparse."""

    def __init__(self) -> None:
        self.uscc, self.field, self.source = _Codes(), _Codes(), _Codes()
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("uscc", "year", "field", "value", "source", "batch")}
        self.text_rows: list[np.ndarray] = []
        self.text_values: list[Any] = []
        self.size = 0

    def add(self, rows: Sequence[Any]) -> None:
        uscc, year, field, value, text, source, batch = (list(map(itemgetter(i), rows)) for i in range(7))
        self.parts["uscc"].append(self.uscc.add(uscc))
        self.parts["year"].append(np.array(year, dtype=np.int64))
        self.parts["field"].append(self.field.add(field))
        self.parts["value"].append(np.array(value, dtype=float))  # None (no number) becomes NaN
        self.parts["source"].append(self.source.add(source))
        self.parts["batch"].append(np.array(batch, dtype=np.int64))
        texts = np.array(text, dtype=object)
        at = np.flatnonzero(~pd.isna(texts))
        self.text_rows.append(at + self.size)
        self.text_values.extend(texts[at].tolist())
        self.size += len(rows)

    def column(self, name: str) -> np.ndarray:
        return np.concatenate(self.parts.pop(name))


def _wide_frames(columns: _Columns, years: list[int]) -> dict[int, pd.DataFrame]:
    """Year → wide frame (index USCC, columns fields, both sorted) of the winning value of every
    (enterprise, year, field): the best precedence (`value_precedence`), then the newest batch,
    then the first row read; a text value where the row has one, else its number.

    numpy over code arrays, no per-row Python: `tests/scoring/test_raw_frames.py` proves it
    returns exactly the frames of the pandas sort/drop_duplicates/pivot it replaced.
    """
    uscc_names, uscc_rank = columns.uscc.ranked()
    field_names, field_rank = columns.field.ranked()
    source_names = np.array(list(columns.source.ids), dtype=object)
    uscc_codes = uscc_rank[columns.column("uscc")]
    field_codes = field_rank[columns.column("field")]
    source_codes = columns.column("source")
    year_arr, value, batch = columns.column("year"), columns.column("value"), columns.column("batch")
    text_rows = np.concatenate(columns.text_rows)
    text_values = np.empty(len(columns.text_values), dtype=object)
    text_values[:] = columns.text_values
    # Precedence of every (field, source) pair, looked up by code.
    n_fields, n_sources = len(field_names), len(source_names)
    pair_field = np.repeat(np.arange(n_fields), n_sources)
    pair_source = np.tile(np.arange(n_sources), n_fields)
    table = value_precedence(pd.Series(field_names[pair_field]), pd.Series(source_names[pair_source])).to_numpy()
    prec = table[field_codes * n_sources + source_codes]
    del source_codes
    has_text = np.zeros(len(value), dtype=bool)
    has_text[text_rows] = True
    out: dict[int, pd.DataFrame] = {}
    for y in years:
        rows = np.flatnonzero(year_arr == y)
        if not rows.size:
            out[y] = pd.DataFrame(index=pd.Index([], name="uscc"))
            continue
        key = uscc_codes[rows] * n_fields + field_codes[rows]
        counts = np.bincount(key)
        shared = counts[key] > 1
        if shared.any():
            # Among the rows of one cell: best precedence, newest batch, first read.
            cand = rows[shared]
            order = np.lexsort((cand, -batch[cand], prec[cand], key[shared]))
            ranked = cand[order]
            ranked_key = key[shared][order]
            first = np.r_[True, ranked_key[1:] != ranked_key[:-1]]
            rows = np.sort(np.concatenate([rows[~shared], ranked[first]]))
        firms, row_of = np.unique(uscc_codes[rows], return_inverse=True)
        fields, col_of = np.unique(field_codes[rows], return_inverse=True)
        numbers = np.full((firms.size, fields.size), np.nan)
        numbers[row_of, col_of] = value[rows]
        data: dict[str, Any] = {}
        texts = has_text[rows]
        text_cols = set(np.unique(col_of[texts]).tolist())
        for j, name in enumerate(field_names[fields].tolist()):
            if j in text_cols:
                cells = numbers[:, j].astype(object)
                mine = texts & (col_of == j)
                cells[row_of[mine]] = text_values[np.searchsorted(text_rows, rows[mine])]
                data[name] = cells
            else:
                data[name] = numbers[:, j]
        index = pd.Index(uscc_names[firms].tolist(), name="uscc")
        out[y] = pd.DataFrame(data, index=index).infer_objects()
    return out


def raw_signature(*, session: Session) -> tuple[int, int]:
    """(newest batch id, batches reverted): changes whenever the active raw values may have, since
    values only arrive with a new batch and only leave with a revert (one cheap query)."""
    newest, reverted = session.connection().execute(
        select(func.max(Batch.id), func.count(col(Batch.id)).filter(col(Batch.status) == "reverted"))
    ).one()
    return int(newest or 0), int(reverted or 0)


def active_batch_ids(*, session: Session, years: Iterable[int]) -> list[int]:
    """Ids of the active batches holding values for these years (a run's inputs)."""
    stmt = (
        select(RawValue.batch_id).distinct()
        .join(Batch, col(Batch.id) == RawValue.batch_id)
        .where(col(RawValue.year).in_(list(years)), Batch.status == "active")
    )
    return sorted(session.exec(stmt).all())


# ----------------------------------------------------------------------------- imports (scoring.ingest.importer)
RAW_COLUMNS = ["uscc", "year", "field", "value", "text", "unit", "source", "batch_id", "row", "file", "sheet"]


# Any fixed 64-bit number: the advisory lock that makes imports on PostgreSQL one at a time.
_IMPORT_LOCK = 7_201_515_016


def lock_imports(*, session: Session) -> None:
    """Wait until no other import is writing, for the rest of the session's transaction.

    SQLite allows one writer: an import's first write takes the lock and the next import waits for
    it. PostgreSQL lets both write at once, so that two uploads of one file would each see no
    earlier import and both be kept; this advisory lock restores SQLite's order, after which the
    importer's second look (`find_import`) sees the other's batch.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})


def find_import(*, session: Session, source: str, sha256: str, year: int | None) -> Batch | None:
    """The active batch that imported this very file content for this source (and year)."""
    stmt = select(Batch).where(Batch.source == source, Batch.sha256 == sha256, Batch.status == "active")
    if year is not None:
        stmt = stmt.where(Batch.year == year)
    return session.exec(stmt.order_by(col(Batch.id))).first()


def write_values(*, session: Session, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert raw values given as tuples in `RAW_COLUMNS` order."""
    return _fast_insert(session, RawValue, RAW_COLUMNS, rows)


def active_values(*, session: Session, years: Iterable[int], fields: Iterable[str]) -> pd.DataFrame:
    """Active raw values of some years and fields, long form, with source and batch."""
    stmt = (
        select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
            col(RawValue.uscc), col(RawValue.year), col(RawValue.field), col(RawValue.value), col(RawValue.text),
            col(RawValue.source), col(RawValue.batch_id),
        )
        .join(Batch, col(Batch.id) == RawValue.batch_id)
        .where(col(RawValue.year).in_(sorted(set(years))), col(RawValue.field).in_(sorted(set(fields))),
               Batch.status == "active")
    )
    rows = [tuple(r) for r in session.connection().execute(stmt)]
    return pd.DataFrame.from_records(rows, columns=["uscc", "year", "field", "value", "text", "source", "batch_id"])


def list_batches(*, session: Session, source: str | None = None, status: str | None = None) -> list[Batch]:
    """Batches, newest first (of a source and status, if given)."""
    stmt = select(Batch)
    if source is not None:
        stmt = stmt.where(Batch.source == source)
    if status is not None:
        stmt = stmt.where(Batch.status == status)
    return list(session.exec(stmt.order_by(col(Batch.id).desc())).all())


def get_batch(*, session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"没有第 {batch_id} 号导入批次")
    return batch


def batch_value_count(*, session: Session, batch_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(RawValue).where(RawValue.batch_id == batch_id)).one())


def revert_batch(*, engine: Engine, batch_id: int) -> Batch:
    """Mark a batch reverted: its values stop counting (they stay for history); its open conflicts
    are resolved. Reverting twice is refused."""
    with Session(engine, expire_on_commit=False) as session:
        batch = get_batch(session=session, batch_id=batch_id)
        if batch.status == "reverted":
            when = f"于 {batch.reverted_at:%Y-%m-%d %H:%M} " if batch.reverted_at else ""
            raise StoreError(f"第 {batch_id} 号批次已{when}撤销，不能重复撤销")
        batch.status, batch.reverted_at = "reverted", _now()
        session.add(batch)
        for c in session.exec(select(Conflict).where(
            Conflict.status == "open", (col(Conflict.batch_a) == batch_id) | (col(Conflict.batch_b) == batch_id)
        )).all():
            c.status, c.resolved_at, c.note = "resolved", _now(), f"第 {batch_id} 号批次已撤销"
            session.add(c)
        session.commit()
        return batch


def add_conflicts(*, session: Session, rows: list[dict[str, Any]]) -> int:
    _bulk(session, Conflict, rows)
    return len(rows)


def open_conflict_keys(*, session: Session, years: Iterable[int]) -> set[tuple[Any, ...]]:
    """(uscc, year, field, source_a, value_a, source_b, value_b) of the open conflicts of some years."""
    stmt = select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
        col(Conflict.uscc), col(Conflict.year), col(Conflict.field), col(Conflict.source_a),
        col(Conflict.value_a), col(Conflict.source_b), col(Conflict.value_b),
    ).where(Conflict.status == "open", col(Conflict.year).in_(sorted(set(years))))
    return {tuple(r) for r in session.exec(stmt).all()}


def list_conflicts(*, session: Session, year: int | None = None, status: str | None = "open") -> list[Conflict]:
    """Conflicts between sources (of a year; `status` None for all), oldest first."""
    stmt = select(Conflict)
    if year is not None:
        stmt = stmt.where(Conflict.year == year)
    if status is not None:
        stmt = stmt.where(Conflict.status == status)
    return list(session.exec(stmt.order_by(col(Conflict.id))).all())


def resolve_conflict(*, session: Session, conflict_id: int, note: str = "") -> Conflict:
    """Mark a conflict resolved (an official looked at it)."""
    row = session.get(Conflict, conflict_id)
    if row is None:
        raise NotFound(f"没有第 {conflict_id} 号冲突")
    row.status, row.resolved_at, row.note = "resolved", _now(), note
    session.add(row)
    session.commit()
    return row


ROWS_PER_STATEMENT = 100  # 7 parameters each: far below every driver's limit


_SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def write_field_values(
    *,
    session: Session,
    batch_id: int,
    source: str,
    field: str,
    unit: str,
    usccs: list[str],
    years: list[int],
    values: list[float] | None,
    texts: list[str] | None,
    rows: list[int],
    file: str | None,
    sheet: str | None,
) -> int:
    """Insert one field's values from one sheet; returns how many.

    The constants of the block (field, unit, source, batch) are written into the statement as
    literals — they come from the registry, never from the file — so that each row binds 7 values
    instead of 11, and 100 rows go in one INSERT: together about half the CPU of one-row
    statements on a 100,000-row import. File and sheet names (from the file) stay bound.
    """
    n = len(usccs)
    connection = session.connection()
    mark = _PLACEHOLDERS.get(connection.dialect.paramstyle)
    vals: Iterable[float | None] = values if values is not None else repeat(None, n)
    txts: Iterable[str | None] = texts if texts is not None else repeat(None, n)
    if mark is None or _uses_copy(connection) or not _SAFE_NAME.match(field) or source not in SOURCES:  # COPY takes them all
        return write_values(session=session, rows=zip(
            usccs, years, repeat(field, n), vals, txts, repeat(unit, n), repeat(source, n), repeat(batch_id, n),
            rows, repeat(file, n), repeat(sheet, n), strict=True))
    quoted = "'" + unit.replace("'", "''") + "'"
    if mark == "%s":
        quoted = quoted.replace("%", "%%")
    one = f"({mark}, {mark}, '{field}', {mark}, {mark}, {quoted}, '{source}', {int(batch_id)}, {mark}, {mark}, {mark})"
    head = "INSERT INTO rawvalue (uscc, year, field, value, text, unit, source, batch_id, row, file, sheet) VALUES "
    # ROWS_PER_STATEMENT rows per INSERT: a third less CPU than one row per statement.
    full = n // ROWS_PER_STATEMENT * ROWS_PER_STATEMENT
    val_list, txt_list = list(vals)[:n], list(txts)[:n]
    params = chain.from_iterable(zip(usccs[:full], years[:full], val_list[:full], txt_list[:full], rows[:full], repeat(file), repeat(sheet)))
    cursor = connection.connection.cursor()  # the session's own DBAPI connection: same transaction
    try:
        # The drivers take any iterable of rows (streamed here); SQLAlchemy's DBAPI protocol says Sequence.
        if full:  # zip over one iterator cuts the parameters into statements (`full` leaves no tail)
            cursor.executemany(head + ", ".join([one] * ROWS_PER_STATEMENT),
                               zip(*[params] * (7 * ROWS_PER_STATEMENT), strict=False))  # type: ignore[arg-type]
        if full < n:
            cursor.executemany(head + one, zip(usccs[full:], years[full:], val_list[full:], txt_list[full:],  # type: ignore[arg-type]
                                               rows[full:], repeat(file), repeat(sheet)))
    finally:
        cursor.close()
    return n
