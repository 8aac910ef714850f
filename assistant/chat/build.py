"""Build the assistant once per process, from what a surface already holds (no settings read here).

The API's lifespan and the CLI both call `build_service`: the NLU vocabulary (indicators,
categories, and the industries of the store's enterprises) is built once, the session tables are
created, and one message is understood so that everything loaded lazily is loaded before the first
question.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from assistant.chat import sessions
from assistant.chat.context import ChatContext
from assistant.chat.service import ChatService
from scoring.store.models import Enterprise

if TYPE_CHECKING:
    from assistant.queries.run_cache import RunCache
    from assistant.queries.search_index import SearchIndex


def industries(engine: Engine) -> list[str]:
    """The industries the store's enterprises name (what "光伏行业前十" can mean)."""
    with Session(engine) as session:
        rows = session.execute(select(col(Enterprise.industry)).distinct()).scalars().all()
    return sorted({str(r) for r in rows if r})


def build_service(
    *, engine: Engine, runs: RunCache, index: SearchIndex | None, systems_dir: Path, policies_dir: Path,
    clock: Callable[[], datetime], idle: timedelta = sessions.IDLE, turns_per_minute: int = 0, model: Any = None,
) -> ChatService:
    """A warmed `ChatService` over this store (`clock`: Beijing time, "今年" is its year)."""
    from assistant.chat.nlu import Vocabulary

    sessions.ensure_tables(engine)
    ctx = ChatContext(engine=engine, runs=runs, index=index, systems_dir=systems_dir, policies_dir=policies_dir,
                      clock=clock)
    vocab = Vocabulary.from_systems(systems_dir, industries=industries(engine))
    service = ChatService(ctx, vocab=vocab, sessions=sessions.SessionStore(engine, idle=idle,
                                                                           turns_per_minute=turns_per_minute),
                          model=model)
    service.warm()
    return service


__all__ = ["build_service", "industries"]
