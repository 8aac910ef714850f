"""innopoints serve: the web/API server (uvicorn).

Start-up output never shows a password. Outside development it refuses a store whose demo
accounts still have their published passwords, and points to `innopoints init-admin` when the
store has no admin yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.common import console, err, friendly, open_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assistant.config import Settings

app = typer.Typer()
# Forwarded headers are the service's business (settings.trusted_proxies): uvicorn's own handling
# believes X-Forwarded-For from 127.0.0.1 and hands the service a client address anyone can choose.
SERVER_OPTIONS: dict[str, Any] = {"log_level": "warning", "proxy_headers": False}


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 8000）")] = None,
    workers: Annotated[int, typer.Option(help="工作进程数")] = 1,
) -> None:
    """启动 Web/API 服务（uvicorn）。"""
    import uvicorn

    from assistant.config import Settings

    settings = Settings()
    engine = prepare_store(settings)
    if settings.environment != "development":
        _refuse_demo_passwords(engine, settings.environment)
        if not _has_admin(engine):
            err.print("提示：还没有管理员账号；运行 innopoints init-admin 新建（初始密码只显示一次）")
    h, p = host or settings.host, port or settings.port
    where = engine.url.render_as_string(hide_password=True)  # a DATABASE_URL may carry a password
    console.print(f"innopoints 服务：http://{h}:{p}/ （接口文档 http://{h}:{p}/docs），数据库 {where}")
    config = uvicorn.Config("assistant.api.app:factory", factory=True, host=h, port=p, workers=workers, **SERVER_OPTIONS)
    from assistant import heap

    if workers <= 1:
        heap.enable()  # this process serves: its warm objects leave the GC's full passes
        uvicorn.Server(config).run()
        return
    from assistant.cli import workers as handoff

    listener = handoff.listening_socket(h, p)  # TCP_NODELAY: uvicorn's own bind leaves Nagle on (+40 ms)
    if not handoff.supported():  # no descriptor passing here: uvicorn's workers on one shared socket
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, [listener]).run()
        return
    handoff.Workers(config, listener).run()


def prepare_store(settings: Settings) -> Engine:
    """The store's engine with every table the service uses created, before any worker starts:
    workers starting together on a fresh store would each create a missing table, and all but
    one fail to start ("table already exists")."""
    from assistant.access import accounts
    from assistant.chat import sessions
    from assistant.queries import portrait_store
    from assistant.wechat.tables import ensure_tables as wechat_tables

    engine = open_engine(settings)
    accounts.ensure_tables(engine)
    portrait_store.ensure_table(engine)
    sessions.ensure_tables(engine)
    wechat_tables(engine)
    return engine


def _refuse_demo_passwords(engine: Engine, environment: str) -> None:
    """Exit if a demo account still has its published password (the demo is for development only)."""
    from assistant.cli.demo import demo_accounts_in_use

    users = demo_accounts_in_use(engine)
    if users:
        err.print(f"[red]错误：用户 {'、'.join(users)} 仍使用公开的示范密码，不能在 {environment} 环境中提供服务；"
                  f"请停用（innopoints users disable 用户名）或重建数据库[/red]")
        raise typer.Exit(1)


def _has_admin(engine: Engine) -> bool:
    from sqlmodel import Session, col, select

    from assistant.access import accounts

    with Session(engine) as session:
        stmt = select(accounts.User.id).where(accounts.User.role == "admin", col(accounts.User.disabled).is_(False))
        return session.exec(stmt).first() is not None
