"""Cell parsing: the numbers, flags, dates and texts that Chinese government exports contain.

Pure functions. Each `parse_*` returns the parsed value or raises `CellProblem` whose message is
the Chinese reason an official reads ("不是数字：'12a'", "日期不存在：2021-02-30" …).
`parse_column` applies them to a whole column: plain numbers take a vectorized path, only the
cells that fail it go through the per-cell functions.

Percentages follow the field's unit: a field whose unit is "%" keeps percent points
("12.5%" and "12.5" both give 12.5); a `ratio` field without that unit stores a fraction
("12.5%" and "0.125" give 0.125; a bare "12.5" is refused as ambiguous). Money is converted
between 元 / 千元 / 万元 / 亿元 into the field's unit; a unit written in the cell ("1.2亿元") wins
over the column's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from scoring.ingest import limits
from scoring.stock_codes import normalize_stock_code

MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
COUNT_UNITS = frozenset({"人", "件", "项", "个", "篇", "级", "家", "次", "名"})
UNIT_ALIASES = {"㎡": "平方米", "m2": "平方米", "m²": "平方米", "人民币元": "元", "万元人民币": "万元"}
TRUE_WORDS = frozenset({"是", "有", "y", "yes", "1", "√", "✓", "✔", "true", "t", "对", "已认定", "已入库"})
FALSE_WORDS = frozenset({"否", "无", "n", "no", "0", "×", "✗", "✘", "x", "false", "f", "没有"})
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's fictitious 1900-02-29

_UNITS_RE = "|".join(sorted({*MONEY, *COUNT_UNITS, *UNIT_ALIASES, "%", "年", "分", "平方米"}, key=len, reverse=True))
_NUMBER = re.compile(rf"^([+-]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)?(\.\d+)?({_UNITS_RE})?$")
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*(?:年度?)?$")


class CellProblem(ValueError):
    """A cell that cannot be read; the message is the Chinese reason."""


def clean_text(raw: Any) -> str:
    """Text with surrounding blanks (full-width spaces too) removed; None → ''."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return ""
    return str(raw).strip().strip("\u3000\ufeff\u00a0").strip()


def is_blank(raw: Any) -> bool:
    return clean_text(raw) == ""


def normalize_unit(unit: str) -> str:
    u = unicodedata.normalize("NFKC", unit).strip().replace(" ", "")
    return UNIT_ALIASES.get(u, u)


def _number_text(raw: Any) -> str:
    # NFKC turns full-width digits, signs, commas and ％ into ASCII; U+2212 is a typographic minus.
    return unicodedata.normalize("NFKC", clean_text(raw)).replace("−", "-").replace(" ", "")


def parse_number(raw: Any) -> tuple[float, str]:
    """A number and the unit written after it ('' if none): '1,234.5万元' → (1234.5, '万元')."""
    if isinstance(raw, (bool, np.bool_)):  # an Excel TRUE/FALSE: a flag, not a quantity
        raise CellProblem(f"不是数字（是逻辑值 {'TRUE' if raw else 'FALSE'}）")
    if isinstance(raw, (int, float, np.integer, np.floating)):
        if not np.isfinite(raw):
            raise CellProblem(f"不是数字：{raw!r}")
        return float(raw), ""
    if isinstance(raw, (date, datetime)):
        raise CellProblem(f"这是日期，不是数字：{raw}")
    text = _number_text(raw)
    m = _NUMBER.match(text)
    if not m or (m.group(2) is None and m.group(3) is None):
        if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?\D*", text) and "," in text:
            raise CellProblem(f"千分位写法不对：{clean_text(raw)!r}")
        raise CellProblem(f"不是数字：{clean_text(raw)!r}")
    sign, whole, frac, unit = m.groups()
    value = float(f"{sign}{(whole or '0').replace(',', '')}{frac or ''}")
    return value, normalize_unit(unit or "")


