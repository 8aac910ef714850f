"""The `innopoints` command line (typer): the command groups, registered explicitly.

Each module holds one group and imports its heavy parts inside the commands that need them, so
that `innopoints --help` answers at once. Every read command takes `--json`.
"""

from __future__ import annotations

import typer

from assistant.cli import (
    admin,
    audit,
    chat,
    db,
    demo,
    imports,
    runs,
    scores,
    search,
    serve,
    systems,
    users,
    wechat,
)

app = typer.Typer(help="企业科技创新积分管理信息系统 innopoints", no_args_is_help=True, add_completion=False)
app.add_typer(demo.app)
app.add_typer(serve.app)
app.add_typer(scores.app)
app.add_typer(imports.app)
app.add_typer(imports.batches_app, name="batches")
app.add_typer(search.app)
app.add_typer(search.index_app, name="index")
app.add_typer(systems.app, name="systems")
app.add_typer(users.app, name="users")
app.add_typer(admin.app)
app.add_typer(runs.app, name="runs")
app.add_typer(audit.app)
app.add_typer(chat.app)
app.add_typer(wechat.app, name="wechat")
app.add_typer(db.app, name="db")


if __name__ == "__main__":
    app()
