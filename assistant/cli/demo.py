"""innopoints demo: the deterministic demo zone, built through the real importer and scored."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from assistant.cli.common import console, friendly, open_engine
from assistant.cli.scores import print_stats

app = typer.Typer()


@app.command()
@friendly
def demo(
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成完全相同的示范园区）")] = 20231,
    size: Annotated[int, typer.Option("--size", help="企业数量")] = 2791,
) -> None:
    """生成示范园区（2,791 家企业、三年数据），写入数据库并逐年评分，最后打印园区概况。"""
    from sqlmodel import Session

    from assistant.api.config import Settings
    from scoring import store
    from scoring.demo.build import build_demo
    from scoring.demo.files import import_demo_files, write_demo_files
    from scoring.engine.summary import zone_summary
    from scoring.store.pipeline import score_year, system_for_year, zone_systems
    from scoring.store.portraits import stored_system

    settings = Settings()
    if not settings.database_url:
        for suffix in ("", "-wal", "-shm"):  # the demo is rebuilt from scratch
            Path(f"{settings.sqlite_path}{suffix}").unlink(missing_ok=True)
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
        system = stored_system(session=session, version=run.system_version)
        data = zone_summary(store.run_scores(session=session, run_id=run.id), system, year=run.year, run_id=run.id)  # type: ignore[arg-type]
    accounts_made = create_demo_accounts(engine, list(d.enterprises.index[:3]), list(d.enterprises["name"][:3]))
    console.print(f"示范园区已写入 {settings.db_url}")
    _print_accounts(accounts_made)
    print_stats(data)


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
    bound = iter(zip(usccs, names))
    with Session(engine) as session:
        for username, password, role in DEMO_ACCOUNTS:
            uscc, name = next(bound) if role == "enterprise" else (None, "")
            accounts.add_user(session=session, username=username, password=password, role=role, uscc=uscc, display_name=name)
            made.append({"username": username, "password": password, "role": role, "uscc": uscc or "", "name": name})
    return made


def _print_accounts(made: list[dict[str, str]]) -> None:
    console.print("[bold]示范账号[/bold]（用户名 / 密码 / 角色）：")
    for a in made:
        bound = f"，绑定 {a['name']}（{a['uscc']}）" if a["uscc"] else ""
        console.print(f"  {a['username']} / {a['password']} / {a['role']}{bound}")
