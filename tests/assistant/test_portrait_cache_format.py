"""Portrait answers kept by an older version are not served after an upgrade (issue 11, item 12):
one built before the cohort's maximum was taken out would otherwise be answered until the next
publication."""

from __future__ import annotations

import zlib
from pathlib import Path

from sqlalchemy import inspect
from sqlmodel import Session

from assistant.queries import portrait_store
from scoring.store import make_engine

OLD_BODY = '{"explanation": "初创期同类企业 8 家：…，最高 4321人"}'.encode()


def test_answers_of_an_older_portrait_format_are_dropped(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with engine.begin() as conn:  # what the previous version left behind
        conn.exec_driver_sql("CREATE TABLE portrait_cache (signature INTEGER, run_id INTEGER, uscc VARCHAR(18), "
                             "body BLOB NOT NULL, PRIMARY KEY (signature, run_id, uscc))")
        conn.exec_driver_sql("INSERT INTO portrait_cache VALUES (7, 1, '91320411MA1MXXXX01', ?)",
                             (zlib.compress(OLD_BODY),))
    portrait_store.ensure_table(engine)
    tables = set(inspect(engine).get_table_names())
    assert not tables & set(portrait_store.OLD_TABLES) and portrait_store.PortraitBlob.__tablename__ in tables
    with Session(engine) as session:
        assert portrait_store.load(session, signature=7, run_id=1, uscc="91320411MA1MXXXX01") is None
    portrait_store.keep(engine, signature=7, run_id=1, uscc="91320411MA1MXXXX01", body=b"{}")
    portrait_store.ensure_table(engine)  # a restart keeps the answers of the current format
    with Session(engine) as session:
        assert portrait_store.load(session, signature=7, run_id=1, uscc="91320411MA1MXXXX01") == b"{}"
    engine.dispose()
