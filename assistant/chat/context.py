"""What the chat core reads through: the collaborators a surface hands it (no globals, no settings).

The API's lifespan builds one `ChatContext` from what it already holds (engine, run cache, search
index); the CLI builds its own. `audit` is per turn (the surface knows who asked and from where).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assistant.queries.run_cache import RunCache
    from assistant.queries.search_index import SearchIndex


@dataclass(frozen=True)
class ChatContext:
    """The store, the published runs, the searcher, the system and policy files, and a clock."""

    engine: Engine
    runs: RunCache
    index: SearchIndex | None
    systems_dir: Path
    policies_dir: Path
    clock: Callable[[], datetime]  # Beijing time; tests set it ("今年" is the clock's year)


__all__ = ["ChatContext"]
