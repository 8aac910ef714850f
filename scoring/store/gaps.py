"""Gaps: the raw fields a year's indicator system needs that no source has given an enterprise.

The zone's promise is 避免重复填报: an enterprise is asked only for what no government source
holds. So a gap is a (field, data year) the year's system reads — lagged years included (growth
of revenue reads the year before) — with no active value from any source in the store.

Choices:

- The enterprises are those of the register (the ``enterprise`` table), less any founded after the
  data year in question: a firm founded in 2024 has no 2023 revenue to report.
- Text fields held on a list (listing board, incubator level: sources ``cert`` and ``finance``)
  have no value when the firm is not on the list, so they are a gap only while no batch of their
  source has brought values for that year (the list itself has not arrived).
- A lagged year for which no source has brought anything at all (the year before the programme
  started) is not looked at: nobody can fill it, and listing every firm for it hides real gaps.
- Expert judgements (source ``review``) are never asked of the enterprise: they are reported as
  gaps but left off its self-report form (``scoring.excel.gap_forms``).
- The query reads presence only — (source, year, field, enterprise) of active values — not the
  values: precedence between sources does not matter to whether a value exists.

    >>> report = find_gaps(session=session, year=2024)          # doctest: +SKIP
    >>> report.summary()[0]                                      # doctest: +SKIP
    {'field': 'achievement_reward_system', 'year': 2024, 'name': '建立科技成果转化奖励制度', …, 'missing': 402}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from scoring import store
from scoring.engine.inputs import needed_fields
from scoring.errors import NotFound
from scoring.store.pipeline import system_for_year, zone_systems
from scoring.systems.fields import SYSTEMS_DIR, default_fields
from scoring.systems.schema import SOURCES, FieldDef, IndicatorSystem

__all__ = ["EnterpriseGaps", "Gap", "GapReport", "find_gaps"]

_LIST_SOURCES = frozenset({"cert", "finance"})
NOT_ASKED = frozenset({"review"})  # sources an enterprise cannot report for itself


@dataclass(frozen=True)
class Gap:
    """One missing value: a raw field of one data year."""

    field: str
    year: int
    name: str
    unit: str
    source: str

    @property
    def asked(self) -> bool:
        """Whether the enterprise's self-report form asks for it."""
        return self.source not in NOT_ASKED

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "year": self.year, "name": self.name, "unit": self.unit,
                "source": self.source, "source_name": SOURCES.get(self.source, self.source)}


@dataclass(frozen=True)
class EnterpriseGaps:
    """An enterprise and the values it lacks, scored year first, then earlier years."""

    uscc: str
    name: str
    gaps: tuple[Gap, ...]

    def of_year(self, year: int) -> list[Gap]:
        return [g for g in self.gaps if g.year == year]

    def as_dict(self) -> dict[str, Any]:
        return {"uscc": self.uscc, "name": self.name, "gaps": [g.as_dict() for g in self.gaps]}


