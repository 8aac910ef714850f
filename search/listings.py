"""Stock codes as keys: ``300750``, ``300750.SZ``, ``SZ300750`` or ``0700.HK`` finds the listed firm.

Documents carry codes as the exchanges write them (``300750.SZ``, ``00700.HK``, or the bare digits
where the caller does not know the exchange); the library does not check them, the caller does
(``scoring.stock_codes`` at import). A code's key is its digits, Hong Kong codes padded to five.
A query reads as a code when it is those digits with at most one exchange abbreviation before or
after them; it matches a firm's code of the same digits unless both name an exchange and the two
differ (北交所 and 新三板 count as one: a firm keeps its 新三板 code when it moves up).

>>> split_code("sz.300750"), split_code("0700.HK"), split_code("天合光能")
(('300750', 'sz'), ('00700', 'hk'), None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from search.fusion import Evidence
from search.keys import KeyIndex, KeyKind
from search.normalize import compact, fold

__all__ = ["CODE_SCORE", "listing_evidence", "listing_keys", "split_code"]

# A code names one listed firm as surely as a registered name does (a USCC scores 1.0).
CODE_SCORE = 0.97
_SHAPE = re.compile(r"([a-z]{2,4})?(\d{1,6})([a-z]{2,4})?")
# Exchange abbreviations (and ISO market codes) → one name per exchange; bj stands for 新三板 too.
_EXCHANGES = {
    "sh": "sh", "ss": "sh", "sse": "sh", "xshg": "sh",
    "sz": "sz", "szse": "sz", "xshe": "sz",
    "bj": "bj", "bse": "bj", "bjse": "bj", "nq": "bj", "oc": "bj", "neeq": "bj",
    "hk": "hk", "hkex": "hk", "xhkg": "hk",
}
_CODE_KINDS = frozenset({KeyKind.STOCK_CODE})


class ListedDocument(Protocol):
    """What the evidence reads from a document: its stock codes."""

    @property
    def stock_codes(self) -> tuple[str, ...]: ...


def split_code(text: str) -> tuple[str, str] | None:
    """(digits, exchange or '') of a stock code as typed or stored; None if it is not one."""
    m = _SHAPE.fullmatch(compact(fold(text)))
    if m is None or (m.group(1) and m.group(3)):
        return None
    written = m.group(1) or m.group(3) or ""
    exchange = _EXCHANGES.get(written)
    digits = m.group(2)
    if exchange is None and written:
        return None
    if exchange == "hk" or (not exchange and len(digits) == 5 and digits.startswith("0")):
        return (digits.zfill(5), "hk") if len(digits) <= 5 else None
    return (digits, exchange or "") if len(digits) == 6 else None


def listing_keys(codes: Iterable[str]) -> list[str]:
    """The index keys of a document's stock codes (their digits)."""
    return list(dict.fromkeys(split[0] for code in codes if (split := split_code(code))))


def listing_evidence(keys: KeyIndex, docs: Sequence[ListedDocument], text: str) -> list[Evidence]:
    """The firms whose stock code the query is (score ``CODE_SCORE``, reason 股票代码: 300750.SZ)."""
    query = split_code(text)
    if query is None:
        return []
    digits, exchange = query
    out = []
    for m in keys.exact(digits, kinds=_CODE_KINDS):
        for code in docs[m.doc].stock_codes:
            split = split_code(code)
            if split is not None and split[0] == digits and not (exchange and split[1] and split[1] != exchange):
                out.append(Evidence(m.doc, "listing", CODE_SCORE, f"股票代码: {code}"))
                break
    return out
