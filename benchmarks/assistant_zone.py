"""The demo zone as the assistant quality set's labels see it: firms, their mentions, years.

A label refers to a firm by role or ranking position (``assistant_labels.py``); this module reads the
store's firms, users, published years and rankings (`load_zone`), resolves a reference to a firm
whose mentions point at it alone (`resolve_firm`, `unambiguous`), makes up firms that are not in the
zone (`absent_firm`, `made_up_trades`), and turns year expressions into years (`year_of`,
`answered_year`).

Mention forms (``FORMS``): the full name, the short name, the trade name (字号: the short name's first
two characters at demo sizes), a homophone slip of the trade name (``TYPOS``: what a phone's pinyin
keyboard offers), its pinyin, the short name in 繁体, the USCC.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FORMS = ("name", "short", "trade", "typo", "pinyin", "tw", "uscc")
# A phone's pinyin keyboard offers homophones: the slip a user makes when typing a trade name
# (恒拓 → 恒托). Each maps to a character outside the demo's trade-name pool, so that the slip names
# no other demo firm.
TYPOS = dict(zip(
    "天恒瑞华盛鼎泰宏达创信德隆安康博远嘉和晶星辰正东方金源汇通广誉鑫锐峰海腾飞立诚永昌凯祥润丰佳宇航越顺兴卓思睿欣荣振宁亚骏"
    "耀明光启迪伟力晟智捷精美臻奥邦驰晨成富高冠浩弘辉坤蓝联龙茂铭南鹏普沁清仁赛尚拓万威维旭扬亿优裕元悦云泽展中众久聚迈纳诺"
    "勤锦煜昊琪特微芯易征岳森",
    "添横蕊划胜顶太红答窗心得笼按抗搏愿家河京型陈证冬芳今原会同逛预新蕊风孩疼非利城勇倡楷详闰风加雨杭月舜型桌丝蕊心容镇凝压俊"
    "要名逛起笛委历胜志接京每真傲帮池陈城付搞观好红灰困兰连笼帽名男朋谱亲青人塞上托完围围许杨意由玉原月运则站钟种酒巨卖那挪"
    "琴紧玉号其忒围心一争月僧",
    strict=True,
))
_CN_DIGITS = "〇一二三四五六七八九"
_YEAR_EXPR = re.compile(r"^(latest|clock)(?:([+-])(\d+))?$")


class LabelError(ValueError):
    """A label that does not resolve against the zone (names the record and the problem)."""


# ----------------------------------------------------------------------------- the zone's view


@dataclass(frozen=True)
class Firm:
    """An enterprise as the labels mention it (``exists`` False for a made-up, absent one)."""

    uscc: str
    name: str
    short: str
    formers: tuple[str, ...] = ()
    industry: str = ""
    exists: bool = True

    @property
    def trade(self) -> str:
        return self.short[:2]

    def mention(self, form: str) -> str:
        """The firm as a user types it in one of ``FORMS``."""
        if form == "name":
            return self.name
        if form == "short":
            return self.short
        if form == "trade":
            return self.trade
        if form == "uscc":
            return self.uscc
        if form == "pinyin":
            return pinyin(self.trade)
        if form == "tw":
            return traditional(self.short)
        if form == "typo":
            return typo(self.trade) if self.exists else self.trade
        raise LabelError(f"unknown mention form {form!r}; forms: {', '.join(FORMS)}")


def pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def typo(trade: str) -> str:
    """The trade name with its second character (or, failing that, its first) slipped."""
    for i in (1, 0):
        if trade[i] in TYPOS:
            return trade[:i] + TYPOS[trade[i]] + trade[i + 1 :]
    raise LabelError(f"no homophone slip known for {trade!r}")


@dataclass
class ZoneView:
    """What resolving labels needs from the store: firms, users, published years, rankings."""

    firms: dict[str, Firm]
    users: dict[str, str]  # enterprise user name → bound USCC
    years: list[int]  # published, ascending
    scores: dict[int, Any]  # year → RunData.scores frame
    rankings: dict[tuple[int, str | None, str | None], list[str]] = field(default_factory=dict)
    _owners: dict[str, list[str]] = field(default_factory=dict)  # text → USCCs whose names contain it

    @property
    def latest(self) -> int:
        return self.years[-1]

    def holders(self, text: str) -> list[str]:
        """USCCs of the firms whose name, short name or a former name contains ``text``."""
        if text not in self._owners:
            self._owners[text] = [u for u, f in self.firms.items()
                                  if text in f.name or text in f.short or any(text in n for n in f.formers)]
        return self._owners[text]

    def trade_pinyins(self) -> Counter[str]:
        if "_pinyins" not in self.__dict__:
            self.__dict__["_pinyins"] = Counter(pinyin(f.trade) for f in self.firms.values())
        return self.__dict__["_pinyins"]  # type: ignore[no-any-return]

    def ranking(self, *, year: int, stage: str | None, category: str | None = None,
                industry: str | None = None) -> list[str]:
        """USCCs best first: a stage's ranking (`RunData.ranking` order), or every stage by total."""
        key = (year, stage, category, industry)
        if key not in self.rankings:  # type: ignore[comparison-overlap]
            df = self.scores[year]
            if stage:
                df = df[df["stage"] == stage]
            if industry:
                df = df[df["industry"] == industry]
            points = df[f"cat.{category}" if category else "total"]
            df = df.assign(points=points).sort_values(["points", "uscc"], ascending=[False, True])
            self.rankings[key] = list(df["uscc"])  # type: ignore[index]
        return self.rankings[key]  # type: ignore[index]


