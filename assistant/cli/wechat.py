"""innopoints wechat menu [--push] and innopoints wechat bindings [--revoke N]."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, console, emit, friendly

app = typer.Typer(help="微信：公众号菜单、微信绑定", no_args_is_help=True)


@app.command("menu")
@friendly
def menu(
    push: Annotated[bool, typer.Option("--push", help="推送到公众号（需要 INNOPOINTS_WECHAT_APP_ID 和 APP_SECRET）")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="菜单 YAML 文件（默认随附的 data/wechat/menu.yaml）")] = None,
    json_out: JsonOpt = False,
) -> None:
    """检查公众号自定义菜单（YAML）并显示；加 --push 推送到微信。"""
    from datetime import UTC, datetime

    import httpx

    from assistant.cli.common import open_engine
    from assistant.config import Settings
    from assistant.errors import Unprocessable
    from assistant.wechat.channel import account_key
    from assistant.wechat.menu import load_menu, push_menu
    from assistant.wechat.push import token_fetcher
    from assistant.wechat.tables import ensure_tables
    from assistant.wechat.tokens import AccessTokens
    from innopoints_data import DATA_DIR

    settings = Settings()
    loaded = load_menu(file or DATA_DIR / "wechat" / "menu.yaml")
    if json_out and not push:
        emit(loaded.to_wechat())
        return
    if not push:
        for b in loaded.button:
            console.print(f"{b.name}" + (f"（{b.key or b.url}）" if not b.sub_button else ""), markup=False)
            for s in b.sub_button:
                console.print(f"  └ {s.name}（{s.key or s.url}）", markup=False)
        return
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        raise Unprocessable("推送菜单需要设置 INNOPOINTS_WECHAT_APP_ID 和 INNOPOINTS_WECHAT_APP_SECRET")
    engine = open_engine(settings)
    ensure_tables(engine)
    with httpx.Client() as http:
        fetch = token_fetcher(http, kind="mp", api_base=settings.wechat_api_base, app_id=settings.wechat_app_id,
                              secret=secret)
        tokens = AccessTokens(engine, account=account_key("mp", settings.wechat_app_id), fetch=fetch,
                              clock=lambda: datetime.now(UTC))
        try:
            push_menu(loaded, http=http, api_base=settings.wechat_api_base, tokens=tokens)
        except (httpx.HTTPError, ValueError) as exc:
            raise Unprocessable(f"连接微信接口失败：{type(exc).__name__}") from None
    if json_out:
        emit({"pushed": True, "menu": loaded.to_wechat()})
    else:
        console.print("菜单已推送到公众号（微信客户端可能需要几分钟才显示新菜单）")


@app.command("bindings")
@friendly
def bindings(
    revoke: Annotated[int | None, typer.Option("--revoke", help="解除这个编号的绑定")] = None,
    json_out: JsonOpt = False,
) -> None:
    """列出微信绑定（编号、账号、openid、用户、绑定时间）；--revoke 编号 解除一个。"""
    from sqlmodel import Session

    from assistant.access import accounts
    from assistant.cli.common import open_engine
    from assistant.config import Settings
    from assistant.display import beijing_time
    from assistant.wechat import bindings as store
    from assistant.wechat.tables import ensure_tables

    engine = open_engine(Settings())
    accounts.ensure_tables(engine)
    ensure_tables(engine)
    with Session(engine) as session:
        if revoke is not None:
            row = store.revoke(session=session, binding_id=revoke)
            if json_out:
                emit(row)
            else:
                console.print(f"已解除绑定 #{row['id']}（{row['username']}，{row['openid']}）", markup=False)
            return
        rows = store.list_bindings(session=session)
    if json_out:
        emit(rows)
        return
    table = Table("编号", "账号", "openid", "用户", "角色", "绑定时间（北京时间）")
    for r in rows:
        table.add_row(str(r["id"]), r["account"], r["openid"], r["username"] + ("（已停用）" if r["disabled"] else ""),
                      r["role"], beijing_time(r["created_at"]))
    console.print(table)
    if not rows:
        console.print("还没有微信绑定")
