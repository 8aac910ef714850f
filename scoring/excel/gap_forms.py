"""Self-report forms (企业填报表): one XLSX per enterprise asking only for what no source gave.

A form is laid out so that the importer reads it back unchanged (``innopoints import self_report
FORM.xlsx --year Y``): three title rows (企业名称, 年度, 说明), then the header row
``统一社会信用代码 | 企业名称 | <字段名（单位）> …`` — the headers the ``self_report`` mapping accepts
for every registry field — and one data row with the code and name filled in. Yes/no cells carry a
是/否 drop-down, counts accept whole numbers ≥ 0, amounts decimals (≥ 0 unless the field may be
negative), and a field whose name lists its values (纳税信用等级（A/B/M/C/D）) a drop-down of them.
A second sheet, 填写说明, explains each field: name, unit, what to enter and which indicators use it.

Gaps of an earlier (lagged) year go to a form of their own for that year, so every form imports
with the ``--year`` it states.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scoring.excel.writer import append, put, save
from scoring.formula import expr
from scoring.store.gaps import EnterpriseGaps, Gap, GapReport
from scoring.systems.schema import SOURCES, FieldDef, IndicatorSystem

__all__ = ["form_header", "write_form", "write_forms"]

KEY_HEADERS = ("统一社会信用代码", "企业名称")
TITLE_ROWS = 3  # the header is on row 4, the data on row 5
_CHOICES = re.compile(r"（([^（）、，]+(?:/[^（）、，]+)+)）$")  # 纳税信用等级（A/B/M/C/D）
_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in
_TYPE_HELP = {
    "flag": "选择“是”或“否”",
    "count": "填写不小于 0 的整数",
    "years": "填写不小于 0 的整数（年）",
    "amount": "填写数值，可保留两位小数",
    "ratio": "填写 0–1 之间的小数或百分数（如 35%）",
    "text": "填写文字",
}


def form_header(spec: FieldDef) -> str:
    """The column header of a field on a form: ``name（unit）``, or the name without a unit."""
    return f"{spec.name}（{spec.unit}）" if spec.unit else spec.name


def write_forms(
    report: GapReport,
    folder: Path,
    *,
    registry: Mapping[str, FieldDef],
    system: IndicatorSystem | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write every enterprise's forms into ``folder``; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    uses = _indicator_uses(system) if system is not None else {}
    paths = []
    for i, ent in enumerate(report.enterprises, start=1):
        for year in sorted({g.year for g in ent.gaps if g.asked}, reverse=True):
            path = folder / f"{ent.uscc}_{year}.xlsx"
            write_form(path, enterprise=ent, year=year, registry=registry, uses=uses)
            paths.append(path)
        if progress:
            progress(i, len(report.enterprises))
    return paths


def write_form(
    path: Path,
    *,
    enterprise: EnterpriseGaps,
    year: int,
    registry: Mapping[str, FieldDef],
    uses: Mapping[str, list[str]] | None = None,
) -> Path:
    """Write one enterprise's form for one data year (its asked gaps of that year only)."""
    gaps = [g for g in enterprise.of_year(year) if g.asked]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "企业填报"
    _titles(sheet, enterprise, year, width=len(KEY_HEADERS) + len(gaps))
    header_row, data_row = TITLE_ROWS + 1, TITLE_ROWS + 2
    headers = [*KEY_HEADERS, *(form_header(registry[g.field]) for g in gaps)]
    for col, text in enumerate(headers, start=1):
        cell = put(sheet, header_row, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = 22 if col > 2 else 24 + 10 * (col - 1)
    put(sheet, data_row, 1, enterprise.uscc).number_format = "@"  # never a number in Excel
    put(sheet, data_row, 2, enterprise.name)
    for col, gap in enumerate(gaps, start=len(KEY_HEADERS) + 1):
        cell = sheet.cell(data_row, col)
        cell.fill = _FILL
        rule = _validation(registry[gap.field])
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(cell)
    sheet.row_dimensions[header_row].height = 48
    sheet.freeze_panes = sheet.cell(data_row, 3)
    _guide(book.create_sheet("填写说明"), gaps, registry, uses or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    return save(book, path)


def _titles(sheet: Worksheet, ent: EnterpriseGaps, year: int, *, width: int) -> None:
    lines = [
        f"企业名称：{ent.name}（统一社会信用代码 {ent.uscc}）",
        f"年度：{year} 年",
        ("说明：下列数据项是各数据来源（税务、知识产权、社保、资质认定、统计等）均未提供、"
         "评价所需的数据，请只填写黄色单元格；是/否项请从下拉框选择，数值单位见表头括号。"
         "各项含义见“填写说明”工作表。请勿修改表头与前两列。"),
    ]
    for row, text in enumerate(lines, start=1):
        put(sheet, row, 1, text).font = Font(bold=row == 1)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 4))
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 45


def _validation(spec: FieldDef) -> DataValidation | None:
    """The cell rule a field's type calls for (Excel shows the Chinese message on bad input)."""
    if spec.type == "flag":
        rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    elif spec.type in ("count", "years"):
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    elif spec.type == "amount" and not spec.signed:
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    elif spec.type == "text" and (m := _CHOICES.search(spec.name)):
        rule = DataValidation(type="list", formula1=f'"{",".join(m.group(1).split("/"))}"', allow_blank=True)
    else:
        return None
    rule.error = f"“{spec.name}”：{_TYPE_HELP.get(spec.type, '请按说明填写')}"
    rule.errorTitle = "填写有误"
    rule.showErrorMessage = True
    return rule


def _guide(sheet: Worksheet, gaps: list[Gap], registry: Mapping[str, FieldDef], uses: Mapping[str, list[str]]) -> None:
    """The 填写说明 sheet: one row per asked field."""
    append(sheet, ["数据项（表头）", "单位", "填写要求", "含义与用途", "通常的数据来源"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for gap in gaps:
        spec = registry[gap.field]
        help_ = _TYPE_HELP.get(spec.type, "")
        if spec.type == "amount" and spec.signed:
            help_ += "，亏损等可填负数"
        meaning = spec.description or f"{spec.name}（{gap.year} 年）"
        if uses.get(gap.field):
            meaning += "；用于指标：" + "、".join(uses[gap.field])
        append(sheet, [form_header(spec), spec.unit or "—", help_, meaning, SOURCES.get(spec.source, spec.source)])
    for col, width in zip("ABCDE", (40, 8, 30, 60, 16), strict=True):
        sheet.column_dimensions[col].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _indicator_uses(system: IndicatorSystem) -> dict[str, list[str]]:
    """Field → the indicators (code and name) whose formula reads it."""
    out: dict[str, list[str]] = {}
    for ind in system.indicators:
        for name, _lag in expr.parse(ind.formula).fields:
            label = f"{ind.code} {ind.name}"
            if label not in out.setdefault(name, []):
                out[name].append(label)
    return out
