"""A follower's chat session in the store (`assistant.wechat.followers`), on both stores: kept,
replaced, forgotten, and remembered by one statement, so that two workers answering a follower's
first two messages at once both succeed (the second insert used to fail on the unique key)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import text

from assistant.wechat import followers
from scoring.store import make_engine
from tests.pg_cluster import lock_waiters

ACCOUNT, OPENID = "mp:wxtest0000000001", "oFollower-0001"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_session_is_kept_replaced_and_forgotten(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert followers.session_of(engine, account=ACCOUNT, openid=OPENID) is None
        followers.remember(engine, account=ACCOUNT, openid=OPENID, session_id="s1", now=NOW)
        followers.remember(engine, account="work:corp", openid=OPENID, session_id="w1", now=NOW)  # another account
        followers.remember(engine, account=ACCOUNT, openid=OPENID, session_id="s2", now=NOW)
        assert followers.session_of(engine, account=ACCOUNT, openid=OPENID) == "s2"
        assert followers.session_of(engine, account="work:corp", openid=OPENID) == "w1"
        followers.forget(engine, account=ACCOUNT, openid=OPENID)
        assert followers.session_of(engine, account=ACCOUNT, openid=OPENID) is None
        assert followers.session_of(engine, account="work:corp", openid=OPENID) == "w1"
    finally:
        engine.dispose()


def test_a_first_message_remembered_while_another_worker_writes_the_same_follower(store_url: str) -> None:
    """Another worker (a connection here) has written the same new follower and not yet committed:
    our write waits for it (PostgreSQL: on the unique key, seen in pg_stat_activity; SQLite: on the
    write lock), then updates the row instead of failing on the key, and our session is kept."""
    engine = make_engine(store_url)
    done: dict[str, object] = {}

    def ours() -> None:
        try:
            followers.remember(engine, account=ACCOUNT, openid=OPENID, session_id="ours", now=NOW)
            done["ok"] = True
        except Exception as exc:  # noqa: BLE001 - what the test looks at
            done["error"] = repr(exc)

    writing = threading.Thread(target=ours)
    try:
        with engine.connect() as other:
            other.execute(text("INSERT INTO wechat_follower (account, openid, session_id, seen_at) "
                               "VALUES (:a, :o, 'theirs', :t)"), {"a": ACCOUNT, "o": OPENID, "t": NOW})
            writing.start()
            if engine.dialect.name == "postgresql":
                while lock_waiters(engine) < 1:
                    assert writing.is_alive(), done
                    time.sleep(0.01)
            other.commit()
        writing.join()
        assert done == {"ok": True}
        assert followers.session_of(engine, account=ACCOUNT, openid=OPENID) == "ours"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM wechat_follower")).scalar() == 1
    finally:
        engine.dispose()