def convert_money(value: float, *, from_unit: str, to_unit: str) -> float:
    """Convert between 元/千元/万元/亿元 (dividing when going up, so 1234567 元 → 123.4567 万元)."""
    a, b = MONEY[from_unit], MONEY[to_unit]
    return value * (a / b) if a >= b else value / (b / a)


def parse_amount(raw: Any, *, unit: str, field_unit: str, signed: bool = False) -> float:
    """An amount in `field_unit`; `unit` is the column's unit, a unit in the cell wins."""
    value, written = parse_number(raw)
    if written == "%":
        raise CellProblem(f"金额不能写成百分数：{clean_text(raw)!r}")
    source_unit = written or unit
    if field_unit in MONEY:
        if source_unit and source_unit not in MONEY:
            raise CellProblem(f"单位“{source_unit}”不是金额单位（元/千元/万元/亿元）：{clean_text(raw)!r}")
        value = convert_money(value, from_unit=source_unit or field_unit, to_unit=field_unit)
    elif written and written != field_unit:
        raise CellProblem(f"单位应为“{field_unit}”，实际为“{written}”：{clean_text(raw)!r}")
    if value < 0 and not signed:
        raise CellProblem(f"金额不能为负：{clean_text(raw)}")
    return value


def parse_count(raw: Any, *, unit: str = "") -> float:
    """A non-negative whole number of people, patents, items ('12件', '1,024')."""
    value, written = parse_number(raw)
    if written and written not in COUNT_UNITS:
        raise CellProblem(f"单位“{written}”不是计数单位：{clean_text(raw)!r}")
    what = "人数" if (written or unit) == "人" else "数量"
    if value < 0:
        raise CellProblem(f"{what}不能为负：{clean_text(raw)}")
    if value != np.floor(value):
        raise CellProblem(f"{what}应为整数：{clean_text(raw)}")
    return value


def parse_ratio(raw: Any, *, field_unit: str, signed: bool = False) -> float:
    """A percentage or ratio, scaled by the field's unit (see the module docstring)."""
    value, written = parse_number(raw)
    if written and written != "%":
        raise CellProblem(f"比例的单位只能是 %：{clean_text(raw)!r}")
    shown = clean_text(raw)
    if field_unit == "%":
        pct = value
    elif written == "%":
        pct, value = value, value / 100
    else:
        if not (-1 <= value <= 1):
            raise CellProblem(f"比例应在 0–1 之间（百分数请写成 12.5%）：{shown}")
        pct = value * 100
    if pct > 100 or (pct < 0 and not signed) or pct < -100:
        raise CellProblem(f"比例超出 0–100%：{shown}")
    return value


def parse_flag(raw: Any) -> float:
    """是/否, 有/无, Y/N, 1/0, √/×, true/false → 1.0 / 0.0."""
    if isinstance(raw, (bool, np.bool_)):
        return float(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)) and raw in (0, 1):
        return float(raw)
    word = unicodedata.normalize("NFKC", clean_text(raw)).lower()
    if word.endswith(".0") and word[:-2] in ("0", "1"):
        word = word[:-2]
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return 0.0
    raise CellProblem(f"应填 是/否（或 有/无、Y/N、1/0、√/×）：{clean_text(raw)!r}")


def parse_points(raw: Any, *, signed: bool = True) -> float:
    """Points or years: a number, negative only when allowed."""
    value, written = parse_number(raw)
    if written == "%":
        raise CellProblem(f"不能写成百分数：{clean_text(raw)!r}")
    if value < 0 and not signed:
        raise CellProblem(f"不能为负：{clean_text(raw)}")
    return value


