"""Chat sessions in the store: each session's state and turns, shared by every worker and restart.

- A session belongs to the principal that opened it (`owner`: role and user name). Another
  caller's session id is answered as not found (404), exactly like an id that never existed —
  except that an unknown or expired id asked *to continue* starts a new session under a fresh id
  (the reply says which): a client that kept an id across an expiry simply goes on, and no client
  ever chooses an id (ids are 24 random bytes from `secrets`, so an id is unguessable). The public
  has no identity to own a session by: its sessions are held by whoever holds the id (they hold
  nothing but public answers).
- A session expires after `idle` without a turn (default 30 minutes, `INNOPOINTS_CHAT_IDLE_MINUTES`);
  expired sessions and their turns are deleted when the next new session is opened.
- Every turn is stored with its caller key (the user; for the public, its address), which also
  makes the per-user rate limit one indexed count shared by all workers (`check_rate`).
- Two turns of one session at the same moment: the later write wins the state (a person types one
  message at a time; a client that sends two at once gets each answered, the state of the last).

Times are UTC; the clock is the caller's (`now`), so tests move it.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Index, Table, bindparam, delete, func, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Field, Session, SQLModel, col, select

from assistant.chat.state import DialogueState
from assistant.errors import RateLimited
from scoring.errors import NotFound
from scoring.store.hot_writes import WRITES, hot_connection

log = logging.getLogger("innopoints.chat")
IDLE = timedelta(minutes=30)
RATE_WINDOW = timedelta(minutes=1)
PURGE_EVERY = timedelta(minutes=1)  # expired sessions are deleted at most this often (per process)
SAVE_WAIT_S = 2.0  # how long saving a turn waits for SQLite's write lock (a publish holds it)
MAX_STORED_MESSAGE = 2000  # characters of a message kept in the history (longer ones are refused anyway)
_NOT_FOUND = "没有这个会话，或会话已过期"


class ChatSession(SQLModel, table=True):
    """One conversation: its owner, when it was last used, and its state (JSON)."""

    __tablename__ = "chat_session"
    __table_args__ = (Index("ix_chat_session_seen_at", "seen_at"),)
    id: str = Field(primary_key=True, max_length=64)
    owner: str = Field(max_length=200)
    created_at: datetime
    seen_at: datetime
    turns: int = 0
    state: str = ""


class ChatTurn(SQLModel, table=True):
    """One message and the reply it got (the reply in the response shape, JSON)."""

    __tablename__ = "chat_turn"
    __table_args__ = (Index("ix_chat_turn_caller_at", "caller", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(index=True, max_length=64)
    at: datetime
    caller: str = Field(max_length=200)
    message: str
    reply: str


# The hot path's statements, built once: a turn opens and saves its session through these Core
# statements on a plain connection (SQLAlchemy compiles each once and caches it), which costs a
# quarter of building ORM statements for every turn — at 20 WeChat followers the save had been a
# fifth of a message's time.
_SESSION: Table = ChatSession.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_TURN: Table = ChatTurn.__table__  # type: ignore[attr-defined]
_GET = core_select(_SESSION.c.owner, _SESSION.c.seen_at, _SESSION.c.state).where(_SESSION.c.id == bindparam("b_id"))
_NEW = insert(_SESSION)
_TOUCH = update(_SESSION).where(_SESSION.c.id == bindparam("b_id")).values(
    seen_at=bindparam("b_seen"), turns=_SESSION.c.turns + 1, state=bindparam("b_state"))
_ADD_TURN = insert(_TURN)


def ensure_tables(engine: Engine) -> None:
    """Create the session tables next to the store's."""
    SQLModel.metadata.create_all(engine, tables=[ChatSession.__table__, ChatTurn.__table__])  # type: ignore[attr-defined]  # SQLModel's types omit a table class's __table__


def owner_of(role: str, username: str) -> str:
    """The owner key of a principal's sessions."""
    return f"{role}:{username}"


@dataclass(frozen=True)
class OpenSession:
    """A session as a turn finds it: id, owner, state; `new` until its first turn is saved."""

    id: str
    owner: str
    state: DialogueState
    new: bool


