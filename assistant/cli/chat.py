"""`innopoints ask "…"` and `innopoints chat`: the assistant on the command line.

The command line works on the server, so it may ask as anyone: `--as official` (the default),
`--as enterprise:USCC` (exactly what that enterprise's users would be told), or `--as public`.
Sessions live in the store like the HTTP ones: `ask --session ID` continues one (the id is printed
with every answer); `chat` is a loop over one session. The rate limit does not apply here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import JsonOpt, console, emit, err, friendly

if TYPE_CHECKING:
    from assistant.access.privacy import Principal
    from assistant.chat.reply import ChatReply
    from assistant.chat.service import ChatService

app = typer.Typer()
AsOpt = Annotated[str, typer.Option("--as", help="以谁的身份提问：official（默认）、enterprise:统一社会信用代码、public")]
SessionOpt = Annotated[str | None, typer.Option("--session", help="接着这个会话追问（会话号见上一次的回答）")]
QUIT = {"退出", "再见", "exit", "quit", "q"}


def _service() -> ChatService:
    """The assistant over the configured store (search without background work, as `search` does)."""
    from datetime import datetime, timedelta

    from assistant.chat.build import build_service
    from assistant.cli.common import open_engine
    from assistant.config import Settings
    from assistant.display import BEIJING
    from assistant.queries.run_cache import RunCache
    from assistant.queries.search_index import SearchIndex

    settings = Settings()
    engine = open_engine(settings)
    index = SearchIndex.from_settings(settings, engine, background=False)
    return build_service(
        engine=engine, runs=RunCache(engine), index=index, systems_dir=settings.systems_dir,
        policies_dir=settings.policies_dir, clock=lambda: datetime.now(BEIJING),
        idle=timedelta(minutes=settings.chat_idle_minutes),
    )


def principal_of(who: str, service: ChatService) -> Principal:
    """`official`, `public` or `enterprise:USCC` (an enterprise in the store) as the asker."""
    from assistant.access.privacy import Principal
    from assistant.errors import Unprocessable
    from assistant.queries.profiles import checked_uscc
    from scoring import store

    role, _, rest = who.strip().partition(":")
    if role in ("official", "public") and not rest:
        return Principal(role=role, username="cli")
    if role == "enterprise" and rest:
        uscc = checked_uscc(rest)
        from sqlmodel import Session

        with Session(service.ctx.engine) as session:
            store.enterprise(session=session, uscc=uscc)  # NotFound: no such enterprise
        return Principal(role="enterprise", username=f"cli:{uscc}", uscc=uscc)
    raise Unprocessable(f"--as 的取值“{who}”不对：应为 official、public 或 enterprise:统一社会信用代码")


def show(reply: ChatReply) -> None:
    """A reply for people: the text, what to ask next, the session to continue."""
    console.print(reply.reply, markup=False, soft_wrap=True)
    if reply.suggestions:
        console.print("可以接着问：" + " | ".join(reply.suggestions), style="dim", markup=False)


@app.command("ask")
@friendly
def ask(
    question: Annotated[str, typer.Argument(help="问题，如“我们今年总积分多少”")],
    as_: AsOpt = "official",
    session: SessionOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """向智能助手提问一次（--session 接着上次的会话追问）。"""
    from scoring.errors import NotFound

    service = _service()
    principal = principal_of(as_, service)
    try:
        reply = service.reply(principal=principal, message=question, session_id=session)
    except NotFound:
        err.print(f"[red]错误：会话 {session} 不是以 {as_} 身份开始的[/red]", markup=True)
        raise typer.Exit(1) from None
    if json_out:
        emit(reply.to_dict())
        return
    show(reply)
    err.print(f"会话号：{reply.session_id}（追问请加 --session {reply.session_id}）", style="dim", markup=False)


@app.command("chat")
@friendly
def chat(as_: AsOpt = "official", session: SessionOpt = None) -> None:
    """与智能助手连续对话（输入“退出”或按 Ctrl-D 结束；↑↓ 翻看输入过的问题）。"""
    try:
        import readline  # noqa: F401 - line editing and ↑↓ history for input()
    except ImportError:  # not on every platform
        pass
    service = _service()
    principal = principal_of(as_, service)
    if session:
        for turn in service.history(principal=principal, session_id=session)["turns"]:
            console.print(f"> {turn['message']}", style="dim", markup=False)
            console.print(turn["reply"]["reply"], style="dim", markup=False)
    console.print("智能助手：请提问（输入“退出”结束）", markup=False)
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        reply = service.reply(principal=principal, message=line, session_id=session)
        session = reply.session_id
        show(reply)
    if session:
        err.print(f"会话号：{session}（innopoints chat --session {session} 可接着聊）", style="dim", markup=False)