def _make_date(y: int, m: int, d: int, shown: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellProblem(f"日期不存在：{shown}") from None


def parse_date(raw: Any) -> date:
    """2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305, an Excel serial or a datetime cell."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, pd.Timestamp):
        return raw.date()
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", clean_text(raw)))
    if isinstance(raw, (int, float, np.integer, np.floating)) or re.fullmatch(r"\d{1,5}(\.\d+)?", text):
        serial = float(text)
        if 1 <= serial < 73051:  # up to 2099-12-31
            return EXCEL_EPOCH + timedelta(days=int(serial))
        raise CellProblem(f"不是有效的日期：{text}")
    if re.fullmatch(r"\d{8}", text):
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), f"{text[:4]}-{text[4:6]}-{text[6:]}")
    m = _DATE_PARTS.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _make_date(y, mo, d, f"{y}-{mo:02d}-{d:02d}")
    if re.fullmatch(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*月?", text):
        raise CellProblem(f"日期不完整（缺少日）：{clean_text(raw)}")
    raise CellProblem(f"不是日期：{clean_text(raw)!r}")


def parse_year(raw: Any) -> int:
    """A data year: 2023, '2023年', '2023年度', 2023.0."""
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool) and float(raw).is_integer():
        year = int(raw)
    else:
        m = _YEAR.match(unicodedata.normalize("NFKC", clean_text(raw)).replace(" ", ""))
        if not m:
            raise CellProblem(f"不是年度：{clean_text(raw)!r}")
        year = int(m.group(1))
    if not 1990 <= year <= 2100:
        raise CellProblem(f"年度超出范围（1990–2100）：{year}")
    return year


# What separates the items of a list cell (names, aliases, stock codes), full- and half-width.
LIST_SEPARATORS = re.compile(r"[、､；;，,／/\n]")


def split_items(raw: Any) -> list[str]:
    """The items of a list cell: split at 、；;，,／/ or a line break, trimmed, blanks dropped,
    repeats (up to width and case) kept once; too many items is a `CellProblem`."""
    items: dict[str, str] = {}
    for part in LIST_SEPARATORS.split(clean_text(raw)):
        item = clean_text(part)
        if item:
            items.setdefault(unicodedata.normalize("NFKC", item).casefold(), item)
    if len(items) > limits.MAX_LIST_ITEMS:
        raise CellProblem(limits.too_many_items(len(items)))
    return list(items.values())


def parse_names(raw: Any) -> list[str]:
    """Several names (former names, aliases, stock short names) in one cell (see `split_items`);
    a name that is too long or holds no letter, digit or hanzi is a `CellProblem`."""
    names = split_items(raw)
    for name in names:
        if len(name) > limits.MAX_NAME_CHARS:
            raise CellProblem(limits.too_long_name(name))
        if not any(ch.isalnum() for ch in name):
            raise CellProblem(f"“{name}”不是名称：没有任何文字或数字")
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
            raise CellProblem(f"名称“{name.encode('unicode_escape').decode()[:40]}”含有控制字符")
    return names


def parse_stock_codes(raw: Any) -> list[str]:
    """Several stock codes in one cell (see `split_items`), each checked and normalized
    (``scoring.stock_codes``): '300750、0700.HK' → ['300750.SZ', '00700.HK']."""
    codes: list[str] = []
    for item in split_items(raw):
        try:
            code = normalize_stock_code(item)
        except ValueError as exc:
            raise CellProblem(str(exc)) from None
        if code not in codes:
            codes.append(code)
    return codes


def parse_cell(raw: Any, *, kind: str, unit: str = "", field_unit: str = "", signed: bool = False) -> Any:
    """Parse one non-blank cell as a field type ('amount', 'count', 'ratio', 'flag', 'points',
    'years', 'text') or a master-data kind ('date', 'names', 'stock_codes')."""
    if kind == "amount":
        return parse_amount(raw, unit=unit, field_unit=field_unit, signed=signed)
    if kind == "count":
        return parse_count(raw, unit=field_unit)
    if kind == "ratio" or field_unit == "%":
        return parse_ratio(raw, field_unit=field_unit, signed=signed)
    if kind == "flag":
        return parse_flag(raw)
    if kind in ("points", "years"):
        return parse_points(raw, signed=signed or kind == "points")
    if kind == "date":
        return parse_date(raw)
    if kind == "names":
        return parse_names(raw)
    if kind == "stock_codes":
        return parse_stock_codes(raw)
    return clean_text(raw)


NUMERIC_KINDS = frozenset({"amount", "count", "ratio", "flag", "points", "years"})
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_GROUPED = re.compile(rf"\s*{_THOUSANDS}\s*")


def parse_column(
    values: Sequence[Any] | np.ndarray, *, kind: str, unit: str = "", field_unit: str = "", signed: bool = False,
    bounds: tuple[float, float] = (-np.inf, np.inf),
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Parse a column; return the values (float64 with NaN for blanks, or objects) and
    (position, reason) for every bad cell. A number outside `bounds` (the field's plausible range,
    in `field_unit`) is a bad cell."""
    arr = np.asarray(values, dtype=object)
    errors: list[tuple[int, str]] = []
    fast = _clean_numbers(arr) if kind in NUMERIC_KINDS else None
    if fast is None and kind in NUMERIC_KINDS and pd.api.types.infer_dtype(arr, skipna=False) == "string":
        fast = _grouped_numbers(arr)
    if fast is not None:  # the common case: every cell is blank or a plain number
        blank = np.isnan(fast) & _blank(arr)
        slow = ~blank & ~np.isfinite(fast)  # 'nan', 'inf': float() reads them, we do not
        fast[slow] = np.nan
    else:
        cells = pd.Series(arr, dtype=object)
        strings = pd.api.types.infer_dtype(cells, skipna=False) == "string"
        # A CSV column is all strings: strip it vectorized; Excel columns mix numbers, dates, None.
        text = cells.str.strip(" \t\r\n\u3000\ufeff\u00a0") if strings else cells.map(clean_text)
        blank = (text == "").to_numpy() | cells.isna().to_numpy()
        if kind not in NUMERIC_KINDS:
            return _parse_objects(arr, text, blank, kind=kind, errors=errors), errors
        fast = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
        fast[~np.isfinite(fast)] = np.nan
        if not strings and _may_hold_bools(arr):  # Excel TRUE/FALSE: to_numeric reads 1/0, the per-cell path decides
            fast[np.array([isinstance(c, (bool, np.bool_)) for c in arr], dtype=bool)] = np.nan
        slow = ~blank & np.isnan(fast)
        if strings and slow.any():  # "1,234,567" is common enough to deserve a vectorized path too
            idx = np.flatnonzero(slow)
            part = text.iloc[idx]
            grouped = part.str.fullmatch(_THOUSANDS).to_numpy(dtype=bool)
            if grouped.any():
                fast[idx[grouped]] = pd.to_numeric(part[grouped].str.replace(",", "", regex=False)).to_numpy(dtype=float)
                slow[idx[grouped]] = False
    if kind == "ratio" and field_unit != "%":
        slow |= ~blank & ~np.isnan(fast) & ((fast > 1) | (fast < -1))  # let the per-cell path word the reason
    if kind == "amount" and field_unit in MONEY and unit in MONEY and unit != field_unit:
        a, b = MONEY[unit], MONEY[field_unit]
        fast = fast * (a / b) if a >= b else fast / (b / a)
    out = fast.copy()
    with np.errstate(invalid="ignore"):
        bad_fast = ~slow & ~blank & _range_violations(fast, kind=kind, field_unit=field_unit, signed=signed)
    if kind == "flag":
        bad_fast |= ~slow & ~blank & (fast != 0) & (fast != 1)
    for i in np.flatnonzero(slow | bad_fast):
        try:
            out[i] = parse_cell(arr[i], kind=kind, unit=unit, field_unit=field_unit, signed=signed)
        except CellProblem as exc:
            out[i] = np.nan
            errors.append((int(i), str(exc)))
    low, high = bounds
    with np.errstate(invalid="ignore"):
        implausible = np.flatnonzero((out < low) | (out > high))
    for i in implausible:
        errors.append((int(i), implausible_value(float(out[i]), bounds=bounds, unit=field_unit)))
        out[i] = np.nan
    return out, errors


def implausible_value(value: float, *, bounds: tuple[float, float], unit: str) -> str:
    """The reason for a number outside its field's plausible range (e.g. 1e308 元 of revenue)."""
    low, high = bounds
    unit = f" {unit}" if unit else ""
    return f"数值不合理：{_amount(value)}{unit} 超出该字段的合理范围（{_amount(low)} 至 {_amount(high)}{unit}）"


def _amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value) < 1e15 and value.is_integer() else f"{value:,.6g}"