def load_zone(engine: Any, runs: Any) -> ZoneView:
    """The view of the store behind ``engine`` (``runs``: its ``RunCache``)."""
    from sqlmodel import Session, select

    from assistant.access.accounts import User
    from scoring.store.models import Enterprise

    with Session(engine) as session:
        firms = {
            e.uscc: Firm(e.uscc, e.name, e.short_name or e.name, tuple(e.former_names or ()), e.industry or "")
            for e in session.exec(select(Enterprise)).all()
        }
        users = {u.username: u.uscc for u in session.exec(select(User)).all() if u.role == "enterprise" and u.uscc}
    published = runs.published()
    years = sorted(published.by_year)
    scores = {y: runs.run_data(published.by_year[y]).scores for y in years}
    return ZoneView(firms=firms, users=users, years=years, scores=scores)


# ----------------------------------------------------------------------------- years


def year_of(expr: str, *, zone: ZoneView, today: date) -> int:
    """The calendar year a year expression names (``latest-1``, ``clock``, ``clock-2`` …)."""
    m = _YEAR_EXPR.match(expr)
    if not m:
        raise LabelError(f"bad year expression {expr!r} (latest, latest-1, clock, clock-1 …)")
    base = zone.latest if m.group(1) == "latest" else today.year
    k = int(m.group(3) or 0)
    return base - k if m.group(2) == "-" else base + k


def answered_year(expr: str, *, zone: ZoneView, today: date) -> int:
    """The year an answer should be about: a year after the latest scored one gets the latest."""
    return min(year_of(expr, zone=zone, today=today), zone.latest)


def chinese_year(year: int) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(year))


# ----------------------------------------------------------------------------- firms


def absent_firm(trade: str, zone: ZoneView) -> Firm:
    """A made-up enterprise: its trade name names no firm of the zone, its USCC is valid and unused."""
    import numpy as np

    from scoring.uscc import make_uscc

    if zone.holders(trade):
        raise LabelError(f"the 'absent' firm {trade!r} is in the zone: {zone.holders(trade)[:3]}")
    if zone.trade_pinyins().get(pinyin(trade)):
        raise LabelError(f"the 'absent' firm {trade!r} sounds like a firm of the zone ({pinyin(trade)})")
    rng = np.random.default_rng(zlib.crc32(trade.encode("utf-8")))
    uscc = make_uscc(rng)
    while uscc in zone.firms:
        uscc = make_uscc(rng)
    return Firm(uscc, f"常州{trade}科技有限公司", trade, exists=False)


