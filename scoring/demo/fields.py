"""Models of the demo's core raw fields, each a small function of the latent firms.

Every model returns ``{field: (years, firms) array}`` and may read what earlier models produced;
names starting with ``_`` are intermediate values, not fields. Each model draws from its own
generator (``child_rng(seed, model name)``), so adding or changing one never moves the others.
Invariants kept: domestic R&D ≤ R&D ≤ costs; rd_staff ≤ tech_staff ≤ staff; phd ≤ master+ ≤
bachelor+ ≤ staff; ip_class1 ≥ valid invention patents + IC layouts; ip_class2 = utility + design
+ software copyrights; valid stocks move by grants minus expiries; little giants are 专精特新;
科技型中小企业 only where the SME limits hold (≤500 staff, revenue and assets ≤ 2亿元).

Innovation capability: ``_capability`` (per firm, standard normal within its first-year stage)
combines the firm's innovativeness (``Firms.inno``), its R&D intensity and its size within the
stage; ``_size`` is that size (log business scale) alone. Patents, talent, the 高新技术企业 and
专精特新 lists, and the zone's certificates, platforms and systems (``scoring.demo.zone``) all load
on them, so that they come together in the same firms, as they do in a real zone, and a zone's
leaders stand out from its laggards in every stage. ``_cell`` (stage × industry, per firm-year)
indexes the cuts of ``prevalence_cuts``.

Levels are those of a national high-tech zone that has run the points programme for years:
R&D at 2–15 % of revenue (start-ups highest) and rising about 5 % a year, 高新技术企业 among
about 60/90/95/97 % of start-up/growth/development/mature firms (start-ups need a year, R&D and
IP first), 科技型中小企业 among most SMEs, valid invention patents about 7/20/55/150 on average
(medians 3/12/25/80, growing with each year's grants), and core teams with doctors and masters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.demo.model import INDUSTRIES, STARTUP, Firms, Floats

Array = npt.NDArray[Any]
Columns = dict[str, Array]
Done = Mapping[str, Array]
Model = Callable[[Firms, np.random.Generator, Done], Columns]
_NORMAL = NormalDist()


def per_stage(firms: Firms, values: Sequence[float]) -> Floats:
    """``values[stage]`` for every firm-year."""
    return np.asarray(values, dtype=float)[firms.stage]


def latent_flag(firms: Firms, score: Floats, shares: Sequence[float]) -> Floats:
    """1 where a standard-normal ``score`` is in the top ``shares[stage]`` of its stage, else 0."""
    cut = np.array([_NORMAL.inv_cdf(1 - min(max(p, 1e-9), 1 - 1e-9)) for p in shares])
    return (score > cut[firms.stage]).astype(float)


def prevalence_cuts(shares: Sequence[float], industry: Mapping[str, float] | None = None) -> Floats:
    """Standard-normal cuts, flat by ``stage × len(INDUSTRIES) + industry``, that leave the top
    ``shares[stage] × industry multiplier`` (default 1, at most 97 %) of a cell above them."""
    mult = np.array([(industry or {}).get(ind.name, 1.0) for ind in INDUSTRIES])
    table = np.clip(np.asarray(shares, dtype=float)[:, None] * mult[None, :], 1e-9, 0.97)
    return np.array([_NORMAL.inv_cdf(1 - p) for p in table.ravel()])


def stage_industry(firms: Firms) -> npt.NDArray[np.intp]:
    """``(years, firms)`` index ``stage × len(INDUSTRIES) + industry`` into ``prevalence_cuts``."""
    return firms.stage.astype(np.intp) * len(INDUSTRIES) + firms.industry[None, :]


def prevalence_flag(
    firms: Firms,
    score: Floats,
    shares: Sequence[float],
    industry: Mapping[str, float] | None = None,
) -> npt.NDArray[np.int8]:
    """1 where ``score`` (about standard normal) is in the top ``shares[stage] × industry`` share.

    Like ``latent_flag`` but with industry multipliers (default 1) and a compact ``int8`` result.
    """
    cut = np.take(prevalence_cuts(shares, industry), stage_industry(firms))
    return (score > cut).view(np.int8)


def normal_cdf(score: Floats) -> Floats:
    """Φ(score) by the logistic approximation (within 0.01): a standard-normal score to (0, 1)."""
    return 1.0 / (1.0 + np.exp(-1.702 * score))


def thin(rng: np.random.Generator, parent: Array, share: Array | float) -> Floats:
    """``parent × share`` rounded up or down at random (mean-preserving, never above ``parent``).

    A cheap stand-in for a binomial draw: one uniform per cell, whatever the parent's size.
    """
    parent = np.asarray(parent, dtype=float)
    return np.floor(parent * share + rng.random(parent.shape))


def _by_industry(firms: Firms, attribute: str) -> Floats:
    return np.array([getattr(ind, attribute) for ind in INDUSTRIES])[firms.industry]


def _industry_pick(firms: Firms, table: Mapping[str, float], default: float) -> Floats:
    return np.array([table.get(ind.name, default) for ind in INDUSTRIES])[firms.industry]


def _register(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    choices = (
        [50, 100, 200, 300, 500, 1000],
        [200, 500, 1000, 2000, 3000, 5000],
        [1000, 2000, 3000, 5000, 8000, 10000],
        [5000, 10000, 20000, 30000, 50000, 100000],
    )
    capital = np.choose(f.stage[0], [rng.choice(c, size=n) for c in choices]).astype(float)
    # Companies limited by shares have odd share capital (e.g. 12,345.68 万股 × 1 元).
    odd = (f.stage[0] >= 2) & (rng.random(n) < 0.3)
    capital[odd] = np.round(capital[odd] * rng.uniform(0.8, 1.6, int(odd.sum())), 2)
    industry = np.array([ind.name for ind in INDUSTRIES], dtype=object)[f.industry]
    return {
        "age_years": f.age.astype(float),
        "industry": np.broadcast_to(industry, (n_years, n)),
        "registered_capital": np.broadcast_to(capital, (n_years, n)),
        "resident_enterprise": np.broadcast_to(
            (rng.random(n) >= 0.002).astype(float), (n_years, n)
        ),
        "revenue": f.revenue,
        "staff_total": f.staff.astype(float),
    }


def _finance(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    margin = rng.normal(per_stage(f, [-0.02, 0.08, 0.11, 0.12])[0] + 0.03 * f.inno, 0.08)
    margin = np.clip(margin[None, :] + rng.normal(0.0, 0.03, (n_years, n)), -0.9, 0.35)
    cost = np.round(f.scale * (1 - margin), 2)
    profit = np.round(f.revenue - cost, 2)
    tax = np.round(f.revenue * rng.uniform(0.015, 0.05, n) + np.maximum(profit, 0) * 0.2, 2)
    turnover = np.exp(rng.normal(np.log(per_stage(f, [1.6, 1.1, 1.0, 1.2])[0]), 0.35))
    assets = np.round(
        np.maximum(f.scale * turnover * np.exp(rng.normal(0, 0.05, (n_years, n))), 10.0), 2
    )
    equity = np.clip(rng.beta(5, 4, n) + 0.05 * f.inno, 0.05, 0.95)  # innovators borrow less
    insolvent = (f.stage[0] == STARTUP) & (rng.random(n) < 0.05)  # accumulated losses
    equity[insolvent] = -rng.uniform(0.05, 0.4, int(insolvent.sum()))
    equity = np.minimum(equity[None, :] * np.exp(rng.normal(0, 0.05, (n_years, n))), 0.95)
    net = np.round(assets * equity, 2)
    income = np.round(f.revenue * (1 + rng.uniform(0.0, 0.05, (n_years, n))), 2)
    return {
        "total_cost_expense": cost,
        "profit_total": profit,
        "tax_paid": tax,
        "total_assets": assets,
        "net_assets": net,
        "total_income": income,
    }


def _research(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    firm = (
        _by_industry(f, "rd_intensity")
        * per_stage(f, [2.0, 1.7, 1.6, 1.3])[0]
        * np.exp(0.45 * f.inno + rng.normal(0.0, 0.15, n))
    )
    # Firms in the points programme raise their R&D intensity by about 5 % a year (innovators more).
    trend = (1.05 + 0.03 * np.clip(f.inno, -2, 2))[None, :] ** np.arange(n_years)[:, None]
    noise = np.exp(rng.normal(0, 0.08, (n_years, n)))
    intensity = np.clip(firm[None, :] * trend * noise, 0.02, 0.15)
    intensity[:, (f.stage[0] == STARTUP) & (rng.random(n) < 0.05)] = 0.0  # no R&D at all
    rd = np.minimum(np.round(f.scale * intensity, 2), done["total_cost_expense"])
    domestic = np.where(rng.random(n) < 0.75, 1.0, rng.uniform(0.85, 0.99, n))
    claims = rng.random(n) >= per_stage(f, [0.15, 0.08, 0.05, 0.03])[0]
    # Since 2023 every enterprise deducts an extra 100 % of eligible R&D expense.
    eligible = rng.uniform(0.75, 1.0, n) * claims
    outsourcing = rng.random(n) < normal_cdf(f.inno)  # half of the firms, the innovative more
    external = np.where(outsourcing, np.minimum(rng.beta(1.5, 8, n), 0.25), 0.0)
    return {
        "rd_expense": rd,
        "domestic_rd_expense": np.round(rd * domestic, 2),
        "rd_super_deduction": np.round(rd * eligible, 2),
        "rd_labor_cost": np.round(rd * rng.uniform(0.35, 0.7, n), 2),
        "external_rd_expense": np.round(rd * external, 2),
        "_rd_intensity": intensity,
    }


def _capability(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    """Per-firm latent innovation capability and within-stage size (see the module docstring)."""
    s0 = f.stage[0].astype(np.int64)
    counts = np.maximum(np.bincount(s0, minlength=4), 1)

    def within_stage(x: Floats) -> Floats:  # standardised within the first-year stage
        mean = np.bincount(s0, x, 4) / counts
        var = np.bincount(s0, (x - mean[s0]) ** 2, 4) / counts
        return (x - mean[s0]) / np.sqrt(np.maximum(var, 1e-12))[s0]

    log_rd = np.log(np.maximum(done["_rd_intensity"][0], 0.01))
    size = within_stage(np.log(np.maximum(f.scale[0], 1.0)))
    capability = within_stage(0.7 * f.inno + 0.35 * within_stage(log_rd) + 0.5 * size)
    return {"_capability": capability, "_size": size, "_cell": stage_industry(f)}


def _people(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n = f.n
    staff = f.staff
    capability = done["_capability"]

    def share(table: Mapping[str, float], default: float, spread: float, hi: float) -> Floats:
        base = _industry_pick(f, table, default)
        return np.clip(base * np.exp(rng.normal(0.0, spread, n)), 0.0, hi)

    tech_p = share({"软件": 0.6, "电子信息": 0.4, "生物医药": 0.4, "医疗器械": 0.35}, 0.3, 0.2, 0.9)
    tech_p = np.clip(
        tech_p * per_stage(f, [1.2, 1.0, 0.9, 0.85])[0] * np.exp(0.45 * capability), 0.1, 0.9
    )
    tech = thin(rng, staff, tech_p)
    rd_staff = thin(rng, tech, rng.uniform(0.5, 0.95, n))
    lift = np.exp(0.6 * capability)
    bachelor_p = share(
        {"软件": 0.8, "生物医药": 0.6, "电子信息": 0.5, "医疗器械": 0.45}, 0.35, 0.2, 0.98
    )
    bachelor = thin(rng, staff, np.minimum(bachelor_p * np.exp(0.1 * capability), 0.98))
    master_p = share(
        {"软件": 0.3, "生物医药": 0.35, "电子信息": 0.25, "医疗器械": 0.25}, 0.2, 0.3, 0.9
    )
    master = thin(rng, bachelor, np.minimum(master_p * lift, 0.9))
    phd_p = share({"生物医药": 0.2, "医疗器械": 0.12, "新材料": 0.1}, 0.06, 0.4, 0.8)
    phd = thin(rng, master, np.minimum(phd_p * lift, 0.8))

    # Core teams: the zone's tech firms are often founded or led by doctors and masters.
    def core(weight: float, shares: Sequence[float], extra: float) -> npt.NDArray[np.integer]:
        score = weight * capability + np.sqrt(1 - weight**2) * rng.standard_normal(n)
        return prevalence_flag(f, score[None, :], shares) * (1 + rng.poisson(extra, n))[None, :]

    phd = np.maximum(phd, core(0.8, [0.38, 0.5, 0.62, 0.8], 0.3))
    master = np.maximum(master, phd + core(0.7, [0.5, 0.62, 0.7, 0.8], 1.0))
    bachelor = np.minimum(np.maximum(bachelor, master), staff)
    master = np.minimum(master, bachelor)
    phd = np.minimum(phd, master)
    rd_master = thin(rng, np.minimum(rd_staff, master), 0.85)
    titled_p = share({"软件": 0.2, "生物医药": 0.25}, 0.15, 0.3, 0.6) * np.exp(0.3 * capability)
    titled = thin(rng, staff, np.minimum(titled_p, 0.6))
    return {
        "tech_staff": tech,
        "rd_staff": rd_staff,
        "staff_bachelor_plus": bachelor,
        "staff_master_plus": master,
        "staff_phd": phd,
        "rd_staff_master_plus": rd_master,
        "titled_staff": titled,
    }


def _stock(
    rng: np.random.Generator, mean: Floats, n_years: int, *, rate: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Year-end stock and the year's grants: stock = last stock − expiries (3 %) + grants."""
    grants = rng.poisson(np.broadcast_to(mean * rate, (n_years, mean.size)))
    stock = np.empty_like(grants)
    stock[0] = rng.poisson(mean) + grants[0]
    for t in range(1, n_years):
        stock[t] = stock[t - 1] - thin(rng, stock[t - 1], 0.03).astype(np.int64) + grants[t]
    return stock, grants


