"""innopoints serve: the web/API server (uvicorn)."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from assistant.cli.common import console, friendly, open_engine

app = typer.Typer()


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 8000）")] = None,
    workers: Annotated[int, typer.Option(help="工作进程数")] = 1,
) -> None:
    """启动 Web/API 服务（uvicorn）。"""
    import uvicorn

    from assistant.access import accounts
    from assistant.api.config import Settings

    settings = Settings()
    engine = open_engine(settings)
    accounts.ensure_tables(engine)
    h, p = host or settings.host, port or settings.port
    console.print(f"innopoints 服务：http://{h}:{p}/ （接口文档 http://{h}:{p}/docs），数据库 {settings.db_url}")
    config = uvicorn.Config("assistant.api.app:factory", factory=True, host=h, port=p, workers=workers, log_level="warning")
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    # uvicorn's multi-worker path leaves Nagle's algorithm on for accepted connections, which adds
    # ~40 ms to every keep-alive response; accepted sockets inherit TCP_NODELAY from the listener.
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