class SessionStore:
    """Open, save and read sessions; `turns_per_minute` (0: no limit) bounds each caller's turns."""

    def __init__(
        self, engine: Engine, *, idle: timedelta = IDLE, turns_per_minute: int = 0, save_wait_s: float = SAVE_WAIT_S,
    ) -> None:
        self.engine = engine
        self.idle = idle
        self.turns_per_minute = turns_per_minute
        self.save_wait_s = save_wait_s
        self._purged_at: datetime | None = None

    def open(self, *, owner: str, session_id: str | None, now: datetime) -> OpenSession:
        """The session to continue; a new one for no id, an unknown or an expired id; NotFound for another owner's."""
        now = _utc(now)
        if session_id:
            with self.engine.connect() as conn:
                row = conn.execute(_GET, {"b_id": session_id}).first()
            if row is not None and _utc(row.seen_at) + self.idle >= now:
                if row.owner != owner:
                    raise NotFound(_NOT_FOUND)
                return OpenSession(id=session_id, owner=owner, state=DialogueState.from_json(row.state), new=False)
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self.purge(now=now)  # a write: not on every new session, once a minute is plenty
            self._purged_at = now
        return OpenSession(id=secrets.token_urlsafe(24), owner=owner, state=DialogueState(), new=True)

    def save(
        self, session: OpenSession, *, state: DialogueState, message: str, reply: dict[str, Any], caller: str,
        now: datetime,
    ) -> bool:
        """Store the turn and the session's new state (one transaction); False if it could not be.

        A score run being published holds SQLite's write lock for seconds (tens under load): the
        save waits at most `save_wait_s` for it and then gives up (logged), so the answer is sent at
        once; that turn is then not remembered (a follow-up to it starts afresh).
        """
        now = _utc(now)
        # One hot-path writer per process at a time (`hot_writes`).
        if not WRITES.acquire(timeout=self.save_wait_s):
            log.warning("chat: turn of session %s not saved (the process's writers are queued)", session.id[:8])
            return False
        try:
            return self._save(session, state=state, message=message, reply=reply, caller=caller, now=now)
        finally:
            WRITES.release()

    def _save(
        self, session: OpenSession, *, state: DialogueState, message: str, reply: dict[str, Any], caller: str,
        now: datetime,
    ) -> bool:
        try:
            # A connection kept for these saves, SQLite waiting `save_wait_s` for the write lock.
            hot_connection(self.engine, busy_s=self.save_wait_s).run(
                lambda conn: self._write(conn, session, state=state, message=message, reply=reply, caller=caller,
                                         now=now))
        except OperationalError as exc:
            log.warning("chat: turn of session %s not saved (%s)", session.id[:8], exc.orig)
            return False
        return True

    def _write(
        self, conn: Connection, session: OpenSession, *, state: DialogueState, message: str, reply: dict[str, Any],
        caller: str, now: datetime,
    ) -> None:
        # The session and its turn, in the caller's transaction.
        if session.new:
            conn.execute(_NEW, {"id": session.id, "owner": session.owner, "created_at": now, "seen_at": now,
                                "turns": 1, "state": state.to_json()})
        else:
            conn.execute(_TOUCH, {"b_id": session.id, "b_seen": now, "b_state": state.to_json()})
        conn.execute(_ADD_TURN, {"session_id": session.id, "at": now, "caller": caller[:200],
                                 "message": message[:MAX_STORED_MESSAGE],
                                 "reply": json.dumps(reply, ensure_ascii=False)})

    def history(self, *, owner: str, session_id: str, now: datetime) -> dict[str, Any]:
        """A session's turns, oldest first, for its owner; NotFound for anyone else or once expired."""
        now = _utc(now)
        with Session(self.engine) as db:
            row = db.get(ChatSession, session_id)
            if row is None or row.owner != owner or _utc(row.seen_at) + self.idle < now:
                raise NotFound(_NOT_FOUND)
            turns = db.exec(select(ChatTurn).where(ChatTurn.session_id == session_id).order_by(col(ChatTurn.id))).all()
            return {
                "session_id": row.id, "created_at": _utc(row.created_at), "updated_at": _utc(row.seen_at),
                "expires_at": _utc(row.seen_at) + self.idle,
                "turns": [{"at": _utc(t.at), "message": t.message, "reply": json.loads(t.reply)} for t in turns],
            }

    def check_rate(self, *, caller: str, now: datetime) -> None:
        """Refuse (429, with Retry-After) a caller who already sent `turns_per_minute` in the last minute."""
        if self.turns_per_minute <= 0:
            return
        now = _utc(now)
        since = now - RATE_WINDOW
        with Session(self.engine) as db:
            recent = select(ChatTurn.at).where(ChatTurn.caller == caller[:200], ChatTurn.at > since)
            count = db.exec(select(func.count()).select_from(recent.subquery())).one()
            if count < self.turns_per_minute:
                return
            # The caller may send again once enough of its turns have left the window.
            oldest = db.exec(recent.order_by(col(ChatTurn.at)).offset(count - self.turns_per_minute)).first()
        wait = max(1, math.ceil(((_utc(oldest) if oldest else now) + RATE_WINDOW - now).total_seconds()))
        raise RateLimited(f"提问太频繁了，请 {wait} 秒后再试", headers={"Retry-After": str(wait)})

    def purge(self, *, now: datetime) -> int:
        """Delete the sessions idle past `idle`, with their turns; how many sessions went."""
        cutoff = _utc(now) - self.idle
        with Session(self.engine) as db:
            stale = select(ChatSession.id).where(col(ChatSession.seen_at) < cutoff)
            db.exec(delete(ChatTurn).where(col(ChatTurn.session_id).in_(stale)))
            gone = db.exec(delete(ChatSession).where(col(ChatSession.seen_at) < cutoff))
            db.commit()
            return int(gone.rowcount or 0)


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time stored here is UTC.
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


__all__ = ["IDLE", "ChatSession", "ChatTurn", "OpenSession", "SessionStore", "ensure_tables", "owner_of"]
