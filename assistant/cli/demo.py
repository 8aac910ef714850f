"""innopoints demo: the deterministic demo zone, built through the real importer and scored.

The demo replaces the whole store and creates accounts whose passwords are published (in the
README and tests), so it only runs in development, and over an existing store only with `--force`;
refusing changes nothing. Outside development the first admin comes from `innopoints init-admin`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress

from assistant.cli.common import console, err, friendly, open_engine
from assistant.cli.scores import print_stats

if TYPE_CHECKING:
    from assistant.config import Settings

app = typer.Typer()


@app.command()
@friendly
def demo(
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成完全相同的示范园区）")] = 20231,
    size: Annotated[int, typer.Option("--size", help="企业数量")] = 2791,
    force: Annotated[bool, typer.Option("--force", help="数据库已存在时删除并重建（仅开发环境）")] = False,
    index: Annotated[bool, typer.Option(
        "--index/--no-index",
        # Spaces between the clauses: rich wraps help text only at spaces and cuts a longer CJK run.
        help="生成搜索向量索引（默认生成）。 示范园区的文本向量随安装包提供， 只编码未收录的文本。 "
             "--no-index 跳过： 服务启动后在后台编码， 其间搜索不用向量。 向量模型为 none 时不生成",
    )] = True,
) -> None:
    """生成示范园区（2,791 家企业、三年数据），写入数据库并逐年评分，生成搜索向量索引，最后打印园区概况。

    仅限开发环境；数据库已存在时须加 --force 才会删除重建。
    """
    from sqlmodel import Session

    from assistant.config import Settings
    from scoring import store
    from scoring.demo.build import build_demo
    from scoring.demo.files import import_demo_files, write_demo_files
    from scoring.engine.summary import zone_summary
    from scoring.store.pipeline import score_year, system_for_year, zone_systems
    from scoring.store.portraits import stored_system

    settings = Settings()
    if settings.environment != "development":
        err.print(f"[red]错误：示范园区只能在开发环境中生成（当前 INNOPOINTS_ENVIRONMENT={settings.environment}），未做任何改动[/red]")
        raise typer.Exit(1)
    existing = existing_store(settings)
    if existing and not force:
        err.print(f"[red]错误：{existing} 已有数据库，生成示范园区会删除并重建它；确认请加 --force（未做任何改动）[/red]")
        raise typer.Exit(1)
    if existing:
        _wipe(settings)
    engine = open_engine(settings)
    systems = zone_systems(settings.systems_dir)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("生成示范园区数据", total=None)
        d = build_demo(seed=seed, n=size)
        # The demo goes the way a zone's data goes: source files (kept for officials to open), then
        # the importer, register first.
        folder = settings.data_dir / "demo-sources"
        shutil.rmtree(folder, ignore_errors=True)
        progress.update(task, description="生成数据来源文件")
        files = write_demo_files(d, folder, on_file=lambda f: progress.update(task, description=f"生成数据来源文件：{f.path.name}"))
        import_demo_files(engine=engine, files=files, progress=lambda f, done, total: progress.update(
            task, description=f"导入 {f.path.name}", completed=done, total=total))
        console.print(f"  已生成并导入 {len(files)} 个数据来源文件（{folder}）")
        years = sorted(d.raw)
        scoring_task = progress.add_task("逐年评分", total=len(years))
        for year in years:
            system, content = system_for_year(year, systems)
            run_id, result = score_year(engine=engine, system=system, content=content, year=year)
            console.print(f"  {year} 年：指标体系 {system.version}，评分批次 #{run_id}，{result.size} 家企业")
            progress.advance(scoring_task)
    with Session(engine) as session:
        run = store.latest_run(session=session)
        assert run.id is not None  # a stored run has its id
        system = stored_system(session=session, version=run.system_version)
        data = zone_summary(store.run_scores(session=session, run_id=run.id), system, year=run.year, run_id=run.id)
    accounts_made = create_demo_accounts(engine, list(d.enterprises.index[:3]), list(d.enterprises["name"][:3]))
    console.print(f"示范园区已写入 {settings.db_url}")
    if index:
        build_search_index(settings, engine)
    _print_accounts(accounts_made)
    print_stats(data)


def build_search_index(settings: Settings, engine: Any) -> None:
    """Build the search index now, so that the service's first search is already semantic.

    The demo's passages take their vectors from the file shipped with the package
    (`assistant.queries.demo_vectors`, checked against the embedder first); any other passage is
    encoded here, with a progress bar. Vectors are cached by passage text in the data folder,
    which `--force` keeps: a second demo with the same seed encodes nothing.
    """
    if settings.embedder == "none":
        console.print("  向量模型为 none：只用文本检索，不生成搜索向量")
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    from assistant.queries.demo_vectors import seed_demo_vectors
    from assistant.queries.search_index import SearchIndex

    start = time.perf_counter()
    search = SearchIndex.from_settings(settings, engine, background=False)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("核对随包的示范向量", total=None)
        seeding = seed_demo_vectors(search)
        if seeding.problem:
            err.print(f"[yellow]  {escape(seeding.problem)}[/yellow]")
        bar.update(task, description="编码企业文本（搜索向量）")
        report = search.build(progress=lambda done, total: bar.update(task, completed=done, total=total), searcher=False)
    console.print(f"  搜索索引已生成：{report.documents} 家企业，向量模型 {search.embedder_name}，"
                  f"随包向量 {seeding.found} 段，新编码 {report.encoded} 段文本，用时 {time.perf_counter() - start:.1f} 秒")


def existing_store(settings: Settings) -> str | None:
    """Where the configured store already exists (its path or URL), or None."""
    if not settings.database_url:
        path = settings.sqlite_path
        return str(path) if path.exists() else None
    from sqlalchemy import create_engine, inspect

    engine = create_engine(settings.database_url)
    try:
        return engine.url.render_as_string(hide_password=True) if inspect(engine).get_table_names() else None
    finally:
        engine.dispose()


def _wipe(settings: Settings) -> None:
    """Remove the store (the SQLite file, or every table of the database), to rebuild from scratch."""
    if not settings.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(settings.database_url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)
    finally:
        engine.dispose()


DEMO_ACCOUNTS = [
    ("admin", "demo-admin-2026", "admin"),
    ("official", "demo-official-2026", "official"),
    ("enterprise1", "demo-enterprise-2026", "enterprise"),
    ("enterprise2", "demo-enterprise-2026", "enterprise"),
    ("enterprise3", "demo-enterprise-2026", "enterprise"),
]


def create_demo_accounts(engine: Any, usccs: list[str], names: list[str]) -> list[dict[str, str]]:
    """The demo's accounts: one admin, one official, three enterprise users bound to demo enterprises."""
    from sqlmodel import Session

    from assistant.access import accounts

    accounts.ensure_tables(engine)
    made = []
    bound = iter(zip(usccs, names, strict=True))
    with Session(engine) as session:
        for username, password, role in DEMO_ACCOUNTS:
            uscc, name = next(bound) if role == "enterprise" else (None, "")
            accounts.add_user(session=session, username=username, password=password, role=role, uscc=uscc, display_name=name)
            made.append({"username": username, "password": password, "role": role, "uscc": uscc or "", "name": name})
    return made


def demo_accounts_in_use(engine: Any) -> list[str]:
    """Active users that still have their published demo password (never acceptable outside development)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError
    from sqlmodel import Session, col, select

    from assistant.access import accounts

    published = {username: password for username, password, _ in DEMO_ACCOUNTS}
    hasher = PasswordHasher()
    found = []
    with Session(engine) as session:
        users = session.exec(select(accounts.User).where(col(accounts.User.username).in_(list(published)))).all()
        for user in users:
            if user.disabled:
                continue
            try:
                hasher.verify(user.password_hash, published[user.username])
            except (VerificationError, InvalidHashError):
                continue
            found.append(user.username)
    return sorted(found)


def _print_accounts(made: list[dict[str, str]]) -> None:
    from assistant.access.roles import role_name

    console.print("[bold]示范账号[/bold]（用户名 / 密码 / 角色）：")
    for a in made:
        bound = f"，绑定 {a['name']}（{a['uscc']}）" if a["uscc"] else ""
        console.print(f"  {a['username']} / {a['password']} / {role_name(a['role'])}{bound}")