def unambiguous(firm: Firm, form: str, zone: ZoneView) -> bool:
    """Does the mention of ``firm`` in ``form`` point at it alone?"""
    if form in ("name", "uscc"):
        return True
    # A fuzzy searcher may match a name by its sound, so a trade name that sounds like another firm's
    # (瑞/锐/睿) is ambiguous in every typed form: a good assistant would ask which.
    alone = zone.holders(firm.trade) == [firm.uscc] and zone.trade_pinyins()[pinyin(firm.trade)] == 1
    if form in ("trade", "pinyin"):
        return alone
    if form in ("short", "tw"):
        return alone and zone.holders(firm.short) == [firm.uscc]
    if form == "typo":
        return alone and not zone.holders(firm.mention("typo"))
    raise LabelError(f"unknown mention form {form!r}")


def resolve_firm(ref: Any, *, role: str, forms: Iterable[str], zone: ZoneView, strict: bool = True) -> list[Firm]:
    """The firm (or, for ``shared``, the firms) a reference names. ``strict``: its mentions must
    point at it alone (an answer about it is expected); a refusal reads the same either way."""
    used = tuple(forms)
    forms = used if strict else ()
    if ref == "self":
        if role not in zone.users:
            raise LabelError(f"'self' needs an enterprise user, the role is {role}")
        return [_checked(zone.firms[zone.users[role]], forms, zone)]
    if not isinstance(ref, Mapping):
        raise LabelError(f"bad firm reference {ref!r}")
    if "user" in ref:
        if ref["user"] not in zone.users:
            raise LabelError(f"no enterprise user {ref['user']!r} in the zone")
        return [_checked(zone.firms[zone.users[ref["user"]]], forms, zone)]
    if "absent" in ref:
        return [absent_firm(str(ref["absent"]), zone)]
    if "shared" in ref:
        shared = sorted(t for t, c in Counter(f.trade for f in zone.firms.values()).items() if c > 1)
        own = {zone.users.get(role)}
        shared = [t for t in shared if not own & {f.uscc for f in zone.firms.values() if f.trade == t}]
        k = int(ref["shared"])
        if k > len(shared):
            raise LabelError(f"the zone has {len(shared)} shared trade names, the label asks for #{k}")
        return [f for f in zone.firms.values() if f.trade == shared[k - 1]]
    if "pos" in ref:
        year = answered_year(ref.get("year", "latest"), zone=zone, today=date(zone.latest + 1, 1, 1))
        order = zone.ranking(year=year, stage=ref.get("stage"), category=ref.get("category"),
                             industry=ref.get("industry"))
        start = int(ref["pos"]) - 1
        if start >= len(order):
            raise LabelError(f"{ref} is past the end of a ranking of {len(order)}")
        if ref.get("exact") or not used:
            return [zone.firms[order[start]]]
        own = zone.users.get(role)
        for uscc in order[start : start + 30]:  # rank refs always prefer a firm named unambiguously
            firm = zone.firms[uscc]
            if uscc != own and all(unambiguous(firm, f, zone) for f in used):
                return [firm]
        raise LabelError(f"no firm with unambiguous {forms} near {ref}")
    raise LabelError(f"bad firm reference {ref!r}")


def _checked(firm: Firm, forms: Sequence[str], zone: ZoneView) -> Firm:
    bad = [f for f in forms if not unambiguous(firm, f, zone)]
    if bad:
        raise LabelError(f"{firm.name}: the mentions {bad} are ambiguous in the zone")
    return firm


# Characters outside the demo's trade-name pool: a made-up trade name no demo firm has.
_TWIN_CHARS = "鲸帆翎桐棠柯杉麓溪岚澜砚珂璞瑜瀚朔烁珑苇"


def made_up_trades(zone: ZoneView) -> Iterator[str]:
    """Two-character trade names that neither name nor sound like a firm of the zone."""
    for a in _TWIN_CHARS:
        for b in _TWIN_CHARS:
            trade = a + b
            if a != b and not zone.holders(trade) and not zone.trade_pinyins().get(pinyin(trade)):
                yield trade


__all__ = [
    "FORMS", "TYPOS", "Firm", "LabelError", "ZoneView", "absent_firm", "answered_year", "chinese_year",
    "load_zone", "made_up_trades", "pinyin", "resolve_firm", "traditional", "typo", "unambiguous", "year_of",
]
