"""Models of the zone's own raw fields (``data/fields/zone.yaml``) that need more than their type.

Text categories as the indicator files read them (纳税信用等级 A/B/M/C/D; the listing board and the
incubator level, where no value means no record on the list), and amounts that must stay inside
others: basic research within R&D, new-product and export revenue within revenue, R&D equipment
following R&D spending, training spending following the headcount. A field not modelled here or
in ``scoring.demo.fields`` is generated from its type by ``scoring.demo.generic``.

Certificates, platforms, management systems, projects, honours, talent and funding (``PREVALENCE``,
``LEVELS``, ``FUNDING``) each have their own model, and so their own generator. The demo zone is a
national high-tech zone that has run the points programme for years, so its firms hold what the
programme rewards: the share of holders is set per stage and rises from start-ups to mature firms
(e.g. ISO 9001 90/97/97/97 %, 知识产权管理体系 76/93/97/97 %, 研发准备金制度 92/97/97/97 %,
provincial engineering centres 14/58/90/97 %, in-progress provincial projects 60/88/97/97 %,
national platforms 1/7/28/60 %, national S&T awards 0/0.5/3/12 %), with industry multipliers (ISO
27001 and CMMI mainly for software, CNAS for biomedicine and materials, ISO 14001/45001 and green
factories for makers …). Holders are the firms whose score is highest in their stage: the score
loads on the latent innovation capability (``_capability``: innovativeness, R&D intensity and size)
and the size within the stage (``_size``), plus a little noise of the firm's own and a yearly
wobble, so records cluster in the same capable firms (a firm with an engineering centre usually has
its ISO certificates, projects and patents too), the weakest firms of each stage hold little, and
holders change little from year to year. Counts add a geometric number beyond the first record
(stocks per firm, flows such as 当年/在研 per year); talent counts stay within the staff and new
master hires within the masters. The evaluations' summary flags agree with the zone's detail
(``_agreements``): 省部级以上研发机构 = a provincial or national platform, 主导制定标准 = a led
international, national or industry standard, 参与编制标准 = that or a participation, and listed
firms are not on the listing reserve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import numpy.typing as npt

from scoring.demo.fields import (
    Columns,
    Done,
    Model,
    normal_cdf,
    per_stage,
    prevalence_cuts,
    prevalence_flag,
)
from scoring.demo.model import INDUSTRIES, Firms, Floats

Quad = tuple[float, float, float, float]
_EXCHANGES = ("主板", "科创板", "创业板", "北交所", "境外")
_SOFTWARE = {"软件": 3.0, "电子信息": 1.5, "生物医药": 0.5, "新材料": 0.3}
_MANUFACTURING = {"软件": 0.4, "生物医药": 0.8, "电子信息": 0.9}
# Software-process certificates (CMMI, ISO 27001): shares are the software firms'; electronics
# firms hold them half as often, the other industries (embedded software, IT departments) rarely.
_IT = {ind.name: 0.15 for ind in INDUSTRIES} | {"软件": 1.0, "电子信息": 0.5, "智能装备": 0.25}


@dataclass(frozen=True)
class Prevalence:
    """Who holds a certificate, system or record, and how many (counts) a holder has."""

    shares: Quad  # share of holders per stage (startup, growth, development, mature)
    industry: Mapping[str, float] = field(default_factory=dict)  # multipliers on the shares
    weight: float = 0.9  # loading of the holder score on the latent capability
    size: float = 0.45  # loading on the firm's size within its stage
    churn: float = 0.15  # yearly noise of the score: how much holders change between years
    extra: Quad | None = None  # counts: mean number beyond the first, per stage
    flow: bool = False  # counts: drawn afresh every year (当年, 在研) rather than a held stock
    within: str | None = None  # counts: never above this field (talent within the staff …)


@dataclass(frozen=True)
class Levels:
    """A graded record (CMMI, digital maturity): holders as ``Prevalence``, then a level."""

    holders: Prevalence
    levels: tuple[int, ...]
    chances: tuple[tuple[float, ...], ...]  # per stage, the chance of each level


@dataclass(frozen=True)
class Funding:
    """A financing or funding amount (万元): holders as ``Prevalence``, then the amount: lognormal
    around a median per stage, or, for a programme with a per-firm quota, most of the quota."""

    holders: Prevalence
    median: Quad = (0.0, 0.0, 0.0, 0.0)  # median amount of a holder per stage
    spread: float = 0.8  # firm-level lognormal spread
    elasticity: float = 0.0  # how the amount grows with size within the stage (_size loading)
    quota: float | None = None  # a programme's per-firm ceiling (innovation vouchers …)


P = Prevalence
_STAFF = "staff_total"  # talent counts stay within the staff
# Each entry: shares of holders for (startup, growth, development, mature), then the options.
PREVALENCE: dict[str, Prevalence] = {
    # Talent (人, within the staff): provincial programmes (双创人才) are common, national rare.
    "national_talents": P((0.1, 0.22, 0.4, 0.6), extra=(0.1, 0.3, 0.6, 1.2), within=_STAFF),
    "provincial_talents": P((0.55, 0.75, 0.85, 0.95), extra=(0.3, 0.6, 1.0, 2.0), within=_STAFF),
    "overseas_talents": P((0.35, 0.62, 0.82, 0.95), extra=(0.6, 1.2, 2.5, 6.0), within=_STAFF),
    "new_master_hires": P(
        (0.55, 0.85, 0.95, 0.97),
        churn=0.5,
        flow=True,
        extra=(1.0, 2.5, 5.0, 15.0),
        within="staff_master_plus",
    ),
    # Intellectual property beyond patents.
    "trademarks_valid": P(
        (0.93, 0.97, 0.97, 0.97), weight=0.5, size=0.4, extra=(2.0, 3.5, 8.0, 20.0)
    ),
    "foreign_patents_granted": P((0.04, 0.2, 0.42, 0.75), extra=(0.5, 1.0, 2.0, 5.0)),
    "patent_transfers": P(
        (0.2, 0.38, 0.55, 0.72), churn=0.6, flow=True, extra=(0.3, 0.5, 1.0, 2.0)
    ),
    "patent_awards": P((0.015, 0.08, 0.2, 0.45), extra=(0.0, 0.1, 0.2, 0.5)),
    "data_ip_registrations": P((0.06, 0.14, 0.24, 0.45), _SOFTWARE, extra=(0.2,) * 4),
    # Research platforms (研发机构): provincial centres in most development and mature firms.
    "national_rd_platforms": P((0.008, 0.07, 0.28, 0.6), size=0.4, extra=(0.0, 0.1, 0.3, 0.6)),
    "provincial_eng_center": P((0.14, 0.58, 0.9, 0.97)),
    "provincial_key_lab": P((0.02, 0.11, 0.28, 0.5), {"生物医药": 2.0, "新材料": 1.5}),
    "provincial_tech_center": P((0.04, 0.28, 0.75, 0.97), {"软件": 0.5}, size=0.4),
    "academician_workstation": P((0.015, 0.08, 0.22, 0.5)),
    "postdoc_station": P((0.03, 0.13, 0.4, 0.75)),
    "municipal_rd_platforms": P((0.5, 0.88, 0.97, 0.97), extra=(0.2, 0.4, 0.8, 1.5)),
    "innovative_enterprise": P((0.07, 0.35, 0.65, 0.9)),
    "joint_rd_institutes": P((0.4, 0.65, 0.83, 0.95), extra=(0.1, 0.3, 0.5, 1.0)),
    "instrument_sharing": P(
        (0.05, 0.15, 0.35, 0.6), {"生物医药": 1.5, "新材料": 1.5, "医疗器械": 1.3, "软件": 0.3}
    ),
    # Management systems and certifications (认证 from the certification bodies' lists).
    "ipms_certified": P((0.76, 0.93, 0.97, 0.97), weight=0.75),
    "iso9001_certified": P(
        (0.9, 0.97, 0.97, 0.97), {"软件": 0.6, "生物医药": 0.8}, weight=0.6, churn=0.05
    ),
    "iso14001_certified": P(
        (0.5, 0.87, 0.97, 0.97), _MANUFACTURING, weight=0.6, size=0.4, churn=0.05
    ),
    "iso45001_certified": P(
        (0.47, 0.84, 0.96, 0.97), _MANUFACTURING, weight=0.6, size=0.4, churn=0.05
    ),
    "iso27001_certified": P((0.35, 0.6, 0.8, 0.9), _IT, weight=0.6, churn=0.05),
    "itfusion_certified": P(
        (0.1, 0.4, 0.72, 0.9), {"软件": 0.5, "生物医药": 0.5}, weight=0.6, size=0.4, churn=0.05
    ),
    "cnas_accredited": P(
        (0.05, 0.22, 0.5, 0.8),
        {"生物医药": 2.0, "医疗器械": 2.0, "新材料": 1.5, "软件": 0.1},
        size=0.4,
        churn=0.05,
    ),
    "green_certified": P(
        (0.03, 0.15, 0.35, 0.6),
        {"软件": 0.1, "光伏": 1.5, "新能源汽车零部件": 1.3, "节能环保": 1.5, "生物医药": 0.6},
        weight=0.5,
        size=0.5,
    ),
    "ip_demo_enterprise": P((0.06, 0.3, 0.62, 0.9)),
    # Internal systems (self-reported): what the 高新技术企业 review asks of its applicants.
    "rd_reserve_system": P((0.92, 0.97, 0.97, 0.97), weight=0.75),
    "independent_rd_dept": P((0.9, 0.97, 0.97, 0.97), weight=0.75),
    "achievement_reward_system": P((0.92, 0.97, 0.97, 0.97), weight=0.75),
    "equity_incentive": P((0.55, 0.78, 0.87, 0.93), weight=0.75),
    "founder_tech_background": P((0.95, 0.95, 0.92, 0.88), weight=0.8, size=0.0, churn=0.02),
    # Co-operation and projects.
    "univ_coop_projects": P(
        (0.72, 0.93, 0.97, 0.97), churn=0.4, flow=True, extra=(0.6, 1.2, 2.5, 5.0)
    ),
    "industry_alliance": P((0.18, 0.52, 0.82, 0.96)),
    "tech_brokers": P((0.18, 0.47, 0.68, 0.92), extra=(0.3, 0.5, 1.0, 2.0), within=_STAFF),
    "national_sci_projects": P((0.07, 0.26, 0.5, 0.8), churn=0.3, extra=(0.1, 0.3, 0.5, 1.2)),
    "provincial_sci_projects": P((0.6, 0.88, 0.97, 0.97), churn=0.3, extra=(0.3, 0.6, 1.2, 2.0)),
    "intl_coop_projects": P((0.02, 0.1, 0.25, 0.45), extra=(0.0, 0.2, 0.4, 1.0)),
    "overseas_rd_centers": P((0.0, 0.02, 0.08, 0.3), size=0.5, extra=(0.0, 0.0, 0.2, 0.6)),
    # Standards (主导/参与制定), awards and registered results.
    "intl_standards_led": P((0.002, 0.01, 0.04, 0.15), extra=(0.0, 0.0, 0.1, 0.4)),
    "national_standards_led": P((0.03, 0.14, 0.35, 0.6), extra=(0.1, 0.2, 0.4, 1.2)),
    "industry_standards_led": P((0.06, 0.27, 0.52, 0.8), extra=(0.2, 0.3, 0.6, 1.5)),
    "group_standards_led": P((0.29, 0.64, 0.83, 0.96), extra=(0.2, 0.4, 0.8, 2.0)),
    "standards_participated": P((0.35, 0.74, 0.93, 0.97), extra=(0.5, 1.0, 2.0, 6.0)),
    "national_sci_awards": P((0.0, 0.005, 0.03, 0.12)),
    "provincial_sci_awards": P((0.15, 0.4, 0.72, 0.92), extra=(0.0, 0.2, 0.4, 0.8)),
    "hightech_products_certified": P(
        (0.8, 0.96, 0.97, 0.97), weight=0.9, size=0.1, extra=(2.0, 3.0, 4.0, 10.0)
    ),
    "sci_achievements_registered": P(
        (0.45, 0.7, 0.85, 0.95), churn=0.6, flow=True, extra=(0.2, 0.4, 0.8, 2.0)
    ),
    "first_set_products": P(
        (0.02, 0.12, 0.32, 0.6),
        {
            "智能装备": 1.5,
            "轨道交通": 1.5,
            "新材料": 1.3,
            "医疗器械": 0.8,
            "生物医药": 0.2,
            "节能环保": 0.8,
        },
        extra=(0.0, 0.2, 0.4, 1.0),
    ),
    "papers_published": P(
        (0.18, 0.4, 0.58, 0.85),
        {"生物医药": 2.0, "医疗器械": 1.5},
        churn=0.5,
        flow=True,
        extra=(0.3, 0.5, 1.0, 3.0),
    ),
    "tech_conversions": P(
        (0.76, 0.93, 0.97, 0.97), churn=0.4, flow=True, extra=(0.5, 1.0, 2.0, 4.0)
    ),
    # Lists, honours and programmes of the zone's environment.
    "strategic_emerging": P(
        (0.92, 0.95, 0.97, 0.97),
        {"节能环保": 1.1, "新能源汽车零部件": 1.1, "生物医药": 1.1, "光伏": 1.1, "智能装备": 0.9},
        weight=0.5,
        size=0.1,
        churn=0.05,
    ),
    "unicorn_enterprise": P((0.0, 0.003, 0.008, 0.02), weight=0.9),
    "innovative_product_catalog": P((0.08, 0.3, 0.5, 0.7)),
    "innovation_contest_awards": P(
        (0.55, 0.5, 0.3, 0.15), size=0.0, churn=0.3, extra=(0.1, 0.2, 0.2, 0.2)
    ),
    "guidance_fund_invested": P((0.15, 0.18, 0.15, 0.1), weight=0.6, churn=0.05),
    "tech_insurance": P((0.23, 0.47, 0.64, 0.82), weight=0.5, churn=0.3),
    "listing_reserve": P((0.05, 0.3, 0.55, 0.65), size=0.5),  # listed firms are taken off
}
"""Certificates, systems, platforms, projects and honours: who holds them and how many."""

LEVELS: dict[str, Levels] = {
    # CMMI / CSMM maturity levels 2–5 (3 is the usual target, large software firms reach 5).
    "cmmi_level": Levels(
        P((0.2, 0.5, 0.75, 0.9), _IT, churn=0.05),
        (2, 3, 4, 5),
        (
            (0.3, 0.6, 0.05, 0.05),
            (0.2, 0.6, 0.1, 0.1),
            (0.1, 0.55, 0.1, 0.25),
            (0.05, 0.45, 0.1, 0.4),
        ),
    ),
    # 智能制造能力 / 数字化转型成熟度 levels 1–5 (GB/T 39116): most assessed firms at 1–3.
    "digital_maturity_level": Levels(
        P((0.18, 0.53, 0.86, 0.97), {"软件": 0.6, "生物医药": 0.7}, size=0.4, churn=0.05),
        (1, 2, 3, 4, 5),
        (
            (0.6, 0.35, 0.05, 0.0, 0.0),
            (0.45, 0.45, 0.1, 0.0, 0.0),
            (0.25, 0.5, 0.2, 0.05, 0.0),
            (0.1, 0.4, 0.35, 0.13, 0.02),
        ),
    ),
}
"""Graded records: holders, then a level by stage."""

FUNDING: dict[str, Funding] = {
    # Venture rounds are episodic: a firm raises in some years and not in others.
    "equity_financing": Funding(
        P((0.3, 0.4, 0.35, 0.22), weight=0.95, size=0.1, churn=0.5), (500, 1500, 3000, 6000)
    ),
    # 科技贷款 (苏科贷 …) balances follow the business.
    "tech_loans": Funding(
        P((0.66, 0.93, 0.97, 0.97), weight=0.5, churn=0.3),
        (100, 400, 1200, 4000),
        spread=0.6,
        elasticity=0.6,
    ),
    # IP-pledge loans: bank programmes with a ceiling, which most borrowers take in full.
    "ip_pledge_financing": Funding(P((0.12, 0.3, 0.4, 0.4), weight=0.6, churn=0.5), quota=1000.0),
    # Government science funding: many small grants and subsidies, a few large project grants.
    "gov_sci_funding": Funding(P((0.9, 0.97, 0.97, 0.97), churn=0.5), (15, 40, 80, 200)),
    # Innovation vouchers: small, capped by the programme, used mostly by SMEs.
    "innovation_vouchers": Funding(P((0.7, 0.72, 0.58, 0.4), weight=0.5, churn=0.6), quota=30.0),
    # Technology purchase and technical renovation: common in makers, rarer in software.
    "tech_purchase_expense": Funding(
        P((0.5, 0.78, 0.9, 0.96), {"软件": 0.6}, churn=0.5),
        (20, 80, 250, 800),
        spread=1.0,
        elasticity=0.6,
    ),
    "tech_renovation_investment": Funding(
        P((0.5, 0.9, 0.97, 0.97), _MANUFACTURING, weight=0.6, size=0.4, churn=0.4),
        (30, 200, 800, 3000),
        spread=1.0,
        elasticity=0.8,
    ),
    # 技术合同登记 (seller side): registered to claim the tax relief, so common among tech firms.
    "tech_contract_turnover": Funding(
        P((0.75, 0.93, 0.97, 0.97), churn=0.4), (50, 200, 500, 1500), spread=1.0
    ),
}
"""Financing and funding amounts: who gets them and how much (万元)."""


def _zone_text(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    capability = done["_capability"]
    # A firm keeps its grade unless its stage changes; the capable are graded A more often.
    u = normal_cdf(-(0.6 * capability + 0.8 * rng.standard_normal(n)))[None, :]
    grade_cum = np.array(
        [
            [0.35, 0.80, 0.95, 0.99],
            [0.55, 0.90, 0.96, 0.99],
            [0.65, 0.93, 0.97, 0.99],
            [0.80, 0.97, 0.99, 1.0],
        ]
    )[f.stage]
    grades = np.array(["A", "B", "M", "C", "D"], dtype=object)
    grade = grades[(u[..., None] >= grade_cum).sum(axis=-1)]
    grade[(f.age <= 1) & (u < 0.7)] = "M"  # newly set-up taxpayers are graded M
    grade[done["credit_blacklist"] == 1] = "D"
    boards = np.array(
        [None, "主板", "科创板", "创业板", "北交所", "境外", "新三板", "区域性股权市场"],
        dtype=object,
    )
    board_p = np.array(
        [
            [0, 0, 0, 0, 0, 0.01, 0.04],
            [0, 0, 0, 0, 0, 0.08, 0.14],
            [0.02, 0.03, 0.03, 0.03, 0.01, 0.18, 0.15],
            [0.14, 0.1, 0.1, 0.03, 0.03, 0.12, 0.05],
        ]
    )
    cum = np.cumsum(board_p, axis=1)[f.stage[0]]
    # The capable and the large list first: a standard-normal score, mapped to a uniform by the
    # logistic approximation of the normal distribution (boards listed in order of prestige).
    score = 0.75 * capability + 0.45 * done["_size"] + 0.48 * rng.standard_normal(n)
    board = boards[_first_below(normal_cdf(-score), cum)]
    levels = np.array(["国家级", "省级", "市级"], dtype=object)
    # Most young start-ups sit in one of the zone's incubators, many growth firms in accelerators.
    admitted = normal_cdf(-(0.8 * capability + 0.6 * rng.standard_normal(n)))[None, :]
    in_incubator = (f.age <= 8) & (admitted < per_stage(f, [0.85, 0.5, 0.15, 0.0]))
    # National incubators take the most promising (about half of the residents), municipal ones
    # the weakest 15 %.
    ranked = normal_cdf(-(0.7 * capability + 0.71 * rng.standard_normal(n)))
    # numpy's stubs do not take None as a branch of where() (an object array's missing value).
    incubator = np.where(in_incubator, levels[np.searchsorted([0.5, 0.85], ranked)][None, :], None)  # type: ignore[call-overload]
    return {
        "tax_credit_grade": grade,
        "listing_board": np.broadcast_to(board, (n_years, n)),
        "incubator_level": incubator,
    }


def _zone_amounts(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    rd = done["rd_expense"]
    capability = done["_capability"]
    yearly = np.exp(rng.normal(0.0, 0.1, (n_years, n)))
    # A stock of about a year of R&D spending, more in the capable firms' laboratories.
    equipment = np.round(rd * (rng.uniform(0.5, 2.0, n) * np.exp(0.3 * capability)) * yearly, 2)
    score = 0.8 * capability + 0.6 * rng.standard_normal(n)
    doing = normal_cdf(-score) < per_stage(f, [0.45, 0.55, 0.7, 0.85])[0]
    basic = np.where(doing, rng.uniform(0.0, 0.12, n), 0.0)  # a small share of R&D, if any
    new_product = np.clip(
        rng.beta(2, 3, n) + 0.2 * done["hte_certified"] + 0.05 * capability, 0.0, 1.0
    )
    export = np.where(rng.random(n) < 0.45, rng.beta(1.5, 4, n), 0.0)
    # Patents, software and land-use rights: about 12 % of a tech firm's assets on average.
    intangible = rng.beta(2.0, 14.0, n) * np.exp(0.25 * capability)
    return {
        "rd_equipment_value": equipment,
        "rd_equipment_new": np.round(equipment * rng.uniform(0.05, 0.3, (n_years, n)), 2),
        "basic_research_expense": np.round(rd * basic, 2),
        "training_expense": np.round(
            f.staff * (rng.uniform(0.05, 0.2, n) * np.exp(0.4 * capability)) * yearly, 2
        ),
        "new_product_revenue": np.round(f.revenue * new_product, 2),
        "export_revenue": np.round(f.revenue * export, 2),
        "intangible_assets": np.round(done["total_assets"] * np.minimum(intangible, 0.6), 2),
    }


def _first_below(u: Floats, cum: Floats) -> npt.NDArray[np.int64]:
    """1 + index of the first cumulative share above ``u``, or 0 where there is none."""
    hit = u[:, None] < cum
    return np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, 0)


def holders(
    spec: Prevalence, f: Firms, rng: np.random.Generator, done: Done
) -> npt.NDArray[np.int8]:
    """1 for the firm-years that hold the record (see the module docstring), as ``int8``."""
    n_years, n = f.stage.shape
    loaded = spec.weight**2 + spec.size**2
    own = np.sqrt(max(1.0 - loaded, 0.0))
    firm = spec.weight * done["_capability"] + spec.size * done["_size"]
    firm = (firm + own * rng.standard_normal(n)).astype(np.float32)
    # The yearly wobble is uniform (cheap at a million firms) with variance churn².
    score = rng.random((n_years, n), dtype=np.float32)
    score -= np.float32(0.5)
    score *= np.float32(spec.churn * np.sqrt(12.0))
    score += firm
    # The score's spread (capability and size are nearly independent) scales the cuts.
    spread = np.sqrt(max(loaded, 1.0) + spec.churn**2)
    cut = (prevalence_cuts(spec.shares, spec.industry) * spread).astype(np.float32)
    return (score > np.take(cut, done["_cell"])).view(np.int8)


def _geometric(rng: np.random.Generator, mean: npt.NDArray[np.floating], shape: tuple[int, ...]) -> Floats:
    """Geometric counts (negative binomial, shape 1) with ``mean``, by inversion of one uniform."""
    u = rng.random(shape, dtype=np.float32)
    mean = np.maximum(mean, np.float32(1e-12))
    return np.floor(np.log1p(-u) / np.log(mean / (1 + mean)))


def _prevalent(
    name: str, spec: Prevalence, f: Firms, rng: np.random.Generator, done: Done
) -> Columns:
    has = holders(spec, f, rng, done)
    if spec.extra is None:
        return {name: has}
    lift = np.exp(0.4 * done["_capability"] - 0.08).astype(np.float32)  # mean 1
    mean = np.take(np.asarray(spec.extra, dtype=np.float32), f.stage) * lift[None, :]
    # A stock keeps its draw (it moves only with the stage), a flow is drawn every year.
    extra = _geometric(rng, mean, f.stage.shape if spec.flow else (f.n,))
    count = (1 + extra).astype(np.int32) * has
    if spec.within is not None:
        count = np.minimum(count, done[spec.within]).astype(np.int32)
    return {name: count}


def _graded(name: str, spec: Levels, f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    has = holders(spec.holders, f, rng, done)
    cum = np.cumsum(np.asarray(spec.chances), axis=1)[f.stage]  # (years, firms, levels)
    u = rng.random(f.n)[None, :, None]  # a firm keeps its level while its stage holds
    index = np.minimum((u >= cum).sum(axis=-1), len(spec.levels) - 1)
    return {name: (has * np.asarray(spec.levels, dtype=np.int32)[index]).astype(np.int32)}


def _funded(name: str, spec: Funding, f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    n_years, n = f.stage.shape
    has = holders(spec.holders, f, rng, done)
    if spec.quota is not None:  # a programme's quota: most users draw most of it
        amount = spec.quota * rng.beta(3.0, 1.2, (n_years, n))
    else:
        firm = np.exp(
            spec.spread * rng.standard_normal(n)
            + 1.0 * done["_capability"]
            + spec.elasticity * done["_size"]
        )
        yearly = np.exp(rng.normal(0.0, 0.15, (n_years, n)))
        amount = np.take(np.asarray(spec.median), f.stage) * firm[None, :] * yearly
    return {name: np.round(has * amount, 2)}


def _research_records(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    """研发项目 in the R&D auxiliary ledger (辅助账), kept by every firm claiming the deduction."""
    n_years, n = f.stage.shape
    per_project = np.exp(np.log(per_stage(f, [7.0, 20.0, 40.0, 80.0])) + rng.normal(0, 0.5, n))
    projects = 1 + _geometric(rng, done["rd_expense"] / per_project, (n_years, n))
    claims = done["rd_super_deduction"] > 0
    return {"rd_projects": (claims * projects).astype(np.int32)}


def _gazelle(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    """瞪羚企业: capable fast growers (a firm-level trait: revenue growth over the demo years),
    mostly growth and development firms."""
    log_rev = np.log(np.maximum(f.revenue, 1.0))
    growth = log_rev[-1] - log_rev[0]  # zero for a single year
    growth = (growth - growth.mean()) / (growth.std() or 1.0)
    firm = 0.7 * done["_capability"] + 0.55 * growth + 0.45 * rng.standard_normal(f.n)
    score = (firm[None, :] + 0.15 * rng.standard_normal(f.stage.shape)) / np.sqrt(1.0225)
    return {"gazelle_enterprise": prevalence_flag(f, score, (0.05, 0.45, 0.4, 0.12))}


def _agreements(f: Firms, rng: np.random.Generator, done: Done) -> Columns:
    """Summary flags (evaluations, lists) that must agree with the zone's detailed records."""
    listed = np.isin(done["listing_board"], _EXCHANGES)
    led = done["intl_standards_led"] + done["national_standards_led"] + done["industry_standards_led"]
    platform = (
        (done["provincial_eng_center"] == 1)
        | (done["provincial_key_lab"] == 1)
        | (done["provincial_tech_center"] == 1)
        | (done["national_rd_platforms"] > 0)
    )
    # 近五年 national awards: those of the last three years and a few older ones.
    older = prevalence_flag(f, rng.standard_normal(f.n)[None, :], [0.0, 0.001, 0.003, 0.01])
    return {
        "listing_reserve": (done["listing_reserve"] * ~listed).astype(np.int8),
        "provincial_rd_institution": platform.view(np.int8),
        "standard_led_5y": (led > 0).view(np.int8),
        "standard_participation": ((led > 0) | (done["standards_participated"] > 0)).view(np.int8),
        "national_st_award_top3": ((done["national_sci_awards"] > 0) | (older == 1)).view(np.int8),
    }


ZONE_MODELS: tuple[tuple[str, Model], ...] = (
    ("zone_text", _zone_text),
    ("zone_amounts", _zone_amounts),
    ("research_records", _research_records),
    ("gazelle", _gazelle),
    *((name, partial(_prevalent, name, spec)) for name, spec in PREVALENCE.items()),
    *((name, partial(_graded, name, spec)) for name, spec in LEVELS.items()),
    *((name, partial(_funded, name, spec)) for name, spec in FUNDING.items()),
    ("agreements", _agreements),
)
"""The zone fields' models, run after ``CORE_MODELS``; each certificate, level and funding field
has its own (and so its own generator, ``child_rng(seed, "model:" + field)``)."""
