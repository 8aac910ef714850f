"""Score a table without any database: `innopoints score-file`.

Input: CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX, one row per enterprise, a USCC column
(`uscc` or 统一社会信用代码), raw fields as columns — by field code (`revenue`) or Chinese name
(营业收入); earlier years as `revenue[-1]`, `revenue[-2]`. Output: stage, verdicts and routes,
totals, category and indicator points. Every problem of the file is reported at once (row as
in the spreadsheet, column, value, reason) and no output is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from scoring.engine.engine import score_frames
from scoring.engine.inputs import needed_fields
from scoring.errors import InputProblem, InvalidInput
from scoring.systems.fields import default_fields
from scoring.systems.schema import FieldDef, IndicatorSystem
from scoring.uscc import validate_uscc

USCC_HEADERS = ("uscc", "统一社会信用代码", "社会信用代码", "信用代码")
_LAGGED = re.compile(r"^(.+)\[-(\d)\]$")


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX as text cells (conversion and checks come later)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InvalidInput([InputProblem("-", "-", str(path), "文件不存在")])
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InvalidInput([InputProblem("-", "-", path.name, f"无法读取 Excel 文件：{exc}")]) from None
    if suffix != ".csv":
        raise InvalidInput([InputProblem("-", "-", path.name, "只支持 .csv 与 .xlsx 文件")])
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput([InputProblem("-", "-", path.name, "文件编码无法识别（支持 UTF-8 与 GBK/GB18030）")])
    from io import StringIO

    try:
        return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as exc:
        raise InvalidInput([InputProblem("-", "-", path.name, f"CSV 格式错误：{exc}")]) from None
    except pd.errors.EmptyDataError:
        raise InvalidInput([InputProblem("-", "-", path.name, "文件是空的")]) from None


def table_to_frames(
    table: pd.DataFrame, system: IndicatorSystem, *, year: int, fields: Mapping[str, FieldDef] | None = None
) -> tuple[dict[int, pd.DataFrame], list[InputProblem]]:
    """Validate headers and split the table into year frames; return them with the USCC problems.

    Header problems are raised at once (nothing else can be checked without the columns).
    """
    registry = default_fields() if fields is None else fields
    by_name = {spec.name: code for code, spec in registry.items()}
    problems: list[InputProblem] = []
    rename: dict[str, tuple[str, int]] = {}
    for col in table.columns:
        head = str(col).strip()
        m = _LAGGED.match(head)
        base, lag = (m.group(1).strip(), int(m.group(2))) if m else (head, 0)
        code = base if base in registry else by_name.get(base)
        if code is not None:
            if (code, lag) in rename.values():
                problems.append(InputProblem("表头", head, head, "列重复"))
            rename[col] = (code, lag)
    uscc_col = next((c for c in table.columns if str(c).strip().lower() in USCC_HEADERS), None)
    if uscc_col is None:
        problems.append(InputProblem("表头", "uscc", "", "缺少统一社会信用代码列（uscc 或 统一社会信用代码）"))
    need = needed_fields(system)
    have = set(rename.values())
    absent = sorted(name for name in need if (name, 0) not in have)
    for name in absent:
        problems.append(InputProblem("表头", name, "", f"缺少列：{name}（{registry[name].name}）"))
    if problems:
        raise InvalidInput(problems)
    usccs = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(table[uscc_col].tolist()):
        line = i + 2  # the header is line 1 in the spreadsheet
        try:
            code = validate_uscc(str(raw) if raw is not None else "")
        except ValueError as exc:
            problems.append(InputProblem(f"第 {line} 行", str(uscc_col), raw, str(exc)))
            code = f"#row{line}"
        if code in seen:
            problems.append(InputProblem(f"第 {line} 行", str(uscc_col), raw, f"与第 {seen[code]} 行重复"))
        seen.setdefault(code, line)
        usccs.append(code)
    index = pd.Index(usccs, name="uscc")
    frames: dict[int, dict[str, object]] = {}
    for (code, lag), col in sorted((v, k) for k, v in rename.items()):
        frames.setdefault(year - lag, {})[code] = table[col].to_numpy()  # type: ignore[index]
    built = {y: pd.DataFrame(cols, index=index) for y, cols in frames.items()}  # type: ignore[arg-type]
    return built, problems


def score_file(system: IndicatorSystem, source: Path, output: Path, *, year: int | None = None) -> pd.DataFrame:
    """Score `source` and write `output` (CSV or XLSX) atomically; return the result table."""
    if output.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput([InputProblem("-", "-", str(output), "输出文件只能是 .csv 或 .xlsx")])
    table = read_table(source)
    if table.empty:
        raise InvalidInput([InputProblem("-", "-", source.name, "表中没有数据行")])
    y = year or system.year
    frames, problems = table_to_frames(table, system, year=y)
    # Report bad codes and bad cells together, by spreadsheet line, so one pass fixes the file.
    line_of = {f"企业 {u}": f"第 {i + 2} 行（{u}）" for i, u in enumerate(frames[y].index)}
    try:
        result = score_frames(system, frames, year=y)
    except InvalidInput as exc:
        problems += [InputProblem(line_of.get(p.row, p.row), p.column, p.value, p.reason) for p in exc.problems]
    if problems:
        raise InvalidInput(problems, source=source.name)
    frame = result.to_frame()
    out = frame.drop(columns=[c for c in frame.columns if c.startswith("missing.")])
    fd, tmp = tempfile.mkstemp(dir=output.parent if output.parent.exists() else None, suffix=output.suffix)
    os.close(fd)
    try:
        if output.suffix.lower() == ".csv":
            out.to_csv(tmp, encoding="utf-8-sig")
        else:
            out.to_excel(tmp)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
