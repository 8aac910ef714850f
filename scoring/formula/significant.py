"""Formula values as the decimals they stand for: 0.1, not 0.09999999999999999.

A formula over decimal inputs computed in binary floating point lands a few units in the last
place away from the decimal it means: 0.3 / 3 gives 0.09999999999999999, 51.4 / 1028 gives
0.049999999999999996. Scoring never trusts those last bits (rows near a band edge are decided in
exact arithmetic, `scoring.formula.exact`), but what people and programs read — a portrait's
values and advice, in the API's JSON and `innopoints show --json` — should say 0.1 and 0.05.
(Workbooks already do: openpyxl writes a float's shortest repr, CSV is rounded to 6 decimals.)

`significant` rounds to 15 significant digits, the most a double always holds faithfully (C's
DBL_DIG): a result within a few units in the last place of a decimal with at most 15 significant
digits comes back as exactly the double nearest that decimal, and a ratio that never ends (8 / 21)
moves by less than 5 parts in 10^16. It is applied where values are shown, one value at a time
(about a microsecond each), not to the engine's matrices: scoring a million firms stays as fast.

    >>> [significant(v) for v in (0.3 / 3, 51.4 / 1028, 8 / 21, 0.1 + 0.2, None)]
    [0.1, 0.05, 0.380952380952381, 0.3, None]
"""

from __future__ import annotations

import math
from typing import overload

__all__ = ["DIGITS", "significant"]

DIGITS = 15


@overload
def significant(value: float) -> float: ...
@overload
def significant(value: None) -> None: ...
def significant(value: float | None) -> float | None:
    """`value` rounded to 15 significant decimal digits (None, NaN and ±inf unchanged)."""
    if value is None or not math.isfinite(value):
        return value
    return float(f"{value:.{DIGITS}g}")
