"""innopoints users add|list|disable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, friendly, open_engine

app = typer.Typer(help="用户：新建、列表、停用", no_args_is_help=True)


@app.command("add")
@friendly
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin | official | enterprise")],
    uscc: Annotated[str | None, typer.Option(help="企业用户绑定的统一社会信用代码")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="密码（至少 10 个字符）")] = "",
    display_name: Annotated[str, typer.Option(help="显示名")] = "",
) -> None:
    """新建用户。"""
    from sqlmodel import Session

    from assistant.access import accounts
    from assistant.api.config import Settings

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        user = accounts.add_user(session=session, username=username, password=password, role=role, uscc=uscc, display_name=display_name)
    console.print(f"已新建用户 {user.username}（{accounts.ROLES[user.role]}）")


@app.command("list")
@friendly
def users_list(json_out: JsonOpt = False) -> None:
    """列出用户。"""
    from sqlmodel import Session

    from assistant.access import accounts
    from assistant.api.config import Settings

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        rows = [accounts.public_user(u) for u in accounts.list_users(session=session)]
    if json_out:
        emit(rows)
        return
    table = Table("用户名", "角色", "绑定企业", "状态")
    for r in rows:
        table.add_row(r["username"], accounts.ROLES[r["role"]], r["uscc"] or "-", "已停用" if r["disabled"] else "正常")
    console.print(table)


@app.command("disable")
@friendly
def users_disable(username: str) -> None:
    """停用用户（令牌与 API 密钥立即失效）。"""
    from sqlmodel import Session

    from assistant.access import accounts
    from assistant.api.config import Settings

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        accounts.set_disabled(session=session, username=username)
    console.print(f"已停用用户 {username}")
