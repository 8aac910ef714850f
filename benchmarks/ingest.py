"""Import speed: a 100,000-row XLSX and a 100,000-row GBK CSV of tax data, through `import_file`.

The enterprises are generated like the demo zone (`scoring.demo.build.synthetic_raw`: valid USCCs from
`scoring.uscc`, the zone's revenue, cost, R&D … model), with 18 tax fields — 20 columns with the
code and the name; amounts in whole 元, as tax exports give them. The register (codes, names,
founding dates) is imported once into a template store, timed apart; each measured import then
runs in its own child process on a fresh copy of that store, so its peak RSS is its own. The parent
draws a rich progress bar from the child's progress lines. Figures: median wall time of `--repeat`
runs, rows/s, values/s, peak RSS, file sizes.

    python benchmarks/ingest.py                         # 100,000 rows, 3 runs of each format
    python benchmarks/ingest.py --rows 20000 --repeat 1 --formats csv
    python benchmarks/ingest.py --profile csv           # cProfile of one import, top functions
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2024
TAX_FIELDS = ["revenue", "total_cost_expense", "rd_expense", "domestic_rd_expense", "rd_super_deduction",
              "profit_total", "tax_paid", "total_assets", "net_assets", "hightech_revenue", "total_income",
              "rd_labor_cost", "external_rd_expense", "rd_projects", "training_expense", "intangible_assets",
              "export_revenue", "tax_credit_grade"]


def generate(n: int, folder: Path) -> dict[str, float]:
    """Write the register CSV and the two tax files; return seconds and sizes."""
    import numpy as np

    from scoring.demo.build import synthetic_raw
    from scoring.demo.files import write_table
    from scoring.systems.fields import default_fields

    registry = default_fields()
    t0 = time.perf_counter()
    fields = {k: registry[k] for k in ["age_years", "staff_total", *TAX_FIELDS]}
    frame = synthetic_raw(n, seed=11, years=(YEAR,), fields=fields)[YEAR]
    usccs = frame.index.tolist()
    names = [f"常州市新北区测试{i:06d}科技有限公司" for i in range(n)]
    founded = [f"{YEAR - int(a)}-06-01" for a in frame["age_years"].to_numpy()]
    header = ["统一社会信用代码", "企业名称"]
    cells = []
    for name in TAX_FIELDS:
        spec, col = registry[name], frame[name]
        header.append(f"{spec.name}（元）" if spec.unit == "万元" else spec.name)
        if spec.unit == "万元":  # whole yuan, exact: cents of 万元 × 100
            whole = np.rint(col.to_numpy(dtype=float, na_value=np.nan) * 100) * 100
            cells.append([None if np.isnan(v) else int(v) for v in whole])
        elif spec.type == "text":
            cells.append([None if v is None or v != v else str(v) for v in col])
        else:
            cells.append([None if v is None or v != v else int(v) for v in col.astype("float64")])
    rows = [list(r) for r in zip(usccs, names, *cells, strict=True)]
    generated = time.perf_counter() - t0
    write_table(folder / "register.csv", [("", [], ["统一社会信用代码", "企业名称", "成立日期"],
                                           [list(r) for r in zip(usccs, names, founded, strict=True)])])
    t1 = time.perf_counter()
    write_table(folder / "tax.csv", [("", [], header, rows)], encoding="gbk")
    t2 = time.perf_counter()
    write_table(folder / "tax.xlsx", [("2024年度", [f"{YEAR}年度企业所得税汇算清缴数据"], header, rows)])
    t3 = time.perf_counter()
    return {"generate_s": generated, "csv_write_s": t2 - t1, "xlsx_write_s": t3 - t2,
            "csv_mib": (folder / "tax.csv").stat().st_size / 2**20,
            "xlsx_mib": (folder / "tax.xlsx").stat().st_size / 2**20, "columns": len(header)}


def _status_mib(key: str) -> float:
    """VmRSS / VmHWM of this process. Not ru_maxrss: Linux carries it over from the parent through
    fork and exec, so a child of the parent that generated the data would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(store_path: str, file: str, profile: str | None) -> None:
    """One import in this process; progress lines on stdout, then the result as JSON."""
    from scoring import store
    from scoring.ingest.importer import import_file

    engine = store.make_engine(f"sqlite:///{store_path}")
    base = _status_mib("VmRSS")

    def tick(done: int, total: int) -> None:
        print("P", done, total, flush=True)

    t0, c0 = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile(time.process_time)  # CPU time: the machine may be shared
        report = prof.runcall(import_file, engine=engine, source="tax", path=Path(file), year=YEAR, progress=tick)
        stats = pstats.Stats(prof, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
    else:
        report = import_file(engine=engine, source="tax", path=Path(file), year=YEAR, progress=tick)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if report.status != "imported":
        print(report.to_text()[:3000], file=sys.stderr)
        raise SystemExit(1)
    peak = _status_mib("VmHWM")
    print("R", json.dumps({"seconds": seconds, "cpu": cpu, "rows": report.rows_imported, "values": report.values_written,
                           "peak_mib": peak, "base_mib": base}), flush=True)


def run_child(template: Path, file: Path, work: Path, label: str, profile: bool = False) -> dict[str, float]:
    """Copy the template store, import `file` in a child process, draw its progress."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    db = work / "run.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, db)
    cmd = [sys.executable, __file__, "--child", str(db), str(file)] + (["--profile-child"] if profile else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    result: dict[str, float] = {}
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=None)
        for line in proc.stdout:
            kind, _, rest = line.partition(" ")
            if kind == "P":
                done, total = map(int, rest.split())
                bar.update(task, completed=done, total=total)
            elif kind == "R":
                result = json.loads(rest)
    if proc.wait() != 0 or not result:
        raise SystemExit(f"{label}: the import failed")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--profile", choices=["csv", "xlsx"], help="profile one import of this format")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, profile="yes" if args.profile_child else None)
        return
    from rich.console import Console
    from rich.table import Table

    from scoring import store
    from scoring.ingest.importer import import_file

    console = Console(width=max(Console().width, 110))
    work = Path(tempfile.mkdtemp(prefix="innopoints-ingest-"))
    try:
        info = generate(args.rows, work)
        console.print(f"{args.rows:,} 行 × {info['columns']} 列：生成数据 {info['generate_s']:.1f} s，"
                      f"写 GBK CSV {info['csv_write_s']:.1f} s（{info['csv_mib']:.1f} MiB），"
                      f"写 XLSX {info['xlsx_write_s']:.1f} s（{info['xlsx_mib']:.1f} MiB）")
        template = work / "template.sqlite"
        engine = store.make_engine(f"sqlite:///{template}")
        t0 = time.perf_counter()
        reg = import_file(engine=engine, source="register", path=work / "register.csv", year=YEAR)
        reg_s = time.perf_counter() - t0
        engine.dispose()
        console.print(f"工商登记（主数据，不计入下表）：{reg.rows_imported:,} 行 {reg_s:.1f} s，"
                      f"{reg.rows_imported / reg_s:,.0f} 行/秒")
        if args.profile:
            run_child(template, work / f"tax.{args.profile}", work, f"剖析 {args.profile}", profile=True)
            return
        table = Table("文件", "大小", "耗时", "CPU", "行/秒", "行/秒(CPU)", "数值/秒", "峰值RSS", "基线RSS", "各次")
        for fmt in args.formats.split(","):
            file = work / f"tax.{fmt}"
            runs = [run_child(template, file, work, f"导入 {fmt.upper()} 第 {i + 1}/{args.repeat} 次")
                    for i in range(args.repeat)]
            secs = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            rows, values = runs[0]["rows"], runs[0]["values"]
            table.add_row(
                "GBK CSV" if fmt == "csv" else "XLSX", f"{info[fmt + '_mib']:.1f}M", f"{secs:.1f}s", f"{cpu:.1f}s",
                f"{rows / secs:,.0f}", f"{rows / cpu:,.0f}", f"{values / secs:,.0f}", f"{max(r['peak_mib'] for r in runs):,.0f}M",
                f"{runs[0]['base_mib']:,.0f}M", " ".join(f"{r['seconds']:.1f}" for r in runs),
            )
        console.print(f"{args.rows:,} 行，每次导入一个全新的库（已有工商登记）；耗时为 {args.repeat} 次的中位数（墙钟），"
                      "CPU 为导入进程的 CPU 时间；RSS 为导入进程的峰值与导入前基线")
        console.print(table)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
