"""innopoints audit: the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import JsonOpt, accounts_session, console, emit, friendly

app = typer.Typer()


@app.command()
@friendly
def audit(
    limit: Annotated[int, typer.Option(help="最多显示条数")] = 50,
    username: Annotated[str | None, typer.Option(help="只看某个用户")] = None,
    json_out: JsonOpt = False,
) -> None:
    """审计记录：谁在何时从何处读取了哪家企业的非公开数据，以及登录与失败登录。"""
    from assistant.access import accounts
    from assistant.display import action_name, actor_role, beijing_time

    with accounts_session() as session:
        rows, total = accounts.audit_events(session=session, limit=limit, username=username)
        data = [r.model_dump(mode="json") for r in rows]
    if json_out:
        emit({"total": total, "items": data})
        return
    table = Table("时间", "用户", "角色", "操作", "对象", "来源")
    for r in data:
        table.add_row(beijing_time(r["at"], seconds=True), escape(r["username"] or "-"), actor_role(r["role"]),
                      action_name(r["action"]), escape(r["target"] or "-"), escape(r["client"] or "-"))
    console.print(f"共 {total} 条审计记录，显示最新 {len(data)} 条")
    console.print(table)
