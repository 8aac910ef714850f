"""What every command shares: the consoles, `--json`, one Chinese line for errors, the store."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from assistant.errors import ServiceError
from scoring.errors import InvalidInput, ScoringError
from search.errors import SearchError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from assistant.config import Settings

console = Console()
err = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
YearOpt = Annotated[int | None, typer.Option("--year", help="年度（默认最近一次评分的年度）")]


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn refusals (scoring, search, the service's own: accounts, privacy) into one Chinese
    line and exit code 1, never a traceback. Messages are escaped: a range like `[0, 1)` in one
    is text, not console markup."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except InvalidInput as exc:
            err.print(f"[red]错误：{escape(exc.source + '：' if exc.source else '')}输入数据有 {len(exc.problems)} 处问题[/red]")
            for p in exc.problems[:200]:
                err.print(f"  {p}", markup=False)
            raise typer.Exit(1) from None
        except (ScoringError, SearchError) as exc:
            err.print(f"[red]错误：{escape(str(exc))}[/red]", soft_wrap=True)
            raise typer.Exit(1) from None
        except ServiceError as exc:
            err.print(f"[red]错误：{escape(exc.message)}[/red]", soft_wrap=True)
            raise typer.Exit(1) from None
        except ValueError as exc:  # Settings() refusing the environment (e.g. no secret in production)
            from pydantic import ValidationError  # imported here: `--help` stays light

            if not isinstance(exc, ValidationError):
                raise
            problems = "；".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
            err.print(f"[red]错误：配置有误：{problems}[/red]")
            raise typer.Exit(1) from None

    return wrapper


def emit(data: Any) -> None:
    """Write `data` as JSON on stdout (the `--json` form of every read command)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def open_engine(settings: Settings) -> Engine:
    """The store's engine for the configured database (the data folder is created if missing)."""
    from scoring.store import make_engine

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.db_url)


@contextmanager
def accounts_session() -> Iterator[Session]:
    """A session on the configured store with the accounts tables in place (users, keys, audit)."""
    from sqlmodel import Session

    from assistant.access import accounts
    from assistant.config import Settings

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        yield session
