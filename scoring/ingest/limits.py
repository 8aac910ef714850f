"""What one imported file may hold: every bound in one place, each refusal one Chinese line that
names the limit and where it was hit.

The bounds keep one upload's work and memory finite (a 200 kB zip can unpack to gigabytes; a
million-row sheet takes minutes) while staying well above any real zone's exports: the largest
file a zone sends is its register or tax data, one row per enterprise and year (≈ 10⁴ rows).

    >>> too_long_cell(40000)
    '单元格有 40,000 个字符，超过上限 32,767 个（Excel 单元格的字符上限）'
"""

from __future__ import annotations

from datetime import date

MAX_ROWS = 200_000  # rows of one sheet (or CSV file), title, header and blank rows included
MAX_COLUMNS = 16_384  # Excel's last column, XFD
MAX_CELLS = 5_000_000  # cells of one file (rows × the width of each row), all sheets together
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # bytes of an XLSX's members once decompressed, together
MAX_XLSX_PART = 64 * 1024 * 1024  # bytes of one part openpyxl reads whole (styles, workbook …)
MAX_XLSX_MEMBERS = 2_000  # files inside the XLSX zip (a workbook of 255 sheets has ≈ 600)
MAX_LIST_ITEMS = 20  # names (or stock codes) in one cell: a firm has a few aliases, never dozens
MAX_NAME_CHARS = 100  # one name of a list cell: registered names stay under 50, English ones ~100
MAX_ERRORS = 1_000  # errors a report lists one by one (it always gives the total)
FIRST_YEAR = 2000  # the first data year the points programme covers: earlier data is a typo


def last_year() -> int:
    """The latest data year accepted: the current one (data of a future year cannot exist)."""
    return date.today().year


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def too_many_rows(where: str) -> str:
    return f"{where}超过 {_n(MAX_ROWS)} 行的上限（空行也计入），请拆分成几个文件导入"


def too_many_cells(count: int | None = None) -> str:
    seen = f"已有 {_n(count)} 个，" if count is not None else ""
    return f"文件的单元格总数（行数 × 列数）{seen}超过 {_n(MAX_CELLS)} 个的上限，请删去无关的列或拆分成几个文件导入"


def too_many_columns(width: int) -> str:
    return f"这一行有 {_n(width)} 列，超过 {_n(MAX_COLUMNS)} 列的上限（Excel 最多到 XFD 列）"


def too_long_cell(chars: int, *, at_least: bool = False) -> str:
    count = f"至少有 {_n(chars)}" if at_least else f"有 {_n(chars)}"
    return f"单元格{count} 个字符，超过上限 {_n(MAX_CELL_CHARS)} 个（Excel 单元格的字符上限）"


def too_many_items(count: int) -> str:
    return f"单元格中有 {_n(count)} 项，超过每格 {_n(MAX_LIST_ITEMS)} 项的上限（多项之间以 、；, / 分隔）"


def too_long_name(name: str) -> str:
    return f"“{name[:20]}…”有 {_n(len(name))} 个字符，超过每项 {_n(MAX_NAME_CHARS)} 个字符的上限（多项之间以 、；, / 分隔）"


def too_long_text(part: str, run: int) -> str:
    return (f"Excel 文件的 {part} 中有一段至少 {_n(run)} 字节的连续文字，任何单元格都不可能这么长"
            f"（上限 {_n(MAX_CELL_CHARS)} 个字符）；文件已损坏或是恶意构造的")


def too_big_unpacked(size: int) -> str:
    return (f"Excel 文件解压后有 {_mib(size)}，超过 {_mib(MAX_XLSX_UNPACKED)} 的上限"
            "（压缩比异常，可能是“压缩炸弹”）；请另存为 CSV 或拆分后再导入")


def too_big_part(part: str, size: int) -> str:
    return f"Excel 文件中的 {part} 解压后有 {_mib(size)}，超过 {_mib(MAX_XLSX_PART)} 的上限；文件已损坏或是恶意构造的"


def too_many_members(count: int) -> str:
    return f"Excel 文件（zip 包）中有 {_n(count)} 个文件，超过 {_n(MAX_XLSX_MEMBERS)} 个的上限；文件已损坏或是恶意构造的"


def year_out_of_range(year: int) -> str | None:
    """Why a data year cannot be imported, or None."""
    if year < FIRST_YEAR:
        return f"年度 {year} 早于积分制度覆盖的第一个年度 {FIRST_YEAR}"
    if year > last_year():
        return f"年度 {year} 晚于当前年度 {last_year()}：不能导入未来年度的数据"
    return None
