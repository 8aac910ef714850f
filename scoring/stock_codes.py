"""Stock codes (股票代码/证券代码) of the markets where a zone's firms list, checked and normalized.

A code is stored as its digits and the exchange, the way Wind and the exchanges' own data write it:
``300750.SZ``, ``688981.SH``, ``920118.BJ``, ``00700.HK``. Accepted spellings: the bare digits,
the digits with the exchange after or before them (``300750.SZ``, ``300750SZ``, ``SZ300750``,
``sz.300750``), other exchange abbreviations (SS/SSE/XSHG, SZSE/XSHE, BSE/BJSE, OC/NEEQ, HKEX),
full-width characters and blanks.

Markets and the code ranges each assigns (the first digits of the six):

- 上交所 SH: 600/601/603/605 main board, 688/689 科创板, 900 B shares;
- 深交所 SZ: 000–003 main board, 300–302 创业板, 200 B shares;
- 北交所 BJ: 920 since 2024, and the 43/83/87/88 codes its firms brought from 新三板;
- 新三板 NQ (全国股转系统): 43/83/87/88;
- 港交所 HK: five digits (``00700``; 4-digit ``0700.HK`` is padded).

A bare 43/83/87/88 code may be either 北交所 or 新三板; it is kept without an exchange rather than
guessed. A code whose written exchange does not assign its range (``600519.SZ``) is refused, so
is anything else: the reason says which markets the checker knows.

>>> normalize_stock_code(" sz300750 ")
'300750.SZ'
>>> normalize_stock_code("0700.HK")
'00700.HK'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MARKETS", "normalize_stock_code"]

# Exchange → (its Chinese name, the code prefixes it assigns).
MARKETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SH": ("上交所", ("600", "601", "603", "605", "688", "689", "900")),
    "SZ": ("深交所", ("000", "001", "002", "003", "300", "301", "302", "200")),
    "BJ": ("北交所", ("920", "43", "83", "87", "88")),
    "NQ": ("新三板", ("43", "83", "87", "88")),
    "HK": ("港交所", ()),
}
_ABBREVIATIONS = {
    "SH": "SH", "SS": "SH", "SSE": "SH", "XSHG": "SH",
    "SZ": "SZ", "SZSE": "SZ", "XSHE": "SZ",
    "BJ": "BJ", "BSE": "BJ", "BJSE": "BJ",
    "NQ": "NQ", "OC": "NQ", "NEEQ": "NQ",
    "HK": "HK", "HKEX": "HK", "XHKG": "HK",
}
_SHAPE = re.compile(r"(?:([A-Z]{2,4})[.:]?)?(\d{1,6})(?:[.:]?([A-Z]{2,4}))?")
_FORMS = "A 股、北交所、新三板为 6 位数字，如 300750 或 300750.SZ；港股为 5 位数字，如 00700 或 0700.HK"
_SHOWN = 40  # characters of a bad cell quoted in the reason (the cell itself is listed beside it)


def normalize_stock_code(text: str) -> str:
    """The code as stored (``300750.SZ``), or ValueError saying in Chinese what is wrong."""
    flat = "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()
    shown = str(text).strip()
    shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"
    m = _SHAPE.fullmatch(flat)
    if m is None or (m.group(1) and m.group(3)):
        raise ValueError(f"不是有效的股票代码：“{shown}”（{_FORMS}）")
    written = m.group(1) or m.group(3)
    digits = m.group(2)
    market = _ABBREVIATIONS.get(written) if written else None
    if written and market is None:
        raise ValueError(f"股票代码“{shown}”的交易所“{written}”未知（可写 SH、SZ、BJ、NQ、HK）")
    if market == "HK" or (market is None and len(digits) == 5 and digits.startswith("0")):
        if len(digits) > 5 or int(digits) == 0:
            raise ValueError(f"港股代码应为 00001–99999 的 5 位数字（如 00700 或 0700.HK）：“{shown}”")
        return f"{digits.zfill(5)}.HK"
    if len(digits) != 6:
        raise ValueError(f"股票代码应为 6 位数字，实际为 {len(digits)} 位：“{shown}”（{_FORMS}）")
    fits = [k for k, (_, prefixes) in MARKETS.items() if prefixes and digits.startswith(prefixes)]
    if not fits:
        raise ValueError(f"“{shown}”不是上交所、深交所、北交所或新三板的股票代码（{_FORMS}）")
    if market is not None and market not in fits:
        names = "或".join(MARKETS[k][0] for k in fits)
        hint = f"，应写作 {digits}.{fits[0]}" if len(fits) == 1 else ""
        raise ValueError(f"股票代码“{shown}”与交易所不符：{digits} 是{names}的代码{hint}")
    market = market or (fits[0] if len(fits) == 1 else None)
    return f"{digits}.{market}" if market else digits