def _blank(arr: np.ndarray) -> np.ndarray:
    return pd.isna(arr) | (arr == "")


def _may_hold_bools(arr: np.ndarray) -> bool:
    """Cheap (C-level) test that rules out logical values in most columns."""
    return pd.api.types.infer_dtype(arr, skipna=True) in ("boolean", "mixed", "mixed-integer")


def _clean_numbers(arr: np.ndarray) -> np.ndarray | None:
    """float64 of a column whose cells are all blank or plain numbers (float() reads them,
    surrounding blanks included); None as soon as one cell is anything else."""
    if arr.dtype.kind == "f":
        return arr.astype(np.float64, copy=True)
    if arr.dtype == object and _may_hold_bools(arr) and any(isinstance(c, (bool, np.bool_)) for c in arr):
        return None  # float(True) is 1.0: let the per-cell path decide what a logical value means
    try:
        return np.where(_blank(arr), np.nan, arr).astype(np.float64)
    except (ValueError, TypeError):
        return None


def _grouped_numbers(arr: np.ndarray) -> np.ndarray | None:
    """Like `_clean_numbers` for string cells written with thousands separators ('1,234,567');
    a cell whose commas are misplaced comes back NaN, for the per-cell path to explain."""
    fast = _clean_numbers(np.array([c.replace(",", "") for c in arr], dtype=object))
    if fast is None:
        return None
    idx = np.flatnonzero(np.array(["," in c for c in arr], dtype=bool))
    if len(idx):
        grouped = np.array([_GROUPED.fullmatch(c) is not None for c in arr[idx]], dtype=bool)
        fast[idx[~grouped]] = np.nan
    return fast


