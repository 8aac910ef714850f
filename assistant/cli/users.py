"""innopoints users add|list|disable|enable and users keys add|list|revoke."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from assistant.cli.common import JsonOpt, accounts_session, console, emit, friendly

if TYPE_CHECKING:
    from sqlmodel import Session

app = typer.Typer(help="用户：新建、列表、绑定企业、停用、重新启用；API 密钥", no_args_is_help=True)
keys = typer.Typer(help="API 密钥：生成、列表、吊销", no_args_is_help=True)
app.add_typer(keys, name="keys")
ROLE_HELP = "角色：admin（管理员）、official（园区工作人员）、enterprise（企业用户）；也可写中文：管理员、工作人员、企业"


@app.command("add")
@friendly
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    uscc: Annotated[str | None, typer.Option(help="企业用户绑定的统一社会信用代码（须是库中已有的企业）")] = None,
    password: Annotated[str | None, typer.Option(help="密码（至少 10 个字符；不写则在检查通过后提示输入）")] = None,
    display_name: Annotated[str, typer.Option(help="显示名")] = "",
) -> None:
    """新建用户：用户名（不区分大小写）不得重复，企业用户须绑定库中已有企业。"""
    from assistant.access import accounts
    from assistant.display import role_name

    with accounts_session() as session:
        # Check the name, role and enterprise before asking for a password typed twice.
        accounts.check_new_user(session=session, username=username, role=role, uscc=uscc)
        if password is None:
            password = typer.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")
        user = accounts.add_user(session=session, username=username, password=password, role=role,
                                 uscc=uscc, display_name=display_name)
        bound = f"，绑定 {_enterprise(session, user.uscc)}" if user.uscc else ""
    console.print(f"已新建用户 {user.username}（{role_name(user.role)}{bound}）", markup=False)


def _enterprise(session: Session, uscc: str | None) -> str:
    """`常州晨易微电子有限责任公司（91320411MAHLE600X4）`."""
    from scoring.store.models import Enterprise

    row = session.get(Enterprise, uscc) if uscc else None
    return f"{row.name}（{uscc}）" if row is not None else (uscc or "-")


@app.command("list")
@friendly
def users_list(json_out: JsonOpt = False) -> None:
    """列出用户：角色、绑定企业、状态、新建时间（北京时间）。"""
    from assistant.access import accounts
    from assistant.display import beijing_time, role_name

    with accounts_session() as session:
        users = accounts.list_users(session=session)
        rows = [accounts.public_user(u, usccs=accounts.bound_usccs(session=session, user=u)) for u in users]
        bound = {r["username"]: "、".join(_enterprise(session, c) for c in r["usccs"]) for r in rows if r["usccs"]}
    if json_out:
        emit(rows)
        return
    table = Table("用户名", "显示名", "角色", "绑定企业", "状态", "新建时间")
    for u, r in zip(users, rows, strict=True):
        table.add_row(r["username"], r["display_name"] or "-", role_name(r["role"]), bound.get(r["username"], "-"),
                      "已停用" if r["disabled"] else "正常", beijing_time(u.created_at))
    console.print(table)


@app.command("bind")
@friendly
def users_bind(username: str, uscc: Annotated[str, typer.Argument(help="要再绑定的统一社会信用代码（须是库中已有的企业）")]) -> None:
    """为企业用户再绑定一家企业（集团下属多家企业共用一个账号）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        user = accounts.bind_enterprise(session=session, username=username, uscc=uscc)
        names = "、".join(_enterprise(session, c) for c in accounts.bound_usccs(session=session, user=user))
    console.print(f"用户 {user.username} 现绑定：{names}", markup=False)


@app.command("unbind")
@friendly
def users_unbind(username: str, uscc: Annotated[str, typer.Argument(help="要解除绑定的统一社会信用代码")]) -> None:
    """解除企业用户的一家绑定企业（唯一的一家不能解除）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        user = accounts.unbind_enterprise(session=session, username=username, uscc=uscc)
        names = "、".join(_enterprise(session, c) for c in accounts.bound_usccs(session=session, user=user))
    console.print(f"用户 {user.username} 现绑定：{names}", markup=False)


@app.command("disable")
@friendly
def users_disable(username: str) -> None:
    """停用用户（令牌与 API 密钥立即失效）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        user = accounts.set_disabled(session=session, username=username)
    console.print(f"已停用用户 {user.username}", markup=False)


@app.command("enable")
@friendly
def users_enable(username: str) -> None:
    """重新启用已停用的用户（密码照旧，停用前的 API 密钥也恢复有效）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        user = accounts.set_disabled(session=session, username=username, disabled=False)
    console.print(f"已重新启用用户 {user.username}", markup=False)


@keys.command("add")
@friendly
def keys_add(username: str) -> None:
    """为用户生成一把 API 密钥（只显示这一次）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        key = accounts.create_api_key(session=session, username=username)
    console.print(f"已为用户 {username} 生成 API 密钥（只显示这一次，请妥善保存）：", markup=False)
    console.print(key, markup=False, soft_wrap=True)


@keys.command("list")
@friendly
def keys_list(username: str, json_out: JsonOpt = False) -> None:
    """列出用户的 API 密钥：编号、前缀、生成时间（北京时间）、状态；密钥本身不再显示。"""
    from assistant.access import accounts
    from assistant.display import beijing_time

    with accounts_session() as session:
        rows = [accounts.public_api_key(k) for k in accounts.list_api_keys(session=session, username=username)]
    if json_out:
        emit(rows)
        return
    if not rows:
        console.print(f"用户 {username} 没有 API 密钥", markup=False)
        return
    table = Table("编号", "前缀", "生成时间", "状态")
    for r in rows:
        table.add_row(str(r["id"]), r["prefix"] + "…", beijing_time(r["created_at"]), "已吊销" if r["revoked"] else "有效")
    console.print(table)


@keys.command("revoke")
@friendly
def keys_revoke(username: str, key_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="密钥编号（见 users keys list）")]) -> None:
    """吊销用户的一把 API 密钥（立即失效；其他密钥与登录不受影响）。"""
    from assistant.access import accounts

    with accounts_session() as session:
        key = accounts.revoke_api_key(session=session, username=username, key_id=key_id)
    console.print(f"已吊销用户 {username} 的 API 密钥 #{key.id}（{key.prefix}…）", markup=False)
