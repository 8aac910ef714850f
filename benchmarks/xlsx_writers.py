"""XLSX writers compared on the demo's tables: openpyxl (normal), openpyxl (write_only) and the
hand-written streaming writer (`scoring.excel.bulk`).

Tables: every sheet of the demo zone's source workbooks (`innopoints demo` writes them; 2,791
enterprises, three years), and one wide table shaped like a score-file output or a credit list
of the whole zone (2,791 rows × 60 columns). Each writer writes each table `--repeat` times; the
figure is the median wall time, then one more run under tracemalloc gives the peak of Python
memory the write allocated (the rows themselves are built before and not counted).

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


def hand_written(path: Path, sheets: Sheets) -> None:
    from scoring.excel.bulk import write_xlsx

    write_xlsx(path, [(name[:31], rows) for name, rows in sheets])


WRITERS: dict[str, Callable[[Path, Sheets], None]] = {
    "openpyxl": openpyxl_normal,
    "openpyxl write_only": openpyxl_write_only,
    "hand-written (bulk)": hand_written,
}


def measure(write: Callable[[Path, Sheets], None], sheets: Sheets, folder: Path, repeat: int) -> tuple[float, float, float]:
    """Median seconds, peak MiB allocated while writing, file MiB."""
    path = folder / "out.xlsx"
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        write(path, sheets)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    write(path, sheets)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20, path.stat().st_size / 2**20


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
        print(f"  {'writer':22} {'median s':>9} {'cells/s':>10} {'peak MiB':>9} {'file MiB':>9}")
        for name, write in WRITERS.items():
            seconds, peak, size = measure(write, sheets, folder, args.repeat)
            print(f"  {name:22} {seconds:9.2f} {cells / seconds:10,.0f} {peak:9.1f} {size:9.2f}")


if __name__ == "__main__":
    main()