@dataclass(frozen=True)
class GapReport:
    """Gaps of every enterprise for one scored year under its indicator system."""

    year: int
    system: str
    needed: dict[str, int]  # field → years back the system reads it
    enterprises: list[EnterpriseGaps] = field(default_factory=list)
    checked: int = 0  # enterprises looked at (those without gaps are not listed)
    years: tuple[int, ...] = ()  # data years looked at (lagged years with no data at all are not)

    def summary(self) -> list[dict[str, Any]]:
        """Per (field, year): how many enterprises lack it, most missed first."""
        counts: dict[tuple[str, int], tuple[Gap, int]] = {}
        for ent in self.enterprises:
            for g in ent.gaps:
                _, n = counts.get((g.field, g.year), (g, 0))
                counts[(g.field, g.year)] = (g, n + 1)
        rows = [{**g.as_dict(), "missing": n} for g, n in counts.values()]
        return sorted(rows, key=lambda r: (-r["missing"], -r["year"], r["field"]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "system": self.system, "years": list(self.years),
            "enterprises_checked": self.checked,
            "enterprises_with_gaps": len(self.enterprises),
            "gaps": sum(len(e.gaps) for e in self.enterprises),
            "summary": self.summary(), "enterprises": [e.as_dict() for e in self.enterprises],
        }


def find_gaps(
    *,
    session: Session,
    year: int,
    usccs: Iterable[str] | None = None,
    system: IndicatorSystem | None = None,
    registry: Mapping[str, FieldDef] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> GapReport:
    """Which needed raw fields each enterprise lacks for ``year`` (the zone's system by default).

    A year for which no source has brought anything is refused (NotFound): listing every field
    of every firm as a gap would hide that the year was never imported. ``on_step`` hears each
    step's Chinese name.
    """
    step = on_step or (lambda _: None)
    fields = default_fields() if registry is None else registry
    if system is None:
        system, _ = system_for_year(year, zone_systems(SYSTEMS_DIR))
    need = needed_fields(system)
    step("读取企业名录")
    firms = _enterprises(session, usccs)
    lags = range(max(need.values(), default=0) + 1)
    only = list(firms.index) if usccs is not None else None
    step("读取已有数据")
    present = _present(session, [year - lag for lag in lags], list(need), only)
    by_source = {(s, y) for s, y, _, _ in present}
    if not any(y == year for _, y in by_source) and not _year_has_data(session, year):
        raise NotFound(f"{year} 年还没有任何已导入的数据，无从查找缺口；请先用 innopoints import 导入该年度的数据来源文件")
    step("逐年比对")
    # A lagged year for which no source has brought anything predates the programme: not a gap.
    years = [year] + [year - lag for lag in lags if lag and any(y == year - lag for _, y in by_source)]
    have: dict[tuple[int, str], set[str]] = {}
    for _, y, name, uscc in present:
        have.setdefault((y, name), set()).add(uscc)
    holes: dict[str, list[Gap]] = {u: [] for u in firms.index}
    order = {n: i for i, n in enumerate(fields)}  # registry order: grouped by source, as declared
    for y in years:
        alive = firms.index[(firms["founded"].isna() | (firms["founded"] <= y)).to_numpy()]
        for name in sorted(need, key=lambda n: order.get(n, len(order))):
            spec = fields[name]
            if year - y > need[name]:
                continue
            if spec.is_text and spec.source in _LIST_SOURCES and (spec.source, y) in by_source:
                continue
            gap = Gap(name, y, spec.name, spec.unit, spec.source)
            for uscc in alive.difference(have.get((y, name), ()), sort=False):
                holes[uscc].append(gap)
    out = [EnterpriseGaps(u, str(firms.at[u, "name"]), tuple(g)) for u, g in holes.items() if g]
    return GapReport(year, system.version, need, out, checked=len(firms), years=tuple(years))


def _present(
    session: Session, years: list[int], fields: list[str], usccs: list[str] | None
) -> list[tuple[str, int, str, str]]:
    """(source, year, field, uscc) of every active value of these years and fields."""
    stmt = (
        select(col(store.RawValue.source), col(store.RawValue.year), col(store.RawValue.field), col(store.RawValue.uscc))
        .join(store.Batch, col(store.Batch.id) == store.RawValue.batch_id)
        .where(
            col(store.RawValue.year).in_(years),
            col(store.RawValue.field).in_(fields),
            store.Batch.status == "active",
            col(store.RawValue.value).is_not(None) | col(store.RawValue.text).is_not(None),
        )
    )
    if usccs is not None:
        stmt = stmt.where(col(store.RawValue.uscc).in_(usccs))
    # Plain tuples through fetchall(): a million SQLAlchemy rows one by one take seconds.
    rows = session.connection().execute(stmt).fetchall()
    return [(r[0], int(r[1]), r[2], r[3]) for r in rows]


def _year_has_data(session: Session, year: int) -> bool:
    """Whether any active batch holds a value of ``year`` (any field, any enterprise)."""
    stmt = (
        select(store.RawValue.id)
        .join(store.Batch, col(store.Batch.id) == store.RawValue.batch_id)
        .where(store.RawValue.year == year, store.Batch.status == "active")
        .limit(1)
    )
    return session.exec(stmt).first() is not None


def _enterprises(session: Session, usccs: Iterable[str] | None) -> pd.DataFrame:
    """Register rows (index USCC): name and founding year."""
    stmt = select(col(store.Enterprise.uscc), col(store.Enterprise.name), col(store.Enterprise.founding_date))
    if usccs is not None:
        wanted = sorted(set(usccs))
        stmt = stmt.where(col(store.Enterprise.uscc).in_(wanted))
        rows = session.exec(stmt).all()
        unknown = sorted(set(wanted) - {r[0] for r in rows})
        if unknown:
            raise NotFound(f"找不到统一社会信用代码为 {'、'.join(unknown)} 的企业")
    else:
        rows = session.exec(stmt.order_by(col(store.Enterprise.uscc))).all()
    founded = [d.year if d is not None else None for _, _, d in rows]
    return pd.DataFrame(
        {"name": [r[1] for r in rows], "founded": pd.array(founded, dtype="Int64")},
        index=pd.Index([r[0] for r in rows], name="uscc"),
    )
