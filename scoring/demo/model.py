"""The latent firms behind the demo zone: industry, stage path, age, revenue (万元) and staff.

Arrays are shaped ``(years, firms)`` so that one year's column is contiguous.

How the stage shares are kept: every firm gets a *planned* stage per year, and its age, revenue
and staff are then drawn inside that stage's region of the v1.0 stage table (first match wins)::

    mature       age >= 10 and revenue >= 20000
    development  revenue >= 5000 or (age >= 8 and revenue >= 3000 and staff >= 100)
    growth       age >= 3 and revenue >= 1000
    startup      otherwise

The first year's plan has the seed zone's exact counts (55/16/22/7 %). Each later year about 0.8 %
of the zone crosses each stage boundary upwards and slightly fewer cross it downwards (firms do
shrink), so the shares drift by about 0.15 point a year — well inside ±1 point over the demo years.
A revenue trajectory (a random walk in log space) that leaves its planned region is shifted as a
whole into it, and a random way further so that firms do not pile up on a boundary; boundaries
are kept 0.2 % away so that rounding to 0.01 万元 can never cross one. About 8 % of development
firms qualify by the second clause (aged, 3000–5000 万元, at least 100 staff), and growth firms
that could meet that clause keep under 100 staff.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

STAGES = ("startup", "growth", "development", "mature")
STAGE_SHARES = (0.55, 0.16, 0.22, 0.07)
STARTUP, GROWTH, DEVELOPMENT, MATURE = range(4)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_UP_RATE = 0.008  # share of the zone crossing each boundary upwards per year
_DRIFT = 0.0015  # how many fewer cross it downwards, as a share of the zone
_CLAUSE_SHARE = 0.08  # development firms that qualify by age, revenue 3000–5000 and staff
_MARGIN = 0.002  # relative distance kept from every stage boundary


class Industry(NamedTuple):
    """One of the zone's industries and the parameters its firms are drawn with."""

    name: str
    share: float  # share of the zone's firms
    codes: tuple[str, ...]  # GB/T 4754-2017 classes
    rd_intensity: float  # median R&D expense / revenue
    revenue_per_staff: float  # relative to the zone (万元 per employee)
    patents: float  # propensity to patent, relative to the zone
    software: float  # propensity to register software copyrights


INDUSTRIES: tuple[Industry, ...] = (
    Industry("智能装备", 0.20, ("C3491", "C3421", "C3499", "C3493"), 0.050, 1.0, 1.1, 0.8),
    Industry("新材料", 0.14, ("C2651", "C2669", "C3091", "C3985"), 0.045, 1.3, 1.1, 0.1),
    Industry("电子信息", 0.13, ("C3973", "C3976", "C3982", "C3983"), 0.065, 1.0, 1.2, 1.5),
    Industry("软件", 0.11, ("I6513", "I6511", "I6531"), 0.110, 0.6, 0.3, 5.0),
    Industry("光伏", 0.09, ("C3825", "C3985", "D4416"), 0.045, 1.6, 1.2, 0.3),
    Industry("新能源汽车零部件", 0.09, ("C3670", "C3841", "C3812"), 0.040, 1.3, 1.0, 0.3),
    Industry("生物医药", 0.07, ("C2710", "C2720", "C2761", "M7340"), 0.110, 1.1, 1.2, 0.1),
    Industry("节能环保", 0.07, ("C3591", "N7721", "M7514"), 0.045, 0.9, 0.8, 0.4),
    Industry("医疗器械", 0.05, ("C3581", "C3584", "C3586"), 0.070, 0.9, 1.0, 0.5),
    Industry("轨道交通", 0.05, ("C3714", "C3715", "C3716"), 0.045, 1.2, 1.0, 0.5),
)
# Industries lean by stage: software and biomedicine start-ups are many, big firms are makers.
_STAGE_TILT = {
    "软件": (1.3, 1.0, 0.7, 0.4),
    "生物医药": (1.3, 0.9, 0.7, 0.6),
    "光伏": (0.8, 1.0, 1.2, 1.8),
    "新能源汽车零部件": (0.8, 1.0, 1.3, 1.5),
    "轨道交通": (0.8, 1.0, 1.2, 1.6),
}


@dataclass(frozen=True)
class Firms:
    """Latent state of every demo firm; ``(years, firms)`` arrays unless noted."""

    years: tuple[int, ...]
    stage: np.ndarray[tuple[int, int], np.dtype[np.int8]]  # planned stage = the stage the v1.0 table gives
    industry: Ints  # (firms,) index into INDUSTRIES
    age: Ints  # completed years at the end of the data year
    revenue: Floats  # 万元, 0.01 precision; 0 for a few pre-revenue start-ups
    scale: Floats  # size of the business (万元), what costs, R&D and staff follow
    staff: Ints
    inno: Floats  # (firms,) standard-normal innovativeness shared by R&D, IP and certificates

    @property
    def n(self) -> int:
        """Number of firms."""
        return int(self.industry.shape[0])


