"""XLSX writers compared on the demo's tables: openpyxl (normal), openpyxl (write_only), the one
writer's `write_tables` (write-only plus styles and the text rule: what exports use) and the
hand-written streaming writer (`scoring.excel.bulk`, what the demo's source files use).

Tables: every sheet of the demo zone's source workbooks (`innopoints demo` writes them; 2,791
enterprises, three years), and one wide table shaped like a score-file output or a credit list
of the whole zone (2,791 rows × 60 columns). Each writer writes each table `--repeat` times; the
figures are the median wall time and the median CPU time of the process (the writers are
single-threaded, so CPU time is what a busy machine does not distort), then one more run under
tracemalloc gives the peak of Python memory the write allocated (the rows are built before).

    python benchmarks/xlsx_writers.py              # 5 runs each
    python benchmarks/xlsx_writers.py --repeat 3 --n 1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Sheets = list[tuple[str, list[list[Any]]]]


def demo_tables(n: int, folder: Path) -> Sheets:
    """The sheets of every workbook the demo writes, read back as rows of Python values."""
    from openpyxl import load_workbook

    from scoring.demo.build import build_demo
    from scoring.demo.files import write_demo_files

    files = write_demo_files(build_demo(n=n), folder)
    sheets: Sheets = []
    for f in files:
        if f.path.suffix != ".xlsx":
            continue
        book = load_workbook(f.path, read_only=True)
        for name in book.sheetnames:
            rows = [list(r) for r in book[name].iter_rows(values_only=True)]
            sheets.append((f"{f.source}-{name}", rows))
        book.close()
    return sheets


def wide_table(n: int) -> Sheets:
    """A score-file-shaped table: code, name, stage, then numbers (points) and short texts."""
    import random

    rnd = random.Random(7)
    header = ["统一社会信用代码", "企业名称", "成长阶段", *(f"指标{i} 得分" for i in range(57))]
    rows: list[list[Any]] = [header]
    for i in range(n):
        cells: list[Any] = [f"91320411MA{i:08d}", f"常州市新北区测试{i:06d}科技有限公司", "成长期"]
        cells += [round(rnd.random() * 20, 2) if k % 5 else f"{rnd.random() * 100:.1f} %" for k in range(57)]
        rows.append(cells)
    return [("评分结果", rows)]


def openpyxl_normal(path: Path, sheets: Sheets) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        ws = book.create_sheet(name[:31])
        for row in rows:
            ws.append(row)
    book.save(path)


def openpyxl_write_only(path: Path, sheets: Sheets) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets:
        ws = book.create_sheet(name[:31])
        for row in rows:
            ws.append(row)
    book.save(path)


def one_writer(path: Path, sheets: Sheets) -> None:
    """What exports use: openpyxl write-only plus header styles, widths and the text rule."""
    from scoring.excel.writer import Column, Sheet, write_tables

    write_tables(path, [Sheet(name, [Column(str(h or "")) for h in rows[0]], rows[1:]) for name, rows in sheets])


def hand_written(path: Path, sheets: Sheets) -> None:
    from scoring.excel.bulk import write_xlsx

    write_xlsx(path, [(name[:31], rows) for name, rows in sheets])


WRITERS: dict[str, Callable[[Path, Sheets], None]] = {
    "openpyxl": openpyxl_normal,
    "openpyxl write_only": openpyxl_write_only,
    "writer.write_tables": one_writer,
    "hand-written (bulk)": hand_written,
}


def measure(write: Callable[[Path, Sheets], None], sheets: Sheets, folder: Path, repeat: int) -> tuple[float, float, float, float]:
    """Median wall seconds, median CPU seconds, peak MiB allocated while writing, file MiB."""
    path = folder / "out.xlsx"
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        write(path, sheets)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    tracemalloc.start()
    write(path, sheets)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(walls), statistics.median(cpus), peak / 2**20, path.stat().st_size / 2**20


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2791, help="enterprises (the demo zone has 2,791)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="innopoints-xlsx-"))
    tables = {"demo source workbooks": demo_tables(args.n, folder / "demo"), "score-file / credit list": wide_table(args.n)}
    for label, sheets in tables.items():
        cells = sum(len(r) for _, rows in sheets for r in rows)
        print(f"\n{label}: {len(sheets)} sheets, {cells:,} cells")
        print(f"  {'writer':22} {'wall s':>8} {'CPU s':>8} {'cells/CPU s':>12} {'peak MiB':>9} {'file MiB':>9}")
        for name, write in WRITERS.items():
            wall, cpu, peak, size = measure(write, sheets, folder, args.repeat)
            print(f"  {name:22} {wall:8.2f} {cpu:8.2f} {cells / cpu:12,.0f} {peak:9.1f} {size:9.2f}")


if __name__ == "__main__":
    main()
