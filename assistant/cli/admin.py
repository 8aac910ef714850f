"""innopoints init-admin: the first administrator of a store, with a random password shown once.

Outside development nothing else creates accounts with known passwords (`demo` refuses to run
there), so a fresh deployment starts here: `innopoints init-admin` on a store without an admin.
It is an explicit command, not a side effect of `serve`, so that the password appears once, on
the terminal of the person who asked, and never in a server's start-up log.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from assistant.cli.common import console, err, friendly, open_engine

app = typer.Typer()


@app.command("init-admin")
@friendly
def init_admin(
    username: Annotated[str, typer.Option(help="管理员用户名")] = "admin",
) -> None:
    """新建第一个管理员账号（数据库中还没有管理员时），随机密码只显示这一次。"""
    from sqlmodel import Session, col, select

    from assistant.access import accounts
    from assistant.cli.runs import record
    from assistant.config import Settings
    from assistant.errors import BadRequest

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        active = accounts.User.role == "admin", col(accounts.User.disabled).is_(False)
        admins = session.exec(select(accounts.User.username).where(*active)).all()
        if admins:
            err.print(f"[red]错误：数据库中已有管理员 {'、'.join(admins)}，未新建；其他账号请用 innopoints users add 新建[/red]")
            raise typer.Exit(1)
        # 24 URL-safe characters (144 random bits): typed once, then changed or kept in a vault.
        password = secrets.token_urlsafe(18)
        try:
            accounts.add_user(session=session, username=username, password=password, role="admin")
        except BadRequest as exc:  # a taken or malformed user name
            err.print(f"[red]错误：{exc}（--username {username}），未新建[/red]")
            raise typer.Exit(1) from None
    record(engine, action="init_admin", target=username, detail="新建第一个管理员")
    console.print(f"已新建管理员 {username}，初始密码（只显示这一次，请立即妥善保存）：{password}")
