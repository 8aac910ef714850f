"""Engines, SQLite pragmas and bulk-insert helpers shared by the store's modules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import event, func, insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, create_engine, select

from scoring.store.migrate import prepare
from scoring.store.models import CHUNK

# ----------------------------------------------------------------------------- engine
BUSY_TIMEOUT_S = 60.0


def make_engine(url: str, *, busy_timeout: float = BUSY_TIMEOUT_S) -> Engine:
    """The store's engine, its schema made current (`connect_engine`, then `scoring.store.migrate.prepare`).

    A new database is built by the migrations and a store made before them is adopted; one at an
    older revision is refused in one Chinese line naming `innopoints db upgrade`.
    """
    engine = connect_engine(url, busy_timeout=busy_timeout)
    try:
        prepare(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def connect_engine(url: str, *, busy_timeout: float = BUSY_TIMEOUT_S) -> Engine:
    """An engine on `url` without touching its schema; SQLite gets WAL, enforced foreign keys and a busy timeout.

    A SQLite writer waits up to `busy_timeout` seconds for the write lock before it gives up with
    "database is locked". A score run holds that lock while it writes its rows: up to 39 s for the
    2,791-firm demo zone on the 2-core machine running the test suite beside it
    (benchmarks/audit_publish.py). The driver's default of 5 s made logins and the audit writer
    fail during a publish; 60 s covers the longest publish measured with a margin. Writes that may
    be skipped (the portrait cache) do not wait at all, and the audit writer retries beyond it.
    """
    is_sqlite = url.startswith("sqlite")
    # A server runs up to 40 worker threads per process, and a request may hold two sessions
    # (its own, and one loading shared run data): the default pool (5 + 10) would make threads
    # time out waiting for a connection under a burst. SQLite connections are only file handles;
    # PostgreSQL's stay under its default 100 connections with two workers.
    if ":memory:" in url or url.rstrip("/") == "sqlite:":
        pool: dict[str, int] = {}
    else:
        pool = {"pool_size": 20, "max_overflow": 80} if is_sqlite else {"pool_size": 10, "max_overflow": 30}
    args: dict[str, Any] = {"check_same_thread": False, "timeout": busy_timeout} if is_sqlite else {}
    # pre_ping: a pooled connection to a server that restarted is found dead at checkout and
    # replaced, so the service recovers by itself when PostgreSQL is back.
    engine = create_engine(url, connect_args=args, pool_pre_ping=not is_sqlite, **pool)
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk imports touch big indexes
            cur.close()

    return engine


def _chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(session: Session, table: type[SQLModel], rows: Iterable[dict[str, Any]]) -> int:
    """Insert many rows through Core executemany (the ORM's per-row bookkeeping is not needed)."""
    statement = insert(table.__table__)  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__
    connection = session.connection()
    count = 0
    for chunk in _chunks(rows):
        connection.execute(statement, chunk)
        count += len(chunk)
    return count


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _fast_insert(session: Session, table: type[SQLModel], columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert plain scalar rows with the driver's own executemany (no per-row SQLAlchemy work), or
    on PostgreSQL with COPY, which is what it is fast at.

    Used for the big tables (raw values, indicator scores, advice); column names come from our
    models, never from input.
    """
    connection = session.connection()
    name = str(table.__tablename__)
    if _uses_copy(connection):
        return _copy_rows(connection, name, columns, rows)
    mark = _PLACEHOLDERS.get(connection.dialect.paramstyle)
    if mark is None:
        return _bulk(session, table, (dict(zip(columns, row, strict=True)) for row in rows))
    sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    count = 0
    for chunk in _chunks(rows):
        connection.exec_driver_sql(sql, chunk)
        count += len(chunk)
    return count


def _uses_copy(connection: Connection) -> bool:
    """Whether bulk rows go in with COPY (PostgreSQL through psycopg 3) on this connection."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def _copy_rows(connection: Connection, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """`COPY table (columns) FROM STDIN` in the connection's transaction (psycopg 3); returns the rows written.

    Faster than executemany of INSERTs, which send and plan one statement per row (benchmarks/
    store.py). psycopg adapts each value as it would a bound parameter: rows hold Python scalars
    (the callers build them with `tolist()`, as the SQLite path needs too).
    """
    driver = connection.connection.driver_connection
    count = 0
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[union-attr]  # a psycopg connection here
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _clean(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, (float, np.floating)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def count_rows(*, session: Session, table: type[SQLModel]) -> int:
    return int(session.exec(select(func.count()).select_from(table)).one())
