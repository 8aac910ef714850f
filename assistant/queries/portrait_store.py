"""Finished portrait answers shared by every worker process (and kept across restarts).

A portrait costs about ten milliseconds to build (a dozen queries, 121 explanations), and each
worker process would otherwise build the same one again. Runs are immutable, so an answer
keyed by (published-run signature, run id, USCC) never goes stale; when a newer run is published
the signature changes and the older answers are dropped. Bodies are zlib-compressed JSON
(about a sixth of the size; decompressing costs a tenth of a millisecond).
"""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import Column, LargeBinary, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import Executable
from sqlmodel import Field, Session, SQLModel, col

log = logging.getLogger(__name__)


# Answers outlive the process, so a change to what a portrait says (its fields, or what it may
# disclose: issue 11 took the cohort's maximum out) renames the table; `ensure_table` drops the
# older ones, and an upgraded service never serves an answer that older code built.
OLD_TABLES = ("portrait_cache",)


class PortraitBlob(SQLModel, table=True):
    """One finished portrait answer (compressed JSON) of a run set."""

    __tablename__ = "portrait_cache_2"
    signature: int = Field(primary_key=True)
    run_id: int = Field(primary_key=True)
    uscc: str = Field(primary_key=True, max_length=18)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


def ensure_table(engine: Engine) -> None:
    """Create the table of answers; drop those of earlier portrait formats."""
    with engine.begin() as conn:
        for name in OLD_TABLES:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
    SQLModel.metadata.create_all(engine, tables=[PortraitBlob.__table__])  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__


def load(session: Session, *, signature: int, run_id: int, uscc: str) -> bytes | None:
    """The stored answer, or None."""
    row = session.get(PortraitBlob, (signature, run_id, uscc))
    return zlib.decompress(row.body) if row is not None else None


def keep(engine: Engine, *, signature: int, run_id: int, uscc: str, body: bytes) -> None:
    """Store an answer; a lost race or a busy database only means it is built again later."""
    row = {"signature": signature, "run_id": run_id, "uscc": uscc, "body": zlib.compress(body, 1)}
    _write_or_skip(engine, insert(PortraitBlob.__table__).values(**row), "not stored")  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__


def drop_other_signatures(engine: Engine, *, signature: int) -> None:
    """Forget the answers of older run sets (called when a newer run is seen)."""
    _write_or_skip(engine, delete(PortraitBlob).where(col(PortraitBlob.signature) != signature), "old answers not dropped")


def _write_or_skip(engine: Engine, statement: Executable, what: str) -> None:
    """Run a cache write at once or not at all: it never waits for SQLite's write lock, which a
    publishing score run holds for seconds (the engine's busy timeout is for writes that matter)."""
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            before = conn.exec_driver_sql("PRAGMA busy_timeout").scalar() if sqlite else None
            if sqlite:
                conn.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                conn.execute(statement)
                conn.commit()
            finally:
                if sqlite:  # the pooled connection keeps the engine's timeout for the next user
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(before or 0)}")
    except SQLAlchemyError as exc:  # another worker stored it first, or the database was busy
        log.debug("portrait cache: %s (%s)", what, type(exc).__name__)


__all__ = ["PortraitBlob", "drop_other_signatures", "ensure_table", "keep", "load"]