def _intellectual_property(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    s0 = f.stage[0]
    propensity = (
        np.exp(0.9 * done["_capability"] + rng.normal(0.0, 0.4, n))
        * rng.gamma(2.0, 1 / 2.0, n)
        * np.minimum(1.0, (f.age[0] + 1) / 4)
    )  # young firms hold little yet
    patents = _by_industry(f, "patents") * propensity

    def base(values: Sequence[float]) -> Floats:
        return np.asarray(values, dtype=float)[s0]

    electronics = _industry_pick(f, {"电子信息": 3.0}, 0.05)
    invention, granted = _stock(rng, base([2.5, 7, 16, 50]) * patents, n_years, rate=0.45)
    utility, _ = _stock(
        rng,
        base([4, 10, 20, 45])
        * patents
        * _industry_pick(f, {"软件": 0.2, "生物医药": 0.3, "智能装备": 1.5, "医疗器械": 1.3}, 1.0),
        n_years,
        rate=0.25,
    )
    design, _ = _stock(
        rng,
        base([0.3, 0.8, 1.5, 4])
        * propensity
        * _industry_pick(f, {"医疗器械": 2.0, "软件": 0.1}, 0.7),
        n_years,
        rate=0.2,
    )
    software, _ = _stock(
        rng,
        base([3, 6, 10, 20]) * propensity * np.maximum(_by_industry(f, "software"), 0.4),
        n_years,
        rate=0.3,
    )
    layouts, _ = _stock(rng, base([0.1, 0.5, 1, 2]) * propensity * electronics, n_years, rate=0.2)
    pct = rng.poisson(per_stage(f, [0.15, 0.4, 1.2, 5.0]) * patents[None, :])
    applications = granted + rng.poisson(granted + base([0.6, 1.5, 4, 10]) * patents * 0.6)
    held = (invention + utility + design + software + layouts) > 0
    return {
        "invention_patents_valid": invention,
        "utility_patents_valid": utility,
        "design_patents_valid": design,
        "software_copyrights": software,
        "pct_applications": pct,
        "ic_layout_designs": layouts,
        "invention_patents_granted": granted,
        "invention_patent_applications": applications,
        "ip_class1": invention + layouts,
        "ip_class2": utility + design + software,
        "core_ip_owned": (held & (rng.random(n) < 0.97)).astype(float),
        "ip_self_developed": (held & (rng.random(n) < 0.93)).astype(float),
    }


def _certificates(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    rd = done["_rd_intensity"]
    merit = done["_capability"]

    def score(weight: float) -> Floats:
        firm = weight * merit + np.sqrt(1 - weight**2) * rng.standard_normal(n)
        return firm[None, :] + rng.normal(0.0, 0.15, (n_years, n))

    has_ip = (done["ip_class1"] + done["ip_class2"]) > 0
    hte = latent_flag(f, score(0.9), [0.7, 0.9, 0.95, 0.98]) * ((rd > 0) & has_ip & (f.age >= 1))
    sme = (f.staff <= 500) & (f.revenue <= 20000) & (done["total_assets"] <= 20000) & (rd > 0)
    tsme = latent_flag(f, score(0.8) + 0.5 * hte, [0.9, 0.92, 0.8, 0.3]) * sme
    specialized = latent_flag(f, score(0.7), [0.06, 0.3, 0.45, 0.45])
    giant_score = 0.8 * merit + 0.6 * rng.standard_normal(n)
    giant = specialized * (normal_cdf(-giant_score) < per_stage(f, [0.0, 0.1, 0.2, 0.4])[0])
    hightech = np.where(rng.random(n) < 0.25, 0.0, rng.beta(3, 2, n) * 0.9)
    share = np.where(hte == 1, rng.uniform(0.7, 0.98, n)[None, :], hightech[None, :])
    # Review: 高新技术企业 work in a key supported field; so do many firms not (yet) certified.
    key_field = np.maximum(hte, latent_flag(f, score(0.5), [0.3, 0.35, 0.4, 0.45]))
    return {
        "hte_certified": hte,
        "tsme_registered": tsme,
        "specialized_sme": specialized,
        "key_hightech_field": key_field,
        "little_giant": giant,
        "hightech_revenue": np.round(f.revenue * share, 2),
    }


def _credit(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    shape = f.stage.shape
    blacklist = np.zeros(shape)
    blacklist[0] = rng.random(shape[1]) < 0.005
    for t in range(1, shape[0]):  # a listing tends to last
        stays = (blacklist[t - 1] == 1) & (rng.random(shape[1]) < 0.7)
        blacklist[t] = stays | (rng.random(shape[1]) < 0.004)
    abnormal = rng.random(shape) < per_stage(f, [0.03, 0.012, 0.008, 0.005])
    return {
        "serious_incident": (rng.random(shape) < 0.004).astype(float),
        "credit_blacklist": blacklist,
        "abnormal_operation": abnormal.astype(float),
    }


CORE_MODELS: tuple[tuple[str, Model], ...] = (
    ("register", _register),
    ("finance", _finance),
    ("research", _research),
    ("capability", _capability),
    ("people", _people),
    ("ip", _intellectual_property),
    ("certificates", _certificates),
    ("credit", _credit),
)
"""The core fields' models, in the order they run (later ones read earlier ones' output)."""