def clean_column(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """`clean_text` of every cell (vectorized for a column of strings)."""
    cells = pd.Series(np.asarray(values, dtype=object), dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return cells.str.strip(" \t\r\n\u3000\ufeff\u00a0").to_numpy(dtype=object)
    return cells.map(clean_text).to_numpy(dtype=object)


def _parse_objects(arr: np.ndarray, text: pd.Series, blank: np.ndarray, *, kind: str, errors: list[tuple[int, str]]) -> np.ndarray:
    """Texts, dates and name lists; ISO dates and plain texts take a vectorized path."""
    out = np.empty(len(arr), dtype=object)
    todo = ~blank
    if kind == "text":
        out[todo] = text.to_numpy(dtype=object)[todo]
        return out
    if kind == "date" and todo.any():
        iso = pd.to_datetime(text.where(todo, None), format="%Y-%m-%d", errors="coerce")
        hit = iso.notna().to_numpy() & todo
        out[hit] = np.array(iso[hit].dt.date.tolist(), dtype=object) if hit.any() else []
        todo &= ~hit
    for i in np.flatnonzero(todo):
        try:
            out[i] = parse_cell(arr[i], kind=kind)
        except CellProblem as exc:
            errors.append((int(i), str(exc)))
    return out


def _range_violations(v: np.ndarray, *, kind: str, field_unit: str, signed: bool) -> np.ndarray:
    """Cells of the fast path that the per-cell functions must look at again (to word the reason)."""
    bad = np.zeros(len(v), dtype=bool)
    if kind in ("amount", "count", "years", "ratio") and not signed:
        bad |= v < 0
    if field_unit == "%":
        bad |= (v > 100) | (v < -100)
    if kind == "count":
        bad |= v != np.floor(v)
    return bad
