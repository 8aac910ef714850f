"""Stock listings and other names of the demo firms: a few dozen listed firms, aliases for some.

The zone's raw data already say where a firm is listed (``listing_board``, from the finance
source: about 180 firms on an exchange, 190 on 新三板). The register of a real zone carries stock
codes for fewer (an export holds what its clerks entered), and the zone is mostly SMEs: codes go
to about 1.2 % of the firms, drawn among those on an exchange, and to about 0.5 % among those on
新三板, each code on its board: 主板 600/601/603/605.SH or 000/001/002/003.SZ (a tenth also in Hong
Kong: A+H), 科创板 688.SH, 创业板 300/301.SZ, 北交所 920.BJ (or the 83/87 code brought from 新三板),
境外 Hong Kong 0xxxx.HK, 新三板 43/83/87.NQ. A listed firm's stock short name is its four-character
short name, or its trade name + 股份 (博岳股份) where the short name is the trade name alone.

Aliases: an English acronym of the English name (Hengrui Intelligent Equipment → HIE) for most
listed firms, a quarter of the other larger firms that have an English name and a few others; a
coined two-character brand (曜擎) for about 4 % of the firms and half the listed ones. Acronyms,
brands and stock short names are distinct across the zone and no brand occurs in any firm's name.

Everything is drawn from ``child_rng(seed, "listings")``: the names and raw data of the zone do
not change with it, nor do the demo's search passages (``search.documents.passage_text`` reads
no alias or listing).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from scoring.demo.model import DEVELOPMENT, Firms, child_rng

__all__ = ["with_listings"]

LISTED_SHARE = 0.012
NEEQ_SHARE = 0.005
HK_SHARE = 0.1  # of the 主板 firms, also listed in Hong Kong
# Board (as ``listing_board`` says) → the (prefixes, exchange) its codes are drawn from.
_BOARDS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "主板": ((("600", "601", "603", "605"), ".SH"), (("000", "001", "002", "003"), ".SZ")),
    "科创板": ((("688",), ".SH"),),
    "创业板": ((("300", "301"), ".SZ"),),
    "北交所": ((("920",), ".BJ"), (("830", "831", "832", "833", "870", "871", "872", "873"), ".BJ")),
    "境外": ((("0",), ".HK"),),
    "新三板": ((("430", "830", "831", "832", "833", "834", "835", "836", "837", "838", "839", "870",
               "871", "872", "873"), ".NQ"),),
}
# Codes of well-known listed companies the made-up firms must not carry.
_FAMOUS = frozenset({
    "300750", "600519", "000858", "601318", "002594", "688981", "600036", "000333", "300760",
    "600660", "600309", "601012", "688599", "002129", "300274", "00700", "09988", "03690", "01810",
})
# Characters brands are coined from (evocative, rarely in registered trade names).
_BRAND_CHARS = "曜擎骁璞宸翼鲲麒麟澜铂霆岚隼璟昕翎砺珩焱澈朔熠"
_ENGLISH_SKIP = frozenset("co ltd limited changzhou jiangsu xinbei (changzhou)".split())


def with_listings(profiles: pd.DataFrame, boards: pd.Series | None, firms: Firms, *, seed: int) -> pd.DataFrame:
    """The master-data frame with ``aliases``, ``stock_codes`` and ``stock_names`` (lists);
    ``boards`` is the latest year's ``listing_board`` (index: USCC; None: nobody is listed)."""
    rng = child_rng(seed, "listings")
    n = firms.n
    codes: list[list[str]] = [[] for _ in range(n)]
    stock_names: list[list[str]] = [[] for _ in range(n)]
    aliases: list[list[str]] = [[] for _ in range(n)]
    shorts = profiles["short_name"].tolist()
    taken_codes: set[str] = set(_FAMOUS)
    taken_names = set(shorts) | set(profiles["name"])
    stock_taken: set[str] = set()

    def draw_code(prefixes: tuple[str, ...], exchange: str) -> str:
        width = 5 if exchange == ".HK" else 6
        while True:
            prefix = str(rng.choice(prefixes))
            code = prefix + "".join(map(str, rng.integers(0, 10, width - len(prefix))))
            if code not in taken_codes and int(code[len(prefix):] or 0) > 0:
                taken_codes.add(code)
                return code + exchange

    def stock_name(i: int) -> str | None:
        short = str(shorts[i])
        for name in (short if len(short) >= 4 else short + "股份", short + "科技", short + "控股"):
            if name not in stock_taken and (name == short or name not in taken_names):
                stock_taken.add(name)
                return name
        return None

    board = (boards if boards is not None else pd.Series(dtype=object)).reindex(profiles.index).to_numpy(dtype=object)
    on_exchange = np.flatnonzero(np.isin(board, [b for b in _BOARDS if b != "新三板"]))
    on_neeq = np.flatnonzero(board == "新三板")
    listed = rng.choice(on_exchange, size=min(round(LISTED_SHARE * n), on_exchange.size), replace=False)
    quoted = rng.choice(on_neeq, size=min(round(NEEQ_SHARE * n), on_neeq.size), replace=False)
    for i in sorted([*listed, *quoted]):
        choices = _BOARDS[board[i]]
        prefixes, exchange = choices[int(rng.integers(len(choices)))]
        codes[i].append(draw_code(prefixes, exchange))
        if board[i] == "主板" and rng.random() < HK_SHARE:
            codes[i].append(draw_code(("0",), ".HK"))
        name = stock_name(int(i))
        if name is not None:
            stock_names[i].append(name)

    text = " ".join([*profiles["name"], *(old for names in profiles["former_names"] for old in names)])
    brands = [a + b for a in _BRAND_CHARS for b in _BRAND_CHARS if a != b and a + b not in text]
    order = list(rng.permutation(len(brands)))
    is_listed = np.zeros(n, dtype=bool)
    is_listed[[*listed, *quoted]] = True
    larger = firms.stage[-1] >= DEVELOPMENT
    acronym_p = np.where(is_listed, 0.7, np.where(larger, 0.25, 0.03))
    brand_p = np.where(is_listed, 0.5, 0.04)
    acronym_draw, brand_draw = rng.random(n), rng.random(n)
    acronyms: set[str] = set()
    for i, english in enumerate(profiles["english_name"]):
        if isinstance(english, str) and acronym_draw[i] < acronym_p[i]:
            acronym = _acronym(english)
            if len(acronym) >= 3 and acronym not in acronyms:
                acronyms.add(acronym)
                aliases[i].append(acronym)
        if brand_draw[i] < brand_p[i] and order:
            aliases[i].append(brands[order.pop()])
    return profiles.assign(aliases=aliases, stock_codes=codes, stock_names=stock_names)


def _acronym(english: str) -> str:
    """Initials of an English name's words, region and legal words left out: HIE."""
    words = [w for w in re.findall(r"[A-Za-z()]+", english) if w.lower() not in _ENGLISH_SKIP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()
