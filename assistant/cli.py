"""The `innopoints` command line (typer). Every read command takes `--json`."""

from __future__ import annotations

import json
import shutil
import socket
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from assistant.config import Settings
from scoring.errors import InvalidInput, ScoringError
from search.errors import SearchError

app = typer.Typer(help="企业科技创新积分管理信息系统 innopoints", no_args_is_help=True, add_completion=False)
systems_app = typer.Typer(help="指标体系版本：列表、详情、比较", no_args_is_help=True)
app.add_typer(systems_app, name="systems")
users_app = typer.Typer(help="用户：新建、列表、停用", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
YearOpt = Annotated[int | None, typer.Option("--year", help="年度（默认最近一次评分的年度）")]


def friendly(fn: F) -> F:
    """Turn domain errors (scoring, search) into a Chinese message and exit code 1 (no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InvalidInput as exc:
            err.print(f"[red]错误：{exc.source + '：' if exc.source else ''}输入数据有 {len(exc.problems)} 处问题[/red]")
            for p in exc.problems[:200]:
                err.print(f"  {p}")
            raise typer.Exit(1) from None
        except (ScoringError, SearchError) as exc:
            err.print(f"[red]错误：{exc}[/red]")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from scoring.store import make_engine

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.db_url)


@app.command()
@friendly
def demo(
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成完全相同的示范园区）")] = 20231,
    size: Annotated[int, typer.Option("--size", help="企业数量")] = 2791,
) -> None:
    """生成示范园区（2,791 家企业、三年数据），写入数据库并逐年评分，最后打印园区概况。"""
    from sqlmodel import Session

    from scoring import store
    from scoring.demo import build_demo
    from scoring.portrait import stored_system
    from scoring.demo_files import import_demo_files, write_demo_files
    from scoring.pipeline import score_year, system_for_year, zone_systems
    from scoring.summary import zone_summary

    settings = Settings()
    if not settings.database_url:
        for suffix in ("", "-wal", "-shm"):  # the demo is rebuilt from scratch
            Path(f"{settings.sqlite_path}{suffix}").unlink(missing_ok=True)
    engine = _engine(settings)
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
    _print_stats(data)


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

    from assistant import accounts

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


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 8000）")] = None,
    workers: Annotated[int, typer.Option(help="工作进程数")] = 1,
) -> None:
    """启动 Web/API 服务（uvicorn）。"""
    import uvicorn
    from sqlmodel import Session, select

    from assistant import accounts

    settings = Settings()
    engine = _engine(settings)
    accounts.ensure_tables(engine)
    h, p = host or settings.host, port or settings.port
    with Session(engine) as session:
        users = session.exec(select(accounts.User).where(accounts.User.username.in_([a[0] for a in DEMO_ACCOUNTS]))).all()  # type: ignore[attr-defined]
    console.print(f"innopoints 服务：http://{h}:{p}/ （接口文档 http://{h}:{p}/docs），数据库 {settings.db_url}")
    if users:
        known = {a[0]: a[1] for a in DEMO_ACCOUNTS}
        _print_accounts([{"username": u.username, "password": known[u.username], "role": u.role, "uscc": u.uscc or "", "name": u.display_name} for u in users])
    config = uvicorn.Config("assistant.app:factory", factory=True, host=h, port=p, workers=workers, log_level="warning")
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    # uvicorn's multi-worker path leaves Nagle's algorithm on for accepted connections, which adds
    # ~40 ms to every keep-alive response; accepted sockets inherit TCP_NODELAY from the listener.
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()


@users_app.command("add")
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

    from assistant import accounts

    engine = _engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        user = accounts.add_user(session=session, username=username, password=password, role=role, uscc=uscc, display_name=display_name)
    console.print(f"已新建用户 {user.username}（{accounts.ROLES[user.role]}）")


@users_app.command("list")
@friendly
def users_list(json_out: JsonOpt = False) -> None:
    """列出用户。"""
    from sqlmodel import Session

    from assistant import accounts

    engine = _engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        rows = [accounts.public_user(u) for u in accounts.list_users(session=session)]
    if json_out:
        _emit(rows)
        return
    table = Table("用户名", "角色", "绑定企业", "状态")
    for r in rows:
        table.add_row(r["username"], accounts.ROLES[r["role"]], r["uscc"] or "-", "已停用" if r["disabled"] else "正常")
    console.print(table)


@users_app.command("disable")
@friendly
def users_disable(username: str) -> None:
    """停用用户（令牌与 API 密钥立即失效）。"""
    from sqlmodel import Session

    from assistant import accounts

    engine = _engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        accounts.set_disabled(session=session, username=username)
    console.print(f"已停用用户 {username}")


@app.command()
@friendly
def audit(
    limit: Annotated[int, typer.Option(help="最多显示条数")] = 50,
    username: Annotated[str | None, typer.Option(help="只看某个用户")] = None,
    json_out: JsonOpt = False,
) -> None:
    """审计记录：谁在何时从何处读取了哪家企业的非公开数据，以及登录与失败登录。"""
    from sqlmodel import Session

    from assistant import accounts

    engine = _engine(Settings())
    accounts.ensure_tables(engine)
    with Session(engine) as session:
        rows, total = accounts.audit_events(session=session, limit=limit, username=username)
        data = [r.model_dump(mode="json") for r in rows]
    if json_out:
        _emit({"total": total, "items": data})
        return
    table = Table("时间", "用户", "角色", "操作", "对象", "来源")
    for r in data:
        table.add_row(r["at"][:19], r["username"], r["role"], r["action"], r["target"], r["client"])
    console.print(table)


@app.command()
@friendly
def score(
    system: Annotated[str, typer.Option("--system", help="指标体系版本（如 1.0）或文件路径")],
    year: Annotated[int, typer.Option("--year", help="评分年度")],
    json_out: JsonOpt = False,
) -> None:
    """用指定版本的指标体系对某一年度评分，并原子地发布评分结果。"""
    from scoring.loader import find_system
    from scoring.pipeline import score_year

    settings = Settings()
    sys_ = find_system(system, settings.systems_dir)
    content = _system_path(settings, sys_.version).read_text(encoding="utf-8")
    run_id, result = score_year(engine=_engine(settings), system=sys_, content=content, year=year)
    info = {"run_id": run_id, "system": sys_.version, "year": year, "enterprises": result.size}
    if json_out:
        _emit(info)
    else:
        console.print(f"已发布评分批次 #{run_id}：{year} 年，指标体系 {sys_.version}，{result.size} 家企业")


def _system_path(settings: Settings, version: str) -> Path:
    from scoring.loader import load_system, system_files

    for path in system_files(settings.systems_dir):
        if load_system(path).version == version:
            return path
    raise ScoringError(f"找不到指标体系版本 {version} 的文件")


@app.command("score-file")
@friendly
def score_file_cmd(
    system: Annotated[str, typer.Option("--system", help="指标体系版本或 YAML 文件")],
    input: Annotated[Path, typer.Option("--input", help="原始数据表（.csv 或 .xlsx）")],
    output: Annotated[Path, typer.Option("--output", help="结果表（.csv 或 .xlsx）")],
    year: Annotated[int | None, typer.Option("--year", help="数据年度（默认该体系的适用年度）")] = None,
) -> None:
    """不经数据库，直接对一张表评分：每行一家企业，原始字段为列。"""
    from scoring.loader import find_system
    from scoring.scorefile import score_file

    sys_ = find_system(system, Settings().systems_dir)
    out = score_file(sys_, input, output, year=year)
    console.print(f"已评分 {len(out)} 家企业，结果写入 {output}")


@app.command()
@friendly
def show(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: YearOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """企业创新画像：总分、类别得分、阶段内排名、各指标得分与解释、缺失数据、提分建议。"""
    from sqlmodel import Session

    from scoring.portrait import portrait
    from scoring.uscc import validate_uscc

    try:
        code = validate_uscc(uscc)
    except ValueError as exc:
        raise ScoringError(str(exc)) from None
    with Session(_engine(Settings())) as session:
        data = portrait(session=session, uscc=code, year=year)
    if json_out:
        _emit(data)
        return
    console.print(f"[bold]{data['name']}[/bold]（{data['uscc']}）  {data['industry']}")
    console.print(f"{data['year']} 年  指标体系 {data['system']}  阶段：{data['stage_name']}（{data['stage_reason']}）")
    console.print(f"总分 {data['total']:g} / {data['max_total']:g}，阶段内第 {data['rank']} 名，优于同阶段 {data['percentile']:g}% 的企业")
    for cat in data["categories"]:
        console.print(f"  {cat['name']}：{cat['points']:g} / {cat['max_points']:g}")
    for code_, v in data["verdicts"].items():
        console.print(f"  结论 {code_}：{'通过' if v['passed'] else '未通过'}（{v['route']}）")
    table = Table("指标", "得分", "解释", show_lines=False)
    for ind in data["indicators"]:
        table.add_row(f"{ind['code']} {ind['name']}", f"{ind['points']:g}/{ind['weight']:g}", ind["explanation"])
    console.print(table)
    if data["missing"]:
        console.print(f"缺失数据的指标：{'、'.join(data['missing'])}")
    console.print("[bold]提分建议[/bold]")
    for tip in data["advice"] or [{"text": "暂无可测算的提分空间"}]:
        console.print(f"  · {tip['text']}")


@app.command()
@friendly
def stats(year: YearOpt = None, json_out: JsonOpt = False) -> None:
    """园区概况：各阶段企业数与占比、各类别平均得分。"""
    from sqlmodel import Session

    from scoring import store
    from scoring.portrait import stored_system
    from scoring.summary import zone_summary

    with Session(_engine(Settings())) as session:
        run = store.latest_run(session=session, year=year)
        system = stored_system(session=session, version=run.system_version)
        data = zone_summary(store.run_scores(session=session, run_id=run.id), system, year=run.year, run_id=run.id)  # type: ignore[arg-type]
    if json_out:
        _emit(data)
    else:
        _print_stats(data)


def _print_stats(data: dict[str, Any]) -> None:
    console.print(f"[bold]{data['year']} 年园区概况[/bold]（指标体系 {data['system']}，评分批次 #{data['run_id']}）：{data['enterprises']} 家企业，平均总分 {data['mean_total']}")
    # "科技创新基础能力" → "基础": the full names do not fit a terminal's width.
    short = [c["name"].replace("科技创新", "").replace("能力", "") or c["name"] for c in data["categories"]]
    table = Table("阶段", "企业数", "占比", "平均总分", *short)
    for s in data["stages"]:
        cats = s.get("categories", {})
        table.add_row(
            s["name"], str(s["count"]), f"{s['share']}%", str(s.get("mean_total", "-")),
            *[str(cats.get(c["code"], "-")) for c in data["categories"]],
        )
    console.print(table)


@systems_app.command("list")
@friendly
def systems_list(json_out: JsonOpt = False) -> None:
    """列出全部指标体系版本。"""
    from scoring.loader import load_system, system_files

    rows = []
    for path in system_files(Settings().systems_dir):
        s = load_system(path)
        rows.append({"version": s.version, "name": s.name, "year": s.year, "indicators": len(s.indicators),
                     "categories": len(s.categories), "max_total": s.max_total, "file": path.name})
    if json_out:
        _emit(rows)
        return
    table = Table("版本", "名称", "适用年度", "指标数", "满分", "文件")
    for r in rows:
        table.add_row(r["version"], r["name"], str(r["year"]), str(r["indicators"]), f"{r['max_total']:g}", r["file"])
    console.print(table)


@systems_app.command("show")
@friendly
def systems_show(version: str, json_out: JsonOpt = False) -> None:
    """显示一个版本的全部类别与指标定义。"""
    from scoring.loader import find_system

    s = find_system(version, Settings().systems_dir)
    if json_out:
        _emit(s.model_dump(mode="json"))
        return
    console.print(f"[bold]{s.name}[/bold]（版本 {s.version}，{s.year} 年起适用，满分 {s.max_total:g}）")
    for cat in s.categories:
        console.print(f"[bold]{cat.name}[/bold]（{cat.code}，满分 {cat.max_points:g}）")
        for ind in s.indicators_of(cat.code):
            console.print(f"  {ind.code} {ind.name}  公式 {ind.formula}  {ind.rule.describe()}", markup=False)


@systems_app.command("diff")
@friendly
def systems_diff(old: str, new: str, json_out: JsonOpt = False) -> None:
    """比较两个版本：新增、删除、调整权重或分档的指标。"""
    from scoring.diff import diff_systems
    from scoring.loader import find_system

    settings = Settings()
    d = diff_systems(find_system(old, settings.systems_dir), find_system(new, settings.systems_dir))
    if json_out:
        _emit(d.as_dict())
        return
    for line in d.lines():
        console.print(line, markup=False)


@app.command()
@friendly
def gaps(
    year: Annotated[int, typer.Option("--year", help="评分年度")],
    uscc: Annotated[list[str] | None, typer.Option("--uscc", help="只看这些企业（可重复）")] = None,
    forms: Annotated[Path | None, typer.Option("--forms", help="为每家企业生成企业填报表（Excel）到该目录")] = None,
    json_out: JsonOpt = False,
) -> None:
    """数据缺口：该年度指标体系所需、任何数据来源都没有提供的字段（每家企业），可生成企业填报表。"""
    from sqlmodel import Session

    from scoring.fields import default_fields
    from scoring.gap_forms import write_forms
    from scoring.gaps import find_gaps
    from scoring.pipeline import system_for_year, zone_systems
    from scoring.uscc import validate_uscc

    settings = Settings()
    try:
        codes = [validate_uscc(u) for u in uscc] if uscc else None
    except ValueError as exc:
        raise ScoringError(str(exc)) from None
    system, _ = system_for_year(year, zone_systems(settings.systems_dir))
    with Session(_engine(settings)) as session:
        report = find_gaps(session=session, year=year, usccs=codes, system=system)
    written: list[Path] = []
    if forms:
        with Progress(console=err, transient=True) as bar:  # ~15 ms a form: ~40 s for the demo zone
            task = bar.add_task("生成企业填报表", total=len(report.enterprises))
            written = write_forms(report, forms, registry=default_fields(), system=system,
                                  progress=lambda done, total: bar.update(task, completed=done))
    if json_out:
        _emit({**report.as_dict(), "forms": [str(p) for p in written]})
        return
    n_gaps = sum(len(e.gaps) for e in report.enterprises)
    console.print(f"[bold]{year} 年数据缺口[/bold]（指标体系 {report.system}，数据年度 {'、'.join(map(str, report.years))}）："
                  f"{report.checked} 家企业中 {len(report.enterprises)} 家缺少数据，共 {n_gaps} 项")
    table = Table("字段", "名称", "年度", "单位", "数据来源", "缺失企业数")
    for r in report.summary():
        table.add_row(r["field"], r["name"], str(r["year"]), r["unit"] or "-", r["source_name"], str(r["missing"]))
    console.print(table)
    if codes:
        for ent in report.enterprises:
            console.print(f"{ent.name}（{ent.uscc}）：" + "、".join(f"{g.name}（{g.year}）" for g in ent.gaps))
    if forms:
        console.print(f"已生成 {len(written)} 份企业填报表到 {forms}；填好后用 innopoints import self_report 文件 --year 年度 导入")


# `import`, `batches` and `conflicts` live in their own module; it uses the helpers above.
from assistant import cli_import as _cli_import  # noqa: E402,F401
from assistant import cli_search as _cli_search  # noqa: E402,F401  (`search`, `index build|status`)


if __name__ == "__main__":
    app()