def child_rng(seed: int, key: str) -> np.random.Generator:
    """A generator for one concern: stable across runs and unaffected by other fields' draws."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def stage_counts(n: int) -> npt.NDArray[np.int64]:
    """Firms per stage for the seed zone's shares, by largest remainder."""
    exact = np.array(STAGE_SHARES) * n
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def simulate_firms(n: int, *, seed: int, years: tuple[int, ...]) -> Firms:
    """Draw ``n`` firms whose stage in every year follows the plan (see the module docstring)."""
    if n < 1 or not years or any(b <= a for a, b in pairwise(years)):
        raise ValueError(f"需要至少1家企业和严格递增的年份：n={n}, years={years}")
    rng = child_rng(seed, "firms")
    stage0 = rng.permutation(np.repeat(np.arange(4), stage_counts(n)))
    industry = _industries(stage0, rng)
    age0 = _first_year_ages(stage0, rng)
    clause = _clause_firms(stage0, age0, rng)
    age = age0[None, :] + (np.asarray(years) - years[0])[:, None]
    stage = _stage_paths(stage0, age, clause, rng)
    revenue = _revenue(stage, age, clause, rng)
    scale = revenue.copy()
    # A few of the youngest start-ups have not sold anything yet (but do spend on R&D).
    revenue[(stage == STARTUP) & (age <= 1) & (rng.random(revenue.shape) < 0.05)] = 0.0
    staff = _staff(stage, age, scale, revenue, clause, industry, rng)
    inno = rng.standard_normal(n)
    return Firms(years, stage.astype(np.int8), industry, age, revenue, scale, staff, inno)


def _industries(stage0: Ints, rng: np.random.Generator) -> Ints:
    shares = np.array([ind.share for ind in INDUSTRIES])
    tilt = np.array([_STAGE_TILT.get(ind.name, (1.0,) * 4) for ind in INDUSTRIES])  # (ind, stage)
    out = np.empty(stage0.shape[0], dtype=np.int64)
    for s in range(4):
        idx = np.flatnonzero(stage0 == s)
        p = shares * tilt[:, s]
        out[idx] = rng.choice(len(INDUSTRIES), size=idx.size, p=p / p.sum())
    return out


def _first_year_ages(stage0: Ints, rng: np.random.Generator) -> Ints:
    n = stage0.shape[0]
    startup = rng.choice(11, size=n, p=np.array([12, 16, 16, 14, 11, 9, 7, 5, 4, 3, 3]) / 100)
    growth = 3 + rng.poisson(4.5, n)
    development = np.where(rng.random(n) < 0.05, rng.integers(1, 3, n), 3 + rng.poisson(8.0, n))
    mature = 10 + rng.poisson(9.0, n)
    return np.choose(stage0, [startup, growth, development, mature]).astype(np.int64)


