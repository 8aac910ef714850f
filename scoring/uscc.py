"""统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015.

Layout of the 18 characters::

    9 1 320411 MA1MXXXXX X
    | | |      |         `-- check character (GB 32100, the "GB/T 17710 mod 31" scheme)
    | | |      `------------ 9-char organization code (GB 11714: 8 body chars + own check char)
    | | `------------------- 6-digit administrative region (GB/T 2260), e.g. 320411 常州市新北区
    | `--------------------- organization type (1 = company under the market regulator)
    `----------------------- registration authority (9 = 市场监督管理/工商)

Choices:

- The charset is ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (31 characters; I O Z S V never occur).
  Character values are their positions; weights are ``3**i mod 31`` for positions i = 0..16; the
  check value is ``(31 - sum mod 31) mod 31``. Because 31 is prime and every weight is non-zero
  mod 31, every single-character substitution is detected.
- ``validate_uscc`` checks length, charset and the GB 32100 check character only. It does not
  reject a code whose embedded organization code fails its GB 11714 check: registers hold real
  codes issued that way, and the GB 32100 character is the one the standard defines as *the*
  check. ``org_code_check`` is exposed for callers that want the stricter test.
- Normalization: NFKC (full-width ``９１３２…`` becomes ASCII), strip, drop inner whitespace,
  upper-case. Nothing else is guessed (no O→0 or I→1 repair: such a code is reported, not fixed).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "CHARSET",
    "check_char",
    "is_valid_uscc",
    "make_uscc",
    "make_usccs",
    "org_code_check",
    "validate_uscc",
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a USCC may contain, in value order (GB 32100-2015 table)."""

_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997 organization code: weights of the 8 body characters; letters count A=10 … Z=35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS = "0123456789"


def check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC.

    >>> check_char("91512081MA62K0260")
    'E'
    """
    if len(first17) != 17:
        raise ValueError(
            f"计算校验码需要统一社会信用代码的前17位，实际为{len(first17)}位：{first17!r}"
        )
    total = 0
    for pos, (char, weight) in enumerate(zip(first17, _WEIGHTS, strict=True), start=1):
        value = _VALUE.get(char)
        if value is None:
            raise ValueError(_illegal_char_message(first17, pos, char))
        total += value * weight
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """Return the GB 11714 check character ('0'–'9' or 'X') of an 8-character organization code.

    >>> org_code_check("59467239")
    '9'
    """
    if len(body8) != 8 or not body8.isascii() or not body8.isalnum():
        raise ValueError(f"组织机构代码本体应为8位数字或大写字母：{body8!r}")
    total = sum(int(c, 36) * w for c, w in zip(body8.upper(), _ORG_WEIGHTS, strict=True))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def validate_uscc(code: str) -> str:
    """Return the normalized code, or raise ``ValueError`` saying in Chinese what is wrong.

    >>> validate_uscc(" 91512081ma62k0260e ")
    '91512081MA62K0260E'
    """
    normalized = _normalize(code)
    if len(normalized) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实际为{len(normalized)}位：{code!r}")
    for pos, char in enumerate(normalized, start=1):
        if char not in _VALUE:
            raise ValueError(_illegal_char_message(code, pos, char))
    expected = check_char(normalized[:17])
    if normalized[17] != expected:
        got = normalized[17]
        raise ValueError(
            f"统一社会信用代码校验码错误：第18位应为“{expected}”，实际为“{got}”：{code!r}"
        )
    return normalized


def is_valid_uscc(code: str) -> bool:
    """Tell whether ``code`` is a well-formed USCC with a correct check character."""
    try:
        validate_uscc(code)
    except (ValueError, TypeError):
        return False
    return True


def make_uscc(rng: np.random.Generator, *, region: str = "320411", ma: bool = True) -> str:
    """Return a random valid USCC of a company (``91`` + region + organization code + check).

    ``ma=True`` gives the post-2015 style organization code ``MA`` + 6 characters (what a register
    issues to a company founded since the reform); ``ma=False`` the older 8-digit style.

    >>> is_valid_uscc(make_uscc(np.random.default_rng(0)))
    True
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"行政区划代码应为6位数字：{region!r}")
    if ma:
        body = "MA" + "".join(CHARSET[i] for i in rng.integers(0, len(CHARSET), 6))
    else:
        body = "".join(_DIGITS[i] for i in rng.integers(0, 10, 8))
    first17 = "91" + region + body + org_code_check(body)
    return first17 + check_char(first17)


def make_usccs(
    rng: np.random.Generator,
    n: int,
    *,
    region: str | Sequence[str] | npt.NDArray[np.str_] = "320411",
    ma: bool | npt.ArrayLike = True,
) -> list[str]:
    """Return ``n`` distinct random valid USCCs, vectorized (a million in about a second).

    ``region`` and ``ma`` are one value for all codes or one per code, as in ``make_uscc``.
    Duplicates (about one in a thousand at a million codes) are redrawn until all are distinct.
    """
    regions = np.broadcast_to(np.asarray(region, dtype="U6"), (n,))
    if not all(len(r) == 6 and r.isdigit() for r in np.unique(regions)):
        raise ValueError(f"行政区划代码应为6位数字：{sorted(set(regions.tolist()))[:5]!r}")
    modern = np.broadcast_to(np.asarray(ma, dtype=bool), (n,))
    # Digits of each region, as values (equal to their CHARSET positions).
    region_values = np.frombuffer(regions.astype("S6").tobytes(), dtype=np.uint8).reshape(n, 6) - 48
    codes = np.empty(n, dtype=object)
    todo = np.arange(n)
    while todo.size:
        codes[todo] = _draw_codes(rng, region_values[todo], modern[todo])
        todo = todo[pd.Series(codes).duplicated(keep=False).to_numpy()[todo]]
    return codes.tolist()


def _draw_codes(
    rng: np.random.Generator, region_values: npt.NDArray[np.uint8], modern: npt.NDArray[np.bool_]
) -> list[str]:
    n = len(modern)
    charset_b36 = np.array([int(c, 36) for c in CHARSET])
    body = rng.integers(0, 10, size=(n, 8))  # old style: 8 digits (value = position = base-36)
    letters = rng.integers(0, len(CHARSET), size=(n, 6))
    body[modern, 0] = _VALUE["M"]
    body[modern, 1] = _VALUE["A"]
    body[modern, 2:] = letters[modern]
    org_sum = (charset_b36[body] * np.array(_ORG_WEIGHTS)).sum(axis=1)
    org_value = (11 - org_sum % 11) % 11
    org_char = np.where(org_value == 10, _VALUE["X"], org_value)
    values = np.column_stack(
        [np.full(n, 9), np.full(n, 1), region_values.astype(np.int64), body, org_char]
    )
    check = (31 - (values * np.array(_WEIGHTS)).sum(axis=1) % 31) % 31
    ascii_table = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
    chars = ascii_table[np.column_stack([values, check])]
    return np.ascontiguousarray(chars).view("S18").ravel().astype("U18").tolist()


def _normalize(code: str) -> str:
    if not isinstance(code, str):
        raise TypeError(f"统一社会信用代码应为字符串，实际为{type(code).__name__}")
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def _illegal_char_message(code: str, pos: int, char: str) -> str:
    hint = "（统一社会信用代码不使用 I、O、Z、S、V）" if char in "IOZSV" else ""
    return f"统一社会信用代码第{pos}位含非法字符“{char}”{hint}：{code!r}"
