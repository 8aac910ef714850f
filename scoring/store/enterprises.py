"""Enterprises: master data written by the register, read by every surface."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Table, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from scoring.errors import NotFound
from scoring.store.db import _bulk, _clean
from scoring.store.models import Enterprise, EnterpriseBase


# ----------------------------------------------------------------------------- enterprises & raw
def upsert_enterprises(*, session: Session, frame: pd.DataFrame) -> int:
    """Insert or update master data (frame indexed by USCC, columns as `Enterprise`)."""
    known = set(session.exec(select(Enterprise.uscc)).all())
    columns = [c for c in EnterpriseBase.model_fields if c != "uscc" and c in frame.columns]
    new, changed = [], 0
    for uscc, row in frame.iterrows():
        data = {c: _clean(row[c]) if not isinstance(row[c], list) else row[c] for c in columns}
        if uscc in known:
            existing = session.get(Enterprise, uscc)
            assert existing is not None  # `known` was read in this session
            existing.sqlmodel_update(data)
            changed += 1
        else:
            new.append({"uscc": uscc, **data})
    _bulk(session, Enterprise, new)
    return len(new) + changed


def enterprise(*, session: Session, uscc: str) -> Enterprise:
    row = session.get(Enterprise, uscc)
    if row is None:
        raise NotFound(f"找不到统一社会信用代码为 {uscc} 的企业")
    return row


# Statements of the read paths that answer one message (a chat turn names a firm or two), built
# once: building them per call cost about twice the query itself.
_TABLE: Table = Enterprise.__table__  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__
_PUBLIC_NAMES = core_select(_TABLE.c.uscc, _TABLE.c.short_name, _TABLE.c.stock_codes, _TABLE.c.stock_names).where(
    _TABLE.c.uscc.in_(bindparam("b_usccs", expanding=True)))
_NAMES = core_select(_TABLE.c.uscc, _TABLE.c.name).where(_TABLE.c.uscc.in_(bindparam("b_usccs", expanding=True)))
_FULL = core_select(*_TABLE.c).where(_TABLE.c.uscc.in_(bindparam("b_usccs", expanding=True)))


def public_names(*, session: Session, usccs: list[str]) -> dict[str, dict[str, Any]]:
    """Short name, stock codes and stock short names of some enterprises in one query."""
    rows = session.connection().execute(_PUBLIC_NAMES, {"b_usccs": list(usccs)}).all()
    return {u: {"short_name": short, "stock_codes": list(codes or []), "stock_names": list(names or [])}
            for u, short, codes, names in rows}


def save_enterprises(*, session: Session, new: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    """Insert new enterprises and update changed master data, both with executemany."""
    _bulk(session, Enterprise, new)
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in updates:  # one UPDATE statement per set of changed columns
        by_columns.setdefault(tuple(sorted(k for k in row if k != "uscc")), []).append(row)
    from sqlalchemy import bindparam, update

    table = Enterprise.__table__  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__
    for columns, rows in by_columns.items():
        if not columns:
            continue
        stmt = update(table).where(table.c.uscc == bindparam("_uscc")).values({c: bindparam(c) for c in columns})
        session.connection().execute(stmt, [{"_uscc": r["uscc"], **{c: r[c] for c in columns}} for r in rows])


def enterprises_by_uscc(*, session: Session, usccs: Iterable[str], full: bool = False) -> dict[str, dict[str, Any]]:
    """Master data of the given enterprises that exist: their name (every column if `full`)."""
    table = Enterprise.__table__  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__
    cols = list(table.c) if full else [table.c.uscc, table.c.name]
    out: dict[str, dict[str, Any]] = {}
    wanted = set(usccs)
    connection = session.connection()
    if len(wanted) > 2000:  # a big file: one scan beats hundreds of IN (…) queries
        if not full:  # plain tuples: Row objects cost more than the query
            rows = connection.exec_driver_sql("SELECT uscc, name FROM enterprise").fetchall()
            return {u: {"uscc": u, "name": n} for u, n in rows if u in wanted}
        for row in connection.execute(select(*cols)):
            if row.uscc in wanted:
                out[row.uscc] = dict(row._mapping)
        return out
    ordered = sorted(wanted)
    for i in range(0, len(ordered), 500):  # stay under SQLite's bound-parameter limit
        for row in connection.execute(_FULL if full else _NAMES, {"b_usccs": ordered[i : i + 500]}):
            out[row.uscc] = dict(row._mapping)
    return out


def former_names(*, session: Session, usccs: Iterable[str]) -> dict[str, list[str]]:
    """Former names of some enterprises."""
    wanted = sorted(set(usccs))
    out: dict[str, list[str]] = {}
    for i in range(0, len(wanted), 500):
        stmt = select(Enterprise.uscc, Enterprise.former_names).where(col(Enterprise.uscc).in_(wanted[i : i + 500]))
        out.update({u: list(f or []) for u, f in session.exec(stmt).all()})
    return out


def stock_code_holders(*, session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The enterprise holding each of these stock codes (codes no enterprise holds are left out)."""
    wanted = set(codes)
    if not wanted:
        return {}
    # A JSON list cannot be searched portably in SQL; a zone has 10⁴ firms and few listed ones.
    stmt = select(Enterprise.uscc, Enterprise.stock_codes)
    return {code: uscc for uscc, held in session.exec(stmt).all() for code in held or () if code in wanted}