def _clause_firms(stage0: Ints, age0: Ints, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    candidates = np.flatnonzero((stage0 == DEVELOPMENT) & (age0 >= 8))
    k = min(candidates.size, round(_CLAUSE_SHARE * int((stage0 == DEVELOPMENT).sum())))
    clause = np.zeros(stage0.shape[0], dtype=bool)
    clause[rng.choice(candidates, size=k, replace=False)] = True
    return clause


def _stage_paths(
    stage0: Ints, age: Ints, clause: npt.NDArray[np.bool_], rng: np.random.Generator
) -> Ints:
    n_years, n = age.shape
    stage = np.repeat(stage0[None, :], n_years, axis=0)
    moved = clause.copy()  # clause firms stay put; every other firm moves at most once
    up = round(_UP_RATE * n)
    down = max(up - round(_DRIFT * n), 0)
    for t in range(1, n_years):
        for lower in (STARTUP, GROWTH, DEVELOPMENT):
            # Growth needs age 3 and maturity age 10 in the year the firm arrives.
            min_age_up = {STARTUP: 3, GROWTH: 0, DEVELOPMENT: 10}[lower]
            min_age_down = {STARTUP: 0, GROWTH: 3, DEVELOPMENT: 0}[lower]
            for src, dst, k, min_age in (
                (lower, lower + 1, up, min_age_up),
                (lower + 1, lower, down, min_age_down),
            ):
                pool = np.flatnonzero((stage[t - 1] == src) & ~moved & (age[t] >= min_age))
                chosen = rng.choice(pool, size=min(k, pool.size), replace=False)
                stage[t:, chosen] = dst
                moved[chosen] = True
    return stage


def _bands(stage: Ints, age: Ints, clause: npt.NDArray[np.bool_]) -> tuple[Floats, Floats]:
    """Lower and upper revenue bounds that put each firm-year in its planned stage."""
    lo = np.choose(stage, [0.5, 1000.0, 5000.0, 20000.0]).astype(float)
    hi = np.choose(stage, [1000.0, 5000.0, np.inf, np.inf]).astype(float)
    hi[(stage == STARTUP) & (age < 3)] = 5000.0  # young firms stay start-ups below 5000
    hi[(stage == DEVELOPMENT) & (age >= 10)] = 20000.0  # else they would be mature
    dev_clause = (stage == DEVELOPMENT) & clause[None, :]
    lo[dev_clause], hi[dev_clause] = 3000.0, 5000.0
    return lo * (1 + _MARGIN), hi * (1 - _MARGIN)


def _revenue(
    stage: Ints, age: Ints, clause: npt.NDArray[np.bool_], rng: np.random.Generator
) -> Floats:
    n_years, n = stage.shape
    s0 = stage[0]
    start = np.choose(
        s0,
        [
            np.exp(rng.normal(np.log(np.where(age[0] <= 1, 90.0, 320.0)), 0.8)),
            np.exp(rng.uniform(np.log(1000), np.log(5000), n)),
            np.exp(rng.normal(np.log(9000), 0.45, n)),
            np.exp(rng.normal(np.log(45000), 0.75, n)),
        ],
    )
    start = np.where(clause, rng.uniform(3000, 5000, n), start)
    mean_growth = np.choose(s0, [0.25, 0.15, 0.10, 0.06])
    spread = np.choose(s0, [0.30, 0.14, 0.12, 0.10])
    growth = np.clip(rng.normal(mean_growth, spread, (n_years, n)), -0.35, 1.5)
    growth[0] = 0.0
    changed = np.vstack([np.zeros((1, n), bool), stage[1:] != stage[:-1]])
    went_up = changed & (stage > np.vstack([stage[:1], stage[:-1]]))
    growth[went_up] = rng.uniform(0.15, 0.45, int(went_up.sum()))
    went_down = changed & ~went_up
    growth[went_down] = rng.uniform(-0.35, -0.12, int(went_down.sum()))
    log_rev = np.log(start)[None, :] + np.cumsum(np.log1p(growth), axis=0)
    lo, hi = _bands(stage, age, clause)
    # Shift a trajectory that leaves its planned bands as a whole, into them and a random way
    # further (up to a factor 2), so that shifted firms do not pile up on a stage boundary.
    shift_lo = (np.log(lo) - log_rev).max(axis=0)
    shift_hi = (np.log(hi) - log_rev).min(axis=0)
    room = np.minimum(shift_hi - shift_lo, np.log(2.0)) * rng.random(n)
    shift = np.select(
        [shift_lo > shift_hi, shift_lo > 0, shift_hi < 0],
        [0.0, shift_lo + room, shift_hi - room],
        0.0,
    )
    revenue = np.clip(np.exp(log_rev + shift[None, :]), lo, hi)
    return np.round(revenue, 2)


def _staff(
    stage: Ints,
    age: Ints,
    scale: Floats,
    revenue: Floats,
    clause: npt.NDArray[np.bool_],
    industry: Ints,
    rng: np.random.Generator,
) -> Ints:
    n: int = stage.shape[1]
    per_staff = (
        np.choose(stage[0], [35.0, 55.0, 85.0, 120.0])
        * np.array([ind.revenue_per_staff for ind in INDUSTRIES])[industry]
        * np.exp(rng.normal(0.0, 0.35, n))
    )
    floor = 2 + rng.poisson(np.choose(stage[0], [3.0, 10.0, 25.0, 80.0]))
    first = np.maximum(scale[0] / per_staff, floor)
    follow = (scale / scale[:1]) ** 0.6 * np.exp(rng.normal(0.0, 0.04, scale.shape))
    staff = np.maximum(np.rint(first[None, :] * follow), 1).astype(np.int64)
    # Growth firms that could meet the development clause stay below its 100 staff.
    capped = (stage == GROWTH) & (age >= 8) & (revenue >= 3000)
    staff[capped] = np.minimum(staff[capped], 99)
    clause_years = (stage == DEVELOPMENT) & clause[None, :]
    staff = np.where(clause_years, np.maximum(staff, 100 + rng.poisson(30, n)[None, :]), staff)
    return staff
